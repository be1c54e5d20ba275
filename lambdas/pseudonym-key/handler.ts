/** Lambda entry point of the pseudonym data-key custom resource: configuration and ports at cold start. */
import { kmsClient } from '#adapters/aws-clients.js';
import { readEnv } from '#adapters/lambda-env.js';
import { telemetry, withTelemetry } from '#adapters/telemetry.js';
import { createDataKeyHandler } from './app.js';
import { PseudonymKeyEnvSchema } from './env.js';

readEnv(PseudonymKeyEnvSchema);
const { logger, metrics, tracer } = telemetry('pseudonym-key');

const app = createDataKeyHandler(tracer.captureAWSv3Client(kmsClient()), metrics);

/** The data-key custom resource: create/update/delete events in, the encrypted data key out. */
export const handler = withTelemetry(app, { logger, metrics, tracer });
