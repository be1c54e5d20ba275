/**
 * Backfill: re-sequencing a range of windows after a reducer change. The plan is one job per shard, each
 * running the range's windows in order from the checkpoint before the range (recomputing every checkpoint
 * in it), shards independent of one another: in a local worker pool, or as a Step Functions Distributed Map
 * that invokes the sequence function per shard job (`shard-windows`). Each window overwrites only its own
 * curated files and checkpoint; the watermark is never read or moved.
 */

import { runPool } from '../pool.js';
import type { ObjectStore } from '../ports.js';
import { keyStamp, runShardJob } from './runs.js';
import {
  DEFAULT_DECODED_CACHE_ROWS,
  DecodedFileCache,
  type SequenceMode,
  type SequenceWindowInput,
  sequenceWindow,
  WindowError,
  type WindowResult,
} from './sequencer.js';

const DAY_MS = 86_400_000;

/** Where plans written for a Distributed Map live in the curated bucket (a control prefix, never expired). */
export const BACKFILL_PLAN_PREFIX = '_state/backfill/';

/** One window of a plan, epoch ms, [from, to). */
export interface BackfillWindow {
  readonly from: number;
  readonly to: number;
}

/** Epoch ms of window size `windowMinutes`, which must divide a day. */
export function windowSizeMs(windowMinutes: number): number {
  const size = windowMinutes * 60_000;
  if (!Number.isInteger(windowMinutes) || windowMinutes <= 0 || DAY_MS % size !== 0) {
    throw new WindowError('window minutes must divide a day (e.g. 5, 15, 30, 60)');
  }
  return size;
}

/**
 * Every window of [from, to), oldest first. Both ends must sit on a window boundary (so every window lies
 * inside one UTC day and has the keys the scheduled run gives it).
 */
export function backfillWindows(from: number, to: number, windowMinutes: number): BackfillWindow[] {
  const size = windowSizeMs(windowMinutes);
  if (!Number.isFinite(from) || !Number.isFinite(to) || !(to > from)) {
    throw new WindowError('a backfill needs from < to');
  }
  if (from % size !== 0 || to % size !== 0) {
    throw new WindowError(`backfill bounds must be aligned to ${windowMinutes}-minute windows`);
  }
  const out: BackfillWindow[] = [];
  for (let f = from; f < to; f += size) out.push({ from: f, to: f + size });
  return out;
}

/** Deterministic key of a plan's window list (re-planning the same range overwrites it). */
export function backfillPlanKey(from: number, to: number, windowMinutes: number): string {
  return `${BACKFILL_PLAN_PREFIX}${keyStamp(from)}_${keyStamp(to)}_${windowMinutes}.json`;
}

/** A backfill's stores and window settings. */
export interface BackfillInput
  extends Pick<
    SequenceWindowInput,
    'lateArrivalMs' | 'lookBackMs' | 'lookAheadMs' | 'reduce' | 'episodes' | 'endIdleSessionsAfterMs'
  > {
  readonly eventsStore: ObjectStore;
  readonly curatedStore: ObjectStore;
  /** Consecutive windows of one size. */
  readonly windows: readonly BackfillWindow[];
  /** Jobs (incremental: shards; look-back: windows) in flight at most. @default 1 */
  readonly concurrency?: number;
  /**
   * Sequence shards of the events zone (the deployment's `sequenceShards`): incremental mode runs one job
   * per shard, its windows in order. @default one job over every session
   */
  readonly shards?: number;
  /** Decoded rows kept across windows in look-back mode, shared out among the workers. @default DEFAULT_DECODED_CACHE_ROWS */
  readonly cacheRows?: number;
  /**
   * How windows are read. Incremental windows continue from the one before, so each shard's windows run in
   * order (recomputing every checkpoint), shards side by side; in look-back mode each window reads its
   * look-back and windows run side by side. @default 'incremental'
   */
  readonly mode?: SequenceMode;
  /** Called as each window finishes (in finishing order); receives counts only. */
  readonly onWindow?: (result: WindowResult) => void;
}

/**
 * Runs every window of the plan; results in window order (then shard). Incremental mode runs a job per
 * shard through `runShardJob`, as the backfill state machine does; look-back mode runs windows in a pool.
 * Either way the curated objects are the same, byte for byte, whatever the concurrency.
 */
export async function runBackfill(input: BackfillInput): Promise<WindowResult[]> {
  const mode = input.mode ?? 'incremental';
  const concurrency = input.concurrency ?? 1;
  const first = input.windows[0];
  const last = input.windows.at(-1);
  if (first === undefined || last === undefined) return [];
  const settings = {
    lateArrivalMs: input.lateArrivalMs,
    lookBackMs: input.lookBackMs,
    lookAheadMs: input.lookAheadMs,
    reduce: input.reduce,
    episodes: input.episodes,
    ...(input.endIdleSessionsAfterMs === undefined
      ? {}
      : { endIdleSessionsAfterMs: input.endIdleSessionsAfterMs }),
  };
  if (mode === 'incremental') {
    const windowMs = first.to - first.from;
    const lanes =
      input.shards === undefined ? [undefined] : Array.from({ length: input.shards }, (_, i) => i);
    const jobs = await runPool(lanes, concurrency, (shard) =>
      runShardJob({
        eventsStore: input.eventsStore,
        curatedStore: input.curatedStore,
        ...settings,
        job: { shard, from: first.from, to: last.to },
        shards: input.shards,
        windowMs,
        mode,
        ...(input.onWindow ? { onWindow: input.onWindow } : {}),
      }),
    );
    return jobs
      .flatMap((j) => j.results)
      .sort((a, b) => a.from - b.from || (a.actionKey < b.actionKey ? -1 : 1));
  }
  // One cache per worker: consecutive windows a worker takes read nearly the same look-back.
  const rows = Math.ceil((input.cacheRows ?? DEFAULT_DECODED_CACHE_ROWS) / concurrency);
  const caches = Array.from({ length: concurrency }, () => new DecodedFileCache(rows));
  return runPool(input.windows, concurrency, async (w, _index, worker) => {
    const result = await sequenceWindow({
      eventsStore: input.eventsStore,
      curatedStore: input.curatedStore,
      from: w.from,
      to: w.to,
      ...settings,
      cache: caches[worker],
      mode,
    });
    input.onWindow?.(result);
    return result;
  });
}
