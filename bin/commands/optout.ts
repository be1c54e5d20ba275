/**
 * `worktrace optout add|remove|list`: the opt-out registry of the local lake. A subject is stored by
 * pseudonym only (computed with the pseudonym key); the redactor drops their new events, and the training
 * views exclude their existing rows.
 */
import type { Command } from 'commander';
import { stageFromEnv } from '../../local/cli-env.js';
import { failSoftly, withKeyAndPolicy } from './common.js';

/** The options of `worktrace optout` subcommands. */
export interface OptOutOptions {
  readonly user?: string;
  readonly dataDir: string;
  readonly keyFile?: string;
  readonly policy: string;
  readonly stage: string;
  readonly lakeDir?: string;
}

/** Registers the command. */
export function registerOptOut(program: Command): void {
  const optout = program
    .command('optout')
    .description(
      'the opt-out registry: subjects whose data is dropped at redaction and hidden from the views',
    );
  const common = (c: Command) =>
    withKeyAndPolicy(c)
      .option('--stage <name>', 'stage of the local bucket names', stageFromEnv())
      .option('--lake-dir <dir>', 'a directory holding the zones instead of the S3 emulator');
  for (const op of ['add', 'remove'] as const) {
    common(
      optout
        .command(op)
        .description(op === 'add' ? 'opt a subject out (by raw user id)' : 'take a subject off the registry')
        .requiredOption('--user <id>', 'raw user id (only its pseudonym is stored or printed)'),
    ).action(
      failSoftly(async (opts: OptOutOptions & { user: string }) =>
        (await import('./optout-run.js')).runOptOutChange(op, opts),
      ),
    );
  }
  common(optout.command('list').description('list the registry (pseudonyms)')).action(
    failSoftly(async (opts: OptOutOptions) => (await import('./optout-run.js')).runOptOutList(opts)),
  );
}
