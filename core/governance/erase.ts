/**
 * Right to erasure, and the physical removal an opt-out makes. For one subject (by pseudonym, under every
 * key version still in the lake):
 * 1. register the opt-out first, so the redact function stops writing the subject before the rewrite starts;
 * 2. find the objects of the events, quarantine and curated zones that hold the subject's rows — with the
 *    query engine (`LakeIndex`: one `SELECT DISTINCT "$path"` per table on Athena or DuckDB), so the cost
 *    grows with those objects, not with the lake; without one, every object is listed and read — and the
 *    sequencer's window checkpoints (`_state/checkpoints/`) holding a live session of theirs;
 * 3. rewrite each found object without them, several at once (same columns, zstd Parquet or JSON Lines; a
 *    checkpoint without the subject's sessions; the store's encryption settings apply), and delete every
 *    other version of a rewritten object;
 * 4. find again, and rewrite what is still found, until a find comes back empty: that is the verification;
 * 5. delete every noncurrent version (those hidden behind delete markers included) that holds the subject,
 *    and the athena-results zone's objects written before then (query results are a cache and may hold the
 *    subject in formats nobody can search reliably: gzip, Parquet, Athena metadata);
 * 6. schedule a follow-up sweep for when the records still inside the stream's retention have aged out;
 * 7. (erasure) write a tamper-evident receipt (a hash chain over all receipts) to a write-once audit store,
 *    listing only the objects that held the subject.
 *
 * The steps are functions of erase-plan.ts, which a Step Functions execution runs one by one; here they run
 * in one process with a worker pool. Concurrency (as S3 Find and Forget): each rewrite is conditional on
 * the ETag the object had when it was read; if another writer changed it meanwhile, the rewrite is abandoned
 * and the object processed again from its new content. Idempotent: a second erase finds nothing and says
 * so. Resumable: a crashed run is simply run again (each object rewrite is idempotent); the journal
 * (`_erase/journal/` in the curated bucket) carries what the first run removed into the receipt.
 */
import { runPool } from '../pool.js';
import type { ObjectStore, PseudonymKey } from '../ports.js';
import { Pseudonymizer } from '../redact/pseudonym.js';
import { type LakeIndex, listingIndex } from './erase-find.js';
import {
  type ErasedObject,
  EraseError,
  type EraseStores,
  PSEUDONYM,
  type Subject,
  type SubjectPseudonym,
  type SubjectStores,
  subjectOf,
} from './erase-object.js';
import {
  clearJournal,
  type EraseReceipt,
  findSubjectObjects,
  finishRemoval,
  journalOf,
  type PendingSweep,
  planRemoval,
  type RemovalResult,
  rewriteSubjectObject,
  SWEEPS_PREFIX,
  writeReceipt,
} from './erase-plan.js';
import { updateOptOuts } from './opt-outs.js';

export {
  type ErasedObject,
  type ErasedVersion,
  EraseError,
  type EraseStores,
  type EraseZone,
  type ObjectRef,
  purgeQueryResults,
  type SubjectPseudonym,
  type SubjectStores,
} from './erase-object.js';
export {
  DEFAULT_STREAM_RETENTION_MS,
  type EraseReceipt,
  type PendingSweep,
  type RemovalResult,
  receiptHash,
  SWEEPS_PREFIX,
  verifyReceiptChain,
} from './erase-plan.js';

/** Objects rewritten at once, when not configured. */
export const DEFAULT_ERASE_CONCURRENCY = 8;

/** Options of a removal. */
export interface RemovalOptions {
  readonly now?: () => number;
  /** Conditional-write retries per object, and find rounds after the first. @default 5 */
  readonly maxRetries?: number;
  /** How long the stream keeps records, ms. @default DEFAULT_STREAM_RETENTION_MS */
  readonly streamRetentionMs?: number;
  /**
   * Which objects hold the subject: the query engine (Athena, DuckDB over the local lake).
   * @default listingIndex: every object listed and read (cost grows with the lake)
   */
  readonly index?: LakeIndex;
  /** Objects rewritten at once. @default DEFAULT_ERASE_CONCURRENCY */
  readonly concurrency?: number;
}

/** Set by runDueSweeps: this run is the follow-up sweep of an earlier removal. */
interface SweepFlags {
  /** This run is a follow-up sweep (no new sweep is scheduled). @default false */
  readonly sweep?: boolean;
  /** For a sweep: when the stream copies aged out (the pending sweep's `dueAt`). @default now + stream retention */
  readonly streamRecordsExpireBy?: string;
}

/** The subject's pseudonym under each key (the first is the current key, whose pseudonym is registered). */
export function subjectPseudonyms(userId: string, keys: readonly PseudonymKey[]): SubjectPseudonym[] {
  const seen = new Set<string>();
  const out: SubjectPseudonym[] = [];
  for (const key of keys) {
    if (seen.has(key.version)) continue;
    seen.add(key.version);
    out.push({ pseudonym: new Pseudonymizer(key).of('user', userId), keyVersion: key.version });
  }
  return out;
}

/**
 * Removes a subject from every zone: plan (opt-out first), rounds of find and parallel rewrite until a find
 * comes back empty, then finish. The journal (when given) records progress for a rerun.
 */
async function removeSubject(
  stores: SubjectStores,
  subject: Subject,
  options: RemovalOptions & SweepFlags & { kind: PendingSweep['kind']; sweep: boolean; journal?: string },
): Promise<RemovalResult> {
  const now = options.now ?? Date.now;
  const maxRetries = options.maxRetries ?? 5;
  const index = options.index ?? listingIndex(stores);
  const concurrency = options.concurrency ?? DEFAULT_ERASE_CONCURRENCY;
  const journal = options.journal;
  const plan = await planRemoval(stores, subject, { now, ...(journal ? { journal } : {}) });
  const registeredAt = now();
  const rewritten: ErasedObject[] = [];
  const keyVersionsSeen = new Set<string>();
  // The subject's session pseudonyms the find steps learn, carried from round to round.
  let known = subject;
  for (let round = 0; ; round++) {
    const found = await findSubjectObjects(stores, index.find, known, journal ? { journal } : {});
    known = found.subject;
    const results = await runPool(found.objects, concurrency, (ref) =>
      rewriteSubjectObject(stores, known, ref, { maxRetries, ...(journal ? { journal } : {}) }),
    );
    let removed = 0;
    for (const r of results) {
      for (const v of r.keyVersions) keyVersionsSeen.add(v);
      if (r.object.rowsRemoved > 0) rewritten.push(r.object);
      removed += r.object.rowsRemoved;
    }
    if (removed === 0) break;
    if (round >= maxRetries)
      throw new EraseError(`rows of the subject kept appearing after ${round + 1} rounds; run again`);
  }
  return finishRemoval(stores, known, {
    now,
    kind: options.kind,
    sweep: options.sweep,
    keyVersionsSeen,
    ...(journal
      ? { journal }
      : {
          objects: rewritten,
          registration: {
            optOutRegistered: plan.optOutRegistered,
            registryCount: plan.registryCount,
            registeredAt,
          },
        }),
    ...(index.keyVersions ? { lakeKeyVersions: index.keyVersions } : {}),
    ...(options.streamRetentionMs !== undefined ? { streamRetentionMs: options.streamRetentionMs } : {}),
    ...(options.streamRecordsExpireBy ? { streamRecordsExpireBy: options.streamRecordsExpireBy } : {}),
  });
}

/**
 * An opt-out's physical removal: registers the subject, then removes their rows from every zone as
 * erasure does (no receipt), and schedules the follow-up sweep.
 */
export async function optOutSubject(
  stores: SubjectStores,
  subject: string | readonly SubjectPseudonym[],
  options: RemovalOptions & SweepFlags = {},
): Promise<RemovalResult> {
  return removeSubject(stores, subjectOf(subject), {
    ...options,
    kind: 'opt-out',
    sweep: options.sweep ?? false,
  });
}

/**
 * Erases one subject from every zone and writes the receipt. `subject` is a pseudonym, or the subject's
 * pseudonyms under every key version still in the lake (`subjectPseudonyms`; the first is registered).
 */
export async function eraseSubject(
  stores: EraseStores,
  subject: string | readonly SubjectPseudonym[],
  options: RemovalOptions & SweepFlags = {},
): Promise<EraseReceipt> {
  const s = subjectOf(subject);
  const now = options.now ?? Date.now;
  const startedAt = new Date(now()).toISOString();
  const sweep = options.sweep ?? false;
  // A sweep keeps its own journal: a crashed sweep must not add to the next erasure's receipt.
  const journal = journalOf(s, sweep);
  const r = await removeSubject(stores, s, { ...options, kind: 'erase', sweep, journal });
  const receipt = await writeReceipt(stores.audit, r, { startedAt, sweep, now });
  await clearJournal(stores.curated, s, journal);
  return receipt;
}

/** The follow-up sweeps waiting, oldest due first. */
export async function pendingSweeps(curated: ObjectStore): Promise<PendingSweep[]> {
  const out: PendingSweep[] = [];
  for (const o of await curated.list(SWEEPS_PREFIX)) {
    const body = await curated.get(o.key);
    if (body) out.push(JSON.parse(Buffer.from(body).toString('utf8')) as PendingSweep);
  }
  return out.sort((a, b) => (a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : 0));
}

/** One follow-up sweep that ran. */
export interface SweepOutcome {
  readonly subject: string;
  readonly kind: PendingSweep['kind'];
  readonly rowsRemoved: number;
  /** The sweep's receipt hash (erasures only). */
  readonly receipt?: string;
}

/**
 * Runs every follow-up sweep due by now: the removal again (an erasure's with its own receipt), then the
 * sweep is cleared. A failing sweep stays pending for the next run; the others still run, and the call
 * fails afterwards naming how many failed.
 */
export async function runDueSweeps(
  stores: EraseStores,
  options: RemovalOptions = {},
): Promise<SweepOutcome[]> {
  const now = options.now ?? Date.now;
  const due = (await pendingSweeps(stores.curated)).filter((s) => Date.parse(s.dueAt) <= now());
  const done: SweepOutcome[] = [];
  const failures: string[] = [];
  for (const s of due) {
    const current = s.subjects[0]?.pseudonym ?? '';
    try {
      if (s.kind === 'erase') {
        const sweep = { ...options, sweep: true, streamRecordsExpireBy: s.dueAt };
        const receipt = await eraseSubject(stores, s.subjects, sweep);
        done.push({
          subject: current,
          kind: s.kind,
          rowsRemoved: receipt.rowsRemoved,
          receipt: receipt.hash,
        });
      } else {
        const r = await optOutSubject(stores, s.subjects, {
          ...options,
          sweep: true,
          streamRecordsExpireBy: s.dueAt,
        });
        done.push({ subject: current, kind: s.kind, rowsRemoved: r.rowsRemoved });
      }
      await stores.curated.delete(`${SWEEPS_PREFIX}${current}.json`);
    } catch (err) {
      failures.push((err as Error).message);
    }
  }
  if (failures.length > 0)
    throw new EraseError(
      `${failures.length} of ${due.length} follow-up sweeps failed and stay pending (first: ${failures[0]})`,
    );
  return done;
}

/**
 * Takes a subject off the registry (`optout remove`) and drops a pending opt-out sweep of theirs, which
 * would otherwise register them again. An erasure's sweep stays: erasure is not undone.
 */
export async function withdrawOptOut(
  stores: Pick<SubjectStores, 'events' | 'curated'>,
  pseudonym: string,
  options: { now?: number } = {},
): Promise<{ removed: boolean; count: number }> {
  if (!PSEUDONYM.test(pseudonym)) throw new EraseError('not a pseudonym');
  const r = await updateOptOuts(stores, (current) => current.filter((p) => p !== pseudonym), options);
  const key = `${SWEEPS_PREFIX}${pseudonym}.json`;
  const body = await stores.curated.get(key);
  if (body && (JSON.parse(Buffer.from(body).toString('utf8')) as PendingSweep).kind === 'opt-out')
    await stores.curated.delete(key);
  return { removed: r.before.includes(pseudonym), count: r.after.length };
}
