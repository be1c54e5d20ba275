/**
 * The redact function: Kinesis batches in, events and quarantine zones out. Both halves of partial batch
 * handling are set here (reportBatchItemFailures, bisectBatchOnError, maxRecordAge, retryAttempts, an
 * on-failure SQS queue); the handler returns batchItemFailures. Least privilege: read the stream, write
 * events and quarantine, decrypt the pseudonym data key; nothing on curated.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { OPT_OUT_REGISTRY_KEY } from '#core/governance/opt-outs.js';
import { nodejsCode } from './bundling.js';
import type { DataLake } from './data-lake.js';
import { FUNCTION_DEFAULTS, FUNCTION_ENVIRONMENT } from './defaults.js';
import { functionRole } from './function-role.js';
import type { IngestStream } from './ingest-stream.js';
import { acknowledgeFindings, GRANT_WILDCARD_ACTIONS, objectsFinding } from './nag.js';
import type { PseudonymKey } from './pseudonym-key.js';

/** Props of RedactFunction. */
export interface RedactFunctionProps {
  /** The stream to consume. */
  readonly ingest: IngestStream;
  /** The lake to write events and quarantine into. */
  readonly lake: DataLake;
  /** The pseudonym key and its encrypted data key. */
  readonly pseudonymKey: PseudonymKey;
  /** The validated redaction policy as JSON (POLICY_JSON). */
  readonly policyJson: string;
  /** How long the function caches the opt-out registry, seconds. @default 60 */
  readonly optOutTtlSeconds?: number;
  /** Records per invocation. @default 100 */
  readonly batchSize?: number;
  /** Longest wait to fill a batch. @default Duration.seconds(5) */
  readonly maxBatchingWindow?: Duration;
  /** Records older than this go to the failure queue unprocessed. @default Duration.hours(6) */
  readonly maxRecordAge?: Duration;
  /** Retries of a failing batch (after bisection). @default 3 */
  readonly retryAttempts?: number;
  /** Concurrent batches per shard (order is kept per partition key). @default 1 */
  readonly parallelizationFactor?: number;
  /** Memory. @default 1024 */
  readonly memorySize?: number;
  /** Timeout. @default Duration.seconds(60) */
  readonly timeout?: Duration;
  /** Log retention. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

/** The redact Lambda with its Kinesis event source mapping and on-failure queue. */
export class RedactFunction extends Construct {
  /** The function. */
  public readonly function: nodejs.NodejsFunction;
  /** Where the event source mapping sends batches it gave up on (metadata only, no record data). */
  public readonly failureQueue: sqs.Queue;
  /** The function's log group. */
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: RedactFunctionProps) {
    super(scope, id);
    const { lake, ingest } = props;
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    });
    this.failureQueue = new sqs.Queue(this, 'FailureQueue', {
      encryption: sqs.QueueEncryption.KMS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.failureQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the on-failure destination of the redact event source mapping.',
    });
    Validations.of(this.failureQueue).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason:
        'This queue is itself the on-failure destination; messages are inspected by operators, not consumed.',
    });
    const role = functionRole(this, 'Role', this.logGroup);
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      ...FUNCTION_DEFAULTS,
      role,
      ...nodejsCode('redact/handler.ts', true),
      description: 'worktrace: validate, redact and pseudonymise events into the events and quarantine zones',
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.seconds(60),
      logGroup: this.logGroup,
      environment: {
        ...FUNCTION_ENVIRONMENT,
        EVENTS_BUCKET: lake.eventsBucket.bucketName,
        QUARANTINE_BUCKET: lake.quarantineBucket.bucketName,
        EVENTS_KMS_KEY_ARN: lake.eventsKey.keyArn,
        QUARANTINE_KMS_KEY_ARN: lake.quarantineKey.keyArn,
        PSEUDONYM_KEY_ARN: props.pseudonymKey.key.keyArn,
        PSEUDONYM_DATA_KEY: props.pseudonymKey.encryptedDataKey,
        POLICY_JSON: props.policyJson,
        OPT_OUT_TTL_SECONDS: String(props.optOutTtlSeconds ?? 60),
        POWERTOOLS_LOG_LEVEL: 'INFO',
      },
    });
    this.function.addEventSource(
      new KinesisEventSource(ingest.stream, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: props.batchSize ?? 100,
        maxBatchingWindow: props.maxBatchingWindow ?? Duration.seconds(5),
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        maxRecordAge: props.maxRecordAge ?? Duration.hours(6),
        retryAttempts: props.retryAttempts ?? 3,
        parallelizationFactor: props.parallelizationFactor ?? 1,
        onFailure: new SqsDlq(this.failureQueue),
      }),
    );
    ingest.grantRead(role);
    lake.grantWrite('events', role);
    lake.grantWrite('quarantine', role);
    props.pseudonymKey.grantDecrypt(role);
    // The opt-out registry: read one object of the events bucket (and decrypt it), nothing else there.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [lake.eventsBucket.arnForObjects(OPT_OUT_REGISTRY_KEY)],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [lake.eventsKey.keyArn] }),
    );

    const invokedBy = 'The function is invoked synchronously by its Kinesis event source mapping';
    Validations.of(this.function).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason: `${invokedBy}; failed batches go to the mapping's on-failure queue instead.`,
    });
    Validations.of(this.function).acknowledge({
      id: 'Serverless-LambdaAsyncFailureDestination',
      reason: `${invokedBy}; failed batches go to the mapping's on-failure queue instead.`,
    });
    acknowledgeFindings(
      role,
      'AwsSolutions-IAM5',
      [
        objectsFinding(lake.eventsBucket),
        objectsFinding(lake.quarantineBucket),
        ...GRANT_WILDCARD_ACTIONS.write,
      ],
      'CDK grantPut on the events and quarantine buckets only: PutObject/Abort* on their objects and ' +
        'GenerateDataKey*/ReEncrypt* on their two zone keys; no read, no delete, nothing on curated.',
    );
  }
}
