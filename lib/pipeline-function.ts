/**
 * One pipeline function and everything each of them has: its own log group, an execution role that may
 * write only there (other access comes from grants), the NodejsFunction with the shared runtime settings
 * (lib/defaults.ts) and bundling (lib/bundling.ts), optionally an on-failure SQS queue, and the cdk-nag
 * acknowledgements every function shares, each on the resource it concerns. The environment is typed
 * against the function's lambdas/<name>/env.ts schema, and literal values are checked against it at synth.
 */
import { Duration, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { z } from 'zod';
import { ConfigError, type EnvOf } from '#adapters/lambda-env.js';
import type { Service } from '#adapters/telemetry.js';
import { nodejsCode } from './bundling.js';
import { FUNCTION_DEFAULTS, FUNCTION_ENVIRONMENT, KEY_PENDING_WINDOW, SECURE_KEY } from './defaults.js';
import { acknowledgeFindings } from './nag.js';

/** How the failure queue is encrypted. */
export type FailureQueueEncryption =
  /** The AWS-managed SQS key. */
  | 'sqs-managed-key'
  /** A customer-managed key of its own (`failureQueueKey`), which a service such as EventBridge can be allowed to use. */
  | 'own-key';

/**
 * Where a failed invocation goes: `'failure-queue'` sends failed asynchronous invocations, unretried, to
 * the failure queue (as dead-letter queue and on-failure destination); otherwise the reason the function
 * needs neither, which is acknowledged on the function for cdk-nag's Lambda DLQ rules.
 */
export type FailedInvocations = 'failure-queue' | { readonly withoutQueueBecause: string };

/** Powertools log levels. */
export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** Props of PipelineFunction. */
export interface PipelineFunctionProps<S extends z.ZodObject> {
  /** The function's folder under lambdas/ (its handler.ts is the entry) and its telemetry service name. @default (required) */
  readonly name: Service;
  /** What the function does; the Lambda description is `worktrace: <description>`. @default (required) */
  readonly description: string;
  /** The function's environment schema (lambdas/<name>/env.ts). @default (required) */
  readonly envSchema: S;
  /** Its environment: every variable the schema requires and no other (shared settings are added). @default (required) */
  readonly environment: EnvOf<S>;
  /** Where a failed invocation goes. @default (required) */
  readonly failedInvocations: FailedInvocations;
  /** An on-failure SQS queue (TLS only, 14 days), and how it is encrypted. @default no queue */
  readonly failureQueue?: FailureQueueEncryption;
  /** Retries of a failed asynchronous invocation. @default Lambda's own (2), or 0 with `failedInvocations: 'failure-queue'` */
  readonly retryAttempts?: number;
  /** Copy parquet-wasm's binary next to the bundle (functions that read or write Parquet). @default false */
  readonly withParquetWasm?: boolean;
  /** Memory, MB. @default 1024 */
  readonly memorySize?: number;
  /** Timeout. @default Duration.seconds(60) */
  readonly timeout?: Duration;
  /** Retention of the function's log group. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** Powertools log level (POWERTOOLS_LOG_LEVEL). @default 'INFO' */
  readonly logLevel?: LogLevel;
}

/** A pipeline function with its log group, role, optional failure queue and shared acknowledgements. */
export class PipelineFunction<S extends z.ZodObject = z.ZodObject> extends Construct {
  /** The function. */
  public readonly function: nodejs.NodejsFunction;
  /** Its execution role: writes its own log group; everything else is granted. */
  public readonly role: iam.Role;
  /** Its log group. */
  public readonly logGroup: logs.LogGroup;
  /** The on-failure queue, when it has one. */
  public readonly failureQueue?: sqs.Queue;
  /** The failure queue's own key, with `failureQueue: 'own-key'`. */
  public readonly failureQueueKey?: kms.Key;

  constructor(scope: Construct, id: string, props: PipelineFunctionProps<S>) {
    super(scope, id);
    checkLiteralEnvironment(this.node.path, props.envSchema, props.environment);
    const toQueue = props.failedInvocations === 'failure-queue';
    if (toQueue && !props.failureQueue)
      throw new Error(`${this.node.path}: failedInvocations 'failure-queue' needs a failureQueue`);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    });
    if (props.failureQueue) {
      const queue = this.createFailureQueue(props.name, props.failureQueue);
      this.failureQueue = queue.queue;
      this.failureQueueKey = queue.key;
    }
    this.role = new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    this.logGroup.grantWrite(this.role);
    acknowledgeFindings(
      this.role,
      'AwsSolutions-IAM5',
      ['Resource::*'],
      'Only X-Ray tracing (xray:PutTraceSegments, xray:PutTelemetryRecords) is granted on "*"; X-Ray has no resource-level permissions.',
    );

    const retryAttempts = props.retryAttempts ?? (toQueue ? 0 : undefined);
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      ...FUNCTION_DEFAULTS,
      role: this.role,
      ...nodejsCode(`${props.name}/handler.ts`, props.withParquetWasm ?? false),
      description: `worktrace: ${props.description}`,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.seconds(60),
      logGroup: this.logGroup,
      ...(toQueue && this.failureQueue
        ? { deadLetterQueue: this.failureQueue, onFailure: new SqsDestination(this.failureQueue) }
        : {}),
      ...(retryAttempts === undefined ? {} : { retryAttempts }),
      environment: {
        ...FUNCTION_ENVIRONMENT,
        ...definedValues(props.environment),
        POWERTOOLS_LOG_LEVEL: props.logLevel ?? 'INFO',
      },
    });
    if (typeof props.failedInvocations === 'object')
      for (const rule of ['Serverless-LambdaDLQ', 'Serverless-LambdaAsyncFailureDestination'])
        Validations.of(this.function).acknowledge({
          id: rule,
          reason: props.failedInvocations.withoutQueueBecause,
        });
  }

  /** The failure queue (and its key, when it has its own), with the queue's acknowledgements. */
  private createFailureQueue(
    name: string,
    encryption: FailureQueueEncryption,
  ): { queue: sqs.Queue; key?: kms.Key } {
    const key =
      encryption === 'own-key'
        ? new kms.Key(this, 'FailureQueueKey', {
            ...SECURE_KEY,
            description: `worktrace ${name} failure queue`,
            pendingWindow: KEY_PENDING_WINDOW,
          })
        : undefined;
    const queue = new sqs.Queue(this, 'FailureQueue', {
      ...(key
        ? { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: key }
        : { encryption: sqs.QueueEncryption.KMS_MANAGED }),
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: `This queue is itself the on-failure destination of the ${name} function; nothing redrives from it.`,
    });
    Validations.of(queue).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason: `This queue is itself the ${name} function's on-failure destination; messages are inspected by operators, not consumed.`,
    });
    return key ? { queue, key } : { queue };
  }
}

/** The entries of `environment` that have a value (optional variables may be passed as undefined). */
function definedValues(environment: object): Record<string, string> {
  return Object.fromEntries(
    Object.entries(environment).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/**
 * Checks every literal (non-token) value of `environment` against the function's schema, so a value the
 * handler would reject at cold start fails the synth instead. Tokens (ARNs, names) resolve at deploy time.
 */
function checkLiteralEnvironment(path: string, schema: z.ZodObject, environment: object): void {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(environment)) {
    const field = schema.shape[name] as z.ZodType | undefined;
    if (!field) problems.push(`${name}: not in the function's environment schema`);
    else if (typeof value === 'string' && !Token.isUnresolved(value)) {
      const parsed = field.safeParse(value);
      if (!parsed.success) problems.push(`${name}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(`${path}: ${problems.join('; ')}`);
}
