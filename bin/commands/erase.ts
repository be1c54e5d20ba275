/**
 * `worktrace erase --user <raw id>`: the right to erasure on the local lake. Prints the receipt's summary;
 * receipts go to <data-dir>/audit/receipts/ (write-once: an existing receipt is never overwritten).
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { lambdaClient } from '#adapters/aws-clients.js';
import { FileObjectStore } from '#adapters/file-object-store.js';
import { invokeFunction } from '#adapters/invoke.js';
import { eraseSubject, verifyReceiptChain } from '#core/governance/erase.js';
import type { ObjectStore, PutOptions } from '#core/ports.js';
import { Pseudonymizer } from '#core/redact/pseudonym.js';
import { stageFromEnv } from '../../local/cli-env.js';
import { failSoftly, loadKeyAndPolicy, withKeyAndPolicy } from './common.js';
import { withLocalStores } from './query.js';

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
  ).action(
    failSoftly(
      async (opts: {
        user: string;
        dataDir: string;
        keyFile?: string;
        policy: string;
        stage: string;
        lakeDir?: string;
        aws?: boolean;
        function?: string;
      }) => {
        if (opts.aws) {
          if (!opts.function) throw new Error('--aws needs --function <EraseFunctionName>');
          const r = await invokeFunction<{
            subject: string;
            rowsRemoved: number;
            objects: number;
            receipt: string;
          }>(lambdaClient(), opts.function, { user: opts.user });
          console.log(
            `erased ${r.subject}: ${r.rowsRemoved} rows from ${r.objects} objects; receipt ${r.receipt} in the audit bucket`,
          );
          return;
        }
        const key = await loadKeyAndPolicy(opts).keyProvider.getKey();
        const pseudonym = new Pseudonymizer(key).of('user', opts.user);
        const audit = new FileObjectStore(join(opts.dataDir, 'audit'));
        const receipt = await withLocalStores(opts, (stores) =>
          eraseSubject(
            {
              events: stores.events,
              quarantine: stores.quarantine,
              curated: stores.curated,
              audit: writeOnce(audit),
            },
            pseudonym,
          ),
        );
        const broken = await verifyReceiptChain(audit);
        console.log(
          `erased ${pseudonym}: ${receipt.rowsRemoved} rows from ${receipt.objects.length} objects (${receipt.note}); verified; opt-out ${
            receipt.optOutRegistered ? 'registered' : 'already registered'
          }`,
        );
        console.log(
          `receipt ${receipt.hash} in ${join(opts.dataDir, 'audit', 'receipts')}; chain ${broken ? `BROKEN at ${broken}` : 'intact'}`,
        );
        if (broken) process.exitCode = 1;
      },
    ),
  );
}
