import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FileObjectStore } from '#adapters/file-object-store.js';
import { decodeParquet } from '#core/lake/parquet.js';
import { backfillWindows, runBackfill } from '#core/sequence/backfill.js';
import {
  CHECKPOINT_PREFIX,
  checkpointKey,
  readWindowCheckpoint,
  sequenceWindow,
  type WindowResult,
} from '#core/sequence/sequencer.js';
import {
  BACKFILL_HOURS,
  BACKFILL_OPTED_OUT,
  objectBytes,
  writeBackfillEvents,
  writeBackfillOptOuts,
} from '../../fixtures/backfill-lake.js';
import { ROW_BASE_TS } from '../../fixtures/event-rows.js';

const HOUR = 3_600_000;
const DAY0 = ROW_BASE_TS - 9 * HOUR; // 2026-11-02T00:00Z
const root = mkdtempSync(join(tmpdir(), 'wt-incremental-windows-'));
const events = new FileObjectStore(join(root, 'events'));
const windows = backfillWindows(
  DAY0 + (BACKFILL_HOURS.first - 1) * HOUR,
  DAY0 + (BACKFILL_HOURS.last + 1) * HOUR,
  15,
);

async function curatedStore(name: string): Promise<FileObjectStore> {
  const store = new FileObjectStore(join(root, name));
  await writeBackfillOptOuts(store);
  return store;
}

/** Every decoded row of a table, as canonical JSON lines, sorted (file placement aside). */
async function tableRows(store: FileObjectStore, prefix: string): Promise<string[]> {
  const rows: string[] = [];
  for (const [, body] of await objectBytes(store, prefix)) {
    for (const row of decodeParquet(Buffer.from(body, 'base64'))) {
      rows.push(JSON.stringify(row, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
    }
  }
  return rows.sort();
}

let lookBack: FileObjectStore;
let incremental: FileObjectStore;
let results: WindowResult[];

beforeAll(async () => {
  await writeBackfillEvents(events);
  lookBack = await curatedStore('curated-look-back');
  for (const w of windows) await sequenceWindow({ eventsStore: events, curatedStore: lookBack, ...w });
  incremental = await curatedStore('curated-incremental');
  results = await runBackfill({ eventsStore: events, curatedStore: incremental, windows });
});

describe('incremental windows over a multi-window lake', () => {
  it('write the same action and episode rows as the look-back read', async () => {
    const episodes = await tableRows(lookBack, 'episodes/');
    expect(episodes.length).toBeGreaterThanOrEqual(4);
    expect(await tableRows(incremental, 'episodes/')).toEqual(episodes);
    expect(await tableRows(incremental, 'actions/')).toEqual(await tableRows(lookBack, 'actions/'));
  });

  it('seed the first window from the look-back, then continue from each checkpoint', () => {
    expect(results.map((r) => r.mode)).toEqual(windows.map(() => 'incremental'));
    expect(results.map((r) => r.seeded)).toEqual(windows.map((_, i) => i === 0));
  });

  it('read only the recent partitions, never the six-hour look-back', () => {
    // One or two hour partitions (the allowance may reach into the previous hour), one file each (two for
    // the redelivered 10:00 hour).
    for (const r of results.slice(1)) expect(r.filesRead).toBeLessThanOrEqual(4);
  });

  it('leave a canonical checkpoint per window beside the watermark, free of the opted-out subject', async () => {
    const last = windows.at(-1) as { from: number };
    expect(checkpointKey(last.from)).toBe(`${CHECKPOINT_PREFIX}2026-11-02T13:45:00.000Z.json`);
    expect(checkpointKey(last.from, 7)).toBe(`${CHECKPOINT_PREFIX}2026-11-02T13:45:00.000Z-shard-07.json`);
    const checkpoints = await objectBytes(incremental, CHECKPOINT_PREFIX);
    expect(checkpoints.size).toBe(windows.length);
    for (const [key, body] of checkpoints) {
      expect(Buffer.from(body, 'base64').includes(BACKFILL_OPTED_OUT), key).toBe(false);
    }
    // Every session has ended (idle) by the last window.
    expect((await readWindowCheckpoint(incremental, last.from))?.state.sessions).toEqual([]);
  });

  it('reprocessing a window overwrites the same objects with the same bytes', async () => {
    const before = await objectBytes(incremental);
    const w = windows[8] as { from: number; to: number };
    const again = await sequenceWindow({
      eventsStore: events,
      curatedStore: incremental,
      ...w,
      mode: 'incremental',
    });
    expect(again.seeded).toBe(false);
    expect(await objectBytes(incremental)).toEqual(before);
  });

  it('after a gap (no checkpoint of the window before) seeds from the look-back again', async () => {
    const curated = await curatedStore('curated-gap');
    const w = windows[10] as { from: number; to: number };
    const r = await sequenceWindow({ eventsStore: events, curatedStore: curated, ...w, mode: 'incremental' });
    expect(r.seeded).toBe(true);
    expect(await readWindowCheckpoint(curated, w.from)).toBeDefined();
  });

  it('a subject who opts out while a session of theirs is live leaves the checkpoint and the outputs', async () => {
    const curated = new FileObjectStore(join(root, 'curated-late-opt-out'));
    const optedOut = (bytes: Map<string, string>) =>
      [...bytes].filter(([, b]) => Buffer.from(b, 'base64').includes(BACKFILL_OPTED_OUT)).map(([k]) => k);
    // Up to the 10:30 window the subject is not registered: their 10:20 session is live in the checkpoint.
    await runBackfill({ eventsStore: events, curatedStore: curated, windows: windows.slice(0, 11) });
    expect(optedOut(await objectBytes(curated, CHECKPOINT_PREFIX))).toEqual([
      checkpointKey(DAY0 + 10.5 * HOUR),
    ]);
    await writeBackfillOptOuts(curated);
    await runBackfill({ eventsStore: events, curatedStore: curated, windows: windows.slice(11) });
    const after = optedOut(await objectBytes(curated));
    expect(after.filter((k) => !k.startsWith('opt_outs/'))).toEqual([checkpointKey(DAY0 + 10.5 * HOUR)]);
  });
});
