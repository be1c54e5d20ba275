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
import { duckTypeOf, LAKE_TABLES, TABLE_LOCATIONS, type TableDef, type Zone } from '#core/lake/schema.js';
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
}

const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** The lake tables and views on one DuckDB connection. */
export class LocalLake {
  private constructor(
    private readonly conn: DuckDBConnection,
    /** Objects mirrored per table. */
    readonly files: Record<string, number>,
  ) {}

  /** Mirrors the zones and creates the tables and views. */
  static async open(options: LocalLakeOptions): Promise<LocalLake> {
    rmSync(options.cacheDir, { recursive: true, force: true });
    const files: Record<string, number> = {};
    for (const [name, loc] of Object.entries(TABLE_LOCATIONS)) {
      const store = options.stores[loc.zone];
      files[name] = 0;
      if (!store) continue;
      for (const o of await store.list(loc.prefix)) {
        const body = await store.get(o.key);
        if (!body) continue;
        const path = join(options.cacheDir, name, o.key.slice(loc.prefix.length));
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, body);
        files[name] += 1;
      }
    }
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    for (const s of DUCKDB_PRELUDE) await conn.run(s);
    for (const table of Object.values(LAKE_TABLES)) {
      await conn.run(tableDdl(table, options.cacheDir, files[table.name] ?? 0));
    }
    const params = options.params ?? DEFAULT_VIEW_PARAMS;
    for (const view of VIEWS) {
      await conn.run(`CREATE VIEW ${view.id} AS ${bindViewParams(viewSql(view), params)}`);
    }
    return new LocalLake(conn, files);
  }

  /** Runs SQL and returns rows as JSON-safe objects (64-bit integers as strings). */
  async query(sql: string): Promise<{ columns: string[]; rows: Record<string, unknown>[] }> {
    try {
      const reader = await this.conn.runAndReadAll(sql);
      return { columns: reader.columnNames(), rows: reader.getRowObjectsJson() as Record<string, unknown>[] };
    } catch (err) {
      throw new LocalQueryError((err as Error).message);
    }
  }

  /** Closes the connection. */
  close(): void {
    this.conn.closeSync();
  }
}

/** The DuckDB statement that exposes one lake table (empty, with its columns, when it has no objects). */
function tableDdl(table: TableDef, cacheDir: string, files: number): string {
  const columns = [
    ...table.columns.map((c) => `"${c.name}" ${duckTypeOf(c.type)}`),
    ...table.partitionKeys.map((k) => `"${k}" VARCHAR`),
  ];
  if (files === 0) return `CREATE TABLE ${table.name} (${columns.join(', ')})`;
  const dir = join(cacheDir, table.name);
  const hive =
    table.partitionKeys.length > 0 ? ', hive_partitioning = true, hive_types_autocast = false' : '';
  if (table.name === 'quarantine' || table.name === 'opt_outs') {
    const spec = table.columns.map((c) => `${c.name}: ${quote(duckTypeOf(c.type))}`).join(', ');
    const glob = table.name === 'quarantine' ? '**/*.jsonl' : '**/*';
    return `CREATE VIEW ${table.name} AS SELECT * FROM read_json(${quote(join(dir, glob))}, format = 'newline_delimited', columns = {${spec}}${hive})`;
  }
  return `CREATE VIEW ${table.name} AS SELECT * FROM read_parquet(${quote(join(dir, '**/*.parquet'))}, union_by_name = true${hive})`;
}
