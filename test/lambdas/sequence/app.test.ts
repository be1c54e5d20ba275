import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3Client } from '#adapters/aws-clients.js';
import { S3ObjectStore } from '#adapters/s3-object-store.js';
import { encodeParquet, type LakeRow } from '#core/lake/parquet.js';
import { EVENTS_TABLE, type EventRow } from '#core/lake/schema.js';
import { readWatermark, WATERMARK_KEY, writeWatermark } from '#core/sequence/sequencer.js';
import { createSequenceHandler } from '../../../lambdas/sequence/app.js';
import { SequenceEnvSchema } from '../../../lambdas/sequence/env.js';
import { EMULATOR_CREDENTIALS, type RunningEmulator, startS3Emulator } from '../../../local/emulators.js';
import { ROW_BASE_TS, SessionScript } from '../../fixtures/event-rows.js';

const MIN = 60_000;
let s3: RunningEmulator;
let events: S3ObjectStore;
let curated: S3ObjectStore;

/** Two sessions in the 09:00-09:15 window and one in 09:15-09:30. */
function rows(): EventRow[] {
  const a = new SessionScript('sess-a', ROW_BASE_TS + 2 * MIN).screen().focus('editor').click(10, 10);
  a.wait(300).text('f1', 'hello').wait(200).key('enter', 'enter');
  const b = new SessionScript('sess-b', ROW_BASE_TS + 5 * MIN).screen().focus('browser').click(50, 50);
  b.wait(400).wheel(-3).wait(100).wheel(-3);
  const c = new SessionScript('sess-c', ROW_BASE_TS + 20 * MIN).screen().focus('sheet').click(5, 5);
  c.wait(250).click(5, 5);
  return [...a.rows, ...b.rows, ...c.rows];
}

beforeAll(async () => {
  s3 = await startS3Emulator({ buckets: ['ev', 'cur'] });
  const client = s3Client({ endpoint: s3.endpoint, credentials: EMULATOR_CREDENTIALS });
  events = new S3ObjectStore(client, 'ev');
  curated = new S3ObjectStore(client, 'cur');
  await events.put(
    'events/dt=2026-11-02/hour=09/shardId-000000000000-1-9.parquet',
    encodeParquet(EVENTS_TABLE.columns, rows() as unknown as LakeRow[]),
  );
});
afterAll(async () => {
  await s3?.stop();
});

const config = SequenceEnvSchema.parse({ EVENTS_BUCKET: 'ev', CURATED_BUCKET: 'cur' });
const handlerAt = (now: number) =>
  createSequenceHandler({ eventsStore: events, curatedStore: curated, clock: { now: () => now }, config });

async function curatedRows(table: 'actions' | 'episodes'): Promise<Record<string, unknown>[]> {
  const dir = mkdtempSync(join(tmpdir(), 'wt-seq-'));
  for (const o of await curated.list(`${table}/`)) {
    const bytes = await curated.get(o.key);
    if (bytes) writeFileSync(join(dir, o.key.replaceAll('/', '_')), bytes);
  }
  const db = await (await DuckDBInstance.create(':memory:')).connect();
  const reader = await db.runAndReadAll(
    `SELECT * FROM read_parquet('${dir}/*.parquet') ORDER BY session_id, ${table === 'actions' ? 'first_seq' : 'start_ts'}`,
  );
  return reader.getRowObjectsJson() as Record<string, unknown>[];
}

describe('sequence handler on s3rver', () => {
  it('processes the closed windows after the watermark and writes curated Parquet that DuckDB reads', async () => {
    // 11:30: windows up to 11:15 are closed (an incremental window waits only for the 10 min late
    // arrival); a run takes MAX_WINDOWS_PER_RUN (8) of them. The first is seeded (warm-up), later ones
    // continue from the checkpoints, and sess-c's episode is written once the session has been idle for
    // the look-ahead (31 min) before a window's horizon.
    await writeWatermark(curated, ROW_BASE_TS);
    const res = await handlerAt(ROW_BASE_TS + 150 * MIN)();
    expect(res.windows).toBe(8); // 09:00 to 10:45
    expect(res.episodes).toBe(3);
    expect(res.actions).toBe(6);
    expect(await readWatermark(curated)).toBe(ROW_BASE_TS + 120 * MIN);
    const episodes = await curatedRows('episodes');
    expect(episodes.map((e) => e.session_id)).toEqual(['sess-a', 'sess-b', 'sess-c']);
    const actions = await curatedRows('actions');
    // Two wheel events 100 ms apart merge into one scroll; two clicks 250 ms apart are a double click.
    expect(actions.map((a) => [a.session_id, a.action_type])).toEqual([
      ['sess-a', 'click'],
      ['sess-a', 'type'],
      ['sess-a', 'key'],
      ['sess-b', 'click'],
      ['sess-b', 'scroll'],
      ['sess-c', 'double_click'],
    ]);
    expect(actions.every((a) => typeof a.episode_id === 'string' && a.sequencer_version)).toBe(true);
  });

  it('does nothing until the next window closes', async () => {
    // 11:00 to 11:15 closes at 11:25 and was run; 11:15 to 11:30 closes at 11:40.
    expect(await handlerAt(ROW_BASE_TS + 150 * MIN)()).toMatchObject({ windows: 1 });
    const res = await handlerAt(ROW_BASE_TS + 150 * MIN)();
    expect(res).toMatchObject({ windows: 0, watermark: null });
  });

  it('reprocessing a window overwrites its outputs with identical bytes and leaves no extra objects', async () => {
    const before = await curated.list('');
    const bodies = new Map<string, string>();
    for (const o of before)
      bodies.set(o.key, Buffer.from((await curated.get(o.key)) ?? []).toString('base64'));
    await writeWatermark(curated, ROW_BASE_TS);
    await handlerAt(ROW_BASE_TS + 150 * MIN)();
    const after = await curated.list('');
    expect(after.map((o) => o.key).sort()).toEqual(before.map((o) => o.key).sort());
    for (const o of after) {
      if (o.key === WATERMARK_KEY) continue;
      expect(Buffer.from((await curated.get(o.key)) ?? []).toString('base64')).toBe(bodies.get(o.key));
    }
  });
});
