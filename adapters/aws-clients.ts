/**
 * AWS SDK client factories. Given an endpoint, a client talks to an emulator (plain HTTP/1.1 for
 * Kinesis, path-style for S3); without one it talks to AWS. Domain code never knows which.
 */
import { AthenaClient } from '@aws-sdk/client-athena';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { KMSClient } from '@aws-sdk/client-kms';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** Where a client connects. All fields optional: the default is AWS with the ambient credentials. */
export interface ClientTarget {
  readonly region?: string;
  /** Emulator or VPC endpoint URL, e.g. http://127.0.0.1:4567. */
  readonly endpoint?: string;
  /** Static credentials (emulators); omit to use the default provider chain. */
  readonly credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Retries the SDK makes itself before an error reaches the caller. @default 3 */
  readonly maxAttempts?: number;
}

const DEFAULT_REGION = 'eu-west-1';

function common(target: ClientTarget) {
  return {
    region: target.region ?? process.env.AWS_REGION ?? DEFAULT_REGION,
    maxAttempts: target.maxAttempts ?? 3,
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    ...(target.credentials ? { credentials: target.credentials } : {}),
  };
}

/** An S3 client; path-style addressing when an endpoint is given (s3rver needs it). */
export function s3Client(target: ClientTarget = {}): S3Client {
  return new S3Client({ ...common(target), forcePathStyle: target.endpoint !== undefined });
}

/** A Kinesis client; HTTP/1.1 handler for emulator endpoints (the default handler speaks HTTP/2). */
export function kinesisClient(target: ClientTarget = {}): KinesisClient {
  return new KinesisClient({
    ...common(target),
    ...(target.endpoint ? { requestHandler: new NodeHttpHandler({ connectionTimeout: 5000 }) } : {}),
  });
}

/** A KMS client. */
export function kmsClient(target: ClientTarget = {}): KMSClient {
  return new KMSClient(common(target));
}

/** An Athena client. */
export function athenaClient(target: ClientTarget = {}): AthenaClient {
  return new AthenaClient(common(target));
}

/** A Lambda client (the CLI invokes the erase and canary functions). */
export function lambdaClient(target: ClientTarget = {}): LambdaClient {
  return new LambdaClient(common(target));
}

/** A Step Functions client (the CLI starts and follows the erase and backfill executions). */
export function sfnClient(target: ClientTarget = {}): SFNClient {
  return new SFNClient(common(target));
}
