/**
 * The erasure as a Step Functions job over the erase function: find the objects that hold the subject
 * (Athena, in the pipeline workgroup; a JSON manifest in the curated zone), rewrite each of them in a
 * Distributed Map (the conditional, ETag-checked rewrite and the deletion of older versions), verify, and
 * repeat find → rewrite → verify while rows remain, up to `maxRounds`; then the receipt and the opt-out
 * (`finish`). The execution input carries pseudonyms only: `worktrace erase --aws` plans the subject itself.
 */
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { PLANS_PREFIX } from '#core/governance/erase-plan.js';
import { DistributedMapJob, type MapJobSettings, mapJobLimits } from './distributed-map-job.js';

/** Prefix of the athena-results zone the map runs write their results under (expires with the zone). */
export const ERASE_RESULTS_PREFIX = '_erase/results/';

/**
 * Props of EraseStateMachine: the job settings (its function is the erase function, its items objects; verify
 * still checks after a tolerated failure), and the rounds.
 */
export interface EraseStateMachineProps extends MapJobSettings {
  /** Find → rewrite → verify rounds before the execution fails. @default 3 */
  readonly maxRounds?: number;
}

/** The erasure state machine (find, Distributed Map of rewrites, verify loop, finish). */
export class EraseStateMachine extends Construct {
  /** The job: state machine, role, log group. */
  public readonly job: DistributedMapJob;
  /** The state machine; start it with `{"subject", "pseudonyms": [{"pseudonym", "keyVersion"}], "startedAt"}`. */
  public readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: EraseStateMachineProps) {
    super(scope, id);
    const maxRounds = props.maxRounds ?? 3;
    const subject = { 'subject.$': '$.subject', 'pseudonyms.$': '$.pseudonyms' };
    this.job = new DistributedMapJob(this, 'Job', {
      description: 'erase a subject from every object that holds it',
      name: `worktrace-${props.stage}-erase`,
      function: props.function,
      manifests: { bucket: props.curatedBucket, prefix: PLANS_PREFIX },
      manifestKeyPath: '$.plan.key',
      mapStateName: 'RewriteObjects',
      itemStateName: 'RewriteObject',
      itemSelector: {
        action: 'rewrite',
        ...subject,
        'zone.$': '$$.Map.Item.Value.zone',
        'key.$': '$$.Map.Item.Value.key',
      },
      results: { bucket: props.athenaResultsBucket, prefix: ERASE_RESULTS_PREFIX },
      mapResultPath: sfn.JsonPath.DISCARD,
      ...mapJobLimits(props),
      definition: ({ map, invoke }) => {
        // Only what the contract names travels on (never a raw id, whatever else the input holds).
        const start = new sfn.Pass(this, 'Start', {
          parameters: { ...subject, 'startedAt.$': '$.startedAt', round: 1 },
        });
        const find = invoke('Find', { action: 'find', ...subject, 'round.$': '$.round' }, '$.plan');
        const verify = invoke('Verify', { action: 'verify', ...subject, 'round.$': '$.round' }, '$.verify');
        const finish = invoke('Finish', { action: 'finish', ...subject, 'startedAt.$': '$.startedAt' });
        const nextRound = new sfn.Pass(this, 'NextRound', {
          parameters: {
            ...subject,
            'startedAt.$': '$.startedAt',
            'round.$': 'States.MathAdd($.round, 1)',
          },
        });
        const notErased = new sfn.Fail(this, 'NotErased', {
          error: 'ErasureIncomplete',
          cause:
            `Rows of the subject remain after ${maxRounds} find, rewrite and verify rounds; no receipt was ` +
            'written. Run the erasure again (every step is idempotent) and check the erase function logs.',
        });
        verify.next(
          new sfn.Choice(this, 'Erased')
            .when(sfn.Condition.numberEquals('$.verify.remaining', 0), finish)
            .when(sfn.Condition.numberLessThan('$.round', maxRounds), nextRound.next(find))
            .otherwise(notErased),
        );
        return start
          .next(find)
          .next(
            new sfn.Choice(this, 'AnythingToRewrite')
              .when(sfn.Condition.numberGreaterThan('$.plan.objects', 0), map.next(verify))
              .otherwise(verify),
          );
      },
    });
    this.stateMachine = this.job.stateMachine;
  }
}
