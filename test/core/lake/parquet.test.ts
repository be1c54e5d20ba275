import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { decodeParquet, encodeParquet, ParquetLayout } from '#core/lake/parquet.js';
import { type ColumnDef, EVENTS_TABLE, glueTypeOf } from '#core/lake/schema.js';

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

describe('parquet layouts', () => {
  const rows = [
    { event_id: 'e1', seq: 1, ts: 5, event_type: 'text', text: 'hé' },
    { event_id: 'e2', seq: 2, ts: 6, event_type: 'mouse_move', x: 3 },
  ];

  it('a layout the caller holds writes the same bytes as encodeParquet, file after file', () => {
    const custom = [...EVENTS_TABLE.columns, STEPS];
    const layout = new ParquetLayout(custom);
    const first = layout.encode(rows);
    expect(Buffer.from(layout.encode(rows)).equals(Buffer.from(first))).toBe(true);
    expect(Buffer.from(encodeParquet(custom, rows)).equals(Buffer.from(first))).toBe(true);
  });

  it('the lake tables’ layouts (built at load) match a fresh layout', () => {
    const fresh = new ParquetLayout([...EVENTS_TABLE.columns]).encode(rows);
    expect(Buffer.from(encodeParquet(EVENTS_TABLE.columns, rows)).equals(Buffer.from(fresh))).toBe(true);
  });
});

describe('parquet column writers', () => {
  const cols = EVENTS_TABLE.columns;

  it('writes int64 and timestamps exactly across the safe-integer range, truncating fractions', () => {
    const values = [0, 1, -1, 2 ** 31, -(2 ** 31) - 5, 2 ** 32 + 7, -(2 ** 40) - 3, 12.7, -12.7];
    values.push(Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER);
    const rows = values.map((v, i) => ({ event_id: `e${i}`, seq: v, duration_ms: v, ts: Math.abs(v) }));
    const back = decodeParquet(encodeParquet(cols, [...rows, { event_id: 'null', seq: null }]));
    expect(back.map((r) => r.seq)).toEqual([...values.map((v) => Math.trunc(v)), null]);
    expect(back.map((r) => r.ts)).toEqual([...values.map((v) => Math.trunc(Math.abs(v))), null]);
    expect(back.map((r) => r.duration_ms)).toEqual(back.map((r) => r.seq));
  });

  it('keeps UTF-8 text, empty strings and nulls apart, in all-ASCII and mixed columns', () => {
    const ascii = ['plain', '', null, 'x'.repeat(300)];
    const mixed = ['Grüße', '', null, '東京 🚀', 'ascii after', 'x'.repeat(100)];
    const rows = [...ascii, ...mixed].map((text, i) => ({
      event_id: `e${i}`,
      text,
      label: i < ascii.length ? text : null,
    }));
    const back = decodeParquet(encodeParquet(cols, rows));
    expect(back.map((r) => r.text)).toEqual([...ascii, ...mixed]);
    expect(back.map((r) => r.label)).toEqual([...ascii, ...mixed.map(() => null)]);
  });

  it('round-trips a value of every column type, and an all-null row, through the flat writer', () => {
    const sample: Record<string, unknown> = {
      string: 'v',
      int32: 1920,
      int64: 2 ** 33,
      double: 0.5,
      boolean: true,
      timestamp: Date.UTC(2026, 10, 2),
    };
    const full = Object.fromEntries(cols.map((c) => [c.name, sample[c.type as string]]));
    const back = decodeParquet(encodeParquet(cols, [full, {}, { ...full, secure: false }]));
    expect(back[0]).toEqual(full);
    expect(Object.values(back[1] ?? {}).every((v) => v === null)).toBe(true);
    expect(back[2]).toEqual({ ...full, secure: false });
  });

  it('keeps min/max statistics on time and sequence columns only', async () => {
    const ts = Date.UTC(2026, 10, 2, 9, 0, 0);
    const rows = [
      { event_id: 'a', seq: 5, ts, text: 'zz' },
      { event_id: 'b', seq: 9, ts: ts + 1000, text: 'aa' },
    ];
    const file = join(mkdtempSync(join(tmpdir(), 'wt-pq-')), 'stats.parquet');
    writeFileSync(file, encodeParquet(cols, rows));
    const meta = await query(
      file,
      "select path_in_schema as c, stats_min_value as lo, stats_max_value as hi from parquet_metadata($file) where path_in_schema in ('seq', 'text')",
    );
    expect(meta).toContainEqual({ c: 'seq', lo: '5', hi: '9' });
    expect(meta).toContainEqual({ c: 'text', lo: null, hi: null });
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

describe('EventRow type and EVENTS_TABLE agree', () => {
  it('every column has a key in a fully populated row', () => {
    const row: Required<import('#core/lake/schema.js').EventRow> = {
      event_id: '',
      schema_version: 1,
      event_type: '',
      user_pseudonym: '',
      device_pseudonym: '',
      host_pseudonym: null,
      session_id: '',
      seq: 0,
      ts: 0,
      org_role: null,
      org_department: null,
      key_name: null,
      key_class: null,
      modifiers: null,
      button: null,
      x: null,
      y: null,
      dx: null,
      dy: null,
      text: null,
      field_id: null,
      field_role: null,
      field_name: null,
      secure: null,
      key_count: null,
      duration_ms: null,
      app_id: null,
      process_name: null,
      window_title: null,
      url: null,
      element_role: null,
      element_name: null,
      element_x: null,
      element_y: null,
      element_width: null,
      element_height: null,
      screen_width: null,
      screen_height: null,
      screen_scale: null,
      marker: null,
      label: null,
      task_id: null,
      clipboard_op: null,
      clipboard_size: null,
      clipboard_type: null,
      dialog_title: null,
      dialog_text: null,
      findings: null,
      policy_version: '',
      key_version: '',
      redactor_version: '',
      shard_id: null,
      sequence_number: null,
      arrival_ts: null,
    };
    expect(Object.keys(row).sort()).toEqual(EVENTS_TABLE.columns.map((col) => col.name).sort());
  });
});
