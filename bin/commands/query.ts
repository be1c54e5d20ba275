/**
 * `worktrace query "<sql>"`: SQL over the local lake (DuckDB, the same views as Athena) or, with
 * `--athena --workgroup <name>`, over Athena. Rows print as a table, CSV or JSON.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { queryAthena } from '#adapters/athena.js';
import { athenaClient, s3Client } from '#adapters/aws-clients.js';
import { LocalLake } from '#adapters/duckdb-lake.js';
import { FileObjectStore } from '#adapters/file-object-store.js';
import { S3ObjectStore } from '#adapters/s3-object-store.js';
import { defaultBucketName, ZONES, type Zone } from '#core/lake/schema.js';
import type { ObjectStore } from '#core/ports.js';
import { DEFAULT_VIEW_PARAMS, type ViewParams } from '#core/views/dialect.js';
import { glueDatabaseName, workgroupName } from '../../lib/names.js';
import { LOCAL_ENV, s3TargetFromEnv, stageFromEnv } from '../../local/cli-env.js';
import { EMULATOR_CREDENTIALS, startS3Emulator } from '../../local/emulators.js';
import { failSoftly } from './common.js';

/** Output formats. */
export type OutputFormat = 'table' | 'csv' | 'json';

/** Where the local lake is read from. */
export interface LakeSourceOptions {
  readonly dataDir: string;
  readonly stage: string;
  /** A directory holding zone objects by key (e.g. `worktrace redact --out`). */
  readonly lakeDir?: string;
  readonly params?: ViewParams;
}

/**
 * The local zone stores: a directory (`lakeDir`, every zone in one tree); the running emulator
 * (WORKTRACE_S3_ENDPOINT, from `worktrace local --keep`); or the emulator data `worktrace local` left under
 * <data-dir>/emulators/s3, served for the duration of `use`.
 */
export async function withLocalStores<T>(
  opts: { dataDir: string; stage: string; lakeDir?: string },
  use: (stores: Record<Zone, ObjectStore>) => Promise<T>,
): Promise<T> {
  if (opts.lakeDir) {
    const store = new FileObjectStore(opts.lakeDir);
    return use(Object.fromEntries(ZONES.map((z) => [z, store])) as unknown as Record<Zone, ObjectStore>);
  }
  let endpoint = s3TargetFromEnv().endpoint;
  let stop: (() => Promise<void>) | undefined;
  if (!endpoint) {
    const s3 = await startS3Emulator({ dir: join(opts.dataDir, 'emulators', 's3') });
    endpoint = s3.endpoint;
    stop = s3.stop;
  }
  const client = s3Client({ endpoint, credentials: EMULATOR_CREDENTIALS });
  try {
    const stores = Object.fromEntries(
      ZONES.map((z) => [z, new S3ObjectStore(client, defaultBucketName(opts.stage, z))]),
    ) as unknown as Record<Zone, ObjectStore>;
    return await use(stores);
  } finally {
    client.destroy();
    await stop?.();
  }
}

/** What withLakeSourceOptions adds to a command's options. */
export interface LakeSourceFlags {
  dataDir: string;
  stage: string;
  lakeDir?: string;
  athena?: boolean;
  workgroup: string;
  database: string;
}

/**
 * The options of commands that read the lake: the local lake (`--data-dir`, `--stage`, `--lake-dir`) or,
 * with `--athena`, the stage's workgroup and database.
 */
export function withLakeSourceOptions(command: Command, stage: string, athena: string): Command {
  return command
    .option('--data-dir <dir>', 'local data directory', process.env[LOCAL_ENV.dataDir] ?? '.worktrace')
    .option('--stage <name>', 'stage of the local bucket names', stage)
    .option('--lake-dir <dir>', 'read zone objects from this directory instead of the S3 emulator')
    .option('--athena', athena)
    .option('--workgroup <name>', 'Athena workgroup', workgroupName(stage))
    .option('--database <name>', 'Glue database', glueDatabaseName(stage));
}

/** Opens the local lake (see withLocalStores) with the tables and views, for the duration of `use`. */
export async function withLocalLake<T>(
  opts: LakeSourceOptions,
  use: (lake: LocalLake) => Promise<T>,
): Promise<T> {
  const cacheDir = join(opts.dataDir, 'cache', 'query');
  return withLocalStores(opts, async (stores) => {
    const lake = await LocalLake.open({ stores, cacheDir, params: opts.params ?? DEFAULT_VIEW_PARAMS });
    try {
      return await use(lake);
    } finally {
      lake.close();
    }
  });
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Renders rows in a format. */
export function renderRows(
  columns: readonly string[],
  rows: readonly Record<string, unknown>[],
  format: OutputFormat,
): string {
  if (format === 'json') return JSON.stringify(rows, null, 2);
  if (format === 'csv') {
    const esc = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
    return [
      columns.map(esc).join(','),
      ...rows.map((r) => columns.map((c) => esc(cell(r[c]))).join(',')),
    ].join('\n');
  }
  const MAX = 60;
  const text = rows.map((r) =>
    columns.map((c) => {
      const s = cell(r[c]).replace(/\s+/g, ' ');
      return s.length > MAX ? `${s.slice(0, MAX - 1)}…` : s;
    }),
  );
  const widths = columns.map((c, i) => Math.max(c.length, ...text.map((t) => (t[i] as string).length)));
  const line = (vals: readonly string[]) =>
    vals
      .map((v, i) => v.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd();
  return [
    line(columns),
    line(widths.map((w) => '-'.repeat(w))),
    ...text.map(line),
    `(${rows.length} rows)`,
  ].join('\n');
}

/** Registers the command. */
export function registerQuery(program: Command): void {
  const stage = stageFromEnv();
  const command = program
    .command('query')
    .description('run SQL on the local lake (DuckDB, the same views as Athena) or, with --athena, on Athena')
    .argument('<sql>', 'the query, e.g. "SELECT * FROM sft_examples LIMIT 3"')
    .option('--format <format>', 'table, csv or json', 'table');
  withLakeSourceOptions(command, stage, 'run on Athena instead of the local lake').action(
    failSoftly(async (sql: string, opts: LakeSourceFlags & { format: string }) => {
      if (!['table', 'csv', 'json'].includes(opts.format)) throw new Error('--format is table, csv or json');
      const format = opts.format as OutputFormat;
      if (opts.athena) {
        const r = await queryAthena(athenaClient(), sql, {
          workgroup: opts.workgroup,
          database: opts.database,
        });
        console.log(renderRows(r.columns, r.rows, format));
        if (format === 'table') console.log(`(${r.bytesScanned} bytes scanned, query ${r.queryExecutionId})`);
        return;
      }
      await withLocalLake(opts, async (lake) => {
        const r = await lake.query(sql);
        console.log(renderRows(r.columns, r.rows, format));
      });
    }),
  );
}
