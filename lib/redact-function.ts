/**
 * The redact function: Kinesis batches in, events and quarantine zones out. Both halves of partial batch
 * handling are set: the event source (lib/defaults.ts kinesisEventSource) reports batch item failures,
 * bisects, bounds record age and retries and sends what it gives up on to the on-failure queue; the
 * handler returns batchItemFailures. Least privilege: read the stream, write events and quarantine,
 * decrypt the pseudonym data key; on curated only read the sequencer's watermark and add late-event queue
 * entries (events that land in a window already sequenced, so the next run sequences that window again).
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { OPT_OUT_REGISTRY_KEY } from '#core/governance/opt-outs.js';
import { RESEQUENCE_PREFIX, WATERMARK_KEY } from '#core/sequence/late.js';
import { SEQUENCE_SHARDS_DEFAULT } from '#core/sequence/shards.js';
import { RedactEnvSchema } from '../lambdas/redact/env.js';
import type { DataLake } from './data-lake.js';
import { kinesisEventSource } from './defaults.js';
import type { IngestStream } from './ingest-stream.js';
import { acknowledgeFindings, GRANT_WILDCARD_ACTIONS, objectsFinding, prefixFinding } from './nag.js';
import { PipelineFunction } from './pipeline-function.js';
import type { PseudonymKey } from './pseudonym-key.js';

/** Props of RedactFunction. */
export interface RedactFunctionProps {
  /** The stream to consume. @default (required) */
  readonly ingest: IngestStream;
  /** The lake: writes events and quarantine; reads the watermark and adds late-event entries in curated. @default (required) */
  readonly lake: DataLake;
  /** The pseudonym key and its encrypted data key. @default (required) */
  readonly pseudonymKey: PseudonymKey;
  /** The validated redaction policy as JSON (POLICY_JSON). @default (required) */
  readonly policyJson: string;
  /** How long the function caches the opt-out registry, seconds. @default 60 */
  readonly optOutTtlSeconds?: number;
  /** Sequence shards: each event lands under its session's `shard=NN/` partition (1..64). @default 4 */
  readonly sequenceShards?: number;
  /** The sequencer's window size (which window a late event feeds); must be the sequence function's. @default Duration.minutes(15) */
  readonly sequenceWindow?: Duration;
  /** The sequencer's late-arrival allowance; must be the sequence function's. @default Duration.minutes(10) */
  readonly sequenceLateArrival?: Duration;
  /** Records per invocation. @default KINESIS_EVENT_SOURCE_DEFAULTS.batchSize (100) */
  readonly batchSize?: number;
  /** Longest wait to fill a batch. @default KINESIS_EVENT_SOURCE_DEFAULTS.maxBatchingWindow (5 s) */
  readonly maxBatchingWindow?: Duration;
  /** Records older than this go to the failure queue unprocessed. @default KINESIS_EVENT_SOURCE_DEFAULTS.maxRecordAge (6 h) */
  readonly maxRecordAge?: Duration;
  /** Retries of a failing batch (after bisection). @default KINESIS_EVENT_SOURCE_DEFAULTS.retryAttempts (3) */
  readonly retryAttempts?: number;
  /** Concurrent batches per shard (order is kept per partition key). @default KINESIS_EVENT_SOURCE_DEFAULTS.parallelizationFactor (1) */
  readonly parallelizationFactor?: number;
  /** Memory, MB. @default 1024 */
  readonly memorySize?: number;
  /** Timeout. @default Duration.seconds(60) */
  readonly timeout?: Duration;
  /** Log retention. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

/** The redact Lambda with its Kinesis event source mapping and on-failure queue. */
export class RedactFunction extends PipelineFunction<typeof RedactEnvSchema> {
  /** Where the event source mapping sends batches it gave up on (metadata only, no record data). */
  declare public readonly failureQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: RedactFunctionProps) {
    const { lake, ingest } = props;
    super(scope, id, {
      name: 'redact',
      description: 'validate, redact and pseudonymise events into the events and quarantine zones',
      envSchema: RedactEnvSchema,
      environment: {
        EVENTS_BUCKET: lake.eventsBucket.bucketName,
        QUARANTINE_BUCKET: lake.quarantineBucket.bucketName,
        CURATED_BUCKET: lake.curatedBucket.bucketName,
        WINDOW_MINUTES: String((props.sequenceWindow ?? Duration.minutes(15)).toMinutes()),
        LATE_ARRIVAL_MS: String((props.sequenceLateArrival ?? Duration.minutes(10)).toMilliseconds()),
        EVENTS_KMS_KEY_ARN: lake.eventsKey.keyArn,
        QUARANTINE_KMS_KEY_ARN: lake.quarantineKey.keyArn,
        PSEUDONYM_KEY_ARN: props.pseudonymKey.key.keyArn,
        PSEUDONYM_DATA_KEY: props.pseudonymKey.encryptedDataKey,
        POLICY_JSON: props.policyJson,
        OPT_OUT_TTL_SECONDS: String(props.optOutTtlSeconds ?? 60),
        SEQUENCE_SHARDS: String(props.sequenceShards ?? SEQUENCE_SHARDS_DEFAULT),
      },
      failureQueue: 'sqs-managed-key',
      failedInvocations: {
        withoutQueueBecause:
          "The function is invoked synchronously by its Kinesis event source mapping; failed batches go to the mapping's on-failure queue instead.",
      },
      withParquetWasm: true,
      memorySize: props.memorySize,
      timeout: props.timeout,
      logRetention: props.logRetention,
    });
    this.function.addEventSource(
      kinesisEventSource(ingest.stream, this.failureQueue, {
        batchSize: props.batchSize,
        maxBatchingWindow: props.maxBatchingWindow,
        maxRecordAge: props.maxRecordAge,
        retryAttempts: props.retryAttempts,
        parallelizationFactor: props.parallelizationFactor,
      }),
    );
    const role = this.role;
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
    // Curated: read the sequencer's watermark (one object), add late-event queue entries (one prefix), and
    // the curated key only for those S3 requests.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [lake.curatedBucket.arnForObjects(WATERMARK_KEY)],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [lake.curatedBucket.arnForObjects(`${RESEQUENCE_PREFIX}*`)],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [lake.curatedKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${Stack.of(this).region}.amazonaws.com` } },
      }),
    );
    acknowledgeFindings(
      role,
      'AwsSolutions-IAM5',
      [
        objectsFinding(lake.eventsBucket),
        objectsFinding(lake.quarantineBucket),
        ...GRANT_WILDCARD_ACTIONS.write,
      ],
      'CDK grantPut on the events and quarantine buckets only: PutObject/Abort* on their objects and ' +
        'GenerateDataKey*/ReEncrypt* on their two zone keys; no read, no delete.',
    );
    acknowledgeFindings(
      role,
      'AwsSolutions-IAM5',
      [prefixFinding(lake.curatedBucket, RESEQUENCE_PREFIX)],
      'PutObject under the late-event queue prefix of the curated bucket only (one entry per late event ' +
        'batch, keys made at run time); no read, list or delete there. The one other curated grant is ' +
        'GetObject on the watermark object.',
    );
  }
}
