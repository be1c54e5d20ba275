/** Environment of the canary function; the stack's Governance types its `environment` against it. */
import { z } from 'zod';

/** What the canary function reads at cold start. */
export const CanaryEnvSchema = z.object({
  /** The ingest stream the canary sends to, like an agent. */
  STREAM_NAME: z.string().min(1),
  EVENTS_BUCKET: z.string().min(3),
  QUARANTINE_BUCKET: z.string().min(3),
  CURATED_BUCKET: z.string().min(3),
  /** Audit bucket: the previous run's values live under canary/ there. */
  AUDIT_BUCKET: z.string().min(3),
  AUDIT_KMS_KEY_ARN: z.string().min(1),
  /** Athena workgroup and Glue database of the stage (every view is searched there). */
  ATHENA_WORKGROUP: z.string().min(1),
  GLUE_DATABASE: z.string().min(1),
  /** The redaction policy the canary's agent applies, as JSON. */
  POLICY_JSON: z.string().min(2),
  /** How long to wait for the redact function before searching, seconds. @default 120 */
  WAIT_SECONDS: z.coerce.number().int().min(0).max(600).default(120),
});
/** The canary function's configuration. */
export type CanaryEnv = z.infer<typeof CanaryEnvSchema>;
