/**
 * `worktrace erase --user <raw id>`: the right to erasure on the local lake (or, with --aws, as an
 * execution of the deployed erase state machine, planned by the erase function). Prints the receipt's
 * summary; receipts go to <data-dir>/audit/receipts/ (write-once: an existing receipt is never
 * overwritten). `worktrace erase --sweep` runs the follow-up sweeps that are due; every erase runs them
 * first too.
 */
import type { Command } from 'commander';
import type { ObjectStore, PutOptions } from '#core/ports.js';
import { stageFromEnv } from '../../local/cli-env.js';
import { failSoftly, type KeyAndPolicyFlags, withKeyAndPolicy } from './common.js';

/** What withRemovalOptions adds to a command's options. */
export interface RemovalFlags {
  /** Key files of keys retired by a rotation whose rows are still in the lake. */
  retiredKeyFile?: string[];
  /** Retention of the ingest stream, hours (commander hands over the text). */
  streamRetentionHours: string;
}

/** The options of `worktrace erase`. */
export type EraseOptions = KeyAndPolicyFlags &
  RemovalFlags & {
    user?: string;
    sweep?: boolean;
    stage: string;
    lakeDir?: string;
    aws?: boolean;
    function?: string;
    stateMachine?: string;
    /** Objects rewritten at once (local erasure; commander hands over the text). */
    concurrency?: string;
  };

/** An audit store that refuses to overwrite or delete what it holds (the local stand-in for object lock). */
export function writeOnce(store: ObjectStore): ObjectStore {
  return {
    name: store.name,
    async put(key: string, body: Uint8Array | string, options?: PutOptions) {
      if (await store.get(key)) throw new Error(`audit object ${key} exists and is write-once`);
      await store.put(key, body, options);
    },
    get: (key) => store.get(key),
    list: (prefix) => store.list(prefix),
    async delete(key: string) {
      throw new Error(`audit object ${key} is write-once`);
    },
  };
}

/** Adds the options of a subject's physical removal (erase, optout add). */
export function withRemovalOptions(command: Command): Command {
  return command
    .option(
      '--retired-key-file <file...>',
      'key files retired by a rotation whose rows are still in the lake: the subject is searched under each',
    )
    .option(
      '--stream-retention-hours <hours>',
      'retention of the ingest stream: the follow-up sweep is due once it has passed',
      '24',
    );
}

/** Registers the command. */
export function registerErase(program: Command): void {
  withRemovalOptions(
    withKeyAndPolicy(
      program
        .command('erase')
        .description(
          'erase a subject from every zone, register the opt-out, and write a tamper-evident receipt',
        )
        .option('--user <raw id>', 'raw user id (only its pseudonym is used, stored or printed)')
        .option('--sweep', 'run the follow-up sweeps that are due (erase runs them first too)')
        .option('--stage <name>', 'stage of the local bucket names', stageFromEnv())
        .option('--lake-dir <dir>', 'a directory holding the zones instead of the S3 emulator')
        .option(
          '--aws',
          'erase in AWS: plan with the erase function, run the erase state machine and follow it to the receipt',
        )
        .option('--function <name>', 'with --aws: the erase function name (stack output EraseFunctionName)')
        .option('--concurrency <n>', 'local erasure: objects rewritten at once', '8')
        .option(
          '--state-machine <arn>',
          'with --aws --user: the erase state machine (stack output EraseStateMachineArn)',
        ),
    ),
  ).action(failSoftly(async (opts: EraseOptions) => (await import('./erase-run.js')).runErase(opts)));
}
