/**
 * The factors the cost model takes from measurements on this project's own code, each with how it was
 * measured. Re-measure them after a change to the event contract, the Parquet layout, the redactor or the
 * sequencer (docs/cost.md says how), and change the figures here with the date.
 */

/**
 * The benchmark floor (base64 decode + JSON.parse of realistic Kinesis payloads) the CPU figures are
 * normalised to: README "Benchmarks", "floor 370–450 k events/s over the run" on the shared 2-core machine.
 * Bench rates are ratios to the floor; multiplied by this floor they give events per CPU-second.
 */
export const BENCH_FLOOR_EVENTS_PER_SECOND = 400_000;

/** Measured factors (2026-12-01 unless said otherwise). */
export const MEASURED = {
  /**
   * JSON bytes of one event as the agent sends it (after on-device coalescing and secure-field drop):
   * `simulate({ users: 10, minutes: 60, seed: 1 })` through `DevicePrivacy` with config/policy.default.json,
   * 32,824,138 bytes over 116,567 sent events.
   */
  rawEventBytes: 281.6,
  /**
   * Events-zone Parquet bytes per event sent: `worktrace local --users 10 --minutes 60` wrote 122 objects,
   * 4,064,159 bytes, for 116,567 events sent (103,090 written; the rest were opted out), about 845 events
   * an object, close to the deployed redactBatchSize of 1,000 records.
   */
  eventsParquetBytesPerEvent: 34.87,
  /** Curated-zone Parquet bytes per event sent, same run: actions 406,127 + episodes 251,361 bytes (11 windows each). */
  curatedParquetBytesPerEvent: 5.64,
  /** Sent events per simulated user-hour of active work, same run (116,567 events, 10 users, 60 minutes). */
  eventsPerUserHour: 11_657,
  /**
   * Kinesis on-demand billing units (1 KB each, each record rounded up) per sent event with KPL
   * aggregation: bench `produce` (4 users × 5 min, seed 9) 283,402 per million aggregated against 1,000,000
   * plain, i.e. 3.5× fewer (README: "aggregation 3.5× fewer billing units"). As a size factor: aggregated
   * bytes per event = 1.0306 × the event's JSON bytes (283,402 KB per million ÷ 281.6 B × 1,024).
   */
  aggregatedBytesFactor: 1.0306,
  /** Events per aggregated Kinesis record in the same bench case: 4,139 events in 8 records. */
  eventsPerAggregatedRecord: 517,
  /**
   * Redact handler CPU-seconds per event: bench `redact: handler+parquet` (in-order decode, transform,
   * zstd Parquet, batches of 1,000 records) ran at 0.134 of the floor on 2026-12-01 (README after issue 14:
   * 0.135; range 0.11–0.19 over the issues), so 1 / (0.134 × 400,000) ≈ 18.7 µs on one core.
   */
  redactCpuSecondsPerEvent: 1 / (0.134 * BENCH_FLOOR_EVENTS_PER_SECOND),
} as const;

/** The measured factors' type (tests and callers pass variations). */
export type MeasuredFactors = { readonly [K in keyof typeof MEASURED]: number };
