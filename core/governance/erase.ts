/**
 * Right to erasure, and the physical removal an opt-out makes. For one subject (by pseudonym, under every
 * key version still in the lake):
 * 1. register the opt-out first, so the redact function stops writing the subject before the rewrite starts;
 * 2. rewrite every object of the events, quarantine and curated zones that holds the subject's rows without
 *    them (same columns, zstd Parquet or JSON Lines; the store's encryption settings apply), delete every
 *    other version of a rewritten object, and delete every noncurrent version (those hidden behind delete
 *    markers included) that holds the subject;
 * 3. repeat the pass until one finds nothing: that pass is the verification;
 * 4. delete the athena-results zone's objects written before then (query results are a cache and may hold
 *    the subject in formats nobody can search reliably: gzip, Parquet, Athena metadata);
 * 5. schedule a follow-up sweep for when the records still inside the stream's retention have aged out;
 * 6. (erasure) write a tamper-evident receipt (a hash chain over all receipts) to a write-once audit store.
 *
 * Concurrency (as S3 Find and Forget): each rewrite is conditional on the ETag the object had when it was
 * read; if another writer changed it meanwhile, the rewrite is abandoned and the object processed again
 * from its new content. Idempotent: a second erase finds nothing and says so. Resumable: a crashed run is
 * simply run again (each object rewrite is idempotent); the journal (`_erase/journal/` in the curated
 * bucket) carries what the first run removed into the receipt.
 */
import { createHash } from 'node:crypto';
import { ERROR_CODES, WorktraceError } from '../errors.js';
import { decodeParquet, encodeParquet, type LakeRow } from '../lake/parquet.js';
import {
  ACTIONS_TABLE,
  EPISODES_TABLE,
  EVENTS_TABLE,
  TABLE_LOCATIONS,
  type TableDef,
} from '../lake/schema.js';
import { type ObjectStore, PreconditionFailedError, type PseudonymKey } from '../ports.js';
import { Pseudonymizer } from '../redact/pseudonym.js';
import { addOptOuts, updateOptOuts } from './opt-outs.js';

/** The zones a subject is removed from. */
export interface SubjectStores {
  readonly events: ObjectStore;
  readonly quarantine: ObjectStore;
  readonly curated: ObjectStore;
  /**
   * Athena query results: everything written before the removal finished is deleted (every version).
   * @default not touched (a local lake has no query results)
   */
  readonly athenaResults?: ObjectStore;
}

/** Stores erasure works on. */
export interface EraseStores extends SubjectStores {
  /** Write-once receipts. */
  readonly audit: ObjectStore;
}

/** The subject's pseudonym under one key version. */
export interface SubjectPseudonym {
  readonly pseudonym: string;
  /** The key version that makes it; when every entry names one, rows under any other version fail the run. */
  readonly keyVersion?: string;
}

/** One rewritten (or deleted) object. */
export interface ErasedObject {
  readonly zone: 'events' | 'quarantine' | 'curated';
  readonly key: string;
  readonly rowsRemoved: number;
  readonly rowsKept: number;
  readonly versionsDeleted: number;
  readonly retries: number;
}

/** One noncurrent object version that held the subject and was deleted. */
export interface ErasedVersion {
  readonly zone: ErasedObject['zone'];
  readonly key: string;
  readonly versionId: string;
  readonly rows: number;
}

/** What a removal did (an opt-out answers with it; erasure puts it into the receipt). */
export interface RemovalResult {
  readonly subject: string;
  /** Key versions the subject was searched under (empty: searched by the one pseudonym given). */
  readonly keyVersions: readonly string[];
  readonly optOutRegistered: boolean;
  readonly registryCount: number;
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
  /** A full pass over every object and noncurrent version found zero rows of the subject. */
  readonly verified: true;
  readonly note: string;
  readonly previousHash: string;
  readonly hash: string;
}

/** Erasure could not complete (e.g. an object kept changing); nothing was receipted. */
export class EraseError extends WorktraceError {
  override readonly name = 'EraseError';
  readonly code = ERROR_CODES.erase;
}

/** How long the ingest stream keeps records, when not configured: Kinesis' default 24 h. */
export const DEFAULT_STREAM_RETENTION_MS = 24 * 3_600_000;

const RECEIPTS = 'receipts/';
/** Journal of a run in progress, in the curated bucket (the audit store is write-once). */
const JOURNAL = '_erase/journal/';
/** Pending follow-up sweeps, in the curated bucket. */
export const SWEEPS_PREFIX = '_sweeps/';
const GENESIS = '0'.repeat(64);
const PSEUDONYM = /^[0-9a-zA-Z_-]{1,128}$/;

/** Options of a removal. */
export interface RemovalOptions {
  readonly now?: () => number;
  /** Conditional-write retries per object, and passes after the first. @default 5 */
  readonly maxRetries?: number;
  /** How long the stream keeps records, ms. @default DEFAULT_STREAM_RETENTION_MS */
  readonly streamRetentionMs?: number;
}

/** Set by runDueSweeps: this run is the follow-up sweep of an earlier removal. */
interface SweepFlags {
  /** This run is a follow-up sweep (no new sweep is scheduled). @default false */
  readonly sweep?: boolean;
  /** For a sweep: when the stream copies aged out (the pending sweep's `dueAt`). @default now + stream retention */
  readonly streamRecordsExpireBy?: string;
}

/** A pending follow-up sweep (`_sweeps/<pseudonym>.json` in the curated bucket). */
export interface PendingSweep {
  readonly version: 1;
  readonly kind: 'erase' | 'opt-out';
  readonly subjects: readonly SubjectPseudonym[];
  readonly requestedAt: string;
  readonly dueAt: string;
}

interface Target {
  readonly zone: ErasedObject['zone'];
  readonly store: ObjectStore;
  readonly prefix: string;
  readonly table: TableDef | 'jsonl';
}

interface Subject {
  readonly current: string;
  readonly list: readonly SubjectPseudonym[];
  readonly all: ReadonlySet<string>;
  /** Set when every pseudonym names its key version. */
  readonly keyVersions: ReadonlySet<string> | undefined;
}

interface Journal {
  objects: ErasedObject[];
  noncurrentVersions: ErasedVersion[];
  optOutRegistered: boolean;
  queryResultsDeleted: number;
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

function subjectOf(input: string | readonly SubjectPseudonym[]): Subject {
  const list = typeof input === 'string' ? [{ pseudonym: input }] : input;
  const first = list[0];
  if (!first || list.some((s) => !PSEUDONYM.test(s.pseudonym))) throw new EraseError('not a pseudonym');
  const versions = list.map((s) => s.keyVersion);
  return {
    current: first.pseudonym,
    list,
    all: new Set(list.map((s) => s.pseudonym)),
    keyVersions: versions.every((v): v is string => typeof v === 'string') ? new Set(versions) : undefined,
  };
}

function targetsOf(stores: SubjectStores): Target[] {
  return [
    { zone: 'events', store: stores.events, prefix: TABLE_LOCATIONS.events.prefix, table: EVENTS_TABLE },
    {
      zone: 'quarantine',
      store: stores.quarantine,
      prefix: TABLE_LOCATIONS.quarantine.prefix,
      table: 'jsonl',
    },
    { zone: 'curated', store: stores.curated, prefix: TABLE_LOCATIONS.actions.prefix, table: ACTIONS_TABLE },
    {
      zone: 'curated',
      store: stores.curated,
      prefix: TABLE_LOCATIONS.episodes.prefix,
      table: EPISODES_TABLE,
    },
  ];
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
    const body = await audit.get(key);
    if (!body) return key;
    const r = JSON.parse(Buffer.from(body).toString('utf8')) as EraseReceipt;
    const { hash, ...rest } = r;
    if (r.previousHash !== previous || receiptHash(rest) !== hash) return key;
    previous = hash;
  }
  return null;
}

/** An object's rows split into the subject's and everyone else's, with the key versions seen. */
interface Split {
  readonly removed: number;
  readonly kept: number;
  readonly keyVersions: ReadonlySet<string>;
  /** The object without the subject's rows. */
  encode(): Uint8Array | string;
}

/**
 * Splits an object's content. Quarantine lines match by their `user_pseudonym` column, or, for rows
 * written before the column existed, by the pseudonym anywhere in the line (the scrubbed payload).
 */
function splitObject(t: Target, body: Uint8Array, subject: Subject): Split {
  const keyVersions = new Set<string>();
  if (t.table === 'jsonl') {
    const lines = Buffer.from(body)
      .toString('utf8')
      .split('\n')
      .filter((l) => l !== '');
    const pseudonyms = [...subject.all];
    const kept = lines.filter((line) => {
      let row: Record<string, unknown> = {};
      try {
        row = JSON.parse(line) as Record<string, unknown>;
      } catch {
        // not a row we wrote: the substring test below still applies
      }
      if (typeof row.key_version === 'string') keyVersions.add(row.key_version);
      const column = row.user_pseudonym;
      if (typeof column === 'string' && subject.all.has(column)) return false;
      return !pseudonyms.some((p) => line.includes(p));
    });
    return {
      removed: lines.length - kept.length,
      kept: kept.length,
      keyVersions,
      encode: () => kept.map((l) => `${l}\n`).join(''),
    };
  }
  const table = t.table;
  const rows = decodeParquet(body);
  for (const r of rows) if (typeof r.key_version === 'string') keyVersions.add(r.key_version);
  const kept = rows.filter((r) => !subject.all.has(r.user_pseudonym as string));
  return {
    removed: rows.length - kept.length,
    kept: kept.length,
    keyVersions,
    encode: () => encodeParquet(table.columns, kept as LakeRow[]),
  };
}

/** Removes the subject's rows from one object (conditional on `etag`); null when it no longer exists. */
async function eraseObject(
  t: Target,
  key: string,
  etag: string | undefined,
  subject: Subject,
): Promise<Split | null> {
  const body = await t.store.get(key);
  if (!body) return null;
  const split = splitObject(t, body, subject);
  if (split.removed === 0) return split;
  if (split.kept === 0) await t.store.delete(key);
  else
    await t.store.put(key, split.encode(), {
      contentType: t.table === 'jsonl' ? 'application/x-ndjson' : 'application/vnd.apache.parquet',
      ...(etag ? { ifMatch: etag } : {}),
    });
  return split;
}

/** State shared by the passes of one removal. */
interface Pass {
  readonly targets: readonly Target[];
  readonly subject: Subject;
  readonly maxRetries: number;
  readonly keyVersionsSeen: Set<string>;
  /** Noncurrent versions read and found clean, or deleted (a version's content never changes). */
  readonly examined: Set<string>;
  readonly journal: Journal;
  readonly save: () => Promise<void>;
}

/** One pass over every current object; returns how many held the subject. */
async function currentObjectsPass(p: Pass): Promise<number> {
  let found = 0;
  for (const t of p.targets) {
    for (const o of await t.store.list(t.prefix)) {
      let etag = o.etag;
      for (let attempt = 0; ; attempt++) {
        try {
          const r = await eraseObject(t, o.key, etag, p.subject);
          for (const v of r?.keyVersions ?? []) p.keyVersionsSeen.add(v);
          if (r && r.removed > 0) {
            found += 1;
            // Every older version of a rewritten object held the rows just removed.
            const versionsDeleted = (await t.store.deleteOtherVersions?.(o.key)) ?? 0;
            p.journal.objects.push({
              zone: t.zone,
              key: o.key,
              rowsRemoved: r.removed,
              rowsKept: r.kept,
              versionsDeleted,
              retries: attempt,
            });
            await p.save();
          }
          break;
        } catch (err) {
          if (!(err instanceof PreconditionFailedError) || attempt >= p.maxRetries) {
            throw new EraseError(`could not rewrite ${t.zone}/${o.key}: ${(err as Error).message}`);
          }
          // Another writer changed the object: roll back our view of it and start over from its new state.
          etag = (await t.store.list(o.key)).find((x) => x.key === o.key)?.etag;
        }
      }
    }
  }
  return found;
}

/** One pass over every noncurrent version (versioned stores); returns how many held the subject. */
async function noncurrentVersionsPass(p: Pass): Promise<number> {
  let found = 0;
  for (const t of p.targets) {
    const { store } = t;
    if (!store.listVersions || !store.getVersion || !store.deleteVersion) continue;
    for (const v of await store.listVersions(t.prefix)) {
      if (v.isLatest || v.deleteMarker) continue;
      const id = `${store.name}\u0000${v.key}\u0000${v.versionId}`;
      if (p.examined.has(id)) continue;
      const body = await store.getVersion(v.key, v.versionId);
      if (body) {
        const split = splitObject(t, body, p.subject);
        for (const kv of split.keyVersions) p.keyVersionsSeen.add(kv);
        if (split.removed > 0) {
          await store.deleteVersion(v.key, v.versionId);
          found += 1;
          p.journal.noncurrentVersions.push({
            zone: t.zone,
            key: v.key,
            versionId: v.versionId,
            rows: split.removed,
          });
          await p.save();
        }
      }
      p.examined.add(id);
    }
  }
  return found;
}

/**
 * Deletes every query result written up to `cutoff` (epoch ms), every version of it; returns how many
 * result objects (not delete markers) went.
 */
export async function purgeQueryResults(store: ObjectStore, cutoff: number): Promise<number> {
  const before = (d: Date | undefined) => d === undefined || d.getTime() <= cutoff;
  let deleted = 0;
  if (store.listVersions && store.deleteVersion) {
    for (const v of await store.listVersions('')) {
      if (!before(v.lastModified)) continue;
      await store.deleteVersion(v.key, v.versionId);
      if (!v.deleteMarker) deleted += 1;
    }
    return deleted;
  }
  for (const o of await store.list('')) {
    if (!before(o.lastModified)) continue;
    await store.delete(o.key);
    deleted += 1;
  }
  return deleted;
}

function parseJournal(body: Uint8Array | undefined): Journal {
  const empty: Journal = {
    objects: [],
    noncurrentVersions: [],
    optOutRegistered: false,
    queryResultsDeleted: 0,
  };
  if (!body) return empty;
  const parsed = JSON.parse(Buffer.from(body).toString('utf8')) as Partial<Journal> | ErasedObject[];
  if (Array.isArray(parsed)) return { ...empty, objects: parsed }; // a journal of the first format
  return { ...empty, ...parsed };
}

async function scheduleSweep(curated: ObjectStore, sweep: PendingSweep, current: string): Promise<string> {
  const key = `${SWEEPS_PREFIX}${current}.json`;
  const existing = await curated.get(key);
  const earlier = existing ? (JSON.parse(Buffer.from(existing).toString('utf8')) as PendingSweep) : undefined;
  const dueAt = earlier && earlier.dueAt > sweep.dueAt ? earlier.dueAt : sweep.dueAt;
  // An erasure outranks an opt-out: its sweep writes a receipt.
  const kind = earlier?.kind === 'erase' ? 'erase' : sweep.kind;
  await curated.put(key, JSON.stringify({ ...sweep, kind, dueAt }), { contentType: 'application/json' });
  return dueAt;
}

/**
 * Removes a subject from every zone: opt-out first, then the passes, the query-results purge, the key
 * version check and the follow-up sweep. The journal (when a key is given) records progress for a rerun.
 */
async function removeSubject(
  stores: SubjectStores,
  subject: Subject,
  options: RemovalOptions & SweepFlags & { kind: PendingSweep['kind']; sweep: boolean; journalKey?: string },
): Promise<RemovalResult> {
  const now = options.now ?? Date.now;
  const maxRetries = options.maxRetries ?? 5;
  const journal = parseJournal(options.journalKey ? await stores.curated.get(options.journalKey) : undefined);
  const save = async () => {
    if (options.journalKey) await stores.curated.put(options.journalKey, JSON.stringify(journal));
  };
  // 1. Opt-out first: the redact function stops writing the subject (within its registry TTL) before the
  //    rewrite starts, and the sequencer stops writing curated rows for them.
  const registration = await addOptOuts(
    { events: stores.events, curated: stores.curated },
    [subject.current],
    { now: now() },
  );
  journal.optOutRegistered ||= registration.added;
  await save();
  const registeredAt = now();
  // 2-3. Passes until one finds nothing: that pass is the verification.
  const pass: Pass = {
    targets: targetsOf(stores),
    subject,
    maxRetries,
    keyVersionsSeen: new Set(),
    examined: new Set(),
    journal,
    save,
  };
  for (let round = 0; ; round++) {
    const found = (await currentObjectsPass(pass)) + (await noncurrentVersionsPass(pass));
    if (found === 0) break;
    if (round >= maxRetries)
      throw new EraseError(`rows of the subject kept appearing after ${round + 1} passes; run again`);
  }
  // Rows under a key version the subject was not searched under could hold them unseen.
  if (subject.keyVersions) {
    const known = subject.keyVersions;
    const unknown = [...pass.keyVersionsSeen].filter((v) => !known.has(v)).sort();
    if (unknown.length > 0)
      throw new EraseError(
        `rows under key version(s) ${unknown.join(', ')} cannot be searched for the subject: supply those keys`,
      );
  }
  // 4. Query results computed before now may hold the subject.
  if (stores.athenaResults) {
    journal.queryResultsDeleted += await purgeQueryResults(stores.athenaResults, now());
    await save();
  }
  // 5. Records sent before the registration stay in the stream until its retention passes.
  // A sweep's stream copies are those of the original registration: they aged out at the sweep's due time.
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
    optOutRegistered: journal.optOutRegistered,
    registryCount: registration.count,
    rowsRemoved: journal.objects.reduce((n, d) => n + d.rowsRemoved, 0),
    objects: journal.objects,
    noncurrentVersions: journal.noncurrentVersions,
    queryResultsDeleted: journal.queryResultsDeleted,
    streamRecordsExpireBy,
    sweepDueAt,
  };
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
  const journalKey = `${JOURNAL}${s.current}${sweep ? '.sweep' : ''}.json`;
  const r = await removeSubject(stores, s, { ...options, kind: 'erase', sweep, journalKey });
  const keys = await receiptKeys(stores.audit);
  let previousHash = GENESIS;
  const last = keys.at(-1);
  if (last) {
    const body = await stores.audit.get(last);
    previousHash = body ? (JSON.parse(Buffer.from(body).toString('utf8')) as EraseReceipt).hash : GENESIS;
  }
  const changed = r.objects.length + r.noncurrentVersions.length;
  const parts = [
    changed === 0
      ? 'nothing held about the subject: no object changed'
      : `removed from ${r.objects.length} objects and ${r.noncurrentVersions.length} noncurrent versions`,
    ...(r.queryResultsDeleted > 0 ? [`${r.queryResultsDeleted} query results deleted`] : []),
    sweep ? 'follow-up sweep after the stream retention' : `follow-up sweep due ${r.sweepDueAt}`,
  ];
  const draft: Omit<EraseReceipt, 'hash'> = {
    version: 2,
    kind: sweep ? 'sweep' : 'erase',
    subject: s.current,
    keyVersions: r.keyVersions,
    startedAt,
    finishedAt: new Date(now()).toISOString(),
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
  await stores.audit.put(
    `${RECEIPTS}${seq}-${s.current.slice(0, 12)}.json`,
    `${JSON.stringify(receipt, null, 2)}\n`,
  );
  await stores.curated.delete(journalKey);
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
