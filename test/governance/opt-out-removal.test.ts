import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FileObjectStore } from '#adapters/file-object-store.js';
import { LocalKeyFileProvider } from '#adapters/local-key-provider.js';
import { optOutSubject, pendingSweeps, withdrawOptOut } from '#core/governance/erase.js';
import {
  addOptOuts,
  OPT_OUT_TABLE_KEY,
  readOptOuts,
  readOptOutTable,
  updateOptOuts,
} from '#core/governance/opt-outs.js';
import { decodeParquet } from '#core/lake/parquet.js';
import type { ObjectStore } from '#core/ports.js';
import { Pseudonymizer } from '#core/redact/pseudonym.js';
import { changeOptOut, runOptOutList } from '../../bin/commands/optout-run.js';
import { cliIn, sampleUserId } from '../fixtures/cli.js';
import { buildFixtureLake } from '../fixtures/lake.js';

async function usersOf(store: ObjectStore, prefix: string): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const o of await store.list(prefix))
    if (o.key.endsWith('.parquet'))
      out.push(...decodeParquet((await store.get(o.key)) as Uint8Array).map((r) => r.user_pseudonym));
  return out;
}

describe('opt-out: physical removal', () => {
  it("removes the subject's rows from every zone, not only from the views, and schedules the sweep", async () => {
    const fx = await buildFixtureLake();
    const subject = 'u-u2';
    for (const [store, prefix] of [
      [fx.stores.events, 'events/'],
      [fx.stores.curated, 'actions/'],
      [fx.stores.curated, 'episodes/'],
    ] as const)
      expect(await usersOf(store, prefix), prefix).toContain(subject);
    const r = await optOutSubject(
      { events: fx.stores.events, quarantine: fx.stores.quarantine, curated: fx.stores.curated },
      subject,
    );
    expect(r.optOutRegistered).toBe(true);
    expect(r.rowsRemoved).toBeGreaterThan(0);
    for (const [store, prefix] of [
      [fx.stores.events, 'events/'],
      [fx.stores.curated, 'actions/'],
      [fx.stores.curated, 'episodes/'],
    ] as const) {
      const users = await usersOf(store, prefix);
      expect(users, prefix).not.toContain(subject);
      expect(users, prefix).toContain('u-u0');
    }
    expect(await readOptOuts(fx.stores.events)).toContain(subject);
    expect(await readOptOutTable(fx.stores.curated)).toContain(subject);
    expect(await pendingSweeps(fx.stores.curated)).toEqual([
      expect.objectContaining({ kind: 'opt-out', dueAt: r.sweepDueAt }),
    ]);
    // Withdrawing the opt-out drops its pending sweep, which would register the subject again.
    expect(await withdrawOptOut(fx.stores, subject)).toMatchObject({ removed: true });
    expect(await pendingSweeps(fx.stores.curated)).toEqual([]);
  });

  it('worktrace optout add removes the subject from the lake, printing counts and the pseudonym only', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wt-optout-rm-'));
    const lake = join(dataDir, 'lake');
    const run = cliIn(dataDir);
    expect(run(['redact', 'samples/sample-events.ndjson', '--out', lake]).status).toBe(0);
    const rawUser = sampleUserId();
    const key = await new LocalKeyFileProvider(join(dataDir, 'keys', 'pseudonym.key')).getKey();
    const p = new Pseudonymizer(key).of('user', rawUser);
    const events = new FileObjectStore(lake);
    expect(await usersOf(events, 'events/')).toContain(p);
    const add = run(['optout', 'add', '--user', rawUser, '--lake-dir', lake]);
    expect(add.status).toBe(0);
    expect(add.stdout).toContain(`added ${p}; the registry lists 1 subjects`);
    expect(add.stdout).toMatch(/their rows: [1-9]\d* removed from [1-9]\d* objects; follow-up sweep due /);
    expect(add.stdout).not.toContain(rawUser);
    expect(await usersOf(events, 'events/')).not.toContain(p);
  });
});

describe('opt-out registry: conditional writes', () => {
  it("keeps a change another writer made to the views' copy between this writer's read and write", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wt-optout-race-'));
    const raw = new FileObjectStore(dir);
    let raced = false;
    // Between our read of the views' copy and our write of it, another `optout add` runs to completion.
    const curated: ObjectStore = {
      name: 'curated',
      get: (k) => raw.get(k),
      list: (p) => raw.list(p),
      delete: (k) => raw.delete(k),
      async put(k, b, o) {
        if (k === OPT_OUT_TABLE_KEY && !raced) {
          raced = true;
          await addOptOuts({ events: raw, curated: raw }, ['p-second']);
        }
        return raw.put(k, b, o);
      },
    };
    await addOptOuts({ events: raw, curated }, ['p-first']);
    expect(raced).toBe(true);
    expect(await readOptOuts(raw)).toEqual(['p-first', 'p-second']);
    expect(await readOptOutTable(raw)).toEqual(['p-first', 'p-second']);
  });

  it('creates the registry with If-None-Match, so two first writers cannot both win', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wt-optout-create-'));
    const raw = new FileObjectStore(dir);
    const seen: unknown[] = [];
    const events: ObjectStore = {
      name: 'events',
      get: (k) => raw.get(k),
      list: (p) => raw.list(p),
      delete: (k) => raw.delete(k),
      put: (k, b, o) => {
        seen.push(o);
        return raw.put(k, b, o);
      },
    };
    await updateOptOuts({ events, curated: raw }, (c) => [...c, 'p1']);
    await updateOptOuts({ events, curated: raw }, (c) => [...c, 'p2']);
    expect(seen).toEqual([
      expect.objectContaining({ ifNoneMatch: '*' }),
      expect.objectContaining({ ifMatch: expect.stringMatching(/^"/) }),
    ]);
  });
});

describe('worktrace optout --aws (through the deployed erase function, which holds the pseudonym key)', () => {
  afterEach(() => vi.restoreAllMocks());
  const base = {
    dataDir: '.worktrace',
    policy: 'config/policy.default.json',
    stage: 'dev',
    aws: true,
  } as const;

  it('add invokes {"action":"opt-out"}; remove {"action":"opt-in"}; list {"action":"list-opt-outs"}', async () => {
    const lambda = mockClient(LambdaClient);
    const answers: Record<string, unknown> = {
      'opt-out': { subject: 'p1', added: true, count: 3, rowsRemoved: 12, objects: 2, sweepDueAt: 'T' },
      'opt-in': { subject: 'p1', removed: true, count: 2 },
      'list-opt-outs': { pseudonyms: ['p2', 'p3'] },
    };
    lambda.on(InvokeCommand).callsFake((input: { Payload: Uint8Array }) => {
      const { action } = JSON.parse(Buffer.from(input.Payload).toString()) as { action: string };
      return { Payload: Buffer.from(JSON.stringify(answers[action])) };
    });
    const opts = { ...base, function: 'erase-fn', user: 'jane.doe@corp.example' };
    expect(await changeOptOut('add', opts)).toEqual({
      pseudonym: 'p1',
      count: 3,
      changed: true,
      removal: { rows: 12, objects: 2, sweepDueAt: 'T' },
    });
    expect(await changeOptOut('remove', opts)).toEqual({ pseudonym: 'p1', count: 2, changed: true });
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    await runOptOutList({ ...base, function: 'erase-fn' });
    expect(log.mock.calls.map((c) => c[0])).toEqual(['p2', 'p3', '(2 subjects)']);
    const payloads = lambda
      .commandCalls(InvokeCommand)
      .map((c) => JSON.parse(Buffer.from(c.args[0].input.Payload as Uint8Array).toString()));
    expect(payloads).toEqual([
      { action: 'opt-out', user: 'jane.doe@corp.example' },
      { action: 'opt-in', user: 'jane.doe@corp.example' },
      { action: 'list-opt-outs' },
    ]);
    expect(lambda.commandCalls(InvokeCommand).every((c) => c.args[0].input.FunctionName === 'erase-fn')).toBe(
      true,
    );
    lambda.restore();
  });

  it('needs the function name', async () => {
    await expect(changeOptOut('add', { ...base, user: 'x' })).rejects.toThrow('--aws needs --function');
  });
});
