/**
 * DuckDB over the local lake: the same tables Glue describes and the same view SQL Athena runs. DuckDB has
 * no httpfs here, so the zone objects are mirrored through the S3 API (or read from a directory) into a
 * cache, then exposed as tables over read_parquet / read_json with Hive partitions, and the registered
 * views are created on top (core/views/dialect.ts makes the Trino text run on DuckDB).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { ERROR_CODES, WorktraceError } from '#core/errors.js';
import { type LakeIndex, queryIndex } from '#core/governance/erase-find.js';
import {
  duckTypeOf,
  LAKE_TABLES,
  TABLE_LOCATIONS,
  type TableDef,
  ZONES,
  type Zone,
} from '#core/lake/schema.js';
import type { ObjectStore } from '#core/ports.js';
import { bindViewParams, DEFAULT_VIEW_PARAMS, DUCKDB_PRELUDE, type ViewParams } from '#core/views/dialect.js';
import { VIEWS, viewSql } from '#core/views/registry.js';

/** A query the local lake could not run; the message is DuckDB's, which names the problem, never row content. */
export class LocalQueryError extends WorktraceError {
  override readonly name = 'LocalQueryError';
  readonly code = ERROR_CODES.localQuery;
}

/** Options of a local lake. */
export interface LocalLakeOptions {
  /** One object store per zone (S3 emulator buckets, or directories). */
  readonly stores: Partial<Record<Zone, ObjectStore>>;
  /** Where zone objects are mirrored (emptied first). */
  readonly cacheDir: string;
  /** View parameters. @default DEFAULT_VIEW_PARAMS */
  readonly params?: ViewParams;
  /**
   * The bucket each zone's `"$path"` names (`s3://<bucket>/<key>`).
   * @default the store's name when it is a bucket name, else the zone's name
   */
  readonly buckets?: Partial<Record<Zone, string>>;
}

const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;
/** Schema of the tables with Athena's hidden `"$path"` column; `main` holds them without it. */
const PATHS_SCHEMA = 'lake_paths';
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** SQL naming Athena's hidden `"$path"` column runs where the tables carry it. */
const NAMES_PATH = /"\$path"/;

/**
 * The lake tables and views on one DuckDB database. Like Athena's, the tables have a hidden `"$path"`
 * column (`s3://<bucket>/<object key>`, never the cache path): `SELECT *` leaves it out, SQL that names
 * it can read it (such SQL runs on a second connection whose search path puts the tables with the column
 * first).
 */
export class LocalLake {
  private constructor(
    private readonly conn: DuckDBConnection,
    private readonly pathsConn: DuckDBConnection,
    private readonly options: LocalLakeOptions,
    /** Objects mirrored per table. */
    readonly files: Record<string, number>,
    /** The ETag of each mirrored object, per table (a refresh copies only what changed). */
    private readonly mirrored: Record<string, Map<string, string | undefined>>,
    /** The bucket each zone's `"$path"` names. */
    readonly buckets: Record<Zone, string>,
  ) {}

  /** Mirrors the zones and creates the tables and views. */
  static async open(options: LocalLakeOptions): Promise<LocalLake> {
    rmSync(options.cacheDir, { recursive: true, force: true });
    const buckets = Object.fromEntries(
      ZONES.map((z) => {
        const name = options.stores[z]?.name;
        return [z, options.buckets?.[z] ?? (name && BUCKET_NAME.test(name) ? name : z)];
      }),
    ) as Record<Zone, string>;
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    const pathsConn = await db.connect();
    for (const s of DUCKDB_PRELUDE) await conn.run(s);
    await conn.run(`CREATE SCHEMA ${PATHS_SCHEMA}`);
    await pathsConn.run("SET TimeZone = 'UTC'");
    await pathsConn.run(`SET search_path = '${PATHS_SCHEMA},main'`);
    const mirrored = Object.fromEntries(Object.keys(TABLE_LOCATIONS).map((n) => [n, new Map()]));
    const lake = new LocalLake(conn, pathsConn, options, {}, mirrored, buckets);
    await lake.mirror();
    await lake.createTables();
    const params = options.params ?? DEFAULT_VIEW_PARAMS;
    for (const view of VIEWS) {
      await conn.run(`CREATE VIEW ${view.id} AS ${bindViewParams(viewSql(view), params)}`);
    }
    return lake;
  }

  /**
   * Brings the mirror up to date with the zones (objects changed, added or deleted since), as a query
   * engine reading the buckets directly would see them: only objects whose ETag changed are copied.
   */
  async refresh(): Promise<void> {
    const before = { ...this.files };
    await this.mirror();
    if (Object.keys(this.files).some((n) => (this.files[n] === 0) !== (before[n] === 0)))
      await this.createTables(before);
  }

  private async mirror(): Promise<void> {
    for (const [name, loc] of Object.entries(TABLE_LOCATIONS)) {
      const store = this.options.stores[loc.zone];
      const mirrored = this.mirrored[name] as Map<string, string | undefined>;
      const listed = store ? await store.list(loc.prefix) : [];
      const seen = new Set<string>();
      for (const o of listed) {
        seen.add(o.key);
        if (o.etag !== undefined && mirrored.has(o.key) && mirrored.get(o.key) === o.etag) continue;
        const body = await store?.get(o.key);
        if (!body) continue;
        const path = join(this.options.cacheDir, name, o.key.slice(loc.prefix.length));
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, body);
        mirrored.set(o.key, o.etag);
      }
      for (const key of [...mirrored.keys()].filter((k) => !seen.has(k))) {
        rmSync(join(this.options.cacheDir, name, key.slice(loc.prefix.length)), { force: true });
        mirrored.delete(key);
      }
      this.files[name] = mirrored.size;
    }
  }

  /** (Re)creates each table: over the mirrored files, or empty with its columns when it has none. */
  private async createTables(previous?: Record<string, number>): Promise<void> {
    for (const table of Object.values(LAKE_TABLES)) {
      const files = this.files[table.name] ?? 0;
      if (previous) {
        await this.conn.run(`DROP VIEW IF EXISTS ${PATHS_SCHEMA}.${table.name}`);
        await this.conn.run(
          `DROP ${(previous[table.name] ?? 0) > 0 ? 'VIEW' : 'TABLE'} IF EXISTS main.${table.name}`,
        );
      }
      const loc = TABLE_LOCATIONS[table.name];
      const bucket = this.buckets[loc.zone];
      for (const s of tableDdl(table, this.options.cacheDir, files, `s3://${bucket}/${loc.prefix}`))
        await this.conn.run(s);
    }
  }

  /** Runs SQL and returns rows as JSON-safe objects (64-bit integers as strings). */
  async query(sql: string): Promise<{ columns: string[]; rows: Record<string, unknown>[] }> {
    try {
      const conn = NAMES_PATH.test(sql) ? this.pathsConn : this.conn;
      const reader = await conn.runAndReadAll(sql);
      return { columns: reader.columnNames(), rows: reader.getRowObjectsJson() as Record<string, unknown>[] };
    } catch (err) {
      throw new LocalQueryError((err as Error).message);
    }
  }

  /** Closes the connections. */
  close(): void {
    this.pathsConn.closeSync();
    this.conn.closeSync();
  }
}

/**
 * The DuckDB statements that expose one lake table: `lake_paths.<table>` with `"$path"` (the object's
 * s3-style path: `pathPrefix` and the file's path under the table's cache directory), and `<table>`
 * without it. A table with no objects is an empty table with its columns.
 */
function tableDdl(table: TableDef, cacheDir: string, files: number, pathPrefix: string): string[] {
  const columns = [
    ...table.columns.map((c) => `"${c.name}" ${duckTypeOf(c.type)}`),
    ...table.partitionKeys.map((k) => `"${k}" VARCHAR`),
  ];
  const paths = `${PATHS_SCHEMA}.${table.name}`;
  if (files === 0)
    return [
      `CREATE TABLE main.${table.name} (${columns.join(', ')})`,
      `CREATE VIEW ${paths} AS SELECT *, CAST(NULL AS VARCHAR) AS "$path" FROM main.${table.name}`,
    ];
  const dir = join(cacheDir, table.name);
  // Partition values come from the file's path, not from DuckDB's hive_partitioning: that refuses files at
  // different depths, and the events zone holds both `dt=/hour=/shard=/` objects and flat `dt=/hour=/` ones
  // written before shards (their `shard` is NULL here; Athena's projection does not see them at all).
  const hive = ', hive_partitioning = false';
  const under = `substr(filename, ${dir.length + 1})`;
  const partitions = table.partitionKeys.map(
    (k) => `NULLIF(regexp_extract(${under}, '/${k}=([^/]+)/', 1), '') AS "${k}", `,
  );
  // The file name's part under the table's directory is the object key's part under the table's prefix.
  const path = `${partitions.join('')}${quote(pathPrefix)} || substr(filename, ${dir.length + 2}) AS "$path"`;
  let source: string;
  if (table.name === 'quarantine' || table.name === 'opt_outs') {
    const spec = table.columns.map((c) => `${c.name}: ${quote(duckTypeOf(c.type))}`).join(', ');
    const glob = table.name === 'quarantine' ? '**/*.jsonl' : '**/*';
    source = `read_json(${quote(join(dir, glob))}, format = 'newline_delimited', columns = {${spec}}${hive}, filename = true)`;
  } else {
    source = `read_parquet(${quote(join(dir, '**/*.parquet'))}, union_by_name = true${hive}, filename = true)`;
  }
  return [
    `CREATE VIEW ${paths} AS SELECT * EXCLUDE (filename), ${path} FROM ${source}`,
    `CREATE VIEW main.${table.name} AS SELECT * EXCLUDE ("$path") FROM ${paths}`,
  ];
}

/**
 * Erasure's finder on the local lake: the same find SQL Athena runs (`SELECT DISTINCT "$path" ...`, one
 * query per table), each after a refresh of the mirror, so a verifying find sees the rewrites before it.
 */
export function localLakeIndex(lake: LocalLake): Required<LakeIndex> {
  const index = queryIndex(async (sql) => (await lake.query(sql)).rows, lake.buckets);
  return {
    async find(tables, pseudonyms) {
      await lake.refresh();
      return index.find(tables, pseudonyms);
    },
    async keyVersions(tables) {
      await lake.refresh();
      return index.keyVersions(tables);
    },
  };
}
