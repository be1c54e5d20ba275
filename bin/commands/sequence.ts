/**
 * `worktrace sequence`: turns events into actions and episodes.
 *   worktrace sequence <events.ndjson> --out <dir>     a file, no AWS (contract events are redacted first)
 *   worktrace sequence --from <dt> --to <dt>           re-runs every window of a date range over the lake
 *                                                      (one job per shard, its windows in order; a
 *                                                      worker pool of --concurrency shard jobs)
 *   worktrace sequence --from <dt> --to <dt> --aws     the same range as a Step Functions execution
 */
import type { Command } from 'commander';
import { defaultBucketName } from '#core/lake/schema.js';
import { SEQUENCE_SHARDS_DEFAULT } from '#core/sequence/shards.js';
import { stageFromEnv } from '../../local/cli-env.js';
import { failSoftly, type KeyAndPolicyFlags, withKeyAndPolicy } from './common.js';

/** The options of `worktrace sequence`. */
export interface SequenceOptions extends KeyAndPolicyFlags {
  out?: string;
  from?: string;
  to?: string;
  windowMinutes: string;
  eventsBucket: string;
  curatedBucket: string;
  /** Shard jobs in flight in the local worker pool (commander hands over the text). */
  concurrency: string;
  /** Sequence shards of the lake (the deployment's `sequenceShards`). */
  shards?: string;
  aws?: boolean;
  stateMachine?: string;
}

/** Shard jobs the local backfill runs at once unless told otherwise. */
export const DEFAULT_BACKFILL_CONCURRENCY = 4;

/** Registers the command. */
export function registerSequence(program: Command): void {
  const stage = stageFromEnv();
  withKeyAndPolicy(
    program
      .command('sequence')
      .description(
        'reduce events to actions and episodes: a file (--out) or a date range of the lake (--from/--to, a backfill)',
      )
      .argument('[file]', 'NDJSON of contract events or of events-zone rows (file mode)')
      .option('--out <dir>', 'file mode: output directory for actions.ndjson, episodes.ndjson, summary.json')
      .option('--from <dt>', 'range mode: first day, YYYY-MM-DD (UTC)')
      .option('--to <dt>', 'range mode: last day, YYYY-MM-DD (UTC), inclusive')
      .option('--window-minutes <n>', 'range mode: window size in minutes', '15')
      .option('--events-bucket <name>', 'range mode: events bucket', defaultBucketName(stage, 'events'))
      .option('--curated-bucket <name>', 'range mode: curated bucket', defaultBucketName(stage, 'curated'))
      .option(
        '--concurrency <n>',
        'range mode: shard jobs run at once by the local worker pool',
        String(DEFAULT_BACKFILL_CONCURRENCY),
      )
      .option(
        '--shards <n>',
        "range mode: sequence shards of the lake (cdk.json's sequenceShards)",
        String(SEQUENCE_SHARDS_DEFAULT),
      )
      .option(
        '--aws',
        'range mode in AWS: run the backfill state machine (a Distributed Map invoking the sequence function per shard job) and follow it',
      )
      .option(
        '--state-machine <arn>',
        'with --aws: the backfill state machine (stack output BackfillStateMachineArn)',
      ),
  ).action(
    failSoftly(async (file: string | undefined, opts: SequenceOptions) =>
      (await import('./sequence-run.js')).runSequence(file, opts),
    ),
  );
}
