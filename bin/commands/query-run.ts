/** What `worktrace query` does: the query on DuckDB or Athena, rows rendered as a table, CSV or JSON. */
import { withLocalLake } from './local-lake.js';
import type { QueryOptions } from './query.js';

/** Output formats. */
export type OutputFormat = 'table' | 'csv' | 'json';

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

/** Runs the query and prints its rows. */
export async function runQuery(sql: string, opts: QueryOptions): Promise<void> {
  if (!['table', 'csv', 'json'].includes(opts.format)) throw new Error('--format is table, csv or json');
  const format = opts.format as OutputFormat;
  if (opts.athena) {
    const [{ queryAthena }, { athenaClient }] = await Promise.all([
      import('#adapters/athena.js'),
      import('#adapters/aws-clients.js'),
    ]);
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
}
