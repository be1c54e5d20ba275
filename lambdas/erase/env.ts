/** Environment of the erase function; the stack's Governance types its `environment` against it. */
import { z } from 'zod';

/**
 * What the erase function reads at cold start: every data zone and the audit bucket, with their keys, the
 * pseudonym key (and any retired ones), and the stream's retention.
 */
export const EraseEnvSchema = z.object({
  EVENTS_BUCKET: z.string().min(3),
  QUARANTINE_BUCKET: z.string().min(3),
  CURATED_BUCKET: z.string().min(3),
  /** Athena query results: erasure deletes what was written before it finished (a cache). */
  ATHENA_RESULTS_BUCKET: z.string().min(3),
  /** Object-locked bucket the erasure receipts go to. */
  AUDIT_BUCKET: z.string().min(3),
  EVENTS_KMS_KEY_ARN: z.string().min(1),
  QUARANTINE_KMS_KEY_ARN: z.string().min(1),
  CURATED_KMS_KEY_ARN: z.string().min(1),
  AUDIT_KMS_KEY_ARN: z.string().min(1),
  /** The pseudonym KMS key (root of the HMAC data key). */
  PSEUDONYM_KEY_ARN: z.string().min(1),
  /** The HMAC data key, encrypted under PSEUDONYM_KEY_ARN (base64). */
  PSEUDONYM_DATA_KEY: z.string().min(16),
  /**
   * Data keys retired by a rotation whose rows are still in the lake, encrypted under PSEUDONYM_KEY_ARN
   * (base64, comma-separated): the subject is searched under each. @default none
   */
  PSEUDONYM_RETIRED_DATA_KEYS: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((k) => k.trim())
        .filter((k) => k !== ''),
    ),
  /**
   * Athena workgroup the find queries run in: the stage's pipeline workgroup. Required: a function that
   * lacks it must fail at cold start, not query another stage's lake.
   */
  ATHENA_WORKGROUP: z.string().min(1),
  /** Glue database of the lake tables the find queries read (required, as the workgroup). */
  GLUE_DATABASE: z.string().min(1),
  /** Retention of the ingest stream, hours: the follow-up sweep runs once it has passed. @default 24 */
  STREAM_RETENTION_HOURS: z.coerce.number().int().min(1).max(8760).default(24),
});
/** The erase function's configuration. */
export type EraseEnv = z.infer<typeof EraseEnvSchema>;
