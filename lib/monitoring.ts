/**
 * Monitoring: an encrypted SNS topic (optional e-mail subscription), the pipeline's alarms and a dashboard.
 * Metrics come from Lambda, SQS and Kinesis, and from the handlers' Powertools EMF metrics in the
 * METRICS_NAMESPACE namespace (adapters/telemetry.ts; dimension `service` = the function's name).
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, type Service } from '#adapters/telemetry.js';
import { KEY_PENDING_WINDOW, SECURE_KEY } from './defaults.js';
import type { IngestStream } from './ingest-stream.js';
import type { RedactFunction } from './redact-function.js';
import type { SequenceFunction } from './sequence-function.js';

/** Props of Monitoring. */
export interface MonitoringProps {
  /** Stage, used in the dashboard name. */
  readonly stage: string;
  /** The ingest stream. */
  readonly ingest: IngestStream;
  /** The redact function. */
  readonly redact: RedactFunction;
  /** The sequence function and its sequencing state machine. */
  readonly sequence: SequenceFunction;
  /** E-mail address subscribed to alarms. @default no subscription */
  readonly alarmEmail?: string;
  /** Alarm when the redact function's iterator age exceeds this. @default Duration.minutes(15) */
  readonly iteratorAgeThreshold?: Duration;
  /** Alarm when quarantined / received records over 15 minutes exceeds this ratio. @default 0.05 */
  readonly quarantineRatioThreshold?: number;
  /** Alarm when no window was sequenced for this long. @default Duration.hours(1) */
  readonly sequenceStaleAfter?: Duration;
}

/** Alarm topic, alarms and dashboard. */
export class Monitoring extends Construct {
  /** Every alarm notifies this topic (KMS-encrypted, TLS only). */
  public readonly topic: sns.Topic;
  /** The topic's key (CloudWatch may use it to publish). */
  public readonly topicKey: kms.Key;
  /** The alarms by purpose. */
  public readonly alarms: Readonly<Record<string, cloudwatch.Alarm>>;
  /** The operations dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.topicKey = new kms.Key(this, 'TopicKey', {
      ...SECURE_KEY,
      description: 'worktrace alarm topic',
      pendingWindow: KEY_PENDING_WINDOW,
    });
    this.topicKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: `worktrace ${props.stage} alarms`,
      masterKey: this.topicKey,
      enforceSSL: true,
    });
    if (props.alarmEmail) {
      const sub = new sns.Subscription(this, 'Email', {
        topic: this.topic,
        protocol: sns.SubscriptionProtocol.EMAIL,
        endpoint: props.alarmEmail,
      });
      Validations.of(sub).acknowledge({
        id: 'Serverless-SNSRedrivePolicy',
        reason: 'E-mail delivery to an operator; alarm state stays visible in CloudWatch if delivery fails.',
      });
    }

    const redactFn = props.redact.function;
    const sequencing = props.sequence.stateMachine.stateMachine;
    const fiveMin = Duration.minutes(5);
    const custom = (service: Service, metricName: string, statistic = 'Sum', period = fiveMin) =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service },
        statistic,
        period,
      });
    const quarantineRatio = new cloudwatch.MathExpression({
      label: 'quarantined / received',
      expression: 'IF(received > 0, quarantined / received, 0)',
      usingMetrics: {
        quarantined: custom('redact', 'RecordsQuarantined', 'Sum', Duration.minutes(15)),
        received: custom('redact', 'RecordsIn', 'Sum', Duration.minutes(15)),
      },
      period: Duration.minutes(15),
    });
    const atLeastOne = {
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    };
    const alarm = (
      id: string,
      description: string,
      metric: cloudwatch.IMetric,
      opts: Partial<cloudwatch.CreateAlarmOptions>,
    ) => new cloudwatch.Alarm(this, id, { ...atLeastOne, ...opts, metric, alarmDescription: description });

    /** Errors, throttles and failure-queue depth of one function: `<name>Errors`, `<name>Throttles`, `<name>FailureQueue`. */
    const functionAlarms = (
      name: string,
      what: string,
      target: Pick<RedactFunction | SequenceFunction, 'function' | 'failureQueue'>,
      queueWhy: string,
    ): Record<string, cloudwatch.Alarm> => {
      const id = name.charAt(0).toUpperCase() + name.slice(1);
      return {
        [`${name}Errors`]: alarm(
          `${id}Errors`,
          `${what} failed.`,
          target.function.metricErrors({ period: fiveMin }),
          {},
        ),
        [`${name}Throttles`]: alarm(
          `${id}Throttles`,
          `${what} was throttled.`,
          target.function.metricThrottles({ period: fiveMin }),
          {},
        ),
        [`${name}FailureQueue`]: alarm(
          `${id}FailureQueueDepth`,
          queueWhy,
          target.failureQueue.metricApproximateNumberOfMessagesVisible({
            period: fiveMin,
            statistic: 'Maximum',
          }),
          {},
        ),
      };
    };

    this.alarms = {
      iteratorAge: alarm(
        'RedactIteratorAge',
        'The redact function is falling behind the stream.',
        redactFn.metric('IteratorAge', { statistic: 'Maximum', period: fiveMin }),
        {
          threshold: (props.iteratorAgeThreshold ?? Duration.minutes(15)).toMilliseconds(),
          evaluationPeriods: 3,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        },
      ),
      ...functionAlarms(
        'redact',
        'The redact function',
        props.redact,
        'Batches were given up on and sent to the redact failure queue.',
      ),
      quarantineRatio: alarm(
        'QuarantineRatio',
        'An unusual share of records is being quarantined (agent or contract problem).',
        quarantineRatio,
        {
          threshold: props.quarantineRatioThreshold ?? 0.05,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        },
      ),
      ...functionAlarms(
        'sequence',
        'The sequencer',
        props.sequence,
        'Scheduled sequencer runs could not be started (or async invocations failed) and were sent to its dead-letter queue.',
      ),
      sequenceExecutionFailed: alarm(
        'SequenceExecutionFailed',
        'A sequencing state machine execution failed, timed out or was aborted (the watermark did not move; the next run plans the same windows again).',
        new cloudwatch.MathExpression({
          expression: 'FILL(failed, 0) + FILL(timedOut, 0) + FILL(aborted, 0)',
          usingMetrics: {
            failed: sequencing.metricFailed({ statistic: 'Sum', period: fiveMin }),
            timedOut: sequencing.metricTimedOut({ statistic: 'Sum', period: fiveMin }),
            aborted: sequencing.metricAborted({ statistic: 'Sum', period: fiveMin }),
          },
          period: fiveMin,
        }),
        {},
      ),
      sequenceStale: alarm(
        'SequenceStale',
        'No window has been sequenced for too long (curated zone is stale).',
        custom('sequence', 'windows', 'Sum', props.sequenceStaleAfter ?? Duration.hours(1)),
        {
          threshold: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        },
      ),
    };
    const notify = new actions.SnsAction(this.topic);
    for (const a of Object.values(this.alarms)) a.addAlarmAction(notify);

    const stream = props.ingest.stream;
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `worktrace-${props.stage}`,
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'Ingest rate (records)',
            left: [stream.metricIncomingRecords({ period: fiveMin, statistic: 'Sum' })],
          }),
          new cloudwatch.GraphWidget({
            title: 'Redact lag (iterator age, ms)',
            left: [redactFn.metric('IteratorAge', { statistic: 'Maximum', period: fiveMin })],
          }),
          new cloudwatch.GraphWidget({ title: 'Quarantine ratio', left: [quarantineRatio] }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Findings per entity type',
            left: [
              new cloudwatch.MathExpression({
                label: '',
                expression: `SEARCH('{${METRICS_NAMESPACE},EntityType,service} MetricName="Findings"', 'Sum', 300)`,
                usingMetrics: {},
                period: fiveMin,
              }),
            ],
          }),
          new cloudwatch.GraphWidget({
            title: 'Episodes and actions written',
            left: [custom('sequence', 'episodes'), custom('sequence', 'actions')],
          }),
          new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: Object.values(this.alarms) }),
        ],
      ],
    });
  }
}
