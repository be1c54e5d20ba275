/**
 * Backfill as a Step Functions job over the sequence function: plan a date range as one shard job per shard
 * (a JSON manifest in the curated zone under `_state/backfill/`), then run the shard jobs in a Distributed Map,
 * the same looping item as scheduled sequencing (lib/sequence-state-machine.ts SHARD_JOB_ITEM): shards at once,
 * each shard's windows in order, so every checkpoint is recomputed from the one before it. Each window
 * overwrites its own outputs; the watermark is never read or moved (no commit), so the schedule carries on.
 */
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { BACKFILL_PLAN_PREFIX } from '#core/sequence/backfill.js';
import { DistributedMapJob, type MapJobSettings, mapJobLimits } from './distributed-map-job.js';
import { SHARD_JOB_ITEM } from './sequence-state-machine.js';

/** Prefix of the athena-results zone the map runs write their results under (expires with the zone). */
export const BACKFILL_RESULTS_PREFIX = '_backfill/results/';

/** Props of BackfillStateMachine: the job settings; its function is the sequence function, its items shard jobs. */
export type BackfillStateMachineProps = MapJobSettings;

/** The backfill state machine (plan, Distributed Map of shard jobs, each looping over its windows in order). */
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
      mapStateName: 'SequenceShards',
      itemStateName: 'SequenceShard',
      ...SHARD_JOB_ITEM,
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
