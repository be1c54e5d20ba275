/** Environment of the redact function; the stack's RedactFunction types its `environment` against it. */
import { z } from 'zod';
import { SEQUENCE_SHARDS_DEFAULT, SEQUENCE_SHARDS_MAX, SEQUENCE_SHARDS_MIN } from '#core/sequence/shards.js';

/** What the redact function reads at cold start. */
export const RedactEnvSchema = z.object({
  /** Events-zone bucket (redacted Parquet, and the opt-out registry object). */
  EVENTS_BUCKET: z.string().min(3),
  /** Quarantine-zone bucket (scrubbed invalid records). */
  QUARANTINE_BUCKET: z.string().min(3),
  /** Key objects are written to the events zone under. */
  EVENTS_KMS_KEY_ARN: z.string().min(1),
  /** Key objects are written to the quarantine zone under. */
  QUARANTINE_KMS_KEY_ARN: z.string().min(1),
  /**
   * Curated-zone bucket: the sequencer's watermark is read from it and late-event queue entries
   * (`_state/resequence/`) are written to it, nothing else.
   */
  CURATED_BUCKET: z.string().min(3),
  /** The sequencer's window size in minutes (its WINDOW_MINUTES). @default 15 */
  WINDOW_MINUTES: z.coerce.number().int().positive().default(15),
  /** The sequencer's late-arrival allowance, ms (its LATE_ARRIVAL_MS). @default 600000 */
  LATE_ARRIVAL_MS: z.coerce.number().int().min(0).default(600_000),
  /** The pseudonym KMS key (root of the HMAC data key). */
  PSEUDONYM_KEY_ARN: z.string().min(1),
  /** The HMAC data key, encrypted under PSEUDONYM_KEY_ARN (base64). */
  PSEUDONYM_DATA_KEY: z.string().min(16),
  /** The validated redaction policy as JSON. */
  POLICY_JSON: z.string().min(2),
  /** Opt-out registry cache TTL, seconds. @default 60 */
  OPT_OUT_TTL_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  /** Sequence shards: events land under `shard=NN/` of their session's shard (1..64). @default 4 */
  SEQUENCE_SHARDS: z.coerce
    .number()
    .int()
    .min(SEQUENCE_SHARDS_MIN)
    .max(SEQUENCE_SHARDS_MAX)
    .default(SEQUENCE_SHARDS_DEFAULT),
});
/** The redact function's configuration. */
export type RedactEnv = z.infer<typeof RedactEnvSchema>;
