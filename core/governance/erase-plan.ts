/**
 * A removal as steps, each a function over ports, so one process (the CLI, the one-invocation Lambda) and a
 * Step Functions execution (a Distributed Map over the object list) run the very same code:
 *
 * 1. plan: register the opt-out (before any rewrite) and open the journal;
 * 2. find: the objects holding the subject, from the query engine (one query per table), and the sequencer's
 *    window checkpoints holding a live session of theirs (listed and read: erase-checkpoints.ts);
 * 3. rewrite: one object at a time, in parallel, conditional on its ETag; each records a journal entry (a
 *    checkpoint is rewritten without the subject's sessions, as a data object without their rows);
 * 4. verify: find again; what is still found is rewritten in a next round (none found: verified);
 * 5. finish: noncurrent versions (of checkpoints too), the query-results purge, the key-version check, the
 *    follow-up sweep and (erasure) the hash-chained receipt built from the journal: only the objects that
 *    held the subject.
 *
 * The journal (`_erase/journal/<subject>/` in the curated bucket: `state.json`, one entry per rewritten
 * object, and `sessions.json`, the subject's session pseudonyms the find steps learned for the checkpoints)
 * makes every step idempotent and a crashed run resumable; finish clears it, and the object lists
 * the find step wrote (`_erase/plans/<subject>/`).
 */
import { createHash } from 'node:crypto';
import type { ObjectStore } from '../ports.js';
import {
  CHECKPOINT_PREFIX,
  checkpointKeyVersions,
  findCheckpoints,
  sessionsInEvents,
} from './erase-checkpoints.js';
import {
  FIND_TABLES,
  type FoundObject,
  type LakeKeyVersions,
  type SubjectFinder,
  sortObjects,
} from './erase-find.js';
import {
  type ErasedObject,
  type ErasedVersion,
  EraseError,
  type EraseStores,
  noncurrentVersionsPass,
  type ObjectRef,
  purgeQueryResults,
  rewriteObject,
  type Subject,
  type SubjectPseudonym,
  type SubjectStores,
} from './erase-object.js';
import { addOptOuts } from './opt-outs.js';

/** How long the ingest stream keeps records, when not configured: Kinesis' default 24 h. */
export const DEFAULT_STREAM_RETENTION_MS = 24 * 3_600_000;
/** Pending follow-up sweeps, in the curated bucket. */
export const SWEEPS_PREFIX = '_sweeps/';
/** Journals of removals in progress, in the curated bucket (the audit store is write-once). */
export const JOURNAL_PREFIX = '_erase/journal/';
/** Object lists the find step wrote, in the curated bucket (a Distributed Map's ItemReader reads them). */
export const PLANS_PREFIX = '_erase/plans/';
const RECEIPTS = 'receipts/';
const GENESIS = '0'.repeat(64);

/** What a removal did (an opt-out answers with it; erasure puts it into the receipt). */
export interface RemovalResult {
  readonly subject: string;
  /** Key versions the subject was searched under (empty: searched by the one pseudonym given). */
  readonly keyVersions: readonly string[];
  readonly optOutRegistered: boolean;
  readonly registryCount: number;
  /** Rows of the subject removed from the data tables (a checkpoint's sessions are not rows: not counted). */
  readonly rowsRemoved: number;
  readonly objects: readonly ErasedObject[];
  /** Noncurrent versions (behind a newer version or a delete marker) that held the subject, deleted. */
  readonly noncurrentVersions: readonly ErasedVersion[];
  /** Athena query result objects deleted (all written before the verification finished). */
  readonly queryResultsDeleted: number;
  /** When records the subject sent before the opt-out was registered have left the stream (retention). */
  readonly streamRecordsExpireBy: string;
  /** When the follow-up sweep runs (null for a sweep). */
  readonly sweepDueAt: string | null;
}

/** The receipt of one erasure run (or of its follow-up sweep): what the removal did, chained. */
export interface EraseReceipt extends Omit<RemovalResult, 'registryCount'> {
  readonly version: 2;
  /** `erase`, or `sweep`: the follow-up run after the stream's retention. */
  readonly kind: 'erase' | 'sweep';
  readonly startedAt: string;
  readonly finishedAt: string;
  /** A find after the last rewrite (and a pass over every noncurrent version) found no row of the subject. */
  readonly verified: true;
  readonly note: string;
  readonly previousHash: string;
  readonly hash: string;
}

/** A pending follow-up sweep (`_sweeps/<pseudonym>.json` in the curated bucket). */
export interface PendingSweep {
  readonly version: 1;
  readonly kind: 'erase' | 'opt-out';
  readonly subjects: readonly SubjectPseudonym[];
  readonly requestedAt: string;
  readonly dueAt: string;
}

/** The journal of one removal: its curated-bucket prefix (`_erase/journal/<subject>[.sweep]/`). */
export function journalOf(subject: Subject, sweep: boolean): string {
  return `${JOURNAL_PREFIX}${subject.current}${sweep ? '.sweep' : ''}/`;
}

/** The journal of the first format: one object per subject (a run crashed under an older version). */
const legacyJournalKey = (journal: string) => `${journal.slice(0, -1)}.json`;

interface JournalState {
  optOutRegistered: boolean;
  /** When the opt-out was registered, epoch ms (the stream copies age out from then). */
  registeredAt?: number;
  registryCount?: number;
}

const json = (body: Uint8Array | undefined): unknown =>
  body ? JSON.parse(Buffer.from(body).toString('utf8')) : undefined;

async function readState(curated: ObjectStore, journal: string): Promise<JournalState> {
  const legacy = json(await curated.get(legacyJournalKey(journal))) as
    | { optOutRegistered?: boolean }
    | undefined;
  const state = json(await curated.get(`${journal}state.json`)) as Partial<JournalState> | undefined;
  return {
    ...state,
    optOutRegistered:
      Boolean(state?.optOutRegistered) ||
      Boolean(legacy && !Array.isArray(legacy) && legacy.optOutRegistered),
  };
}

/** Key of one object's journal entry: the hash of zone and key (keys may be long, and hold `/`). */
export function journalEntryKey(journal: string, ref: ObjectRef): string {
  return `${journal}objects/${createHash('sha256').update(`${ref.zone}/${ref.key}`).digest('hex')}.json`;
}

/** Whether an object is one of the sequencer's checkpoints (its `rowsRemoved` counts live sessions). */
export const isCheckpoint = (ref: ObjectRef): boolean =>
  ref.zone === 'curated' && ref.key.startsWith(CHECKPOINT_PREFIX);

/** What the plan step answers. */
export interface PlannedRemoval {
  readonly subject: string;
  readonly pseudonyms: readonly SubjectPseudonym[];
  readonly startedAt: string;
  readonly optOutRegistered: boolean;
  readonly registryCount: number;
}

/**
 * Step 1: registers the opt-out first, so the redact function stops writing the subject (within its
 * registry TTL) and the sequencer stops writing curated rows for them before any rewrite starts.
 */
export async function planRemoval(
  stores: Pick<SubjectStores, 'events' | 'curated'>,
  subject: Subject,
  options: { readonly now: () => number; readonly journal?: string },
): Promise<PlannedRemoval> {
  const startedAt = new Date(options.now()).toISOString();
  const registration = await addOptOuts(stores, [subject.current], { now: options.now() });
  const registeredAt = options.now();
  let optOutRegistered = registration.added;
  if (options.journal) {
    const state = await readState(stores.curated, options.journal);
    optOutRegistered ||= state.optOutRegistered;
    const next: JournalState = { optOutRegistered, registeredAt, registryCount: registration.count };
    await stores.curated.put(`${options.journal}state.json`, JSON.stringify(next), {
      contentType: 'application/json',
    });
  }
  return {
    subject: subject.current,
    pseudonyms: subject.list,
    startedAt,
    optOutRegistered,
    registryCount: registration.count,
  };
}

/** Where a removal's journal keeps the subject's session pseudonyms the find steps learned. */
const sessionsKey = (journal: string) => `${journal}sessions.json`;

/** The subject with the session pseudonyms its journal recorded (a step of the state machine). */
export async function withJournalSessions(
  curated: ObjectStore,
  subject: Subject,
  journal: string | undefined,
): Promise<Subject> {
  const recorded = journal
    ? (json(await curated.get(sessionsKey(journal))) as string[] | undefined)
    : undefined;
  if (!recorded?.length) return subject;
  return { ...subject, sessions: new Set([...(subject.sessions ?? []), ...recorded]) };
}

/** What a find step found: the objects, and the subject with the session pseudonyms learned. */
export interface FindResult {
  readonly objects: FoundObject[];
  readonly subject: Subject;
}

/**
 * Step 2 (and 4): the objects of every table holding the subject, by the finder, and the sequencer's
 * checkpoints (in the curated zone) holding a live session of theirs. The subject's session pseudonyms
 * learned on the way (a checkpointed session nothing was fed to names only its session) go into the
 * journal, where the rewrite and verify steps read them.
 */
export async function findSubjectObjects(
  stores: Pick<SubjectStores, 'events' | 'curated'>,
  finder: SubjectFinder,
  subject: Subject,
  options: { readonly journal?: string } = {},
): Promise<FindResult> {
  const known = await withJournalSessions(stores.curated, subject, options.journal);
  const tables = await finder(FIND_TABLES, [...subject.all]);
  const checkpoints = await findCheckpoints(stores.curated, known, () =>
    sessionsInEvents(stores.events, tables, subject),
  );
  const sessions = checkpoints.sessions;
  if (options.journal && sessions.size > (known.sessions?.size ?? 0))
    await stores.curated.put(sessionsKey(options.journal), JSON.stringify([...sessions].sort()), {
      contentType: 'application/json',
    });
  return {
    objects: sortObjects([...tables, ...checkpoints.objects]),
    subject: sessions.size > 0 ? { ...subject, sessions } : subject,
  };
}

/** Where the find step of `round` writes its object list. */
export function removalPlanKey(subject: Subject, round: number): string {
  if (!Number.isInteger(round) || round < 0) throw new EraseError('the round must be a whole number ≥ 0');
  return `${PLANS_PREFIX}${subject.current}/${round}.json`;
}

/** Writes a found object list as the JSON array a Distributed Map reads (`[{"zone","key"}, …]`). */
export async function writeRemovalPlan(
  curated: ObjectStore,
  subject: Subject,
  round: number,
  objects: readonly ObjectRef[],
): Promise<string> {
  const key = removalPlanKey(subject, round);
  const items = objects.map((o) => ({ zone: o.zone, key: o.key }));
  await curated.put(key, JSON.stringify(items), { contentType: 'application/json' });
  return key;
}

/** One object's record across rounds (or runs): rows, versions and retries added, the rest the later's. */
function mergeErased(earlier: ErasedObject, later: ErasedObject): ErasedObject {
  return {
    ...later,
    rowsRemoved: earlier.rowsRemoved + later.rowsRemoved,
    versionsDeleted: earlier.versionsDeleted + later.versionsDeleted,
    retries: earlier.retries + later.retries,
  };
}

/** What one object's rewrite step did. */
export interface RewriteOutcome {
  readonly object: ErasedObject;
  readonly keyVersions: ReadonlySet<string>;
}

/**
 * Step 3: the conditional rewrite of one object. When it removed rows, its journal entry records them
 * (added to an entry an earlier round left; a rerun that finds nothing leaves the entry as it is).
 */
export async function rewriteSubjectObject(
  stores: SubjectStores,
  subject: Subject,
  ref: FoundObject,
  options: { readonly maxRetries?: number; readonly journal?: string } = {},
): Promise<RewriteOutcome> {
  // A checkpoint's sessions are matched by session pseudonym too: those the find steps recorded.
  const known = isCheckpoint(ref)
    ? await withJournalSessions(stores.curated, subject, options.journal)
    : subject;
  const r = await rewriteObject(stores, known, ref, options.maxRetries ?? 5, ref.etag);
  if (options.journal && r.object.rowsRemoved > 0) {
    const key = journalEntryKey(options.journal, ref);
    const earlier = json(await stores.curated.get(key)) as ErasedObject | undefined;
    const entry = earlier ? mergeErased(earlier, r.object) : r.object;
    await stores.curated.put(key, JSON.stringify(entry), { contentType: 'application/json' });
  }
  return r;
}

/** The objects a journal recorded (entries, and a journal of the first format), sorted. */
async function journalObjects(curated: ObjectStore, journal: string): Promise<ErasedObject[]> {
  const out: ErasedObject[] = [];
  const legacy = json(await curated.get(legacyJournalKey(journal))) as
    | { objects?: ErasedObject[] }
    | ErasedObject[]
    | undefined;
  if (legacy) out.push(...(Array.isArray(legacy) ? legacy : (legacy.objects ?? [])));
  for (const o of await curated.list(`${journal}objects/`)) {
    const entry = json(await curated.get(o.key)) as ErasedObject | undefined;
    if (entry) out.push(entry);
  }
  return mergeAll(out);
}

/** Each object once (its records merged), sorted by zone and key. */
function mergeAll(objects: readonly ErasedObject[]): ErasedObject[] {
  const merged = new Map<string, ErasedObject>();
  for (const o of objects) {
    const id = `${o.zone}/${o.key}`;
    const earlier = merged.get(id);
    merged.set(id, earlier ? mergeErased(earlier, o) : o);
  }
  return sortObjects([...merged.values()]);
}

async function scheduleSweep(curated: ObjectStore, sweep: PendingSweep, current: string): Promise<string> {
  const key = `${SWEEPS_PREFIX}${current}.json`;
  const earlier = json(await curated.get(key)) as PendingSweep | undefined;
  const dueAt = earlier && earlier.dueAt > sweep.dueAt ? earlier.dueAt : sweep.dueAt;
  // An erasure outranks an opt-out: its sweep writes a receipt.
  const kind = earlier?.kind === 'erase' ? 'erase' : sweep.kind;
  await curated.put(key, JSON.stringify({ ...sweep, kind, dueAt }), { contentType: 'application/json' });
  return dueAt;
}

/** Options of the finish step. */
export interface FinishOptions {
  readonly now: () => number;
  readonly kind: PendingSweep['kind'];
  /** This run is a follow-up sweep (no new sweep is scheduled). */
  readonly sweep: boolean;
  /** The journal to build the result from (and to clear); without one, `objects` and `registration`. */
  readonly journal?: string;
  /** What this run rewrote, when it keeps no journal. */
  readonly objects?: readonly ErasedObject[];
  /** The plan step's answer, when it keeps no journal. */
  readonly registration?: Pick<PlannedRemoval, 'optOutRegistered' | 'registryCount'> & {
    readonly registeredAt: number;
  };
  /** Key versions present in the lake (a query); with those the rewrites saw. @default the rewrites' only */
  readonly lakeKeyVersions?: LakeKeyVersions;
  /** Key versions the rewrites of this run saw. */
  readonly keyVersionsSeen?: ReadonlySet<string>;
  /** @default DEFAULT_STREAM_RETENTION_MS */
  readonly streamRetentionMs?: number;
  /** For a sweep: when the stream copies aged out. @default registration + stream retention */
  readonly streamRecordsExpireBy?: string;
}

/**
 * Step 5: noncurrent versions holding the subject, the query-results purge, the key-version check and the
 * follow-up sweep; the result lists the objects the journal (or this run) recorded, and only those.
 */
export async function finishRemoval(
  stores: SubjectStores,
  subject: Subject,
  options: FinishOptions,
): Promise<RemovalResult> {
  const { now } = options;
  // A noncurrent checkpoint version can hold a session of theirs named by its session pseudonym only.
  const noncurrent = await noncurrentVersionsPass(
    stores,
    await withJournalSessions(stores.curated, subject, options.journal),
  );
  // Rows under a key version the subject was not searched under could hold them unseen.
  if (subject.keyVersions) {
    const seen = new Set([...(options.keyVersionsSeen ?? []), ...noncurrent.keyVersions]);
    for (const v of (await options.lakeKeyVersions?.(FIND_TABLES)) ?? []) seen.add(v);
    // Checkpoints outlive the tables' retention: their sessions may carry a key the tables no longer show.
    for (const v of await checkpointKeyVersions(stores.curated)) seen.add(v);
    const known = subject.keyVersions;
    const unknown = [...seen].filter((v) => !known.has(v)).sort();
    if (unknown.length > 0)
      throw new EraseError(
        `rows under key version(s) ${unknown.join(', ')} cannot be searched for the subject: supply those keys`,
      );
  }
  const state = options.journal
    ? await readState(stores.curated, options.journal)
    : { optOutRegistered: false, ...options.registration };
  const registeredAt = state.registeredAt ?? now();
  const objects = options.journal
    ? await journalObjects(stores.curated, options.journal)
    : mergeAll((options.objects ?? []).filter((o) => o.rowsRemoved > 0));
  // Query results computed before now may hold the subject.
  const queryResultsDeleted = stores.athenaResults ? await purgeQueryResults(stores.athenaResults, now()) : 0;
  // Records sent before the registration stay in the stream until its retention passes. A sweep's stream
  // copies are those of the original registration: they aged out at the sweep's due time.
  const streamRecordsExpireBy =
    options.streamRecordsExpireBy ??
    new Date(registeredAt + (options.streamRetentionMs ?? DEFAULT_STREAM_RETENTION_MS)).toISOString();
  const sweepDueAt = options.sweep
    ? null
    : await scheduleSweep(
        stores.curated,
        {
          version: 1,
          kind: options.kind,
          subjects: subject.list,
          requestedAt: new Date(registeredAt).toISOString(),
          dueAt: streamRecordsExpireBy,
        },
        subject.current,
      );
  return {
    subject: subject.current,
    keyVersions: [...(subject.keyVersions ?? [])].sort(),
    optOutRegistered: state.optOutRegistered,
    registryCount: state.registryCount ?? 0,
    rowsRemoved: objects.reduce((n, d) => (isCheckpoint(d) ? n : n + d.rowsRemoved), 0),
    objects,
    noncurrentVersions: noncurrent.deleted,
    queryResultsDeleted,
    streamRecordsExpireBy,
    sweepDueAt,
  };
}

/** Deletes a removal's journal and the object lists its find steps wrote. */
export async function clearJournal(curated: ObjectStore, subject: Subject, journal: string): Promise<void> {
  const plans = journal.endsWith('.sweep/') ? [] : await curated.list(`${PLANS_PREFIX}${subject.current}/`);
  for (const o of [...(await curated.list(journal)), ...plans]) await curated.delete(o.key);
  await curated.delete(legacyJournalKey(journal));
}

/** Stable JSON (sorted keys), so the hash of a receipt does not depend on key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The hash of a receipt: sha256 over its canonical JSON without `hash`, chained by `previousHash`. */
export function receiptHash(receipt: Omit<EraseReceipt, 'hash'>): string {
  return createHash('sha256').update(canonical(receipt)).digest('hex');
}

async function receiptKeys(audit: ObjectStore): Promise<string[]> {
  return (await audit.list(RECEIPTS)).map((o) => o.key).sort();
}

/** Checks the whole receipt chain; returns the first broken key, or null when it holds. */
export async function verifyReceiptChain(audit: ObjectStore): Promise<string | null> {
  let previous = GENESIS;
  for (const key of await receiptKeys(audit)) {
    const r = json(await audit.get(key)) as EraseReceipt | undefined;
    if (!r) return key;
    const { hash, ...rest } = r;
    if (r.previousHash !== previous || receiptHash(rest) !== hash) return key;
    previous = hash;
  }
  return null;
}

/** Writes the erasure's receipt, chained to the last one, to the write-once audit store. */
export async function writeReceipt(
  audit: EraseStores['audit'],
  r: RemovalResult,
  options: { readonly startedAt: string; readonly sweep: boolean; readonly now: () => number },
): Promise<EraseReceipt> {
  const keys = await receiptKeys(audit);
  const last = keys.at(-1);
  const previousHash = last
    ? ((json(await audit.get(last)) as EraseReceipt | undefined)?.hash ?? GENESIS)
    : GENESIS;
  const changed = r.objects.length + r.noncurrentVersions.length;
  const parts = [
    changed === 0
      ? 'nothing held about the subject: no object changed'
      : `removed from ${r.objects.length} objects and ${r.noncurrentVersions.length} noncurrent versions`,
    ...(r.queryResultsDeleted > 0 ? [`${r.queryResultsDeleted} query results deleted`] : []),
    options.sweep ? 'follow-up sweep after the stream retention' : `follow-up sweep due ${r.sweepDueAt}`,
  ];
  const draft: Omit<EraseReceipt, 'hash'> = {
    version: 2,
    kind: options.sweep ? 'sweep' : 'erase',
    subject: r.subject,
    keyVersions: r.keyVersions,
    startedAt: options.startedAt,
    finishedAt: new Date(options.now()).toISOString(),
    rowsRemoved: r.rowsRemoved,
    objects: r.objects,
    noncurrentVersions: r.noncurrentVersions,
    queryResultsDeleted: r.queryResultsDeleted,
    verified: true,
    optOutRegistered: r.optOutRegistered,
    streamRecordsExpireBy: r.streamRecordsExpireBy,
    sweepDueAt: r.sweepDueAt,
    note: parts.join('; '),
    previousHash,
  };
  const receipt: EraseReceipt = { ...draft, hash: receiptHash(draft) };
  const seq = String(keys.length + 1).padStart(8, '0');
  await audit.put(
    `${RECEIPTS}${seq}-${r.subject.slice(0, 12)}.json`,
    `${JSON.stringify(receipt, null, 2)}\n`,
  );
  return receipt;
}
