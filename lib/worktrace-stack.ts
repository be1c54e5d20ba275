/**
 * The worktrace stack: composes the pipeline's constructs from the validated configuration. Other
 * constructs (query layer, governance) are added by the same pattern: read the public members below.
 */
import { Annotations, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { AnalystAccess } from './analyst-access.js';
import { BackfillStateMachine } from './backfill-state-machine.js';
import type { WorktraceConfig } from './config.js';
import { DataLake } from './data-lake.js';
import { dataRemovalPolicy } from './defaults.js';
import { Governance } from './governance.js';
import { IngestStream } from './ingest-stream.js';
import { Monitoring } from './monitoring.js';
import { PseudonymKey } from './pseudonym-key.js';
import { QueryLayer } from './query-layer.js';
import { RedactFunction } from './redact-function.js';
import { SequenceFunction } from './sequence-function.js';

/** Props of WorktraceStack. */
export interface WorktraceStackProps extends StackProps {
  /** The validated configuration (lib/config.ts parseConfig). */
  readonly config: WorktraceConfig;
}

/** One stage of the pipeline: stream, lake, keys, functions, monitoring and analyst access. */
export class WorktraceStack extends Stack {
  /** The configuration the stack was built from. */
  public readonly config: WorktraceConfig;
  /** Kinesis stream, its key and the agents' managed policy. */
  public readonly ingest: IngestStream;
  /** Zone buckets and keys (quarantine, events, curated, athena-results, access logs). */
  public readonly lake: DataLake;
  /** Pseudonym KMS key and encrypted data key. */
  public readonly pseudonymKey: PseudonymKey;
  /** The redact function, its event source mapping and failure queue. */
  public readonly redact: RedactFunction;
  /** The sequence function, the sequencing state machine its schedule starts, and its failure queue. */
  public readonly sequence: SequenceFunction;
  /** The backfill state machine over the sequence function (a Distributed Map over shard jobs). */
  public readonly backfill: BackfillStateMachine;
  /** Alarm topic, alarms, dashboard. */
  public readonly monitoring: Monitoring;
  /** The analyst role, its workgroup and the views it may query. */
  public readonly analyst: AnalystAccess;
  /** Glue tables, the pipeline and analyst Athena workgroups, and the training-set views. */
  public readonly query: QueryLayer;
  /** Erase function, audit bucket, canary. */
  public readonly governance: Governance;

  constructor(scope: Construct, id: string, props: WorktraceStackProps) {
    super(scope, id, { description: `worktrace pipeline (${props.config.stage})`, ...props });
    const c = props.config;
    this.config = c;
    // One removal policy for everything that holds data (stream, zone buckets, keys), from one flag.
    const removalPolicy = dataRemovalPolicy(c.allowDestroy);
    if (removalPolicy === RemovalPolicy.DESTROY)
      Annotations.of(this).addWarningV2(
        'worktrace:allowDestroy',
        'allowDestroy is set: the stream, data buckets and keys are DESTROYED with the stack (buckets must be empty)',
      );
    const logRetention = c.logRetentionDays as logs.RetentionDays;

    this.ingest = new IngestStream(this, 'Ingest', {
      mode: c.streamMode,
      shards: c.streamShards,
      retention: Duration.hours(c.streamRetentionHours),
      removalPolicy,
    });
    this.lake = new DataLake(this, 'Lake', {
      quarantineRetentionDays: c.quarantineRetentionDays,
      eventsRetentionDays: c.eventsRetentionDays,
      curatedRetentionDays: c.curatedRetentionDays,
      curatedInfrequentAccessDays: c.curatedInfrequentAccessDays,
      curatedGlacierInstantRetrievalDays: c.curatedGlacierInstantRetrievalDays,
      athenaResultsRetentionDays: c.athenaResultsRetentionDays,
      accessLogsRetentionDays: c.accessLogsRetentionDays,
      noncurrentVersionRetentionDays: c.noncurrentVersionRetentionDays,
      removalPolicy,
    });
    this.pseudonymKey = new PseudonymKey(this, 'PseudonymKey', { logRetention, removalPolicy });
    this.redact = new RedactFunction(this, 'Redact', {
      ingest: this.ingest,
      lake: this.lake,
      pseudonymKey: this.pseudonymKey,
      policyJson: c.policyJson,
      batchSize: c.redactBatchSize,
      maxBatchingWindow: Duration.seconds(c.redactBatchWindowSeconds),
      maxRecordAge: Duration.seconds(c.redactMaxRecordAgeSeconds),
      retryAttempts: c.redactRetryAttempts,
      parallelizationFactor: c.redactParallelizationFactor,
      sequenceShards: c.sequenceShards,
      sequenceWindow: Duration.minutes(c.sequenceWindowMinutes),
      sequenceLateArrival: Duration.minutes(c.sequenceLateArrivalMinutes),
      memorySize: c.redactMemoryMb,
      timeout: Duration.seconds(c.redactTimeoutSeconds),
      logRetention,
    });
    this.sequence = new SequenceFunction(this, 'Sequence', {
      stage: c.stage,
      lake: this.lake,
      schedule: Duration.minutes(c.sequenceScheduleMinutes),
      window: Duration.minutes(c.sequenceWindowMinutes),
      lateArrival: Duration.minutes(c.sequenceLateArrivalMinutes),
      lookBack: Duration.minutes(c.sequenceLookBackMinutes),
      maxEpisode: Duration.minutes(c.sequenceMaxEpisodeMinutes),
      maxWindowsPerRun: c.sequenceMaxWindowsPerRun,
      sequenceShards: c.sequenceShards,
      checkpointRetention: Duration.days(c.eventsRetentionDays),
      maxConcurrency: c.sequenceMaxConcurrency,
      memorySize: c.sequenceMemoryMb,
      timeout: Duration.seconds(c.sequenceTimeoutSeconds),
      logRetention,
      removalPolicy,
    });
    this.backfill = new BackfillStateMachine(this, 'Backfill', {
      stage: c.stage,
      function: this.sequence.function,
      curatedBucket: this.lake.curatedBucket,
      athenaResultsBucket: this.lake.athenaResultsBucket,
      maxConcurrency: c.backfillMaxConcurrency,
      toleratedFailurePercentage: c.backfillToleratedFailurePercentage,
      logRetention,
      removalPolicy,
    });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      stage: c.stage,
      ingest: this.ingest,
      redact: this.redact,
      sequence: this.sequence,
      ...(c.alarmEmail ? { alarmEmail: c.alarmEmail } : {}),
      iteratorAgeThreshold: Duration.minutes(c.alarmIteratorAgeMinutes),
      quarantineRatioThreshold: c.alarmQuarantineRatio,
      sequenceStaleAfter: Duration.minutes(c.alarmSequenceStaleMinutes),
    });
    this.query = new QueryLayer(this, 'Query', {
      stage: c.stage,
      buckets: {
        events: this.lake.eventsBucket,
        quarantine: this.lake.quarantineBucket,
        curated: this.lake.curatedBucket,
        athenaResults: this.lake.athenaResultsBucket,
      },
      resultsKey: this.lake.athenaResultsKey,
      viewParams: {
        k: c.kAnonymity,
        minSteps: c.viewMinSteps,
        retentionDays: c.curatedRetentionDays,
        contextSteps: c.sftContextSteps,
      },
      bytesScannedCutoffPerQuery: c.bytesScannedCutoffPerQuery,
      glueCatalogEncryption: c.glueCatalogEncryption,
    });
    this.analyst = new AnalystAccess(this, 'Analyst', {
      stage: c.stage,
      lake: this.lake,
      query: this.query,
      ...(c.analystPrincipalArn ? { principalArn: c.analystPrincipalArn } : {}),
    });
    this.query.catalogKey?.grantDecrypt(this.analyst.role);
    this.governance = new Governance(this, 'Governance', {
      stage: c.stage,
      lake: this.lake,
      ingest: this.ingest,
      pseudonymKey: this.pseudonymKey,
      policyJson: c.policyJson,
      alarmTopic: this.monitoring.topic,
      auditRetentionDays: c.auditRetentionDays,
      eraseMaxConcurrency: c.eraseMaxConcurrency,
      eraseToleratedFailurePercentage: c.eraseToleratedFailurePercentage,
      logRetention,
      removalPolicy,
    });
    new CfnOutput(this, 'EraseFunctionName', {
      value: this.governance.erase.function.functionName,
      description:
        'Erasure and opt-outs: invoke with {"user": "<raw id>"} to erase a subject, or through worktrace erase --aws / optout add --aws',
    });
    new CfnOutput(this, 'EraseStateMachineArn', {
      value: this.governance.eraseStateMachine.stateMachine.stateMachineArn,
      description:
        'Erasure at scale: worktrace erase --user <raw id> --aws --function <EraseFunctionName> --state-machine <this>',
    });
    new CfnOutput(this, 'SequenceStateMachineArn', {
      value: this.sequence.stateMachine.stateMachine.stateMachineArn,
      description:
        'Scheduled sequencing (plan due shard jobs, Distributed Map, commit); the schedule starts it with {}',
    });
    new CfnOutput(this, 'BackfillStateMachineArn', {
      value: this.backfill.stateMachine.stateMachineArn,
      description: 'Backfill: worktrace sequence --from <dt> --to <dt> --aws --state-machine <this>',
    });
    new CfnOutput(this, 'CanaryFunctionName', {
      value: this.governance.canary.function.functionName,
      description: 'worktrace canary --aws --function <this>',
    });
    new CfnOutput(this, 'AuditBucket', {
      value: this.governance.auditBucket.bucketName,
      description: 'Erasure receipts (object lock)',
    });
    new CfnOutput(this, 'AthenaWorkGroup', {
      value: this.analyst.workgroupName,
      description: 'Athena workgroup for analysts',
    });
    new CfnOutput(this, 'GlueDatabase', {
      value: this.analyst.glueDatabaseName,
      description: 'Glue database of the lake tables and views',
    });
    new CfnOutput(this, 'AthenaResultsUri', {
      value: this.query.analystResultsUri,
      description: "Analysts' query results (and export UNLOAD) location",
    });
    new CfnOutput(this, 'PipelineWorkGroup', {
      value: this.query.workgroup.name,
      description: 'Athena workgroup of the canary, platform team and privacy officer (every table)',
    });
    new CfnOutput(this, 'AnalystRoleArn', {
      value: this.analyst.role.roleArn,
      description: 'Role analysts assume',
    });
    new CfnOutput(this, 'IngestStreamName', {
      value: this.ingest.stream.streamName,
      description: 'Kinesis stream agents send to',
    });
    new CfnOutput(this, 'AgentPolicyArn', {
      value: this.ingest.agentPolicy.managedPolicyArn,
      description: 'Managed policy for capture agents',
    });
  }
}
