/**
 * Governance: the erase function (right to erasure, opt-outs and their follow-up sweeps in AWS) with its
 * sweep schedule and failure alarm, the erasure state machine (find, a Distributed Map of rewrites, verify,
 * receipt) over it, the object-locked audit bucket its receipts go to, the opt-out registry
 * location, and the daily canary with an alarm when it fails.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { CANARY_STATE_PREFIX } from '#core/governance/canary.js';
import { OPT_OUT_REGISTRY_KEY } from '#core/governance/opt-outs.js';
import { CanaryEnvSchema } from '../lambdas/canary/env.js';
import { EraseEnvSchema } from '../lambdas/erase/env.js';
import { grantAthenaQuery } from './analyst-access.js';
import type { DataLake } from './data-lake.js';
import {
  dataKeyPolicyGuards,
  KEY_PENDING_WINDOW,
  keyPolicyAdministrators,
  SECURE_BUCKET,
  SECURE_KEY,
} from './defaults.js';
import { EraseStateMachine } from './erase-state-machine.js';
import type { IngestStream } from './ingest-stream.js';
import { acknowledgeFindings, GRANT_WILDCARD_ACTIONS, logicalIdOf, objectsFinding } from './nag.js';
import { glueDatabaseName, workgroupName } from './names.js';
import { PipelineFunction } from './pipeline-function.js';
import type { PseudonymKey } from './pseudonym-key.js';

/** Props of Governance. */
export interface GovernanceProps {
  /** Stage; the canary queries the views in this stage's workgroup and database (lib/names.ts). */
  readonly stage: string;
  readonly lake: DataLake;
  readonly ingest: IngestStream;
  readonly pseudonymKey: PseudonymKey;
  /** The redaction policy (the canary's agent applies it). */
  readonly policyJson: string;
  /** Alarm topic for a failing canary. */
  readonly alarmTopic: sns.ITopic;
  /** Object-lock (compliance mode) retention of erasure receipts. @default 2555 days (7 years) */
  readonly auditRetentionDays?: number;
  /** Run the canary daily. @default true */
  readonly canarySchedule?: boolean;
  /** How long the canary waits for the redact function before searching, seconds. @default 120 */
  readonly canaryWaitSeconds?: number;
  /** Log retention. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Retention of the ingest stream: an erasure's or opt-out's follow-up sweep is due once it has passed.
   * @default the ingest stream's own retention (24 hours when it sets none)
   */
  readonly streamRetention?: Duration;
  /**
   * Pseudonym data keys retired by a rotation whose rows are still in the lake (base64 KMS ciphertexts
   * under the pseudonym key): erasure searches the subject under each. @default none
   */
  readonly retiredEncryptedDataKeys?: readonly string[];
  /** How often the erase function runs the follow-up sweeps that are due. @default Duration.hours(1) */
  readonly sweepInterval?: Duration;
  /** Removal policy of the erasure state machine's log group and its key. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** Objects the erasure state machine rewrites at once. @default 16 */
  readonly eraseMaxConcurrency?: number;
  /** Percentage of object rewrites that may fail without failing an erasure round. @default 0 */
  readonly eraseToleratedFailurePercentage?: number;
}

/** Erase function, audit bucket, canary function, schedule and alarm. */
export class Governance extends Construct {
  /** Write-once audit bucket (object lock, compliance mode) for erasure receipts. */
  public readonly auditBucket: s3.Bucket;
  /** Key of the audit bucket. */
  public readonly auditKey: kms.Key;
  /**
   * The erase function (invoke with `{"user": "<raw id>"}`, or `{"action": "opt-out"|"opt-in", "user": …}`),
   * its log group and role.
   */
  public readonly erase: PipelineFunction<typeof EraseEnvSchema>;
  /**
   * The erasure state machine: start it with `{"subject", "pseudonyms": [{"pseudonym", "keyVersion"}],
   * "startedAt"}` (pseudonyms only; `worktrace erase --aws --state-machine <arn>`).
   */
  public readonly eraseStateMachine: EraseStateMachine;
  /** Alarm: an erasure execution failed, timed out or was aborted (the subject may still be in the lake). */
  public readonly eraseExecutionAlarm: cloudwatch.Alarm;
  /** Runs the due follow-up sweeps (`{"action": "sweep"}`) every `sweepInterval`. */
  public readonly sweepRule: events.Rule;
  /** Alarm: an erasure, opt-out or follow-up sweep failed. */
  public readonly eraseAlarm: cloudwatch.Alarm;
  /** The canary function, its log group and role. */
  public readonly canary: PipelineFunction<typeof CanaryEnvSchema>;
  /** Daily canary schedule, when on. */
  public readonly canaryRule?: events.Rule;
  /** Alarm: the canary failed (a survivor, or no output). */
  public readonly canaryAlarm: cloudwatch.Alarm;
  /** Where the opt-out registry lives (the redact function reads it). */
  public readonly optOutRegistryUri: string;

  constructor(scope: Construct, id: string, props: GovernanceProps) {
    super(scope, id);
    const { lake } = props;
    this.auditKey = new kms.Key(this, 'AuditKey', {
      ...SECURE_KEY,
      description: 'worktrace erasure receipts (audit)',
      pendingWindow: KEY_PENDING_WINDOW,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Holds subject content: no principal may grant itself use of the key or rewrite its policy.
    for (const guard of dataKeyPolicyGuards(keyPolicyAdministrators(Stack.of(this))))
      this.auditKey.addToResourcePolicy(guard);
    this.auditBucket = new s3.Bucket(this, 'Audit', {
      ...SECURE_BUCKET,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.auditKey,
      bucketKeyEnabled: true,
      objectLockEnabled: true,
      objectLockDefaultRetention: s3.ObjectLockRetention.compliance(
        Duration.days(props.auditRetentionDays ?? 2555),
      ),
      serverAccessLogsBucket: lake.accessLogsBucket,
      serverAccessLogsPrefix: 'audit/',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.optOutRegistryUri = `s3://${lake.eventsBucket.bucketName}/${OPT_OUT_REGISTRY_KEY}`;

    // Erase: read, rewrite and delete (incl. old versions) in every data zone; clear the query results;
    // write receipts. Also serves opt-outs and the scheduled follow-up sweeps.
    const streamHours =
      props.streamRetention?.toHours() ??
      (props.ingest.stream.node.defaultChild as kinesis.CfnStream).retentionPeriodHours ??
      24;
    const retired = props.retiredEncryptedDataKeys ?? [];
    this.erase = new PipelineFunction(this, 'Erase', {
      name: 'erase',
      description: 'erase or opt out a subject from every zone, run due follow-up sweeps, write receipts',
      envSchema: EraseEnvSchema,
      environment: {
        EVENTS_BUCKET: lake.eventsBucket.bucketName,
        QUARANTINE_BUCKET: lake.quarantineBucket.bucketName,
        CURATED_BUCKET: lake.curatedBucket.bucketName,
        ATHENA_RESULTS_BUCKET: lake.athenaResultsBucket.bucketName,
        AUDIT_BUCKET: this.auditBucket.bucketName,
        EVENTS_KMS_KEY_ARN: lake.eventsKey.keyArn,
        QUARANTINE_KMS_KEY_ARN: lake.quarantineKey.keyArn,
        CURATED_KMS_KEY_ARN: lake.curatedKey.keyArn,
        AUDIT_KMS_KEY_ARN: this.auditKey.keyArn,
        PSEUDONYM_KEY_ARN: props.pseudonymKey.key.keyArn,
        PSEUDONYM_DATA_KEY: props.pseudonymKey.encryptedDataKey,
        ...(retired.length > 0 ? { PSEUDONYM_RETIRED_DATA_KEYS: retired.join(',') } : {}),
        STREAM_RETENTION_HOURS: String(streamHours),
        ATHENA_WORKGROUP: workgroupName(props.stage),
        GLUE_DATABASE: glueDatabaseName(props.stage),
      },
      failedInvocations: {
        withoutQueueBecause:
          'Operators invoke it synchronously and see the failure; a failed scheduled sweep stays pending and the ' +
          'next scheduled run retries it, while the EraseFailed alarm reports the failure.',
      },
      retryAttempts: 0,
      withParquetWasm: true,
      memorySize: 2048,
      timeout: Duration.minutes(15),
      logRetention: props.logRetention,
    });
    const eraseRole = this.erase.role;
    const zones = ['events', 'quarantine', 'curated'] as const;
    for (const z of zones) {
      lake.grantReadWrite(z, eraseRole);
      lake.grantDelete(z, eraseRole);
    }
    // Query results are a cache: listed and deleted (every version), never read.
    lake.grantDelete('athenaResults', eraseRole);
    eraseRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [lake.athenaResultsBucket.bucketArn],
      }),
    );
    const versioned = [...zones.map((z) => lake.bucket(z)), lake.athenaResultsBucket];
    eraseRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucketVersions', 's3:DeleteObjectVersion'],
        resources: versioned.flatMap((b) => [b.bucketArn, b.arnForObjects('*')]),
      }),
    );
    this.auditBucket.grantRead(eraseRole);
    this.auditBucket.grantPut(eraseRole);
    props.pseudonymKey.grantDecrypt(eraseRole);
    // The find step queries the zones through Athena in the pipeline workgroup only (and writes its results
    // under that workgroup's prefix); the zones themselves are readable already.
    grantAthenaQuery(eraseRole, props.stage, lake);
    const zoneBuckets = [...versioned, this.auditBucket];
    acknowledgeFindings(
      eraseRole,
      'AwsSolutions-IAM5',
      [
        ...zoneBuckets.map((b) => objectsFinding(b)),
        ...GRANT_WILDCARD_ACTIONS.read,
        ...GRANT_WILDCARD_ACTIONS.write,
        'Action::s3:DeleteObject*',
      ],
      'Erasure must find, rewrite and delete objects (and their old versions) anywhere in the three data zones, ' +
        'delete query results (every version) in the athena-results zone, and read and add receipts in the ' +
        'audit bucket; scoped to those buckets and their keys only.',
    );
    this.eraseStateMachine = new EraseStateMachine(this, 'EraseStateMachine', {
      stage: props.stage,
      function: this.erase.function,
      curatedBucket: lake.curatedBucket,
      athenaResultsBucket: lake.athenaResultsBucket,
      ...(props.eraseMaxConcurrency === undefined ? {} : { maxConcurrency: props.eraseMaxConcurrency }),
      ...(props.eraseToleratedFailurePercentage === undefined
        ? {}
        : { toleratedFailurePercentage: props.eraseToleratedFailurePercentage }),
      ...(props.logRetention ? { logRetention: props.logRetention } : {}),
      ...(props.removalPolicy ? { removalPolicy: props.removalPolicy } : {}),
    });
    const erasures = this.eraseStateMachine.stateMachine;
    this.eraseExecutionAlarm = new cloudwatch.Alarm(this, 'EraseExecutionFailed', {
      alarmDescription:
        'worktrace: an erasure state machine execution failed, timed out or was aborted (rows may remain; rerun it)',
      metric: new cloudwatch.MathExpression({
        expression: 'FILL(failed, 0) + FILL(timedOut, 0) + FILL(aborted, 0)',
        usingMetrics: {
          failed: erasures.metricFailed({ statistic: 'Sum' }),
          timedOut: erasures.metricTimedOut({ statistic: 'Sum' }),
          aborted: erasures.metricAborted({ statistic: 'Sum' }),
        },
        period: Duration.hours(1),
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.eraseExecutionAlarm.addAlarmAction(new actions.SnsAction(props.alarmTopic));
    this.sweepRule = new events.Rule(this, 'SweepSchedule', {
      description:
        'worktrace: follow-up sweeps of erasures and opt-outs once the stream retention has passed',
      schedule: events.Schedule.rate(props.sweepInterval ?? Duration.hours(1)),
      targets: [
        new targets.LambdaFunction(this.erase.function, {
          event: events.RuleTargetInput.fromObject({ action: 'sweep' }),
          retryAttempts: 0,
        }),
      ],
    });
    Validations.of(this.sweepRule).acknowledge({
      id: 'Serverless-EventBusDLQ',
      reason:
        'A due sweep stays pending in the curated zone until it succeeds; the next scheduled run picks it up. Nothing to redeliver.',
    });
    this.eraseAlarm = new cloudwatch.Alarm(this, 'EraseFailed', {
      alarmDescription:
        'worktrace: an erasure, opt-out or follow-up sweep failed (a failed sweep stays pending and is retried)',
      metric: this.erase.function.metricErrors({ period: Duration.hours(1), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.eraseAlarm.addAlarmAction(new actions.SnsAction(props.alarmTopic));

    // Canary: send through the stream like an agent, then search the zones and views.
    this.canary = new PipelineFunction(this, 'Canary', {
      name: 'canary',
      description: 'canary secrets through the live pipeline, then a search of the zones',
      envSchema: CanaryEnvSchema,
      environment: {
        STREAM_NAME: props.ingest.stream.streamName,
        EVENTS_BUCKET: lake.eventsBucket.bucketName,
        QUARANTINE_BUCKET: lake.quarantineBucket.bucketName,
        CURATED_BUCKET: lake.curatedBucket.bucketName,
        AUDIT_BUCKET: this.auditBucket.bucketName,
        AUDIT_KMS_KEY_ARN: this.auditKey.keyArn,
        ATHENA_WORKGROUP: workgroupName(props.stage),
        GLUE_DATABASE: glueDatabaseName(props.stage),
        POLICY_JSON: props.policyJson,
        WAIT_SECONDS: String(props.canaryWaitSeconds ?? 120),
      },
      failedInvocations: {
        withoutQueueBecause:
          'A failed canary run is what the canary alarm reports; a retry or a redelivery would add nothing.',
      },
      retryAttempts: 0,
      withParquetWasm: true,
      memorySize: 1024,
      timeout: Duration.minutes(10),
      logRetention: props.logRetention,
    });
    const canaryRole = this.canary.role;
    canaryRole.addManagedPolicy(props.ingest.agentPolicy);
    lake.grantRead('events', canaryRole);
    lake.grantRead('quarantine', canaryRole);
    // The previous run's values are searched for in curated and in every view (Athena), and kept between
    // runs in the audit bucket under canary/ (read and add; object lock keeps every version).
    grantAthenaQuery(canaryRole, props.stage, lake);
    this.auditBucket.grantRead(canaryRole, `${CANARY_STATE_PREFIX}*`);
    this.auditBucket.grantPut(canaryRole, `${CANARY_STATE_PREFIX}*`);
    acknowledgeFindings(
      canaryRole,
      'AwsSolutions-IAM5',
      [
        objectsFinding(lake.eventsBucket),
        objectsFinding(lake.quarantineBucket),
        `Resource::<${logicalIdOf(this.auditBucket)}.Arn>/${CANARY_STATE_PREFIX}*`,
        ...GRANT_WILDCARD_ACTIONS.read,
        ...GRANT_WILDCARD_ACTIONS.write,
      ],
      'The canary searches every object of the events and quarantine zones for its values (read only), and ' +
        'reads and adds its own state objects under canary/ in the audit bucket.',
    );
    Validations.of(canaryRole).acknowledge({
      id: 'AwsSolutions-IAM4',
      reason:
        "The canary sends like an agent: it uses the agents' own customer-managed policy (PutRecord(s) on this stream).",
    });
    if (props.canarySchedule ?? true) {
      this.canaryRule = new events.Rule(this, 'CanarySchedule', {
        description: 'worktrace: daily redaction canary',
        schedule: events.Schedule.rate(Duration.days(1)),
        targets: [new targets.LambdaFunction(this.canary.function, { retryAttempts: 0 })],
      });
      Validations.of(this.canaryRule).acknowledge({
        id: 'Serverless-EventBusDLQ',
        reason:
          'A missed daily canary run shows as no canary metrics; the next day runs it again. Nothing to redeliver.',
      });
    }
    this.canaryAlarm = new cloudwatch.Alarm(this, 'CanaryFailed', {
      alarmDescription:
        'worktrace: the redaction canary failed (a canary value survived, or the pipeline wrote nothing)',
      metric: this.canary.function.metricErrors({ period: Duration.days(1), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.canaryAlarm.addAlarmAction(new actions.SnsAction(props.alarmTopic));
  }
}
