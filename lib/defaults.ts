/**
 * Secure defaults in one place. Constructs spread these and never let props override the
 * security-critical parts (encryption, public access, TLS, ownership).
 */
import { DefaultStackSynthesizer, Duration, Fn, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { ConfigError } from '#core/errors.js';

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

/**
 * Who may change the key policy of a data key: the CDK bootstrap's CloudFormation execution role (the
 * synthesizer's, so a custom qualifier is followed) and the account's root user (break-glass). Every other
 * principal is denied `kms:PutKeyPolicy`, whatever its IAM policies say. A stack whose synthesizer has no
 * execution role (not a DefaultStackSynthesizer) must name its deployer explicitly.
 */
export function keyPolicyAdministrators(scope: Stack, deployerArn?: string): string[] {
  const synthesizer = scope.synthesizer;
  const deployer =
    deployerArn ??
    (synthesizer instanceof DefaultStackSynthesizer
      ? Fn.sub(synthesizer.cloudFormationExecutionRoleArn)
      : undefined);
  if (!deployer)
    throw new ConfigError(
      `${scope.node.path}: the stack synthesizer has no CloudFormation execution role; pass the deployer ARN`,
    );
  return [deployer, scope.formatArn({ service: 'iam', region: '', resource: 'root' })];
}

/**
 * Key-policy guards of every key that protects personal data. Nobody can hand themselves use of the key:
 * grants are refused unless an AWS service creates them for a resource it manages (none here needs one),
 * and the key policy can be changed only by `administrators` (keyPolicyAdministrators), so an IAM principal
 * allowed `kms:CreateGrant` or `kms:PutKeyPolicy` on `*` gains nothing on these keys.
 */
export function dataKeyPolicyGuards(administrators: readonly string[]): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'DenyGrantsToPrincipals',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: { Bool: { 'kms:GrantIsForAWSResource': 'false' } },
    }),
    new iam.PolicyStatement({
      sid: 'DenyKeyPolicyChangesOutsideDeployments',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:PutKeyPolicy'],
      resources: ['*'],
      conditions: { ArnNotEquals: { 'aws:PrincipalArn': [...administrators] } },
    }),
  ];
}

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

/**
 * Kinesis event-source settings of every stream consumer that configuration may tune (lib/config.ts);
 * kinesisEventSource fills in what is not given.
 */
export const KINESIS_EVENT_SOURCE_DEFAULTS = {
  batchSize: 100,
  maxBatchingWindow: Duration.seconds(5),
  maxRecordAge: Duration.hours(6),
  retryAttempts: 3,
  parallelizationFactor: 1,
} as const;

/** The tunable settings of a Kinesis event source; each unset one takes KINESIS_EVENT_SOURCE_DEFAULTS. */
export interface KinesisEventSourceTuning {
  readonly batchSize?: number | undefined;
  readonly maxBatchingWindow?: Duration | undefined;
  readonly maxRecordAge?: Duration | undefined;
  readonly retryAttempts?: number | undefined;
  readonly parallelizationFactor?: number | undefined;
}

/**
 * A Kinesis event source from the oldest record, with both halves of partial batch failures always on
 * (the handler returns batchItemFailures; the mapping reports them and bisects a failing batch) and
 * batches given up on (too old, or out of retries) sent as metadata to `failureQueue`.
 */
export function kinesisEventSource(
  stream: kinesis.IStream,
  failureQueue: sqs.IQueue,
  tuning: KinesisEventSourceTuning = {},
): KinesisEventSource {
  const d = KINESIS_EVENT_SOURCE_DEFAULTS;
  return new KinesisEventSource(stream, {
    startingPosition: lambda.StartingPosition.TRIM_HORIZON,
    batchSize: tuning.batchSize ?? d.batchSize,
    maxBatchingWindow: tuning.maxBatchingWindow ?? d.maxBatchingWindow,
    bisectBatchOnError: true,
    reportBatchItemFailures: true,
    maxRecordAge: tuning.maxRecordAge ?? d.maxRecordAge,
    retryAttempts: tuning.retryAttempts ?? d.retryAttempts,
    parallelizationFactor: tuning.parallelizationFactor ?? d.parallelizationFactor,
    onFailure: new SqsDlq(failureQueue),
  });
}

/**
 * The removal policy of everything that holds data: RETAIN unless the deployment explicitly allows
 * destroy. The stack derives it once from the `allowDestroy` flag and passes it to each such construct.
 */
export function dataRemovalPolicy(allowDestroy: boolean): RemovalPolicy {
  return allowDestroy ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
}
