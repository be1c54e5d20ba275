/**
 * Lambda entry point of the sequence function (EventBridge schedule, and the backfill state machine's
 * `plan-backfill` and `window` actions): configuration and ports at cold start.
 */
import { s3Client } from '#adapters/aws-clients.js';
import { readEnv } from '#adapters/lambda-env.js';
import { S3ObjectStore } from '#adapters/s3-object-store.js';
import { telemetry, withTelemetry } from '#adapters/telemetry.js';
import { systemClock } from '#core/ports.js';
import { createSequenceHandler } from './app.js';
import { SequenceEnvSchema } from './env.js';

const env = readEnv(SequenceEnvSchema);
const { logger, metrics, tracer } = telemetry('sequence');
const s3 = tracer.captureAWSv3Client(s3Client(env.S3_ENDPOINT ? { endpoint: env.S3_ENDPOINT } : {}));

const app = createSequenceHandler({
  eventsStore: new S3ObjectStore(s3, env.EVENTS_BUCKET),
  curatedStore: new S3ObjectStore(s3, env.CURATED_BUCKET),
  curatedBucket: env.CURATED_BUCKET,
  clock: systemClock,
  config: env,
  logger,
  metrics,
});

/**
 * The sequence function: a scheduled event sequences every closed window after the watermark;
 * `{"action": "plan-backfill", from, to, windowMinutes}` and `{"action": "window", from, to}` serve a backfill.
 */
export const handler = withTelemetry(app, { logger, metrics, tracer });
