/**
 * One export, two engines: the rows Athena's UNLOAD writes (JSON, 64-bit integers as numbers, timestamps as
 * `yyyy-mm-dd hh:mm:ss.sss`, rows of arrays as objects) give byte-identical records in every format to the
 * rows DuckDB returns locally (64-bit integers as strings, timestamps with trailing zeros dropped). Athena
 * has no emulator: its client is mocked, the results bucket is a real file store.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { AthenaClient, GetQueryExecutionCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalLake } from '#adapters/duckdb-lake.js';
import { FileObjectStore } from '#adapters/file-object-store.js';
import { DEFAULT_VIEW_PARAMS } from '#core/views/dialect.js';
import {
  EXPORT_FORMATS,
  exportSql,
  planExport,
  unloadFromAthena,
  writeExport,
} from '../../bin/commands/export-run.js';
import { parseConfig } from '../../lib/config.js';
import { SessionScript } from '../fixtures/event-rows.js';
import { buildFixtureLake, type FixtureLake } from '../fixtures/lake.js';

let fx: FixtureLake;
let lake: LocalLake;
const athena = mockClient(AthenaClient);

beforeAll(async () => {
  fx = await buildFixtureLake(Date.now(), (recent) => {
    const s = new SessionScript('engines', recent + 50 * 60_000)
      .screen(1366, 768)
      .focus('editor', 'A "quoted"\r\ntitle');
    s.wait(200).click(455, 256).wait(300).hotkey('ctrl', '\\').wait(300).text('f9', 'x\\y "z"\r\n😀');
    s.wait(300).wheel(3).wait(900).wheel(3).wait(4000).down(10, 10).move(300, 200).up(600, 400);
    s.wait(200).focus('browser');
    return s.rows;
  });
  lake = await LocalLake.open({
    stores: fx.stores,
    cacheDir: join(fx.root, 'cache'),
    params: { ...DEFAULT_VIEW_PARAMS, k: 1 },
  });
});
afterAll(() => lake?.close());

/** A DuckDB timestamp text (`2026-11-29 09:00:00.5`) as Athena's JSON writes it (`…00.500`). */
const athenaTs = (v: string) => {
  const [date, time = '00:00:00'] = v.split(' ');
  const [hms, frac = ''] = time.split('.');
  return `${date} ${hms}.${frac.padEnd(3, '0').slice(0, 3)}`;
};

/** A DuckDB row as Athena's UNLOAD (JSON) would write the same row. */
function asAthena(v: unknown, key = ''): unknown {
  if (Array.isArray(v)) return v.map((x) => asAthena(x, key));
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, asAthena(x, k)]));
  }
  if (typeof v === 'string' && /(^|_)ts$/.test(key)) return athenaTs(v);
  if (typeof v === 'string' && /^(duration_ms|n)$/.test(key)) return Number(v);
  return v;
}

/** Every file an export wrote, by name (the run-dependent manifest and card left out). */
function filesOf(dir: string): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), `${rel}${e.name}/`);
      else if (e.name !== 'manifest.json' && e.name !== 'README.md')
        out[`${rel}${e.name}`] = readFileSync(join(d, e.name));
    }
  };
  walk(dir, '');
  return out;
}

describe('export: Athena rows and DuckDB rows give the same records', () => {
  it.each(EXPORT_FORMATS.filter((f) => f !== 'jsonl'))('%s', async (format) => {
    const root = mkdtempSync(join(tmpdir(), `wt-engines-${format}-`));
    const card = { config: parseConfig({}), engine: 'duckdb' as const, findings: {}, optOuts: 0 };
    const local = planExport({ format, split: '50/25/25', out: join(root, 'local') });
    const rows = (await lake.query(exportSql(local.view))).rows;
    expect(rows.length).toBeGreaterThan(3);
    await writeExport(local, rows, card);

    // The same rows, as UNLOAD writes them, in two gzip parts of the results bucket.
    athena.reset();
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
    const bucket = new FileObjectStore(join(root, 'results'));
    const lines = rows.map((r) => JSON.stringify(asAthena(r)));
    // Episode rows read differently on the two engines (sft_examples has no integer or time column).
    if (local.view !== 'sft_examples') expect(lines[0]).not.toBe(JSON.stringify(rows[0]));
    const half = Math.ceil(lines.length / 2);
    const prefix = `wg/exports/${local.view}/run/`;
    await bucket.put(`${prefix}part-0.gz`, gzipSync(`${lines.slice(0, half).join('\n')}\n`));
    await bucket.put(`${prefix}part-1.gz`, gzipSync(`${lines.slice(half).join('\n')}\n`));
    const cloud = planExport({ format, split: '50/25/25', out: join(root, 'athena') });
    const unloaded = await unloadFromAthena({
      athena: new AthenaClient({ region: 'eu-west-1' }),
      s3: bucket,
      view: cloud.view,
      sql: exportSql(cloud.view),
      resultsUri: 's3://results/wg/',
      workgroup: 'wg',
      database: 'db',
      runId: 'run',
    });
    await writeExport(cloud, unloaded, { ...card, engine: 'athena' });

    const a = filesOf(join(root, 'local'));
    const b = filesOf(join(root, 'athena'));
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    for (const name of Object.keys(a))
      expect(b[name]?.equals(a[name] as Buffer), `${format}: ${name}`).toBe(true);
  });
});
