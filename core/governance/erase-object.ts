/**
 * Erasure's vocabulary and its work on one object: the subject (pseudonyms under every key version), the
 * zones, splitting an object's rows into the subject's and everyone else's, the conditional ETag-checked
 * rewrite of one object, the noncurrent-versions pass and the query-results purge. The objects are the data
 * tables' and the sequencer's window checkpoints (erase-checkpoints.ts). The steps that compose these into a
 * removal are in erase-plan.ts; the finders that say which objects to rewrite in erase-find.ts.
 */
import { ERROR_CODES, WorktraceError } from '../errors.js';
import { decodeParquet, encodeParquet, type LakeRow } from '../lake/parquet.js';
import {
  ACTIONS_TABLE,
  EPISODES_TABLE,
  EVENTS_TABLE,
  TABLE_LOCATIONS,
  type TableDef,
} from '../lake/schema.js';
import { type ObjectStore, PreconditionFailedError } from '../ports.js';
import { CHECKPOINT_PREFIX, splitCheckpoint } from './erase-checkpoints.js';

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

/** A zone erasure rewrites. */
export type EraseZone = 'events' | 'quarantine' | 'curated';

/** One object of a zone (what a finder returns and a rewrite takes). */
export interface ObjectRef {
  readonly zone: EraseZone;
  readonly key: string;
}

/** One rewritten (or deleted) object. */
export interface ErasedObject extends ObjectRef {
  /** Rows of the subject removed (a sequencer checkpoint: the subject's live sessions dropped). */
  readonly rowsRemoved: number;
  readonly rowsKept: number;
  readonly versionsDeleted: number;
  readonly retries: number;
}

/** One noncurrent object version that held the subject and was deleted. */
export interface ErasedVersion {
  readonly zone: EraseZone;
  readonly key: string;
  readonly versionId: string;
  readonly rows: number;
}

/** Erasure could not complete (e.g. an object kept changing); nothing was receipted. */
export class EraseError extends WorktraceError {
  override readonly name = 'EraseError';
  readonly code = ERROR_CODES.erase;
}

/** The shape of a pseudonym (hex or base64url): checked before one goes into a key or a query. */
export const PSEUDONYM = /^[0-9a-zA-Z_-]{1,128}$/;

/** A subject, resolved: the registered pseudonym, every pseudonym, and the key versions they cover. */
export interface Subject {
  readonly current: string;
  readonly list: readonly SubjectPseudonym[];
  readonly all: ReadonlySet<string>;
  /** Set when every pseudonym names its key version. */
  readonly keyVersions: ReadonlySet<string> | undefined;
  /**
   * Pseudonyms of the subject's sessions, when the find step learned them: a checkpointed session nothing
   * was fed to yet carries no user pseudonym, only its session's (erase-checkpoints.ts). @default none
   */
  readonly sessions?: ReadonlySet<string>;
}

/** Resolves a pseudonym or a list of them (the first is the current key's); throws on anything else. */
export function subjectOf(input: string | readonly SubjectPseudonym[]): Subject {
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

/** A table's objects in one zone: where they are and how their rows are stored. */
export interface Target {
  readonly zone: EraseZone;
  readonly store: ObjectStore;
  readonly prefix: string;
  /** Parquet of a table, JSON Lines (quarantine), or the sequencer's window checkpoints (JSON). */
  readonly table: TableDef | 'jsonl' | 'checkpoint';
}

/** Every table erasure rewrites, in receipt order. */
export function targetsOf(stores: SubjectStores): Target[] {
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
    // Live sessions carried between windows: outside every lifecycle expiry, so erased here or never.
    { zone: 'curated', store: stores.curated, prefix: CHECKPOINT_PREFIX, table: 'checkpoint' },
  ];
}

/**
 * The table an object belongs to. Only keys under a data table's prefix (or the sequencer's checkpoints')
 * qualify: a plan naming a control object (opt-out registry, journal, watermark) or a path outside the
 * zone is refused.
 */
export function targetOf(stores: SubjectStores, ref: ObjectRef): Target {
  const target = targetsOf(stores).find((t) => t.zone === ref.zone && ref.key.startsWith(t.prefix));
  if (!target || ref.key.includes('..') || ref.key.length > 1024)
    throw new EraseError(`not an object of a data table in the ${String(ref.zone)} zone`);
  return target;
}

/** An object's rows split into the subject's and everyone else's, with the key versions seen. */
export interface Split {
  readonly removed: number;
  readonly kept: number;
  readonly keyVersions: ReadonlySet<string>;
  /** The object goes whole (nothing left of it, or a checkpoint nobody can read) instead of `encode()`. */
  readonly deleteObject: boolean;
  /** The object without the subject's rows. */
  encode(): Uint8Array | string;
}

/**
 * Splits an object's content. Quarantine lines match by their `user_pseudonym` column, or, for rows
 * written before the column existed, by the pseudonym anywhere in the line (the scrubbed payload).
 */
export function splitObject(t: Target, body: Uint8Array, subject: Subject): Split {
  if (t.table === 'checkpoint') return splitCheckpoint(body, subject);
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
      deleteObject: kept.length === 0,
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
    deleteObject: kept.length === 0,
    encode: () => encodeParquet(table.columns, kept as LakeRow[]),
  };
}

const CONTENT_TYPES = {
  jsonl: 'application/x-ndjson',
  checkpoint: 'application/json',
  parquet: 'application/vnd.apache.parquet',
} as const;

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
  if (split.deleteObject) await t.store.delete(key);
  else
    await t.store.put(key, split.encode(), {
      contentType: CONTENT_TYPES[t.table === 'jsonl' || t.table === 'checkpoint' ? t.table : 'parquet'],
      ...(etag ? { ifMatch: etag } : {}),
    });
  return split;
}

/** The current ETag of one object (a listing under its own key), or undefined when it does not exist. */
async function etagOf(store: ObjectStore, key: string): Promise<string | undefined> {
  return (await store.list(key)).find((x) => x.key === key)?.etag;
}

/** What one object's rewrite did, and the key versions its rows carried. */
export interface ObjectRewrite {
  readonly object: ErasedObject;
  readonly keyVersions: ReadonlySet<string>;
}

/**
 * Rewrites one object without the subject's rows: reads it, puts the rest back conditional on the ETag it
 * had (or deletes it when nothing is left), then deletes every other version of it (each held the rows just
 * removed). A concurrent writer makes the put fail: the object is read again from its new ETag, up to
 * `maxRetries` times. An object that no longer exists, or no longer holds the subject, removes 0 rows.
 */
export async function rewriteObject(
  stores: SubjectStores,
  subject: Subject,
  ref: ObjectRef,
  maxRetries: number,
  knownEtag?: string,
): Promise<ObjectRewrite> {
  const t = targetOf(stores, ref);
  let etag = knownEtag ?? (await etagOf(t.store, ref.key));
  for (let attempt = 0; ; attempt++) {
    try {
      const r = await eraseObject(t, ref.key, etag, subject);
      const keyVersions = r?.keyVersions ?? new Set<string>();
      if (!r || r.removed === 0) {
        const object = { zone: ref.zone, key: ref.key, rowsRemoved: 0, rowsKept: r?.kept ?? 0 };
        return { object: { ...object, versionsDeleted: 0, retries: attempt }, keyVersions };
      }
      const versionsDeleted = (await t.store.deleteOtherVersions?.(ref.key)) ?? 0;
      const object: ErasedObject = {
        zone: ref.zone,
        key: ref.key,
        rowsRemoved: r.removed,
        rowsKept: r.kept,
        versionsDeleted,
        retries: attempt,
      };
      return { object, keyVersions };
    } catch (err) {
      if (!(err instanceof PreconditionFailedError) || attempt >= maxRetries) {
        throw new EraseError(`could not rewrite ${ref.zone}/${ref.key}: ${(err as Error).message}`);
      }
      // Another writer changed the object: roll back our view of it and start over from its new state.
      etag = await etagOf(t.store, ref.key);
    }
  }
}

/** What a noncurrent-versions pass found. */
export interface NoncurrentPass {
  readonly deleted: ErasedVersion[];
  readonly keyVersions: ReadonlySet<string>;
}

/**
 * Deletes every noncurrent version (behind a newer version or a delete marker) that holds the subject, in
 * versioned stores; `examined` carries versions already found clean (a version's content never changes).
 */
export async function noncurrentVersionsPass(
  stores: SubjectStores,
  subject: Subject,
  examined: Set<string> = new Set(),
): Promise<NoncurrentPass> {
  const deleted: ErasedVersion[] = [];
  const keyVersions = new Set<string>();
  for (const t of targetsOf(stores)) {
    const { store } = t;
    if (!store.listVersions || !store.getVersion || !store.deleteVersion) continue;
    for (const v of await store.listVersions(t.prefix)) {
      if (v.isLatest || v.deleteMarker) continue;
      const id = `${store.name}\u0000${v.key}\u0000${v.versionId}`;
      if (examined.has(id)) continue;
      const body = await store.getVersion(v.key, v.versionId);
      if (body) {
        const split = splitObject(t, body, subject);
        for (const kv of split.keyVersions) keyVersions.add(kv);
        if (split.removed > 0) {
          await store.deleteVersion(v.key, v.versionId);
          deleted.push({ zone: t.zone, key: v.key, versionId: v.versionId, rows: split.removed });
        }
      }
      examined.add(id);
    }
  }
  return { deleted, keyVersions };
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
