/** What `worktrace erase` does: erasure on the local lake with a verified receipt, or in AWS. */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { LocalLake, localLakeIndex } from '#adapters/duckdb-lake.js';
import { FileObjectStore } from '#adapters/file-object-store.js';
import { LocalKeyFileProvider } from '#adapters/local-key-provider.js';
import {
  DEFAULT_ERASE_CONCURRENCY,
  eraseSubject,
  runDueSweeps,
  type SubjectPseudonym,
  type SubjectStores,
  type SweepOutcome,
  subjectPseudonyms,
  verifyReceiptChain,
} from '#core/governance/erase.js';
import type { LakeIndex } from '#core/governance/erase-find.js';
import type { Zone } from '#core/lake/schema.js';
import type { ObjectStore, PseudonymKey } from '#core/ports.js';
import type { KeyAndPolicyFlags } from './common.js';
import { type EraseOptions, type RemovalFlags, writeOnce } from './erase.js';
import { loadKeyAndPolicy } from './key-and-policy.js';
import { withLocalStores } from './local-lake.js';

/** The stream retention given on the command line, in ms. */
export function streamRetentionMsOf(opts: RemovalFlags): number {
  const hours = Number(opts.streamRetentionHours);
  if (!Number.isFinite(hours) || hours < 0) throw new Error('--stream-retention-hours must be a number ≥ 0');
  return hours * 3_600_000;
}

/** The subject's pseudonyms under the current key and every retired key file (which must exist). */
export async function localSubject(
  user: string,
  opts: KeyAndPolicyFlags & RemovalFlags,
): Promise<SubjectPseudonym[]> {
  const keys: PseudonymKey[] = [await loadKeyAndPolicy(opts).keyProvider.getKey()];
  for (const file of opts.retiredKeyFile ?? []) {
    // LocalKeyFileProvider creates a missing file: a retired key must never be made up.
    if (!existsSync(file)) throw new Error(`retired key file ${file} does not exist`);
    keys.push(await new LocalKeyFileProvider(file).getKey());
  }
  return subjectPseudonyms(user, keys);
}

/** Hides version operations: the local S3 emulator keeps no versions (and refuses the calls). */
function unversioned(store: ObjectStore): ObjectStore {
  return {
    name: store.name,
    put: (key, body, options) => store.put(key, body, options),
    get: (key) => store.get(key),
    list: (prefix) => store.list(prefix),
    delete: (key) => store.delete(key),
  };
}

/**
 * The local zones a removal works on. A lake directory holds every zone in one tree, so it has no
 * athena-results zone of its own to clear (nothing writes query results locally).
 */
export function localSubjectStores(stores: Record<Zone, ObjectStore>, lakeDir?: string): SubjectStores {
  return {
    events: unversioned(stores.events),
    quarantine: unversioned(stores.quarantine),
    curated: unversioned(stores.curated),
    ...(lakeDir ? {} : { athenaResults: unversioned(stores['athena-results']) }),
  };
}

function printSweeps(done: readonly SweepOutcome[]): void {
  for (const s of done)
    console.log(
      `follow-up sweep (${s.kind}) of ${s.subject}: ${s.rowsRemoved} rows removed${s.receipt ? `; receipt ${s.receipt}` : ''}`,
    );
}

/** The worker pool size given on the command line. */
export function concurrencyOf(opts: { concurrency?: string }): number {
  const n = Number(opts.concurrency ?? DEFAULT_ERASE_CONCURRENCY);
  if (!Number.isInteger(n) || n < 1 || n > 256)
    throw new Error('--concurrency must be a whole number in 1..256');
  return n;
}

/**
 * Runs `use` with a query index over the local lake: DuckDB over a mirror of the zones answers the find
 * SQL Athena runs in AWS, so a removal reads only the objects that hold the subject. The mirror is a copy
 * of the lake: a removal leaves none behind.
 */
export async function withLakeIndex<T>(
  dataDir: string,
  stores: Record<Zone, ObjectStore>,
  use: (index: LakeIndex) => Promise<T>,
): Promise<T> {
  const cacheDir = join(dataDir, 'cache', 'erase');
  const lake = await LocalLake.open({ stores, cacheDir });
  try {
    return await use(localLakeIndex(lake));
  } finally {
    lake.close();
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

/**
 * Erases the subject (after the due sweeps) and prints the receipt's summary (exit code 1 when the chain is
 * broken). Locally, DuckDB over the local lake finds the objects holding the subject (the same find SQL
 * Athena runs) and a worker pool rewrites them; with --aws, an execution of the erase state machine.
 */
export async function runErase(opts: EraseOptions): Promise<void> {
  if (!opts.user && !opts.sweep) throw new Error('erase needs --user <raw id> or --sweep');
  if (opts.aws) {
    await (await import('./erase-aws.js')).runEraseAws(opts);
    return;
  }
  const concurrency = concurrencyOf(opts);
  const subject = opts.user ? await localSubject(opts.user, opts) : undefined;
  const streamRetentionMs = streamRetentionMsOf(opts);
  const audit = new FileObjectStore(join(opts.dataDir, 'audit'));
  const { receipt, swept } = await withLocalStores(opts, async (stores) => {
    const zones = { ...localSubjectStores(stores, opts.lakeDir), audit: writeOnce(audit) };
    return withLakeIndex(opts.dataDir, stores, async (index) => {
      const options = { streamRetentionMs, index, concurrency };
      // Sweeps that have come due run first, on `--sweep` and on every erase.
      const swept = await runDueSweeps(zones, options);
      const receipt = subject ? await eraseSubject(zones, subject, options) : undefined;
      return { receipt, swept };
    });
  });
  const broken = await verifyReceiptChain(audit);
  if (receipt) {
    console.log(
      `erased ${receipt.subject}: ${receipt.rowsRemoved} rows from ${receipt.objects.length} objects (${receipt.note}); verified; opt-out ${
        receipt.optOutRegistered ? 'registered' : 'already registered'
      }`,
    );
    console.log(
      `receipt ${receipt.hash} in ${join(opts.dataDir, 'audit', 'receipts')}; chain ${broken ? `BROKEN at ${broken}` : 'intact'}`,
    );
    console.log(
      `records sent before the opt-out leave the stream by ${receipt.streamRecordsExpireBy}; run \`worktrace erase --sweep\` after ${receipt.sweepDueAt}`,
    );
  }
  printSweeps(swept);
  if (opts.sweep && swept.length === 0) console.log('no follow-up sweep is due');
  if (!receipt) console.log(`receipt chain ${broken ? `BROKEN at ${broken}` : 'intact'}`);
  if (broken) process.exitCode = 1;
}
