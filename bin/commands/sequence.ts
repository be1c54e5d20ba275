/**
 * `worktrace sequence`: turns events into actions and episodes.
 *   worktrace sequence <events.ndjson> --out <dir>     a file, no AWS (contract events are redacted first)
 *   worktrace sequence --from <dt> --to <dt>           re-runs every window of a date range over the lake
 *                                                      (a worker pool of --concurrency windows)
 *   worktrace sequence --from <dt> --to <dt> --aws     the same range as a Step Functions execution
 */
import type { Command } from 'commander';
import { defaultBucketName } from '#core/lake/schema.js';
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
  /** Windows in flight in the local worker pool (commander hands over the text). */
  concurrency: string;
  aws?: boolean;
  stateMachine?: string;
}

/** Windows the local backfill runs at once unless told otherwise. */
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
        'range mode: windows sequenced at once by the local worker pool',
        String(DEFAULT_BACKFILL_CONCURRENCY),
      )
      .option(
        '--aws',
        'range mode in AWS: run the backfill state machine (a Distributed Map invoking the sequence function per window) and follow it',
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
