/**
 * Secure defaults in one place. Constructs spread these and never let props override the
 * security-critical parts (encryption, public access, TLS, ownership).
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';

/** Bucket settings no zone may relax. */
export const SECURE_BUCKET = {
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
  enforceSSL: true,
  minimumTLSVersion: 1.2,
  versioned: true,
} as const;

/** Incomplete multipart uploads are aborted after this many days in every bucket. */
export const ABORT_INCOMPLETE_MULTIPART_DAYS = 1;

/** Customer-managed KMS keys: symmetric, yearly rotation on. */
export const SECURE_KEY = {
  enableKeyRotation: true,
  keySpec: kms.KeySpec.SYMMETRIC_DEFAULT,
  keyUsage: kms.KeyUsage.ENCRYPT_DECRYPT,
} as const;

/** Days a destroyed key waits before deletion (the KMS minimum, only used with allowDestroy). */
export const KEY_PENDING_WINDOW = Duration.days(7);

/** Lambda settings shared by the pipeline's functions. */
export const FUNCTION_DEFAULTS = {
  runtime: lambda.Runtime.NODEJS_24_X,
  architecture: lambda.Architecture.ARM_64,
  tracing: lambda.Tracing.ACTIVE,
  loggingFormat: lambda.LoggingFormat.JSON,
} as const;

/** Environment every bundled function gets: stack traces through the esbuild source maps. */
export const FUNCTION_ENVIRONMENT = { NODE_OPTIONS: '--enable-source-maps' } as const;

/** RETAIN for anything holding data unless the deployment explicitly allows destroy. */
export function dataRemovalPolicy(allowDestroy: boolean): RemovalPolicy {
  return allowDestroy ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
}
