/**
 * The erase function: `worktrace erase` in AWS. Invoked with `{ "user": "<raw id>" }` (never logged): the
 * pseudonym is computed with the live key, then core/governance/erase.ts rewrites every zone without the
 * subject, verifies, registers the opt-out and writes the hash-chained receipt to the object-locked audit
 * bucket. Logs carry counts and the receipt hash only.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { z } from 'zod';
import { kmsClient, s3Client } from '#adapters/aws-clients.js';
import { KmsKeyProvider } from '#adapters/kms-key-provider.js';
import { readEnv } from '#adapters/lambda-env.js';
import { S3ObjectStore } from '#adapters/s3-object-store.js';
import { eraseSubject } from '#core/governance/erase.js';
import { Pseudonymizer } from '#core/redact/pseudonym.js';

/** Environment of the erase function. */
export const EraseEnvSchema = z.object({
  EVENTS_BUCKET: z.string().min(3),
  QUARANTINE_BUCKET: z.string().min(3),
  CURATED_BUCKET: z.string().min(3),
  AUDIT_BUCKET: z.string().min(3),
  EVENTS_KMS_KEY_ARN: z.string().min(1),
  QUARANTINE_KMS_KEY_ARN: z.string().min(1),
  CURATED_KMS_KEY_ARN: z.string().min(1),
  AUDIT_KMS_KEY_ARN: z.string().min(1),
  PSEUDONYM_KEY_ARN: z.string().min(1),
  PSEUDONYM_DATA_KEY: z.string().min(16),
});

/** The invocation payload. */
export const EraseRequestSchema = z.strictObject({ user: z.string().min(1).max(256) });

const logger = new Logger({ serviceName: 'worktrace-erase' });

async function erase(event: unknown) {
  const env = readEnv(EraseEnvSchema);
  const request = EraseRequestSchema.safeParse(event);
  if (!request.success) throw new Error('the request must be {"user": "<raw user id>"}');
  const s3 = s3Client();
  const store = (bucket: string, kmsKeyId: string) => new S3ObjectStore(s3, bucket, { kmsKeyId });
  const key = await new KmsKeyProvider(kmsClient(), env.PSEUDONYM_DATA_KEY, env.PSEUDONYM_KEY_ARN).getKey();
  const pseudonym = new Pseudonymizer(key).of('user', request.data.user);
  const receipt = await eraseSubject(
    {
      events: store(env.EVENTS_BUCKET, env.EVENTS_KMS_KEY_ARN),
      quarantine: store(env.QUARANTINE_BUCKET, env.QUARANTINE_KMS_KEY_ARN),
      curated: store(env.CURATED_BUCKET, env.CURATED_KMS_KEY_ARN),
      audit: store(env.AUDIT_BUCKET, env.AUDIT_KMS_KEY_ARN),
    },
    pseudonym,
  );
  logger.info('subject erased', {
    rowsRemoved: receipt.rowsRemoved,
    objects: receipt.objects.length,
    receipt: receipt.hash,
  });
  return {
    subject: pseudonym,
    rowsRemoved: receipt.rowsRemoved,
    objects: receipt.objects.length,
    receipt: receipt.hash,
  };
}

/** Lambda entry point. */
export const handler = middy(erase).use(injectLambdaContext(logger));
