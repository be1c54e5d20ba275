/** Lambda entry point of the erase function (operators, and the sweep schedule): configuration and ports at cold start. */
import { queryAthena } from '#adapters/athena.js';
import { athenaClient, kmsClient, s3Client } from '#adapters/aws-clients.js';
import { KmsKeyProvider } from '#adapters/kms-key-provider.js';
import { readEnv } from '#adapters/lambda-env.js';
import { S3ObjectStore } from '#adapters/s3-object-store.js';
import { telemetry, withTelemetry } from '#adapters/telemetry.js';
import { queryIndex, withPreShardEvents } from '#core/governance/erase-find.js';
import { systemClock } from '#core/ports.js';
import { createEraseHandler } from './app.js';
import { EraseEnvSchema } from './env.js';

const env = readEnv(EraseEnvSchema);
const { logger, metrics, tracer } = telemetry('erase');
const s3 = tracer.captureAWSv3Client(s3Client());
const kms = tracer.captureAWSv3Client(kmsClient());
const athena = tracer.captureAWSv3Client(athenaClient());
const where = { workgroup: env.ATHENA_WORKGROUP, database: env.GLUE_DATABASE };
const store = (bucket: string, kmsKeyId: string) => new S3ObjectStore(s3, bucket, { kmsKeyId });

const app = createEraseHandler({
  stores: {
    events: store(env.EVENTS_BUCKET, env.EVENTS_KMS_KEY_ARN),
    quarantine: store(env.QUARANTINE_BUCKET, env.QUARANTINE_KMS_KEY_ARN),
    curated: store(env.CURATED_BUCKET, env.CURATED_KMS_KEY_ARN),
    // Only listed and deleted, never read or written: no key needed.
    athenaResults: new S3ObjectStore(s3, env.ATHENA_RESULTS_BUCKET),
    audit: store(env.AUDIT_BUCKET, env.AUDIT_KMS_KEY_ARN),
  },
  keyProvider: new KmsKeyProvider(kms, env.PSEUDONYM_DATA_KEY, env.PSEUDONYM_KEY_ARN),
  retiredKeys: env.PSEUDONYM_RETIRED_DATA_KEYS.map((k) => new KmsKeyProvider(kms, k, env.PSEUDONYM_KEY_ARN)),
  streamRetentionMs: env.STREAM_RETENTION_HOURS * 3_600_000,
  // One find query per table in the pipeline workgroup; `$path` names the zone buckets. Events objects
  // written before sequence shards are outside the Glue projection: found by listing until they expire.
  index: withPreShardEvents(
    queryIndex(async (sql) => (await queryAthena(athena, sql, where)).rows, {
      events: env.EVENTS_BUCKET,
      quarantine: env.QUARANTINE_BUCKET,
      curated: env.CURATED_BUCKET,
    }),
    store(env.EVENTS_BUCKET, env.EVENTS_KMS_KEY_ARN),
  ),
  clock: systemClock,
  logger,
  metrics,
});

/**
 * The erase function: `{"user": "<raw id>"}` (erase), `{"action": "opt-out"|"opt-in", "user": …}`,
 * `{"action": "sweep"}` (the schedule), `{"action": "list-opt-outs"}`, or a state machine step
 * (`plan` with the user; `find`, `rewrite`, `verify`, `finish` with its pseudonyms) in; counts and hashes out.
 */
export const handler = withTelemetry(app, { logger, metrics, tracer });
