/** Lambda entry point of the pseudonym data-key custom resource: configuration and ports at cold start. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { kmsClient } from '#adapters/aws-clients.js';
import { readEnv } from '#adapters/lambda-env.js';
import { TRACE_HANDLER_OPTIONS, telemetry } from '#adapters/telemetry.js';
import { createDataKeyHandler } from './app.js';
import { PseudonymKeyEnvSchema } from './env.js';

readEnv(PseudonymKeyEnvSchema);
const { logger, metrics, tracer } = telemetry('pseudonym-key');

const app = createDataKeyHandler(tracer.captureAWSv3Client(kmsClient()), metrics);

/** The data-key custom resource: create/update/delete events in, the encrypted data key out. */
export const handler = middy(app)
  .use(captureLambdaHandler(tracer, TRACE_HANDLER_OPTIONS))
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
