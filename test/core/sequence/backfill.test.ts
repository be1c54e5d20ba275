import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FileObjectStore } from '#adapters/file-object-store.js';
import { decodeParquet } from '#core/lake/parquet.js';
import {
  BACKFILL_PLAN_PREFIX,
  backfillPlanKey,
  backfillWindows,
  runBackfill,
} from '#core/sequence/backfill.js';
import { shardJobsJson } from '#core/sequence/runs.js';
import {
  DEFAULT_DECODED_CACHE_ROWS,
  DecodedFileCache,
  sequenceWindow,
  WATERMARK_KEY,
  WindowError,
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
const root = mkdtempSync(join(tmpdir(), 'wt-backfill-'));
const events = new FileObjectStore(join(root, 'events'));
// 08:00 to 14:00 in 15-minute windows: 24 windows, the events in 09:00-13:00 with look-back and look-ahead.
const windows = backfillWindows(
  DAY0 + (BACKFILL_HOURS.first - 1) * HOUR,
  DAY0 + (BACKFILL_HOURS.last + 1) * HOUR,
  15,
);

/** A fresh curated store holding the opt-out registry, as every run starts from. */
async function curatedStore(name: string): Promise<FileObjectStore> {
  const store = new FileObjectStore(join(root, name));
  await writeBackfillOptOuts(store);
  return store;
}

let sequential: Map<string, string>;

beforeAll(async () => {
  await writeBackfillEvents(events);
  // The reference: one window after the other, as the scheduled run and the old backfill did.
  const curated = await curatedStore('curated-sequential');
  const cache = new DecodedFileCache(DEFAULT_DECODED_CACHE_ROWS);
  for (const w of windows) await sequenceWindow({ eventsStore: events, curatedStore: curated, ...w, cache });
  sequential = await objectBytes(curated);
});

describe('backfill plan', () => {
  it('lists every aligned window of the range, oldest first, each inside one UTC day', () => {
    expect(windows).toHaveLength(24);
    expect(windows[0]).toEqual({ from: DAY0 + 8 * HOUR, to: DAY0 + 8 * HOUR + 15 * 60_000 });
    for (const [i, w] of windows.entries()) {
      expect(w.to - w.from).toBe(15 * 60_000);
      if (i > 0) expect(w.from).toBe(windows[i - 1]?.to);
    }
    const days = backfillWindows(DAY0, DAY0 + 2 * 24 * HOUR, 60);
    expect(days).toHaveLength(48);
    expect(days.every((w) => new Date(w.from).getUTCDate() === new Date(w.to - 1).getUTCDate())).toBe(true);
  });

  it('refuses misaligned bounds, an empty range and a size that does not divide a day', () => {
    expect(() => backfillWindows(DAY0 + 60_000, DAY0 + HOUR, 15)).toThrow(WindowError);
    expect(() => backfillWindows(DAY0, DAY0 + HOUR + 60_000, 15)).toThrow(WindowError);
    expect(() => backfillWindows(DAY0, DAY0, 15)).toThrow(WindowError);
    expect(() => backfillWindows(DAY0, DAY0 + HOUR, 7)).toThrow(WindowError);
  });

  it('writes the shard jobs as ISO instants under a deterministic control key', () => {
    const list = JSON.parse(shardJobsJson([{ shard: 3, from: DAY0, to: DAY0 + 24 * HOUR }]));
    expect(list).toEqual([{ shard: 3, from: '2026-11-02T00:00:00.000Z', to: '2026-11-03T00:00:00.000Z' }]);
    expect(backfillPlanKey(DAY0, DAY0 + 24 * HOUR, 15)).toBe(
      `${BACKFILL_PLAN_PREFIX}20261102T000000Z_20261103T000000Z_15.json`,
    );
  });
});

describe('backfill in a worker pool', () => {
  it('the fixture is worth comparing: several windows hold episodes, the opted-out subject none', () => {
    const withEpisodes = [...sequential]
      .filter(([k]) => k.startsWith('episodes/'))
      .filter(([, b]) => decodeParquet(Buffer.from(b, 'base64')).length > 0);
    expect(withEpisodes.length).toBeGreaterThanOrEqual(4);
    for (const [k, b] of sequential) {
      if (k.startsWith('opt_outs/')) continue; // the registry names it, as it must
      expect(Buffer.from(b, 'base64').includes(BACKFILL_OPTED_OUT), k).toBe(false);
    }
  });

  it.each([1, 2, 4, 8, 24])(
    'concurrency %i writes the same curated objects, byte for byte, as the sequential run',
    async (concurrency) => {
      const curated = await curatedStore(`curated-pool-${concurrency}`);
      const finished: number[] = [];
      const results = await runBackfill({
        eventsStore: events,
        curatedStore: curated,
        windows,
        concurrency,
        mode: 'look-back',
        onWindow: (r) => finished.push(r.from),
      });
      expect(results.map((r) => r.from)).toEqual(windows.map((w) => w.from));
      expect(finished.sort()).toEqual(windows.map((w) => w.from).sort());
      const bytes = await objectBytes(curated);
      expect([...bytes.keys()]).toEqual([...sequential.keys()]);
      for (const [key, body] of sequential) expect(bytes.get(key), key).toBe(body);
      expect(bytes.has(WATERMARK_KEY)).toBe(false);
    },
  );
});
