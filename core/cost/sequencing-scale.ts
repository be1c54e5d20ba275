/**
 * How incremental sequencing scales with the organisation (docs/sequencing.md, "Scale model"): for a number
 * of users, the events a window × shard job holds, the shards that keep a job inside its Lambda's memory
 * and time, and the Lambda GB-seconds a day. Pure arithmetic over factors measured on this code
 * (`SEQUENCING_MEASURED`, each saying how it was measured); `worktrace cost` and the docs' table use it.
 */
import { SEQUENCE_SHARDS_MAX } from '../sequence/shards.js';

/** Factors measured on this code for the scale model. */
export const SEQUENCING_MEASURED = {
  /**
   * Events written to the events zone per user-second of simulated desktop work: `worktrace local --users
   * 50 --minutes 60` wrote 585,684 events (2026-12-01), 585,684 / (50 × 3,600 s) = 3.25.
   */
  eventsPerUserSecond: 3.25,
  /**
   * Sequencing CPU-seconds per event written, everything a shard job does (listing, Parquet decoding of
   * objects of a few hundred rows, reducing, cutting, writing outputs and checkpoints, and the garbage
   * collector): bench `sequence-scale` (20 users × 60 min, 262,582 events, 4 shards, 44 window × shard
   * jobs, in-memory buckets) measured 66.2 µs of process CPU per event on 2026-12-01. The local 50-user run
   * spent about 42 µs an event in its sequence stage; the higher figure is priced.
   */
  cpuSecondsPerEvent: 66e-6,
  /**
   * Heap bytes per decoded events row (54 columns): 17,566 rows of 195 redacted objects kept decoded, heap
   * measured after a forced collection before and after, 1,175 B each (bench `sequence-scale`, which keeps
   * fewer objects, saw 633 B; the higher figure sizes memory).
   */
  heapBytesPerRow: 1_175,
  /** Checkpoint bytes per live session (bench `sequence-scale`: 8,279 B, open episode included). */
  checkpointBytesPerSession: 8_279,
  /** Memory of a sequence function container before any window (Node runtime, SDK, Parquet wasm), MB. */
  baseMemoryMb: 180,
} as const;

/** The measured factors' type (tests pass variations). */
export type SequencingMeasured = { readonly [K in keyof typeof SEQUENCING_MEASURED]: number };

/** The deployment settings the model reads (cdk.json keys of the same meaning). */
export interface SequencingScaleSettings {
  readonly sequenceWindowMinutes: number;
  readonly sequenceLateArrivalMinutes: number;
  readonly sequenceMemoryMb: number;
  readonly sequenceTimeoutSeconds: number;
  /** Windows one invocation runs at most (MAX_WINDOWS_PER_INVOCATION). */
  readonly maxWindowsPerInvocation: number;
}

/** One row of the scale table. */
export interface SequencingScaleRow {
  readonly users: number;
  readonly eventsPerSecond: number;
  readonly eventsPerWindow: number;
  /** The fewest shards (1..64) whose jobs fit the memory and time budget; 64 when none does. */
  readonly shards: number;
  /** Shard jobs per window (one per shard). */
  readonly jobsPerWindow: number;
  /** Rows a job holds decoded at once: its shard's share of the window plus the allowance before it. */
  readonly rowsPerJob: number;
  /** Peak memory of one job, MB: base, decoded rows, checkpoint. */
  readonly peakMemoryMbPerJob: number;
  /** CPU seconds of one window × shard job. */
  readonly secondsPerJob: number;
  /** Lambda GB-seconds a day at the configured memory. */
  readonly lambdaGbSecondsPerDay: number;
  /** Whether a job fits 70 % of the memory and a full invocation half the timeout at `shards`. */
  readonly fits: boolean;
}

const MB = 1024 * 1024;

/** The scale model's row for `users` at the given settings. */
export function sequencingScale(
  users: number,
  settings: SequencingScaleSettings,
  measured: SequencingMeasured = SEQUENCING_MEASURED,
): SequencingScaleRow {
  const eventsPerSecond = users * measured.eventsPerUserSecond;
  const windowSeconds = settings.sequenceWindowMinutes * 60;
  const eventsPerWindow = eventsPerSecond * windowSeconds;
  const heldSeconds = windowSeconds + settings.sequenceLateArrivalMinutes * 60;
  const at = (shards: number) => {
    const rowsPerJob = (eventsPerSecond * heldSeconds) / shards;
    const peakMemoryMbPerJob =
      measured.baseMemoryMb +
      (rowsPerJob * measured.heapBytesPerRow + (users / shards) * measured.checkpointBytesPerSession * 3) /
        MB;
    const secondsPerJob = (eventsPerWindow / shards) * measured.cpuSecondsPerEvent;
    const fits =
      peakMemoryMbPerJob <= 0.7 * settings.sequenceMemoryMb &&
      secondsPerJob * settings.maxWindowsPerInvocation <= 0.5 * settings.sequenceTimeoutSeconds;
    return { rowsPerJob, peakMemoryMbPerJob, secondsPerJob, fits };
  };
  let shards = 1;
  while (shards < SEQUENCE_SHARDS_MAX && !at(shards).fits) shards += 1;
  const job = at(shards);
  const eventsPerDay = eventsPerSecond * 86_400;
  return {
    users,
    eventsPerSecond,
    eventsPerWindow,
    shards,
    jobsPerWindow: shards,
    rowsPerJob: job.rowsPerJob,
    peakMemoryMbPerJob: job.peakMemoryMbPerJob,
    secondsPerJob: job.secondsPerJob,
    lambdaGbSecondsPerDay: eventsPerDay * measured.cpuSecondsPerEvent * (settings.sequenceMemoryMb / 1024),
    fits: job.fits,
  };
}

/** The docs' table: one row per organisation size, Markdown. */
export function sequencingScaleTable(
  users: readonly number[],
  settings: SequencingScaleSettings,
  measured: SequencingMeasured = SEQUENCING_MEASURED,
): string {
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  const lines = [
    '| users | events/s | events per window | shards | jobs per window | rows per job | peak memory per job | CPU per job | Lambda GB-s per day |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const u of users) {
    const r = sequencingScale(u, settings, measured);
    lines.push(
      `| ${n(u)} | ${n(r.eventsPerSecond)} | ${n(r.eventsPerWindow)} | ${r.shards}${r.fits ? '' : ' (too few)'} | ${r.jobsPerWindow} | ${n(r.rowsPerJob)} | ${n(r.peakMemoryMbPerJob)} MB | ${r.secondsPerJob.toFixed(1)} s | ${n(r.lambdaGbSecondsPerDay)} |`,
    );
  }
  return lines.join('\n');
}
