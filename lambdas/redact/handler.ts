/** Lambda entry point of the redact function: configuration at cold start, middleware, then the app. */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { z } from 'zod';
import { kmsClient, s3Client } from '#adapters/aws-clients.js';
import { KmsKeyProvider } from '#adapters/kms-key-provider.js';
import { readEnv } from '#adapters/lambda-env.js';
import { S3ObjectStore } from '#adapters/s3-object-store.js';
import { StoredOptOutRegistry } from '#core/governance/opt-outs.js';
import { parsePolicy } from '#core/redact/policy.js';
import { createRedactHandler } from './app.js';

const env = readEnv(
  z.object({
    EVENTS_BUCKET: z.string().min(3),
    QUARANTINE_BUCKET: z.string().min(3),
    EVENTS_KMS_KEY_ARN: z.string().min(1),
    QUARANTINE_KMS_KEY_ARN: z.string().min(1),
    PSEUDONYM_KEY_ARN: z.string().min(1),
    PSEUDONYM_DATA_KEY: z.string().min(16),
    POLICY_JSON: z.string().min(2),
    /** Opt-out registry cache TTL, seconds. @default 60 */
    OPT_OUT_TTL_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  }),
);

const logger = new Logger({ serviceName: 'worktrace-redact' });
const metrics = new Metrics({ namespace: 'worktrace', serviceName: 'redact' });
const tracer = new Tracer({ serviceName: 'worktrace-redact' });
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
  logger,
  metrics,
});

/** The redact function: Kinesis batch in, partial batch failures out. */
export const handler = middy(app)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
