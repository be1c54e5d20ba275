import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileObjectStore } from '#adapters/file-object-store.js';
import { pendingSweeps, verifyReceiptChain } from '#core/governance/erase.js';
import { readOptOuts, readOptOutTable } from '#core/governance/opt-outs.js';
import { decodeParquet, encodeParquet, type LakeRow } from '#core/lake/parquet.js';
import { EVENTS_TABLE } from '#core/lake/schema.js';
import type { PseudonymKey } from '#core/ports.js';
import { Pseudonymizer } from '#core/redact/pseudonym.js';
import {
  createEraseHandler,
  EraseRequestError,
  type EraseResponse,
  type OptOutResponse,
  type SweepResponse,
} from '../../../lambdas/erase/app.js';
import { ROW_BASE_TS, SessionScript } from '../../fixtures/event-rows.js';
import { logCapture } from '../../fixtures/log-capture.js';
import { TEST_KEY } from '../../fixtures/redact.js';

const RAW_USER = 'alice.subject@corp.example';
const SUBJECT = new Pseudonymizer(TEST_KEY).of('user', RAW_USER);
const EVENTS_KEY = 'events/dt=2026-11-02/hour=09/shardId-000000000000-1-9.parquet';

/** Zones in temp directories; the events zone holds the subject's session and someone else's. */
async function zones() {
  const root = mkdtempSync(join(tmpdir(), 'wt-erase-app-'));
  const store = (name: string) => new FileObjectStore(join(root, name));
  const stores = {
    events: store('events'),
    quarantine: store('quarantine'),
    curated: store('curated'),
    audit: store('audit'),
  };
  const theirs = new SessionScript('s-subject', ROW_BASE_TS).screen().focus('editor').click(1, 1);
  const others = new SessionScript('s-other', ROW_BASE_TS).screen().focus('mail').click(2, 2);
  // Rows as the redact function writes them under TEST_KEY: stamped with its key version.
  const rows = [
    ...theirs.rows.map((r) => ({ ...r, user_pseudonym: SUBJECT, key_version: TEST_KEY.version })),
    ...others.rows.map((r) => ({ ...r, user_pseudonym: 'u-someone-else', key_version: TEST_KEY.version })),
  ];
  await stores.events.put(EVENTS_KEY, encodeParquet(EVENTS_TABLE.columns, rows as unknown as LakeRow[]));
  return { stores, subjectRows: theirs.rows.length, otherRows: others.rows.length };
}

describe('erase handler over file stores', () => {
  it('erases the subject named by a raw id under its pseudonym, and answers with counts and the receipt', async () => {
    const { stores, subjectRows, otherRows } = await zones();
    const { lines, logger } = logCapture();
    const handler = createEraseHandler({
      stores,
      keyProvider: { getKey: async () => TEST_KEY },
      clock: { now: () => ROW_BASE_TS + 86_400_000 },
      logger,
    });
    const answer = (await handler({ user: RAW_USER })) as EraseResponse;
    expect(answer).toMatchObject({ subject: SUBJECT, rowsRemoved: subjectRows, objects: 1 });
    const left = decodeParquet((await stores.events.get(EVENTS_KEY)) as Uint8Array);
    expect(left).toHaveLength(otherRows);
    expect(left.some((r) => r.user_pseudonym === SUBJECT)).toBe(false);
    expect(await readOptOuts(stores.events)).toContain(SUBJECT);
    expect(await verifyReceiptChain(stores.audit)).toBeNull();
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      message: 'subject erased',
      rowsRemoved: subjectRows,
      receipt: answer.receipt,
    });
    expect(lines.join('\n')).not.toContain(RAW_USER);
  });

  it('refuses anything but {"user": "<raw id>"} without repeating what it was given', async () => {
    const { stores } = await zones();
    const handler = createEraseHandler({
      stores,
      keyProvider: { getKey: async () => TEST_KEY },
      clock: { now: () => Date.now() },
    });
    for (const bad of [{ user: RAW_USER, also: 'x' }, { userId: RAW_USER }, RAW_USER, null]) {
      const failure = await handler(bad).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(EraseRequestError);
      expect(String((failure as Error).message)).not.toContain(RAW_USER);
    }
    expect(decodeParquet((await stores.events.get(EVENTS_KEY)) as Uint8Array).length).toBeGreaterThan(0);
  });
});

describe('erase handler: retired keys, opt-outs and sweeps', () => {
  const RETIRED: PseudonymKey = { key: new Uint8Array(32).fill(3), version: 'retired-v0' };
  const UNDER_RETIRED = new Pseudonymizer(RETIRED).of('user', RAW_USER);
  const deps = (stores: Awaited<ReturnType<typeof zones>>['stores'], now = ROW_BASE_TS + 86_400_000) => ({
    stores,
    keyProvider: { getKey: async () => TEST_KEY },
    retiredKeys: [{ getKey: async () => RETIRED }],
    streamRetentionMs: 3_600_000,
    clock: { now: () => now },
  });

  it('finds the subject under a retired key version too', async () => {
    const { stores, otherRows } = await zones();
    const old = new SessionScript('s-before-rotation', ROW_BASE_TS).screen().click(1, 1);
    const oldKey = 'events/dt=2026-11-01/hour=09/shardId-000000000000-1-9.parquet';
    await stores.events.put(
      oldKey,
      encodeParquet(
        EVENTS_TABLE.columns,
        old.rows.map((r) => ({
          ...r,
          user_pseudonym: UNDER_RETIRED,
          key_version: RETIRED.version,
        })) as unknown as LakeRow[],
      ),
    );
    const answer = (await createEraseHandler(deps(stores))({ user: RAW_USER })) as EraseResponse;
    expect(answer.objects).toBe(2);
    expect(await stores.events.get(oldKey)).toBeUndefined(); // held only the subject: deleted
    expect(decodeParquet((await stores.events.get(EVENTS_KEY)) as Uint8Array)).toHaveLength(otherRows);
    expect(answer.sweepDueAt).toBe(new Date(ROW_BASE_TS + 86_400_000 + 3_600_000).toISOString());
  });

  it('opts a subject out: both registry copies (by pseudonym) and their rows removed, no receipt', async () => {
    const { stores, subjectRows, otherRows } = await zones();
    const { lines, logger } = logCapture();
    const handler = createEraseHandler({ ...deps(stores), logger });
    const answer = (await handler({ action: 'opt-out', user: RAW_USER })) as OptOutResponse;
    expect(answer).toMatchObject({
      subject: SUBJECT,
      added: true,
      count: 1,
      rowsRemoved: subjectRows,
      objects: 1,
    });
    expect(await readOptOuts(stores.events)).toEqual([SUBJECT]);
    expect(await readOptOutTable(stores.curated)).toEqual([SUBJECT]);
    expect(decodeParquet((await stores.events.get(EVENTS_KEY)) as Uint8Array)).toHaveLength(otherRows);
    expect(await stores.audit.list('receipts/')).toEqual([]);
    expect(lines.join('\n')).not.toContain(RAW_USER);
    expect(await handler({ action: 'list-opt-outs' })).toEqual({ pseudonyms: [SUBJECT] });
    expect(await handler({ action: 'opt-in', user: RAW_USER })).toEqual({
      subject: SUBJECT,
      removed: true,
      count: 0,
    });
    expect(await readOptOutTable(stores.curated)).toEqual([]);
  });

  it('runs the follow-up sweeps that are due on {"action": "sweep"} (the schedule)', async () => {
    const { stores } = await zones();
    const t = ROW_BASE_TS + 86_400_000;
    await createEraseHandler(deps(stores, t))({ user: RAW_USER });
    expect(await pendingSweeps(stores.curated)).toHaveLength(1);
    const early = (await createEraseHandler(deps(stores, t + 1000))({ action: 'sweep' })) as SweepResponse;
    expect(early).toEqual({ sweeps: 0, rowsRemoved: 0, receipts: [] });
    const due = (await createEraseHandler(deps(stores, t + 3_600_000))({ action: 'sweep' })) as SweepResponse;
    expect(due).toMatchObject({ sweeps: 1, rowsRemoved: 0 });
    expect(due.receipts).toHaveLength(1);
    expect(await pendingSweeps(stores.curated)).toEqual([]);
    expect(await verifyReceiptChain(stores.audit)).toBeNull();
  });
});
