/** Lambda entry point of the redact function: configuration and ports at cold start, then middleware. */
import { kmsClient, s3Client } from '#adapters/aws-clients.js';
import { KmsKeyProvider } from '#adapters/kms-key-provider.js';
import { readEnv } from '#adapters/lambda-env.js';
import { S3ObjectStore } from '#adapters/s3-object-store.js';
import { telemetry, withTelemetry } from '#adapters/telemetry.js';
import { StoredOptOutRegistry } from '#core/governance/opt-outs.js';
import { parsePolicy } from '#core/redact/policy.js';
import { createRedactHandler } from './app.js';
import { RedactEnvSchema } from './env.js';

const env = readEnv(RedactEnvSchema);
const { logger, metrics, tracer } = telemetry('redact');
const s3 = tracer.captureAWSv3Client(s3Client());
const events = new S3ObjectStore(s3, env.EVENTS_BUCKET, { kmsKeyId: env.EVENTS_KMS_KEY_ARN });

const app = createRedactHandler({
  stores: {
    events,
    quarantine: new S3ObjectStore(s3, env.QUARANTINE_BUCKET, { kmsKeyId: env.QUARANTINE_KMS_KEY_ARN }),
  },
  optOuts: new StoredOptOutRegistry(events, env.OPT_OUT_TTL_SECONDS * 1000),
  keyProvider: new KmsKeyProvider(
    tracer.captureAWSv3Client(kmsClient()),
    env.PSEUDONYM_DATA_KEY,
    env.PSEUDONYM_KEY_ARN,
  ),
  policy: parsePolicy(JSON.parse(env.POLICY_JSON)),
  sequenceShards: env.SEQUENCE_SHARDS,
  // Only the watermark is read and only `_state/resequence/` written (the role allows nothing else there).
  lateEvents: {
    curated: new S3ObjectStore(s3, env.CURATED_BUCKET),
    windowMinutes: env.WINDOW_MINUTES,
    lateArrivalMs: env.LATE_ARRIVAL_MS,
  },
  logger,
  metrics,
});

/** The redact function: Kinesis batch in, partial batch failures out. */
export const handler = withTelemetry(app, { logger, metrics, tracer });
