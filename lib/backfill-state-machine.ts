/**
 * Backfill as a Step Functions job over the sequence function: plan the windows of a date range (a JSON
 * manifest in the curated zone under `_state/backfill/`), then sequence each window in a Distributed Map.
 * Each window overwrites its own outputs; the watermark is never read or moved, so the schedule carries on.
 */
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { BACKFILL_PLAN_PREFIX } from '#core/sequence/backfill.js';
import { DistributedMapJob, type MapJobSettings, mapJobLimits } from './distributed-map-job.js';

/** Prefix of the athena-results zone the map runs write their results under (expires with the zone). */
export const BACKFILL_RESULTS_PREFIX = '_backfill/results/';

/** Props of BackfillStateMachine: the job settings; its function is the sequence function, its items windows. */
export type BackfillStateMachineProps = MapJobSettings;

/** The backfill state machine (plan, Distributed Map of windows). */
export class BackfillStateMachine extends Construct {
  /** The job: state machine, role, log group. */
  public readonly job: DistributedMapJob;
  /** The state machine; start it with `{"from": "<iso>", "to": "<iso>", "windowMinutes": n}`. */
  public readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: BackfillStateMachineProps) {
    super(scope, id);
    this.job = new DistributedMapJob(this, 'Job', {
      description: 'sequence every window of a date range again (backfill)',
      name: `worktrace-${props.stage}-backfill`,
      function: props.function,
      manifests: { bucket: props.curatedBucket, prefix: BACKFILL_PLAN_PREFIX },
      manifestKeyPath: '$.plan.key',
      mapStateName: 'SequenceWindows',
      itemStateName: 'SequenceWindow',
      itemSelector: {
        action: 'window',
        'from.$': '$$.Map.Item.Value.from',
        'to.$': '$$.Map.Item.Value.to',
      },
      results: { bucket: props.athenaResultsBucket, prefix: BACKFILL_RESULTS_PREFIX },
      ...mapJobLimits(props),
      definition: ({ map, invoke }) =>
        invoke(
          'PlanWindows',
          {
            action: 'plan-backfill',
            'from.$': '$.from',
            'to.$': '$.to',
            'windowMinutes.$': '$.windowMinutes',
          },
          '$.plan',
        ).next(map),
    });
    this.stateMachine = this.job.stateMachine;
  }
}
