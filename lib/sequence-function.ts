/**
 * The sequence function: on an EventBridge schedule it turns closed windows of the events zone into
 * curated actions and episodes. Reads events, reads and writes curated; nothing on quarantine.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { nodejsCode } from './bundling.js';
import type { DataLake } from './data-lake.js';
import { FUNCTION_DEFAULTS, FUNCTION_ENVIRONMENT, KEY_PENDING_WINDOW, SECURE_KEY } from './defaults.js';
import { functionRole } from './function-role.js';
import { acknowledgeFindings, GRANT_WILDCARD_ACTIONS, objectsFinding } from './nag.js';

/** Props of SequenceFunction. */
export interface SequenceFunctionProps {
  /** The lake: events are read, curated is read and written. */
  readonly lake: DataLake;
  /** How often the schedule fires. @default Duration.minutes(5) */
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
  /** Memory. @default 1536 */
  readonly memorySize?: number;
  /** Timeout. @default Duration.minutes(5) */
  readonly timeout?: Duration;
  /** Log retention. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

/** The sequence Lambda, its schedule and its failure queue. */
export class SequenceFunction extends Construct {
  /** The function. */
  public readonly function: nodejs.NodejsFunction;
  /** The schedule rule. */
  public readonly rule: events.Rule;
  /** Failed scheduled invocations (from EventBridge or from Lambda's async retries). */
  public readonly failureQueue: sqs.Queue;
  /** Key of the failure queue (EventBridge may use it). */
  public readonly failureQueueKey: kms.Key;
  /** The function's log group. */
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: SequenceFunctionProps) {
    super(scope, id);
    const { lake } = props;
    const ms = (d: Duration) => String(d.toMilliseconds());
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    });
    // EventBridge cannot send to a queue under the AWS-managed SQS key: a customer key that lets it.
    this.failureQueueKey = new kms.Key(this, 'FailureQueueKey', {
      ...SECURE_KEY,
      description: 'worktrace sequence failure queue',
      pendingWindow: KEY_PENDING_WINDOW,
    });
    this.failureQueueKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'EventBridgeDeadLetters',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
      }),
    );
    this.failureQueue = new sqs.Queue(this, 'FailureQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.failureQueueKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.failureQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the sequence schedule and function.',
    });
    Validations.of(this.failureQueue).acknowledge({
      id: 'Serverless-SQSRedrivePolicy',
      reason: 'This queue is itself a dead-letter queue; messages are inspected by operators, not consumed.',
    });
    const timeout = props.timeout ?? Duration.minutes(5);
    const role = functionRole(this, 'Role', this.logGroup);
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      ...FUNCTION_DEFAULTS,
      role,
      ...nodejsCode('sequence/handler.ts', true),
      description: 'worktrace: sequence closed windows of events into curated actions and episodes',
      memorySize: props.memorySize ?? 1536,
      timeout,
      logGroup: this.logGroup,
      deadLetterQueue: this.failureQueue,
      onFailure: new SqsDestination(this.failureQueue),
      retryAttempts: 0,
      environment: {
        ...FUNCTION_ENVIRONMENT,
        EVENTS_BUCKET: lake.eventsBucket.bucketName,
        CURATED_BUCKET: lake.curatedBucket.bucketName,
        WINDOW_MINUTES: String((props.window ?? Duration.minutes(15)).toMinutes()),
        LATE_ARRIVAL_MS: ms(props.lateArrival ?? Duration.minutes(10)),
        LOOK_BACK_MS: ms(props.lookBack ?? Duration.hours(6)),
        MAX_EPISODE_MS: ms(props.maxEpisode ?? Duration.minutes(30)),
        MAX_WINDOWS_PER_RUN: String(props.maxWindowsPerRun ?? 8),
        POWERTOOLS_LOG_LEVEL: 'INFO',
      },
    });
    this.rule = new events.Rule(this, 'Schedule', {
      description: 'worktrace: run the sequencer',
      schedule: events.Schedule.rate(props.schedule ?? Duration.minutes(5)),
      targets: [
        new targets.LambdaFunction(this.function, {
          deadLetterQueue: this.failureQueue,
          retryAttempts: 2,
          maxEventAge: Duration.hours(1),
        }),
      ],
    });
    lake.grantRead('events', role);
    lake.grantReadWrite('curated', role);

    acknowledgeFindings(
      role,
      'AwsSolutions-IAM5',
      [
        objectsFinding(lake.eventsBucket),
        objectsFinding(lake.curatedBucket),
        ...GRANT_WILDCARD_ACTIONS.read,
        ...GRANT_WILDCARD_ACTIONS.write,
      ],
      'CDK grantRead on the events bucket and grantRead + grantPut on the curated bucket only ' +
        '(Get*/List* and PutObject/Abort* on their objects, GenerateDataKey*/ReEncrypt* on the curated key); ' +
        'no delete, nothing on quarantine.',
    );
  }
}
