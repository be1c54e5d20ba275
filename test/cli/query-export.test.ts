import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AthenaQueryError, queryAthena } from '#adapters/athena.js';
import { FileObjectStore } from '#adapters/file-object-store.js';
import { chatRecord, SFT_SYSTEM_PROMPT } from '#core/export/chat.js';
import { exportSql, planExport, unloadFromAthena, writeExport } from '../../bin/commands/export-run.js';
import { renderRows } from '../../bin/commands/query-run.js';
import { buildFixtureLake } from '../fixtures/lake.js';

let lakeDir: string;
const dataDir = mkdtempSync(join(tmpdir(), 'wt-q-data-'));
const cli = (args: string[]) =>
  spawnSync(process.execPath, ['bin/worktrace.mjs', ...args, '--data-dir', dataDir, '--lake-dir', lakeDir], {
    encoding: 'utf8',
  });

beforeAll(async () => {
  const fx = await buildFixtureLake();
  lakeDir = mkdtempSync(join(tmpdir(), 'wt-q-lake-'));
  for (const zone of ['events', 'quarantine', 'curated'])
    cpSync(join(fx.root, zone), lakeDir, { recursive: true });
});

describe('worktrace query (local DuckDB)', () => {
  it('prints a table, CSV and JSON of a view', () => {
    const sql = 'SELECT session_id, step_count FROM training_trajectories ORDER BY session_id LIMIT 2';
    const table = cli(['query', sql]);
    expect(table.status).toBe(0);
    expect(table.stdout.split('\n').slice(0, 4)).toEqual([
      'session_id  step_count',
      '----------  ----------',
      'u0          4',
      'u1          5',
    ]);
    expect(cli(['query', sql, '--format', 'csv']).stdout.trim()).toBe('session_id,step_count\nu0,4\nu1,5');
    expect(JSON.parse(cli(['query', sql, '--format', 'json']).stdout)).toEqual([
      { session_id: 'u0', step_count: 4 },
      { session_id: 'u1', step_count: 5 },
    ]);
  });

  it('a bad query fails in one line with exit code 2', () => {
    const run = cli(['query', 'SELECT nope FROM training_trajectories']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^worktrace: LocalQueryError: .*nope/m);
  });

  it('quotes CSV cells that need it', () => {
    expect(renderRows(['a'], [{ a: 'x,"y"' }], 'csv')).toBe('a\n"x,""y"""');
  });
});

describe('worktrace export --view (local)', () => {
  it('writes sft_examples rows as they are with --format jsonl', () => {
    const out = join(dataDir, 'sft-rows.jsonl');
    const run = cli(['export', '--view', 'sft_examples', '--format', 'jsonl', '--out', out]);
    expect(run.status, run.stderr).toBe(0);
    const rows = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(run.stdout).toContain(`wrote ${rows.length} rows of sft_examples`);
    expect(Object.keys(rows[0])).toEqual([
      'episode_id',
      'user_pseudonym',
      'step_index',
      'app_id',
      'context',
      'next_action',
    ]);
  });

  it('writes sft_examples as chat fine-tuning records', () => {
    const out = join(dataDir, 'sft.jsonl');
    const run = cli(['export', '--format', 'chat', '--out', out]);
    expect(run.status).toBe(0);
    const records = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(run.stdout).toContain(`wrote ${records.length} chat records`);
    expect(records.length).toBeGreaterThan(10);
    for (const r of records) {
      expect(r.messages.map((m: { role: string }) => m.role)).toEqual(['system', 'user', 'assistant']);
      expect(JSON.parse(r.messages[2].content).action).toMatch(/^[a-z_]+$/);
    }
    expect(records[0].messages[0].content).toBe(SFT_SYSTEM_PROMPT);
  });
});

describe('Athena paths (client-athena mocked: Athena has no emulator)', () => {
  const athena = mockClient(AthenaClient);
  beforeEach(() => athena.reset());
  const noSleep = async () => {};

  it('polls until SUCCEEDED and pages through results, skipping the header row', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q1' });
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce({ QueryExecution: { Status: { State: 'QUEUED' } } })
      .resolvesOnce({ QueryExecution: { Status: { State: 'RUNNING' } } })
      .resolves({
        QueryExecution: { Status: { State: 'SUCCEEDED' }, Statistics: { DataScannedInBytes: 42 } },
      });
    const meta = { ColumnInfo: [{ Name: 'a', Type: 'varchar' }] };
    athena
      .on(GetQueryResultsCommand)
      .resolvesOnce({
        ResultSet: {
          ResultSetMetadata: meta,
          Rows: [{ Data: [{ VarCharValue: 'a' }] }, { Data: [{ VarCharValue: '1' }] }],
        },
        NextToken: 't',
      })
      .resolvesOnce({ ResultSet: { ResultSetMetadata: meta, Rows: [{ Data: [{}] }] } });
    const r = await queryAthena(new AthenaClient({ region: 'eu-west-1' }), 'SELECT a', {
      workgroup: 'wg',
      sleep: noSleep,
    });
    expect(r.rows).toEqual([{ a: '1' }, { a: null }]);
    expect(r.bytesScanned).toBe(42);
    expect(athena.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input.WorkGroup).toBe('wg');
    expect(athena.commandCalls(GetQueryExecutionCommand)).toHaveLength(3);
  });

  it('names the reason of a FAILED or CANCELLED query', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q2' });
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: {
        Status: { State: 'FAILED', StateChangeReason: 'Query exhausted resources: bytes scanned limit' },
      },
    });
    await expect(
      queryAthena(new AthenaClient({ region: 'eu-west-1' }), 'SELECT 1', { workgroup: 'wg', sleep: noSleep }),
    ).rejects.toThrow(
      new AthenaQueryError('query q2 failed: Query exhausted resources: bytes scanned limit'),
    );
  });

  it('export from Athena: UNLOAD into the results bucket, then download the gzip JSON parts', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q3' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
    const bucket = new FileObjectStore(mkdtempSync(join(tmpdir(), 'wt-results-')));
    const row = {
      episode_id: 'e1',
      step_index: 0,
      app_id: 'editor',
      context: '',
      next_action: '{"action":"click"}',
    };
    await bucket.put('wg/exports/sft_examples/run1/part-0.gz', gzipSync(`${JSON.stringify(row)}\n`));
    const out = join(dataDir, 'athena-sft.jsonl');
    const plan = planExport({ format: 'chat', out });
    const rows = await unloadFromAthena({
      athena: new AthenaClient({ region: 'eu-west-1' }),
      s3: bucket,
      view: plan.view,
      sql: exportSql(plan.view),
      resultsUri: 's3://results-bucket/wg/',
      workgroup: 'wg',
      database: 'db',
      runId: 'run1',
    });
    const summary = await writeExport(plan, rows);
    expect(summary.records).toBe(1);
    const sql = athena.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input.QueryString;
    expect(sql).toBe(
      "UNLOAD (SELECT * FROM sft_examples ORDER BY user_pseudonym, episode_id, step_index) TO 's3://results-bucket/wg/exports/sft_examples/run1/' WITH (format = 'JSON', compression = 'GZIP')",
    );
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(chatRecord(row));
  });
});
