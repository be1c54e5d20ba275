/** What `worktrace erase` does: erasure on the local lake with a verified receipt, or in AWS. */
import { join } from 'node:path';
import { FileObjectStore } from '#adapters/file-object-store.js';
import { eraseSubject, verifyReceiptChain } from '#core/governance/erase.js';
import { Pseudonymizer } from '#core/redact/pseudonym.js';
import { type EraseOptions, writeOnce } from './erase.js';
import { loadKeyAndPolicy } from './key-and-policy.js';
import { withLocalStores } from './local-lake.js';

/** Erases the subject and prints the receipt's summary (exit code 1 when the receipt chain is broken). */
export async function runErase(opts: EraseOptions): Promise<void> {
  if (opts.aws) {
    if (!opts.function) throw new Error('--aws needs --function <EraseFunctionName>');
    const [{ lambdaClient }, { invokeFunction }] = await Promise.all([
      import('#adapters/aws-clients.js'),
      import('#adapters/invoke.js'),
    ]);
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
}
