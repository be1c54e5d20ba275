/**
 * The sequence function and its schedule: on an EventBridge schedule the sequencing state machine
 * (lib/sequence-state-machine.ts) plans the due windows × shards, runs each shard's windows in order through
 * this function and commits, turning closed windows of the events zone into curated actions and episodes.
 * Reads events, reads and writes curated, deletes only consumed late-event queue entries; nothing on
 * quarantine. Executions the schedule could not start, and failed asynchronous invocations, go to one failure
 * queue.
 */
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { RESEQUENCE_PREFIX } from '#core/sequence/late.js';
import { CHECKPOINT_PREFIX } from '#core/sequence/sequencer.js';
import { SEQUENCE_SHARDS_DEFAULT } from '#core/sequence/shards.js';
import { SequenceEnvSchema } from '../lambdas/sequence/env.js';
import type { DataLake } from './data-lake.js';
import { acknowledgeFindings, GRANT_WILDCARD_ACTIONS, objectsFinding, prefixFinding } from './nag.js';
import { PipelineFunction } from './pipeline-function.js';
import { SequenceStateMachine } from './sequence-state-machine.js';

/** Props of SequenceFunction. */
export interface SequenceFunctionProps {
  /** Stage (names the sequencing state machine `worktrace-<stage>-sequence`). @default (required) */
  readonly stage: string;
  /** The lake: events are read, curated is read and written. @default (required) */
  readonly lake: DataLake;
  /** How often the schedule starts the sequencing state machine. @default Duration.minutes(5) */
  readonly schedule?: Duration;
  /** Window size (must divide a day). @default Duration.minutes(15) */
  readonly window?: Duration;
  /** How late an event may land after its hour. @default Duration.minutes(10) */
  readonly lateArrival?: Duration;
  /** Events read before a window for session context. @default Duration.hours(6) */
  readonly lookBack?: Duration;
  /** Longest episode (also the look-ahead after a window). @default Duration.minutes(30) */
  readonly maxEpisode?: Duration;
  /** Windows processed per invocation at most. @default 8 */
  readonly maxWindowsPerRun?: number;
  /** Sequence shards of the events zone; must be the redact function's. @default 4 */
  readonly sequenceShards?: number;
  /** How long a window's checkpoint is kept after the watermark passed it (the events zone's retention). @default Duration.days(30) */
  readonly checkpointRetention?: Duration;
  /** Shard jobs the sequencing state machine runs at once (Distributed Map). @default 16 */
  readonly maxConcurrency?: number;
  /** Removal policy of the state machine's log group and its key. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** Memory, MB. @default 1536 */
  readonly memorySize?: number;
  /** Timeout. @default Duration.minutes(5) */
  readonly timeout?: Duration;
  /** Log retention. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

/** The sequence Lambda, the sequencing state machine its schedule starts, and its failure queue. */
export class SequenceFunction extends PipelineFunction<typeof SequenceEnvSchema> {
  /** Scheduled executions EventBridge could not start, and failed asynchronous invocations. */
  declare public readonly failureQueue: sqs.Queue;
  /** Key of the failure queue (EventBridge may use it). */
  declare public readonly failureQueueKey: kms.Key;
  /** The sequencing state machine (plan due shard jobs, Distributed Map of them, commit). */
  public readonly stateMachine: SequenceStateMachine;
  /** The schedule rule; its target is the sequencing state machine. */
  public readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: SequenceFunctionProps) {
    const { lake } = props;
    const ms = (d: Duration) => String(d.toMilliseconds());
    super(scope, id, {
      name: 'sequence',
      description: 'sequence closed windows of events into curated actions and episodes',
      envSchema: SequenceEnvSchema,
      environment: {
        EVENTS_BUCKET: lake.eventsBucket.bucketName,
        CURATED_BUCKET: lake.curatedBucket.bucketName,
        WINDOW_MINUTES: String((props.window ?? Duration.minutes(15)).toMinutes()),
        LATE_ARRIVAL_MS: ms(props.lateArrival ?? Duration.minutes(10)),
        LOOK_BACK_MS: ms(props.lookBack ?? Duration.hours(6)),
        CHECKPOINT_RETENTION_DAYS: String((props.checkpointRetention ?? Duration.days(30)).toDays()),
        MAX_EPISODE_MS: ms(props.maxEpisode ?? Duration.minutes(30)),
        MAX_WINDOWS_PER_RUN: String(props.maxWindowsPerRun ?? 8),
        SEQUENCE_SHARDS: String(props.sequenceShards ?? SEQUENCE_SHARDS_DEFAULT),
      },
      // EventBridge cannot send to a queue under the AWS-managed SQS key: a key of its own that it may use.
      failureQueue: 'own-key',
      failedInvocations: 'failure-queue',
      withParquetWasm: true,
      memorySize: props.memorySize ?? 1536,
      timeout: props.timeout ?? Duration.minutes(5),
      logRetention: props.logRetention,
    });
    this.failureQueueKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'EventBridgeDeadLetters',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
      }),
    );
    this.stateMachine = new SequenceStateMachine(this, 'StateMachine', {
      stage: props.stage,
      function: this.function,
      curatedBucket: lake.curatedBucket,
      athenaResultsBucket: lake.athenaResultsBucket,
      ...(props.maxConcurrency === undefined ? {} : { maxConcurrency: props.maxConcurrency }),
      ...(props.logRetention ? { logRetention: props.logRetention } : {}),
      ...(props.removalPolicy ? { removalPolicy: props.removalPolicy } : {}),
    });
    this.rule = new events.Rule(this, 'Schedule', {
      description: 'worktrace: run the sequencer (start the sequencing state machine)',
      schedule: events.Schedule.rate(props.schedule ?? Duration.minutes(5)),
      targets: [
        new targets.SfnStateMachine(this.stateMachine.stateMachine, {
          input: events.RuleTargetInput.fromObject({}),
          deadLetterQueue: this.failureQueue,
          retryAttempts: 2,
          maxEventAge: Duration.hours(1),
        }),
      ],
    });
    lake.grantRead('events', this.role);
    lake.grantReadWrite('curated', this.role);
    // Commit clears the late-event queue entries a run consumed and the checkpoints that left their
    // retention: delete there and nowhere else.
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:DeleteObject'],
        resources: [
          lake.curatedBucket.arnForObjects(`${RESEQUENCE_PREFIX}*`),
          lake.curatedBucket.arnForObjects(`${CHECKPOINT_PREFIX}*`),
        ],
      }),
    );

    acknowledgeFindings(
      this.role,
      'AwsSolutions-IAM5',
      [
        objectsFinding(lake.eventsBucket),
        objectsFinding(lake.curatedBucket),
        ...GRANT_WILDCARD_ACTIONS.read,
        ...GRANT_WILDCARD_ACTIONS.write,
      ],
      'CDK grantRead on the events bucket and grantRead + grantPut on the curated bucket only ' +
        '(Get*/List* and PutObject/Abort* on their objects, GenerateDataKey*/ReEncrypt* on the curated key); ' +
        'nothing on quarantine.',
    );
    acknowledgeFindings(
      this.role,
      'AwsSolutions-IAM5',
      [
        prefixFinding(lake.curatedBucket, RESEQUENCE_PREFIX),
        prefixFinding(lake.curatedBucket, CHECKPOINT_PREFIX),
      ],
      'DeleteObject on two control prefixes of the curated bucket only: the commit step deletes the ' +
        'late-event queue entries its run sequenced (keys made by the redact function at run time) and the ' +
        'checkpoints of windows that left the checkpoint retention (keys per window and shard).',
    );
  }
}
