/**
 * Issue 15, observation 3: server-side exclusion must not depend on memory that retries and cold starts
 * lose. Session state is committed only after the batch's write succeeded; text whose session context is
 * unknown is dropped and counted, unless the event carries its own context; the session cap evicts the
 * least recently used session.
 */
import type { KinesisStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { decodeParquet } from '#core/lake/parquet.js';
import type { KeyProvider, ObjectInfo, ObjectStore } from '#core/ports.js';
import { type BatchReport, createRedactHandler } from '../../lambdas/redact/app.js';
import { kinesisEvent, kinesisRecord, makeEvent } from '../fixtures/events.js';
import { TEST_KEY, testPolicy } from '../fixtures/redact.js';

const keyProvider: KeyProvider = { getKey: async () => TEST_KEY };
const policy = testPolicy({ excludedApps: ['keepassxc'] });

/** An in-memory store that can be made to fail its writes. */
class MemoryStore implements ObjectStore {
  readonly objects = new Map<string, Uint8Array>();
  failing = false;
  constructor(readonly name: string) {}
  async put(key: string, body: Uint8Array | string): Promise<void> {
    if (this.failing) throw new Error('store down');
    this.objects.set(key, typeof body === 'string' ? Buffer.from(body) : body);
  }
  async get(key: string) {
    return this.objects.get(key);
  }
  async list(prefix: string): Promise<ObjectInfo[]> {
    return [...this.objects.entries()]
      .filter(([k]) => k.startsWith(prefix))
      .map(([key, b]) => ({ key, size: b.byteLength }));
  }
  async delete(key: string): Promise<void> {
    this.objects.delete(key);
  }
}

/** A fresh "container": a handler with its own session state over shared stores. */
function container(events: MemoryStore, quarantine = new MemoryStore('q')) {
  const reports: BatchReport[] = [];
  const handler = createRedactHandler({
    stores: { events, quarantine },
    keyProvider,
    policy,
    onBatch: (r) => reports.push(r),
  });
  return { handler, reports };
}

/** Every text value written to the events zone. */
function writtenTexts(store: MemoryStore): string[] {
  const out: string[] = [];
  for (const body of store.objects.values())
    for (const row of decodeParquet(body)) if (row.text) out.push(String(row.text));
  return out;
}

/** A Kinesis batch of the events, with fresh sequence numbers. */
function batch(events: object[]): KinesisStreamEvent {
  return kinesisEvent(events.map((e) => kinesisRecord(e)));
}

const vaultFocus = (sessionId = 'sess-0001', seq = 1) =>
  makeEvent('focus', { appId: 'keepassxc', processName: 'keepassxc', sessionId, seq });
const notepadFocus = (sessionId = 'sess-0001', seq = 1) =>
  makeEvent('focus', { appId: 'notepad', processName: 'notepad', sessionId, seq });
const vaultText = (seq: number, sessionId = 'sess-0001') =>
  makeEvent('text', { text: 'vault: bank PIN 8841', seq, sessionId });

describe('session state fails closed (observation 3)', () => {
  it('a new container drops text whose session context it cannot know, and counts it', async () => {
    const events = new MemoryStore('e');
    const first = container(events);
    await first.handler(batch([vaultFocus()]));
    const fresh = container(events);
    const res = await fresh.handler(batch([vaultText(2)]));
    expect(res.batchItemFailures).toEqual([]);
    expect(writtenTexts(events)).toEqual([]);
    expect(fresh.reports[0]?.counts.dropped.unknown_context).toBe(1);
  });

  it('a new container drops printable keys of an old agent whose session context it cannot know', async () => {
    const events = new MemoryStore('e');
    const fresh = container(events);
    await fresh.handler(
      batch([
        makeEvent('key_down', { key: 'x', keyClass: 'char', char: 'x', seq: 2 }),
        makeEvent('key_up', { key: 'x', keyClass: 'char', char: 'x', seq: 3 }),
      ]),
    );
    expect(writtenTexts(events)).toEqual([]);
    expect(fresh.reports[0]?.counts.dropped.unknown_context).toBe(2);
  });

  it('a new container withholds element names, dialog texts and task labels of a session whose focus it cannot know', async () => {
    const events = new MemoryStore('e');
    const first = container(events);
    await first.handler(batch([vaultFocus()]));
    const fresh = container(events);
    await fresh.handler(
      batch([
        makeEvent('ui_element', { role: 'listitem', name: 'Bank login: maria / 8841', seq: 2 }),
        makeEvent('error_dialog', { title: 'Vault locked', text: 'Entry "payroll admin" expired', seq: 3 }),
        makeEvent('task_marker', { label: 'rotate the payroll vault key', taskId: 'maria-vault-1', seq: 4 }),
        makeEvent('mouse_down', { seq: 5 }),
      ]),
    );
    const rows = [...events.objects.values()].flatMap((b) => decodeParquet(b));
    expect(JSON.stringify(rows)).not.toMatch(/Bank login|Vault locked|payroll|maria-vault/);
    // the events keep their structure (a click target's role, a task boundary), not their text
    expect(fresh.reports[0]?.counts).toMatchObject({ written: 4, contentWithheld: 3 });
  });

  it('text that carries its own context is judged on it, even in a new container', async () => {
    const events = new MemoryStore('e');
    const fresh = container(events);
    await fresh.handler(
      batch([
        { ...makeEvent('text', { text: 'meeting notes', seq: 2 }), appId: 'notepad', processName: 'notepad' },
        { ...makeEvent('text', { text: 'vault: bank PIN', seq: 3 }), appId: 'keepassxc', processName: 'kp' },
      ]),
    );
    expect(writtenTexts(events)).toEqual(['meeting notes']);
    expect(fresh.reports[0]?.counts.dropped.excluded_app).toBe(1);
  });

  it('a failed write does not move the session on: its retry sees the state before the batch', async () => {
    const events = new MemoryStore('e');
    const c = container(events);
    await c.handler(batch([vaultFocus()]));
    const b = batch([vaultText(2), notepadFocus('sess-0001', 3), makeEvent('mouse_down', { seq: 4 })]);
    events.failing = true;
    const failed = await c.handler(b);
    expect(failed.batchItemFailures).toHaveLength(1);
    events.failing = false;
    const retried = await c.handler(b);
    expect(retried.batchItemFailures).toEqual([]);
    expect(writtenTexts(events)).toEqual([]);
    expect(c.reports.at(-1)?.counts.dropped.excluded_app).toBe(1);
  });

  it('the session cap evicts the least recently used session, not the oldest inserted', async () => {
    const events = new MemoryStore('e');
    const c = container(events);
    await c.handler(batch([vaultFocus('sess-vault')]));
    // 9,999 more sessions: the container now holds 10,000, the cap.
    const others = Array.from({ length: 9_999 }, (_, i) => notepadFocus(`sess-${i}`, 1));
    await c.handler(batch(others));
    // The vault session is used again, then one new session arrives.
    await c.handler(batch([makeEvent('mouse_down', { sessionId: 'sess-vault', seq: 2 })]));
    await c.handler(batch([notepadFocus('sess-new', 1)]));
    await c.handler(batch([vaultText(3, 'sess-vault')]));
    expect(writtenTexts(events)).toEqual([]);
    expect(c.reports.at(-1)?.counts.dropped.excluded_app).toBe(1);
  }, 120_000);
});
