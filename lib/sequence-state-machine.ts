/**
 * Scheduled sequencing as a Step Functions job over the sequence function: plan the due windows × shards (a
 * JSON manifest of shard jobs in the curated zone under `_state/sequence-runs/`), run each shard's windows in
 * order in a Distributed Map (shards at once, up to `maxConcurrency`; one shard's windows one after another,
 * each invocation continuing from the last window's checkpoint), then commit: move the watermark and clear
 * the late-event queue entries the run consumed. Nothing due: the execution succeeds without a map or commit.
 * One run at a time: an execution that finds another one running succeeds at once, so two runs do not
 * sequence the same shard's windows side by side. The shard-job item (`SHARD_JOB_ITEM`, a loop of
 * `shard-windows` invocations) is the backfill's too.
 */
import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { SEQUENCE_RUN_PREFIX } from '#core/sequence/runs.js';
import {
  DistributedMapJob,
  type DistributedMapJobProps,
  type MapJobSettings,
  mapJobLimits,
} from './distributed-map-job.js';

/** Prefix of the athena-results zone the map runs write their results under (expires with the zone). */
export const SEQUENCE_RESULTS_PREFIX = '_sequence/results/';

/**
 * A shard job as a map item, shared by the sequencing and backfill maps: a manifest item `{shard, from, to}`
 * (core/sequence/runs.ts shardJobsJson; on AWS every item names its shard, SEQUENCE_SHARDS being at least 1)
 * becomes a `shard-windows` request, and the item invokes again from the returned `from` until `done`.
 */
export const SHARD_JOB_ITEM = {
  itemSelector: {
    action: 'shard-windows',
    'shard.$': '$$.Map.Item.Value.shard',
    'from.$': '$$.Map.Item.Value.from',
    'to.$': '$$.Map.Item.Value.to',
  },
  itemLoop: {
    nextRequest: {
      action: 'shard-windows',
      'shard.$': '$.shard',
      'from.$': '$.result.from',
      'to.$': '$.to',
    },
    progressField: 'from',
  },
} as const satisfies Pick<DistributedMapJobProps, 'itemSelector' | 'itemLoop'>;

/**
 * The longest sequencing execution. Executions overlap once one runs longer than the schedule interval, and
 * a run that has not committed leaves the watermark where it was (the next run plans the same windows again,
 * which overwrite their outputs), so a stuck run is cut off after an hour and alarms instead of holding on
 * for the Step Functions default of a year.
 */
export const SEQUENCE_EXECUTION_TIMEOUT = Duration.hours(1);

/** Props of SequenceStateMachine: the job settings; its function is the sequence function, its items shard jobs. */
export type SequenceStateMachineProps = MapJobSettings;

/**
 * The sequencing state machine: stop when another run is in progress, plan the due shard jobs, Distributed
 * Map of them, commit.
 */
export class SequenceStateMachine extends Construct {
  /** The job: state machine, role, log group. */
  public readonly job: DistributedMapJob;
  /** The state machine; the schedule starts it with `{}`. */
  public readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: SequenceStateMachineProps) {
    super(scope, id);
    const name = `worktrace-${props.stage}-sequence`;
    // Its own ARN from its fixed name (a reference to the state machine itself would be a cycle).
    const ownArn = Stack.of(this).formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: name,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.job = new DistributedMapJob(this, 'Job', {
      description: 'sequence the due windows of every shard (scheduled)',
      name,
      function: props.function,
      manifests: { bucket: props.curatedBucket, prefix: SEQUENCE_RUN_PREFIX },
      manifestKeyPath: '$.plan.key',
      mapStateName: 'SequenceShards',
      itemStateName: 'SequenceShard',
      ...SHARD_JOB_ITEM,
      results: { bucket: props.athenaResultsBucket, prefix: SEQUENCE_RESULTS_PREFIX },
      timeout: SEQUENCE_EXECUTION_TIMEOUT,
      ...mapJobLimits(props),
      definition: ({ map, invoke }) => {
        // Best effort (ListExecutions is eventually consistent, newest first): any running execution other
        // than this one, seen among the two newest, makes this run stop and leave the windows to it; two runs
        // started at the very same moment may both stop, and the next scheduled run plans again.
        const running = new tasks.CallAwsService(this, 'ListRunning', {
          service: 'sfn',
          action: 'listExecutions',
          iamAction: 'states:ListExecutions',
          iamResources: [ownArn],
          parameters: { StateMachineArn: ownArn, StatusFilter: 'RUNNING', MaxResults: 2 },
          resultSelector: {
            'count.$': 'States.ArrayLength($.Executions)',
            'arns.$': '$.Executions[*].executionArn',
            'self.$': '$$.Execution.Id',
          },
          resultPath: '$.running',
        }).addRetry({
          errors: [sfn.Errors.TASKS_FAILED],
          maxAttempts: 3,
          interval: Duration.seconds(2),
          backoffRate: 2,
          jitterStrategy: sfn.JitterType.FULL,
        });
        const plan = invoke('PlanDue', { action: 'plan-due' }, '$.plan');
        const commit = invoke('Commit', { action: 'commit', 'plan.$': '$.plan.plan' }, '$.commit');
        plan.next(
          new sfn.Choice(this, 'AnythingDue')
            .when(sfn.Condition.numberEquals('$.plan.jobs', 0), new sfn.Succeed(this, 'NothingDue'))
            .otherwise(map.next(commit)),
        );
        // In order: two running → another runs; none → go; the one running is this one → go; else another.
        const anotherRuns = new sfn.Succeed(this, 'AnotherRunInProgress');
        return running.next(
          new sfn.Choice(this, 'AlreadyRunning')
            .when(sfn.Condition.numberGreaterThanEquals('$.running.count', 2), anotherRuns)
            .when(sfn.Condition.numberEquals('$.running.count', 0), plan)
            .when(sfn.Condition.stringEqualsJsonPath('$.running.arns[0]', '$.running.self'), plan)
            .otherwise(anotherRuns),
        );
      },
    });
    this.stateMachine = this.job.stateMachine;
  }
}
