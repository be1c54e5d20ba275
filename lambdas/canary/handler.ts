/** Lambda entry point of the canary function (daily schedule): configuration and ports at cold start. */
import { athenaClient, kinesisClient, s3Client } from '#adapters/aws-clients.js';
import { readEnv } from '#adapters/lambda-env.js';
import { S3ObjectStore } from '#adapters/s3-object-store.js';
import { telemetry, withTelemetry } from '#adapters/telemetry.js';
import { systemClock } from '#core/ports.js';
import { parsePolicy } from '#core/redact/policy.js';
import { WorktraceProducer } from '../../agent/producer.js';
import { createCanaryHandler } from './app.js';
import { CanaryEnvSchema } from './env.js';

const env = readEnv(CanaryEnvSchema);
const { logger, metrics, tracer } = telemetry('canary');
const s3 = tracer.captureAWSv3Client(s3Client());
const kinesis = tracer.captureAWSv3Client(kinesisClient());
const policy = parsePolicy(JSON.parse(env.POLICY_JSON));

const app = createCanaryHandler({
  config: env,
  stores: {
    events: new S3ObjectStore(s3, env.EVENTS_BUCKET),
    quarantine: new S3ObjectStore(s3, env.QUARANTINE_BUCKET),
    curated: new S3ObjectStore(s3, env.CURATED_BUCKET),
    audit: new S3ObjectStore(s3, env.AUDIT_BUCKET, { kmsKeyId: env.AUDIT_KMS_KEY_ARN }),
  },
  send: async (events, startedMs) => {
    const producer = await WorktraceProducer.open({
      streamName: env.STREAM_NAME,
      client: kinesis,
      policy,
      spoolDir: `/tmp/canary-spool-${startedMs}`,
    });
    for (const e of events) producer.send(e);
    await producer.close();
    return producer.counters.sent;
  },
  athena: tracer.captureAWSv3Client(athenaClient()),
  clock: systemClock,
  logger,
  metrics,
});

/** The canary function: passes, or fails naming where a canary value survived. */
export const handler = withTelemetry(app, { logger, metrics, tracer });
