/**
 * Runs' bookkeeping: checkpoints never outlive their retention (they hold scrubbed content of open sessions),
 * and a late-event entry older than the kept checkpoints is dropped rather than re-sequenced from a seed.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FileObjectStore } from '#adapters/file-object-store.js';
import { listResequence, resequenceKey } from '#core/sequence/late.js';
import { runSequencing } from '#core/sequence/runs.js';
import { CHECKPOINT_PREFIX, checkpointKey, readWatermark, writeWatermark } from '#core/sequence/sequencer.js';
import { writeBackfillEvents, writeBackfillOptOuts } from '../../fixtures/backfill-lake.js';
import { ROW_BASE_TS } from '../../fixtures/event-rows.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const root = mkdtempSync(join(tmpdir(), 'wt-runs-'));
const events = new FileObjectStore(join(root, 'events'));
const START = ROW_BASE_TS - HOUR;

const run = (curated: FileObjectStore, now: number) =>
  runSequencing({
    eventsStore: events,
    curatedStore: curated,
    now,
    windowMinutes: 15,
    lateArrivalMs: 10 * MIN,
    maxWindows: 96,
    shards: 2,
    concurrency: 2,
    checkpointRetentionMs: 2 * HOUR,
  });

beforeAll(async () => {
  await writeBackfillEvents(events);
});

describe('a run’s commit', () => {
  it('deletes the checkpoints of windows the watermark passed more than the retention ago, and only those', async () => {
    const curated = new FileObjectStore(join(root, 'prune'));
    await writeBackfillOptOuts(curated);
    await writeWatermark(curated, START);
    await run(curated, START + 3 * HOUR);
    const first = (await readWatermark(curated)) as number;
    // Each commit deletes what the watermark's move took out of the retention: the first run, windows from
    // START to first − 2 h (it wrote them itself), the second, from first − 2 h to its watermark − 2 h.
    await run(curated, START + 6 * HOUR);
    const watermark = (await readWatermark(curated)) as number;
    expect(watermark).toBeGreaterThan(first);
    const kept = (await curated.list(CHECKPOINT_PREFIX)).map((o) => o.key).sort();
    const expected: string[] = [];
    for (let w = START; w < watermark; w += 15 * MIN) {
      if (w >= watermark - 2 * HOUR) expected.push(checkpointKey(w, 0), checkpointKey(w, 1));
    }
    expect(kept).toEqual(expected.sort());
  });

  it('drops a late-event entry older than the kept checkpoints instead of re-sequencing from a seed', async () => {
    const curated = new FileObjectStore(join(root, 'stale'));
    await writeBackfillOptOuts(curated);
    await writeWatermark(curated, START);
    await run(curated, START + 6 * HOUR);
    const watermark = (await readWatermark(curated)) as number;
    const stale = resequenceKey(START, 1, 'shardId-000000000000-1-2');
    const fresh = resequenceKey(watermark - HOUR, 0, 'shardId-000000000000-3-4');
    await curated.put(stale, '{}');
    await curated.put(fresh, '{}');
    const again = await run(curated, START + 6 * HOUR);
    expect(again.plan.expiredResequence).toEqual([stale]);
    expect(again.plan.jobs).toEqual([{ shard: 0, from: watermark - HOUR, to: watermark }]);
    expect(await listResequence(curated)).toEqual([]);
  });
});
