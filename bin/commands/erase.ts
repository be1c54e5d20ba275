/**
 * `worktrace erase --user <raw id>`: the right to erasure on the local lake. Prints the receipt's summary;
 * receipts go to <data-dir>/audit/receipts/ (write-once: an existing receipt is never overwritten).
 */
import type { Command } from 'commander';
import type { ObjectStore, PutOptions } from '#core/ports.js';
import { stageFromEnv } from '../../local/cli-env.js';
import { failSoftly, type KeyAndPolicyFlags, withKeyAndPolicy } from './common.js';

/** The options of `worktrace erase`. */
export type EraseOptions = KeyAndPolicyFlags & {
  user: string;
  stage: string;
  lakeDir?: string;
  aws?: boolean;
  function?: string;
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

/** Registers the command. */
export function registerErase(program: Command): void {
  withKeyAndPolicy(
    program
      .command('erase')
      .description(
        'erase a subject from every zone, register the opt-out, and write a tamper-evident receipt',
      )
      .requiredOption('--user <raw id>', 'raw user id (only its pseudonym is used, stored or printed)')
      .option('--stage <name>', 'stage of the local bucket names', stageFromEnv())
      .option('--lake-dir <dir>', 'a directory holding the zones instead of the S3 emulator')
      .option('--aws', 'erase in AWS: invoke the deployed erase function (stack output EraseFunctionName)')
      .option('--function <name>', 'with --aws: the erase function name'),
  ).action(failSoftly(async (opts: EraseOptions) => (await import('./erase-run.js')).runErase(opts)));
}
