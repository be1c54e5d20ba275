import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalLake } from '#adapters/duckdb-lake.js';
import { FileObjectStore } from '#adapters/file-object-store.js';
import { decodeParquet, encodeParquet, type LakeRow } from '#core/lake/parquet.js';
import { EVENTS_TABLE, type EventRow } from '#core/lake/schema.js';
import { sessionShard, shardSegment } from '#core/sequence/shards.js';
import { VIEWS } from '#core/views/registry.js';
import { buildFixtureLake, type FixtureLake } from '../fixtures/lake.js';

let fx: FixtureLake;
let flat: LocalLake;
let mixed: LocalLake;
const params = { k: 2, minSteps: 2, retentionDays: 365, contextSteps: 2 };

/**
 * The fixture lake's events rewritten as a lake mid-migration: rows of sessions in even shards move to
 * `shard=NN/` objects (the layout the redact function writes now), the rest stay in the flat objects
 * written before shards.
 */
async function mixedEvents(root: string): Promise<FileObjectStore> {
  const store = new FileObjectStore(join(root, 'events'));
  for (const o of await fx.stores.events.list('events/')) {
    const body = (await fx.stores.events.get(o.key)) as Uint8Array;
    if (!o.key.endsWith('.parquet')) {
      await store.put(o.key, body);
      continue;
    }
    const rows = decodeParquet(body) as unknown as EventRow[];
    const byShard = new Map<number, EventRow[]>();
    const kept: EventRow[] = [];
    for (const r of rows) {
      const shard = sessionShard(r.session_id, 4);
      if (shard % 2 === 1) kept.push(r);
      else byShard.set(shard, [...(byShard.get(shard) ?? []), r]);
    }
    const dir = o.key.slice(0, o.key.lastIndexOf('/') + 1);
    const file = o.key.slice(dir.length);
    if (kept.length > 0)
      await store.put(o.key, encodeParquet(EVENTS_TABLE.columns, kept as unknown as LakeRow[]));
    for (const [shard, part] of byShard)
      await store.put(
        `${dir}${shardSegment(shard)}${file}`,
        encodeParquet(EVENTS_TABLE.columns, part as unknown as LakeRow[]),
      );
  }
  return store;
}

beforeAll(async () => {
  fx = await buildFixtureLake();
  const root = mkdtempSync(join(tmpdir(), 'wt-mixed-'));
  const events = await mixedEvents(root);
  flat = await LocalLake.open({ stores: fx.stores, cacheDir: join(fx.root, 'cache'), params });
  mixed = await LocalLake.open({ stores: { ...fx.stores, events }, cacheDir: join(root, 'cache'), params });
});
afterAll(() => {
  flat?.close();
  mixed?.close();
});

const sorted = (rows: Record<string, unknown>[]) => rows.map((r) => JSON.stringify(r)).sort();

describe('DuckDB over an events zone with flat (pre-shard) and shard=NN objects', () => {
  it('reads both layouts: shard is the partition value, NULL for flat objects', async () => {
    const { rows } = await mixed.query(
      `SELECT count(*)::INTEGER AS n, count(shard)::INTEGER AS sharded, count(DISTINCT dt)::INTEGER AS days,
              count(hour)::INTEGER AS hours FROM events`,
    );
    const before = await flat.query('SELECT count(*)::INTEGER AS n FROM events');
    expect(rows[0]?.n).toBe(before.rows[0]?.n);
    expect(rows[0]?.hours).toBe(rows[0]?.n);
    expect(rows[0]?.sharded).toBeGreaterThan(0);
    expect(rows[0]?.sharded).toBeLessThan(rows[0]?.n as number);
    const shards = await mixed.query('SELECT DISTINCT shard FROM events WHERE shard IS NOT NULL ORDER BY 1');
    for (const r of shards.rows) expect(r.shard).toMatch(/^0[02]$/);
    const paths = await mixed.query(`SELECT DISTINCT "$path" AS p FROM events WHERE shard IS NOT NULL`);
    for (const r of paths.rows)
      expect(r.p).toMatch(/^s3:\/\/events\/events\/dt=[\d-]+\/hour=\d{2}\/shard=0[02]\//);
  });

  it('every view gives the same rows as over the flat lake', async () => {
    for (const view of VIEWS) {
      const a = await flat.query(`SELECT * FROM ${view.id}`);
      const b = await mixed.query(`SELECT * FROM ${view.id}`);
      expect(sorted(b.rows), view.id).toEqual(sorted(a.rows));
    }
    const summary = await mixed.query('SELECT count(*)::INTEGER AS n FROM redaction_summary');
    expect(summary.rows[0]?.n).toBeGreaterThan(0);
  });
});
