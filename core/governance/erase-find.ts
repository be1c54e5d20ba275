/**
 * Which objects hold a subject, asked of the query engine instead of read object by object: one query per
 * table, `SELECT DISTINCT "$path" ...` (Athena's hidden column; the local lake on DuckDB exposes the same
 * column), so erasure's cost grows with the objects that hold the subject, not with the lake. The SQL text
 * lives here once and runs unchanged on both engines; the engines are behind an `SqlRunner` port.
 */
import { decodeParquet } from '../lake/parquet.js';
import { TABLE_LOCATIONS } from '../lake/schema.js';
import type { ObjectStore } from '../ports.js';
import { shardOfKey } from '../sequence/shards.js';
import {
  EraseError,
  type EraseZone,
  type ObjectRef,
  PSEUDONYM,
  type SubjectStores,
  targetsOf,
} from './erase-object.js';

/** The tables a subject is searched in. */
export const FIND_TABLES = ['events', 'quarantine', 'actions', 'episodes'] as const;
/** One of them. */
export type FindTable = (typeof FIND_TABLES)[number];

/** An object a finder names; a listing finder also knows its ETag at the time of the listing. */
export interface FoundObject extends ObjectRef {
  readonly etag?: string;
}

/** The finder port: the objects of `tables` holding rows of any of `pseudonyms`. */
export type SubjectFinder = (
  tables: readonly FindTable[],
  pseudonyms: readonly string[],
) => Promise<FoundObject[]>;

/** Every key version present in `tables` (for the check that the subject was searched under each). */
export type LakeKeyVersions = (tables: readonly FindTable[]) => Promise<string[]>;

/** A finder, and optionally the key versions the lake holds. */
export interface LakeIndex {
  readonly find: SubjectFinder;
  /** @default the key versions seen in the objects read */
  readonly keyVersions?: LakeKeyVersions;
}

/** Runs one SQL statement on an engine (Athena, DuckDB) and returns its rows. */
export type SqlRunner = (sql: string) => Promise<readonly Record<string, unknown>[]>;

/** The bucket each zone's `$path` names. */
export type ZoneBuckets = Readonly<Record<EraseZone, string>>;

function literals(pseudonyms: readonly string[]): string[] {
  if (pseudonyms.length === 0 || pseudonyms.some((p) => !PSEUDONYM.test(p)))
    throw new EraseError('not a pseudonym');
  // The shape check above admits no quote, so the literal cannot break out of the string.
  return pseudonyms.map((p) => `'${p}'`);
}

/**
 * The query that names the objects of `table` holding the subject (Trino; runs as is on DuckDB). Quarantine
 * rows are matched by column, and by the pseudonym inside the scrubbed payload (rows written before
 * quarantine carried `user_pseudonym`; a superset of what the rewrite removes there is harmless).
 */
export function findSubjectSql(table: FindTable, pseudonyms: readonly string[]): string {
  const values = literals(pseudonyms);
  const byColumn = `user_pseudonym IN (${values.join(', ')})`;
  const where =
    table === 'quarantine'
      ? [byColumn, ...values.map((v) => `strpos(scrubbed_payload, ${v}) > 0`)].join(' OR ')
      : byColumn;
  return `SELECT DISTINCT "$path" AS path FROM ${table} WHERE ${where}`;
}

/** The query that lists the key versions present in `table`. */
export function keyVersionsSql(table: FindTable): string {
  return `SELECT DISTINCT key_version FROM ${table} WHERE key_version IS NOT NULL`;
}

/**
 * Maps a `$path` (`s3://<bucket>/<key>`) of `table` back to its object. The bucket must be the table's
 * zone's, and the key under the table's prefix: anything else is an error, never a rewrite elsewhere.
 */
export function objectOfPath(path: string, table: FindTable, buckets: ZoneBuckets): ObjectRef {
  const { zone, prefix } = TABLE_LOCATIONS[table];
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(path);
  if (!m || m[1] !== buckets[zone] || !m[2]?.startsWith(prefix))
    throw new EraseError(`the ${table} query named an object outside the ${zone} zone's ${prefix} prefix`);
  return { zone, key: m[2] };
}

/** Objects sorted by zone (events, quarantine, curated) then key, each once. */
export function sortObjects<T extends ObjectRef>(objects: readonly T[]): T[] {
  const order: Record<EraseZone, number> = { events: 0, quarantine: 1, curated: 2 };
  const seen = new Map<string, T>();
  for (const o of objects) if (!seen.has(`${o.zone}/${o.key}`)) seen.set(`${o.zone}/${o.key}`, o);
  return [...seen.values()].sort((a, b) =>
    a.zone === b.zone ? (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) : order[a.zone] - order[b.zone],
  );
}

/** A finder over a query engine: one find query per table. */
export function queryIndex(run: SqlRunner, buckets: ZoneBuckets): Required<LakeIndex> {
  return {
    async find(tables, pseudonyms) {
      const out: ObjectRef[] = [];
      for (const table of tables) {
        for (const row of await run(findSubjectSql(table, pseudonyms))) {
          if (typeof row.path === 'string') out.push(objectOfPath(row.path, table, buckets));
        }
      }
      return sortObjects(out);
    },
    async keyVersions(tables) {
      const out = new Set<string>();
      for (const table of tables)
        for (const row of await run(keyVersionsSql(table)))
          if (typeof row.key_version === 'string') out.add(row.key_version);
      return [...out].sort();
    },
  };
}

/**
 * The finder for callers without a query engine: every object of every table (with the ETag listed), so
 * the rewrite reads them all and keeps only what held the subject. Cost grows with the lake.
 */
export function listingIndex(stores: SubjectStores): LakeIndex {
  return {
    async find(tables) {
      const out: FoundObject[] = [];
      for (const t of targetsOf(stores)) {
        const table = FIND_TABLES.find(
          (n) => TABLE_LOCATIONS[n].prefix === t.prefix && TABLE_LOCATIONS[n].zone === t.zone,
        );
        if (!table || !tables.includes(table)) continue;
        for (const o of await t.store.list(t.prefix))
          out.push({ zone: t.zone, key: o.key, ...(o.etag ? { etag: o.etag } : {}) });
      }
      return out;
    },
  };
}

/**
 * Adds to a query engine's finder the events objects it cannot see: those written before sequence shards
 * (flat under `events/dt=/hour=/`), which Glue's projection template (`.../shard=${shard}/`) leaves out.
 * Each is read and named only when it holds the subject, so `verify` still counts what remains. Costs a
 * listing of the events zone and a read of each flat object, until the events retention has expired them
 * all (docs/sequencing.md, "Shards").
 */
export function withPreShardEvents(index: LakeIndex, events: ObjectStore): LakeIndex {
  const prefix = TABLE_LOCATIONS.events.prefix;
  return {
    ...index,
    async find(tables, pseudonyms) {
      const found = await index.find(tables, pseudonyms);
      if (!tables.includes('events')) return found;
      const wanted = new Set(pseudonyms);
      const named = new Set(found.filter((o) => o.zone === 'events').map((o) => o.key));
      const extra: FoundObject[] = [];
      for (const o of await events.list(prefix)) {
        if (!o.key.endsWith('.parquet') || shardOfKey(o.key) !== undefined || named.has(o.key)) continue;
        const body = await events.get(o.key);
        if (!body) continue;
        const rows = decodeParquet(body) as readonly { user_pseudonym?: unknown }[];
        if (rows.some((r) => typeof r.user_pseudonym === 'string' && wanted.has(r.user_pseudonym)))
          extra.push({ zone: 'events', key: o.key, ...(o.etag ? { etag: o.etag } : {}) });
      }
      return extra.length === 0 ? found : sortObjects([...found, ...extra]);
    },
  };
}
