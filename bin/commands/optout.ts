/**
 * `worktrace optout add|remove|list`: the opt-out registry of the local lake, or with --aws through the
 * deployed erase function (which holds the pseudonym key and writes both registry copies to the stack's
 * buckets with conditional writes). A subject is stored by pseudonym only; `add` also removes their rows
 * from every zone, as erasure does (without a receipt), so analysts cannot read what the views exclude.
 */
import type { Command } from 'commander';
import { stageFromEnv } from '../../local/cli-env.js';
import { failSoftly, withKeyAndPolicy } from './common.js';
import { type RemovalFlags, withRemovalOptions } from './erase.js';

/** The options of `worktrace optout` subcommands. */
export interface OptOutOptions extends Partial<RemovalFlags> {
  readonly user?: string;
  readonly dataDir: string;
  readonly keyFile?: string;
  readonly policy: string;
  readonly stage: string;
  readonly lakeDir?: string;
  readonly aws?: boolean;
  readonly function?: string;
}

/** Registers the command. */
export function registerOptOut(program: Command): void {
  const optout = program
    .command('optout')
    .description(
      'the opt-out registry: subjects whose data is dropped at redaction and removed from every zone',
    );
  const common = (c: Command) =>
    withKeyAndPolicy(c)
      .option('--stage <name>', 'stage of the local bucket names', stageFromEnv())
      .option('--lake-dir <dir>', 'a directory holding the zones instead of the S3 emulator')
      .option('--aws', 'in AWS: invoke the deployed erase function (stack output EraseFunctionName)')
      .option('--function <name>', 'with --aws: the erase function name');
  withRemovalOptions(
    common(
      optout
        .command('add')
        .description('opt a subject out (by raw user id) and remove their rows from every zone')
        .requiredOption('--user <id>', 'raw user id (only its pseudonym is stored or printed)'),
    ),
  ).action(
    failSoftly(async (opts: OptOutOptions & RemovalFlags & { user: string }) =>
      (await import('./optout-run.js')).runOptOutChange('add', opts),
    ),
  );
  common(
    optout
      .command('remove')
      .description('take a subject off the registry (data already removed stays removed)')
      .requiredOption('--user <id>', 'raw user id (only its pseudonym is stored or printed)'),
  ).action(
    failSoftly(async (opts: OptOutOptions & { user: string }) =>
      (await import('./optout-run.js')).runOptOutChange('remove', opts),
    ),
  );
  common(optout.command('list').description('list the registry (pseudonyms)')).action(
    failSoftly(async (opts: OptOutOptions) => (await import('./optout-run.js')).runOptOutList(opts)),
  );
}
