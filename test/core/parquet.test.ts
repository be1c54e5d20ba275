import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { type ColumnDef, EVENTS_TABLE, glueTypeOf } from '../../lambdas/core/lake-schema.js';
import { decodeParquet, encodeParquet } from '../../lambdas/core/parquet.js';

const STEPS: ColumnDef = {
  name: 'steps',
  description: 'nested steps',
  type: {
    structList: [
      { name: 'action', type: 'string', description: '' },
      { name: 'at', type: 'timestamp', description: '' },
    ],
  },
};

async function query(file: string, sql: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  const reader = await conn.runAndReadAll(sql.replaceAll('$file', `'${file}'`));
  const rows = reader.getRowObjectsJson() as Record<string, unknown>[];
  conn.closeSync();
  return rows;
}

describe('parquet encoding', () => {
  const ts = Date.UTC(2026, 10, 2, 9, 30, 0, 250);
  const rows = [
    {
      event_id: 'e1',
      seq: 7,
      ts,
      x: 1.5,
      secure: true,
      event_type: 'mouse_move',
      steps: [{ action: 'click', at: ts }],
    },
    { event_id: 'e2', seq: 2 ** 40, ts, secure: false, event_type: 'text', text: 'hello', steps: null },
  ];
  const file = join(mkdtempSync(join(tmpdir(), 'wt-pq-')), 'rows.parquet');
  writeFileSync(file, encodeParquet([...EVENTS_TABLE.columns, STEPS], rows));

  it('round-trips values, nulls, int64, timestamps and nested lists (read back by DuckDB)', async () => {
    const out = await query(
      file,
      'select event_id, seq, ts::varchar as ts, x, secure, text, steps[1].action as a from $file',
    );
    expect(out).toEqual([
      {
        event_id: 'e1',
        seq: '7',
        ts: '2026-11-02 09:30:00.25',
        x: 1.5,
        secure: true,
        text: null,
        a: 'click',
      },
      {
        event_id: 'e2',
        seq: String(2 ** 40),
        ts: '2026-11-02 09:30:00.25',
        x: null,
        secure: false,
        text: 'hello',
        a: null,
      },
    ]);
  });

  it('writes every column of the table definition, zstd-compressed', async () => {
    const meta = await query(
      file,
      'select distinct path_in_schema, compression from parquet_metadata($file)',
    );
    expect(new Set(meta.map((m) => m.compression))).toEqual(new Set(['ZSTD']));
    const names = await query(file, 'select name from parquet_schema($file)');
    for (const col of EVENTS_TABLE.columns) expect(names.map((n) => n.name)).toContain(col.name);
  });

  it('decodes back to plain rows', () => {
    const [first] = decodeParquet(encodeParquet([...EVENTS_TABLE.columns, STEPS], rows));
    expect(first).toMatchObject({ event_id: 'e1', seq: 7, ts, steps: [{ action: 'click', at: ts }] });
  });
});

describe('glue types', () => {
  it.each([
    ['string', 'string'],
    ['int64', 'bigint'],
    ['timestamp', 'timestamp'],
  ] as const)('maps %s to %s', (t, g) => expect(glueTypeOf(t)).toBe(g));

  it('maps struct lists to array<struct<...>>', () => {
    expect(glueTypeOf(STEPS.type)).toBe('array<struct<action:string,at:timestamp>>');
  });
});
