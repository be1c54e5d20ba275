/** Environment of the sequence function; the stack's SequenceFunction types its `environment` against it. */
import { z } from 'zod';
import { SEQUENCE_SHARDS_DEFAULT, SEQUENCE_SHARDS_MAX, SEQUENCE_SHARDS_MIN } from '#core/sequence/shards.js';

/** What the sequence function reads at cold start. */
export const SequenceEnvSchema = z.object({
  /** Events-zone bucket. */
  EVENTS_BUCKET: z.string().min(1),
  /** Curated-zone bucket (outputs and the watermark object). */
  CURATED_BUCKET: z.string().min(1),
  /** Window size in minutes; must divide a day. @default 15 */
  WINDOW_MINUTES: z.coerce.number().int().positive().default(15),
  /** How late an event may land after its hour, ms. @default 600000 (10 min) */
  LATE_ARRIVAL_MS: z.coerce.number().int().min(0).default(600_000),
  /** Events read before a window for session context, ms. @default 21600000 (6 h) */
  LOOK_BACK_MS: z.coerce.number().int().min(0).default(21_600_000),
  /** Longest episode, ms (also the look-ahead after a window). @default 1800000 (30 min) */
  MAX_EPISODE_MS: z.coerce.number().int().positive().default(1_800_000),
  /** Due windows one run plans at most (the rest wait for the next run). @default 8 */
  MAX_WINDOWS_PER_RUN: z.coerce.number().int().positive().default(8),
  /**
   * Windows one `shard-windows` invocation runs at most before it answers where to go on (keeps an
   * invocation well inside the function's timeout). @default 8
   */
  MAX_WINDOWS_PER_INVOCATION: z.coerce.number().int().positive().default(8),
  /** Sequence shards of the events zone (the redact function's SEQUENCE_SHARDS; 1..64). @default 4 */
  SEQUENCE_SHARDS: z.coerce
    .number()
    .int()
    .min(SEQUENCE_SHARDS_MIN)
    .max(SEQUENCE_SHARDS_MAX)
    .default(SEQUENCE_SHARDS_DEFAULT),
  /**
   * Days a window's checkpoint is kept after the watermark passed it (the events zone's retention: a
   * window whose events expired can no longer be re-sequenced). @default 30
   */
  CHECKPOINT_RETENTION_DAYS: z.coerce.number().int().min(1).default(30),
  /** S3 endpoint override (emulator); unset means AWS. */
  S3_ENDPOINT: z.string().url().optional(),
});
/** The sequence function's configuration. */
export type SequenceEnv = z.infer<typeof SequenceEnvSchema>;
