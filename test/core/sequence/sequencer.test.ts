import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3Client } from '#adapters/aws-clients.js';
import { FileObjectStore } from '#adapters/file-object-store.js';
import { S3ObjectStore } from '#adapters/s3-object-store.js';
import { addOptOuts } from '#core/governance/opt-outs.js';
import { decodeParquet, encodeParquet, type LakeRow } from '#core/lake/parquet.js';
import { EVENTS_TABLE, type EventRow } from '#core/lake/schema.js';
import type { ObjectStore } from '#core/ports.js';
import {
  closedWindows,
  DecodedFileCache,
  readWatermark,
  sequenceWindow,
  WindowError,
  windowKeys,
  writeWatermark,
} from '#core/sequence/sequencer.js';
import { EMULATOR_CREDENTIALS, type RunningEmulator, startS3Emulator } from '../../../local/emulators.js';
import { desktopRecording, prng } from '../../fixtures/desktop-recording.js';
import { ROW_BASE_TS, SessionScript } from '../../fixtures/event-rows.js';

const MIN = 60_000;
const T0 = ROW_BASE_TS; // 09:00 UTC

/** Sessions crossing the 09:15 window boundary in every way that matters. */
function fixtureRows(): EventRow[] {
  const desk = desktopRecording(3, 20, 'desk').rows; // 09:00:00-09:00:20
  // Episode starting 09:10, idle, episode starting 09:16 (one per window).
  const split = new SessionScript('split', T0 + 10 * MIN).screen().focus('editor').click(10, 10);
  split
    .wait(6 * MIN)
    .click(20, 20)
    .wait(200)
    .text('f', 'later');
  // Episode starting 09:14:50 and running past 09:15: it belongs to the first window only.
  const across = new SessionScript('across', T0 + 14 * MIN + 50_000).screen().focus('sheet');
  for (let i = 0; i < 8; i++) across.click(100 + i * 40, 100).wait(2500);
  // A session that starts 08:40 (look-back) and acts again in the window.
  const early = new SessionScript('early', T0 - 20 * MIN).screen().focus('mail').click(5, 5);
  early
    .wait(25 * MIN)
    .element('button', 'Send')
    .click(50, 50);
  return [...desk, ...split.rows, ...across.rows, ...early.rows];
}

/** Writes rows as events-zone Parquet files: `files` per hour partition, cut at seeded points, plus dups. */
async function writeEvents(store: ObjectStore, rows: readonly EventRow[], files: number, seed: number) {
  const rnd = prng(seed);
  const byHour = new Map<string, EventRow[]>();
  for (const r of rows) {
    const iso = new Date(r.ts).toISOString();
    const prefix = `events/dt=${iso.slice(0, 10)}/hour=${iso.slice(11, 13)}/`;
    byHour.set(prefix, [...(byHour.get(prefix) ?? []), r]);
  }
  for (const [prefix, hourRows] of byHour) {
    const shuffled = [...hourRows].sort(() => rnd() - 0.5);
    for (let f = 0; f < files; f++) {
      const part = shuffled.filter((_, i) => i % files === f);
      // Redelivery: a few rows of the next file land here too.
      const dups = seed > 0 ? shuffled.filter((_, i) => i % 97 === f) : [];
      await store.put(
        `${prefix}shard-${seed}-${f}.parquet`,
        encodeParquet(EVENTS_TABLE.columns, [...part, ...dups] as unknown as LakeRow[]),
      );
    }
  }
}

async function readCurated(store: ObjectStore, table: 'actions' | 'episodes', orderBy: string) {
  const dir = mkdtempSync(join(tmpdir(), 'wt-curated-'));
  const objects = await store.list(`${table}/`);
  for (const o of objects) {
    const path = join(dir, o.key);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, (await store.get(o.key)) ?? new Uint8Array());
  }
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    const reader = await conn.runAndReadAll(
      `SELECT * EXCLUDE (filename) FROM read_parquet('${dir}/${table}/*/*.parquet', hive_partitioning = true, filename = true) ORDER BY ${orderBy}`,
    );
    return JSON.parse(JSON.stringify(reader.getRowObjectsJson())) as Record<string, unknown>[];
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

describe('sequenceWindow on s3rver, read back with DuckDB', () => {
  let s3: RunningEmulator;
  const store = (bucket: string) =>
    new S3ObjectStore(s3Client({ endpoint: s3.endpoint, credentials: EMULATOR_CREDENTIALS }), bucket);

  beforeAll(async () => {
    s3 = await startS3Emulator({ buckets: ['ev-a', 'ev-b', 'cur-a', 'cur-b', 'cur-c'] });
  });
  afterAll(async () => s3.stop());

  it('gives identical curated rows whatever the file split, duplicates and window split', async () => {
    const rows = fixtureRows();
    await writeEvents(store('ev-a'), rows, 1, 0);
    await writeEvents(store('ev-b'), rows, 5, 11);
    const windows = [
      { from: T0, to: T0 + 15 * MIN },
      { from: T0 + 15 * MIN, to: T0 + 30 * MIN },
    ];
    const results = [];
    for (const w of windows) {
      results.push(await sequenceWindow({ eventsStore: store('ev-a'), curatedStore: store('cur-a'), ...w }));
      await sequenceWindow({ eventsStore: store('ev-b'), curatedStore: store('cur-b'), ...w });
    }
    await sequenceWindow({
      eventsStore: store('ev-b'),
      curatedStore: store('cur-c'),
      from: T0,
      to: T0 + 30 * MIN,
    });

    expect(results.map((r) => r.episodes)).toEqual([4, 1]);
    const a = await readCurated(store('cur-a'), 'episodes', 'episode_id');
    const b = await readCurated(store('cur-b'), 'episodes', 'episode_id');
    const c = await readCurated(store('cur-c'), 'episodes', 'episode_id');
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(a.map((e) => e.dt)).toEqual(a.map(() => '2026-11-02'));
    const across = a.find((e) => e.session_id === 'across');
    expect(across).toMatchObject({ step_count: 8 });
    const early = a.filter((e) => e.session_id === 'early');
    // The 08:40 episode belongs to an earlier window; the 09:05 one is here, with its app from 08:40.
    expect(early).toHaveLength(1);
    expect(early[0]).toMatchObject({ apps: ['mail'] });

    const actA = await readCurated(store('cur-a'), 'actions', 'session_id, first_seq, action_type');
    const actB = await readCurated(store('cur-b'), 'actions', 'session_id, first_seq, action_type');
    expect(actB).toEqual(actA);
    expect(new Set(actA.map((r) => r.action_id)).size).toBe(actA.length);
    const steps = a.reduce((n, e) => n + Number(e.step_count), 0);
    expect(actA.filter((r) => r.episode_id !== null)).toHaveLength(steps);
  });

  it('reprocessing a window overwrites its outputs (same keys, new content)', async () => {
    const w = { from: T0, to: T0 + 15 * MIN };
    const before = (await store('cur-a').list('')).map((o) => o.key).sort();
    const late = new SessionScript('late', T0 + 12 * MIN).screen().focus('editor').click(1, 1);
    await writeEvents(store('ev-a'), late.rows, 1, 99);
    const again = await sequenceWindow({ eventsStore: store('ev-a'), curatedStore: store('cur-a'), ...w });
    expect(again.episodes).toBe(5);
    expect((await store('cur-a').list('')).map((o) => o.key).sort()).toEqual(before);
    const eps = await readCurated(store('cur-a'), 'episodes', 'episode_id');
    expect(eps.filter((e) => e.session_id === 'late')).toHaveLength(1);
    expect(before).toContain(windowKeys(w.from, w.to).episodes);
  });

  it('keeps the watermark as a small JSON object', async () => {
    expect(await readWatermark(store('cur-c'))).toBeUndefined();
    await writeWatermark(store('cur-c'), T0 + 30 * MIN);
    expect(await readWatermark(store('cur-c'))).toBe(T0 + 30 * MIN);
  });
});

describe('decoded events files, reused across windows', () => {
  const rowsOf = (n: number, tag: string) =>
    Array.from({ length: n }, (_, i) => new SessionScript(`${tag}${i}`, T0).screen().rows).flat();
  /** A file store that counts reads and can hide ETags from listings. */
  function countingStore(hideEtags = false) {
    const inner = new FileObjectStore(mkdtempSync(join(tmpdir(), 'wt-cache-')));
    let gets = 0;
    const store: ObjectStore = {
      name: inner.name,
      put: (k, b, o) => inner.put(k, b, o),
      get: (k) => {
        gets += 1;
        return inner.get(k);
      },
      list: async (p) => (await inner.list(p)).map((o) => (hideEtags ? { key: o.key, size: o.size } : o)),
      delete: (k) => inner.delete(k),
    };
    return { store, gets: () => gets };
  }
  const info = async (store: ObjectStore, key: string) => {
    const [o] = await store.list(key);
    if (!o) throw new Error('missing');
    return o;
  };

  it('decodes a file once, and again when it is rewritten (an erasure must never be served stale)', async () => {
    const { store, gets } = countingStore();
    const cache = new DecodedFileCache(1000);
    await store.put('events/a.parquet', encodeParquet(EVENTS_TABLE.columns, rowsOf(2, 'old') as LakeRow[]));
    const first = await cache.rowsOf(store, await info(store, 'events/a.parquet'));
    expect(await cache.rowsOf(store, await info(store, 'events/a.parquet'))).toBe(first);
    expect(gets()).toBe(1);
    await store.put('events/a.parquet', encodeParquet(EVENTS_TABLE.columns, rowsOf(1, 'new') as LakeRow[]));
    const after = await cache.rowsOf(store, await info(store, 'events/a.parquet'));
    expect(gets()).toBe(2);
    expect(after?.map((r) => r.session_id)).toEqual(['new0']);
  });

  it('drops the least recently used files beyond its row budget, and never caches without an ETag', async () => {
    const { store, gets } = countingStore();
    const cache = new DecodedFileCache(2);
    for (const k of ['a', 'b', 'c'])
      await store.put(`events/${k}.parquet`, encodeParquet(EVENTS_TABLE.columns, rowsOf(1, k) as LakeRow[]));
    for (const k of ['a', 'b', 'c']) await cache.rowsOf(store, await info(store, `events/${k}.parquet`));
    expect(cache.size).toBe(2);
    await cache.rowsOf(store, await info(store, 'events/c.parquet'));
    expect(gets()).toBe(3);
    await cache.rowsOf(store, await info(store, 'events/a.parquet'));
    expect(gets()).toBe(4);

    const bare = countingStore(true);
    await bare.store.put(
      'events/a.parquet',
      encodeParquet(EVENTS_TABLE.columns, rowsOf(1, 'a') as LakeRow[]),
    );
    const noEtags = new DecodedFileCache(100);
    for (let i = 0; i < 2; i++) await noEtags.rowsOf(bare.store, await info(bare.store, 'events/a.parquet'));
    expect(bare.gets()).toBe(2);
    expect(noEtags.size).toBe(0);
  });
});

describe('closed windows', () => {
  const base = { windowMinutes: 15, lateArrivalMs: 10 * MIN, lookAheadMs: 31 * MIN, maxWindows: 3 };

  it('lists windows after the watermark that every episode can have landed in, bounded per call', () => {
    const now = T0 + 2 * 60 * MIN; // 11:00; latest closed end = floor(11:00 - 41 min) = 10:15
    expect(closedWindows({ ...base, watermark: T0, now }).map((w) => (w.from - T0) / MIN)).toEqual([
      0, 15, 30,
    ]);
    expect(closedWindows({ ...base, watermark: T0 + 60 * MIN, now })).toEqual([
      { from: T0 + 60 * MIN, to: T0 + 75 * MIN },
    ]);
    expect(closedWindows({ ...base, watermark: T0 + 75 * MIN, now })).toEqual([]);
    expect(closedWindows({ ...base, watermark: undefined, now })).toEqual([
      { from: T0 + 60 * MIN, to: T0 + 75 * MIN },
    ]);
  });

  it('rejects windows that do not tile a day', async () => {
    expect(() => closedWindows({ ...base, windowMinutes: 7, watermark: T0, now: T0 })).toThrow(WindowError);
    const none = {
      name: 'x',
      put: async () => {},
      get: async () => undefined,
      list: async () => [],
      delete: async () => {},
    };
    await expect(
      sequenceWindow({
        eventsStore: none,
        curatedStore: none,
        from: T0 + 14 * 60 * MIN,
        to: T0 + 16 * 60 * MIN,
      }),
    ).rejects.toThrow(WindowError);
  });
});

describe('sequenceWindow: opted-out subjects are removed, not hidden', () => {
  it("writes no curated row of a subject listed in the curated zone's opt-out registry", async () => {
    const events = new FileObjectStore(mkdtempSync(join(tmpdir(), 'wt-seq-oo-ev-')));
    const curated = new FileObjectStore(mkdtempSync(join(tmpdir(), 'wt-seq-oo-cur-')));
    const rows = fixtureRows();
    await writeEvents(events, rows, 1, 0);
    const window = { from: T0, to: T0 + 15 * MIN };
    const users = async (key: string) =>
      new Set(decodeParquet((await curated.get(key)) as Uint8Array).map((r) => r.user_pseudonym));
    const before = await sequenceWindow({ eventsStore: events, curatedStore: curated, ...window });
    expect(await users(before.episodeKey)).toContain('u-across');
    expect(before.optedOutEvents).toBe(0);

    await addOptOuts({ events: curated, curated }, ['u-across']);
    const after = await sequenceWindow({ eventsStore: events, curatedStore: curated, ...window });
    for (const key of [after.actionKey, after.episodeKey]) {
      expect(await users(key), key).not.toContain('u-across');
      expect(await users(key), key).toContain('u-split');
    }
    expect(after.optedOutEvents).toBe(rows.filter((r) => r.user_pseudonym === 'u-across').length);
    expect(after.episodes).toBe(before.episodes - 1);
  });
});
