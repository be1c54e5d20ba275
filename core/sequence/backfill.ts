/**
 * Backfill: re-sequencing a range of windows after a reducer change. The plan is a list of windows, each
 * independent of the others (a window reads the events zone and overwrites only its own curated files),
 * so it runs the same one window at a time, in a local worker pool, or as a Step Functions Distributed Map
 * that invokes the sequence function per window. The watermark is never read or moved.
 */

import { runPool } from '../pool.js';
import type { ObjectStore } from '../ports.js';
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

/** A plan's window list as the Distributed Map reads it: `[{"from": ISO, "to": ISO}, …]`. */
export function backfillPlanJson(windows: readonly BackfillWindow[]): string {
  return JSON.stringify(
    windows.map((w) => ({ from: new Date(w.from).toISOString(), to: new Date(w.to).toISOString() })),
  );
}

/** Compact UTC stamp for keys, e.g. 20261102T091500Z. */
function keyStamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
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
  readonly windows: readonly BackfillWindow[];
  /** Windows in flight at most. @default 1 */
  readonly concurrency?: number;
  /** Decoded rows kept across windows, shared out among the workers. @default DEFAULT_DECODED_CACHE_ROWS */
  readonly cacheRows?: number;
  /**
   * How windows are read. Incremental windows continue from the one before, so they run one at a time
   * (concurrency 1); with more in flight each window reads its look-back. @default 'incremental' at
   * concurrency 1, else 'look-back'
   */
  readonly mode?: SequenceMode;
  /** Called as each window finishes (in finishing order); receives counts only. */
  readonly onWindow?: (result: WindowResult) => void;
}

/**
 * Runs every window of the plan with at most `concurrency` in flight; results in plan order. The curated
 * objects written in look-back mode are the same, byte for byte, whatever the concurrency; incremental mode
 * (the default at concurrency 1) runs one window at a time.
 */
export async function runBackfill(input: BackfillInput): Promise<WindowResult[]> {
  const mode = input.mode ?? ((input.concurrency ?? 1) <= 1 ? 'incremental' : 'look-back');
  // A window continues from the checkpoint of the one before: incremental windows go one at a time.
  const concurrency = mode === 'incremental' ? 1 : (input.concurrency ?? 1);
  // One cache per worker: consecutive windows a worker takes read nearly the same look-back.
  const rows = Math.ceil((input.cacheRows ?? DEFAULT_DECODED_CACHE_ROWS) / Math.max(1, concurrency));
  const caches = Array.from({ length: Math.max(1, concurrency) }, () => new DecodedFileCache(rows));
  return runPool(input.windows, concurrency, async (w, _index, worker) => {
    const result = await sequenceWindow({
      eventsStore: input.eventsStore,
      curatedStore: input.curatedStore,
      from: w.from,
      to: w.to,
      lateArrivalMs: input.lateArrivalMs,
      lookBackMs: input.lookBackMs,
      lookAheadMs: input.lookAheadMs,
      reduce: input.reduce,
      episodes: input.episodes,
      cache: caches[worker],
      mode,
      ...(input.endIdleSessionsAfterMs === undefined
        ? {}
        : { endIdleSessionsAfterMs: input.endIdleSessionsAfterMs }),
    });
    input.onWindow?.(result);
    return result;
  });
}
