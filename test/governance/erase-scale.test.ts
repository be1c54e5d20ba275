/**
 * Erasure's cost grows with the objects that hold the subject, not with the lake: over a lake of 2,000
 * objects (Parquet and JSON Lines written by the project's writers) of which 20 hold the subject, the local
 * plan (DuckDB finder + worker pool) reads exactly those 20 to rewrite them, and the receipt lists exactly
 * those 20.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalLake, localLakeIndex } from '#adapters/duckdb-lake.js';
import { FileObjectStore } from '#adapters/file-object-store.js';
import { type EraseReceipt, eraseSubject } from '#core/governance/erase.js';
import { decodeParquet, encodeParquet, type LakeRow } from '#core/lake/parquet.js';
import {
  ACTIONS_TABLE,
  EPISODES_TABLE,
  EVENTS_TABLE,
  TABLE_LOCATIONS,
  type Zone,
} from '#core/lake/schema.js';
import type { ObjectStore } from '#core/ports.js';
import { ROW_BASE_TS, SessionScript } from '../fixtures/event-rows.js';
import { buildFixtureLake } from '../fixtures/lake.js';

const SUBJECT = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const DATA_PREFIXES = ['events/', 'quarantine/', 'actions/', 'episodes/'];

/** How many objects of each table, and how many of them hold the subject. */
interface Shape {
  readonly events: readonly [total: number, subject: number];
  readonly quarantine: readonly [total: number, subject: number];
  readonly actions: readonly [total: number, subject: number];
  readonly episodes: readonly [total: number, subject: number];
}

/** Wraps a store, recording every `get` of a data object (keys under a table prefix). */
function counting(store: ObjectStore, reads: string[]): ObjectStore {
  return {
    name: store.name,
    async get(key) {
      if (DATA_PREFIXES.some((p) => key.startsWith(p))) reads.push(`${store.name}:${key}`);
      return store.get(key);
    },
    put: (k, b, o) => store.put(k, b, o),
    list: (p) => store.list(p),
    delete: (k) => store.delete(k),
  };
}

type Lake = Record<Exclude<Zone, 'athena-results'>, FileObjectStore>;

/** Every data object's bytes, by zone and key. */
async function snapshot(lake: Lake): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const [name, loc] of Object.entries(TABLE_LOCATIONS)) {
    if (name === 'opt_outs') continue;
    const store = lake[loc.zone as keyof Lake];
    for (const o of await store.list(loc.prefix))
      out.set(`${loc.zone}/${o.key}`, Buffer.from((await store.get(o.key)) as Uint8Array).toString('base64'));
  }
  return out;
}

/**
 * Writes a lake of the given shape; returns its stores and the objects that hold the subject. Bodies come
 * from the project's writers: events Parquet from SessionScript rows, curated Parquet re-encoded from rows
 * the real sequencer wrote (buildFixtureLake), quarantine JSON Lines as the redactor writes them.
 */
async function writeLake(shape: Shape): Promise<{ lake: Lake; holding: Set<string> }> {
  const root = mkdtempSync(join(tmpdir(), 'wt-erase-scale-'));
  const lake: Lake = {
    events: new FileObjectStore(join(root, 'events')),
    quarantine: new FileObjectStore(join(root, 'quarantine')),
    curated: new FileObjectStore(join(root, 'curated')),
  };
  const fx = await buildFixtureLake(ROW_BASE_TS + 3 * 86_400_000);
  const templateRows = async (prefix: string) => {
    const first = (await fx.stores.curated.list(prefix))[0];
    return decodeParquet((await fx.stores.curated.get(first?.key as string)) as Uint8Array).slice(0, 2);
  };
  const actionRows = await templateRows('actions/');
  const episodeRows = await templateRows('episodes/');
  const session = new SessionScript('s', ROW_BASE_TS).screen().focus('editor').click(1, 1).rows;
  const VARIANTS = 8;
  /** Parquet bodies: `VARIANTS` of other users only, and `VARIANTS` holding the subject beside one of them. */
  const bodies = (
    columns: typeof EVENTS_TABLE.columns | typeof ACTIONS_TABLE.columns | typeof EPISODES_TABLE.columns,
    rows: readonly Record<string, unknown>[],
  ) => {
    const of = (user: string) => rows.map((r) => ({ ...r, user_pseudonym: user, key_version: 'k1' }));
    const others = Array.from({ length: VARIANTS }, (_, i) =>
      encodeParquet(columns, of(`other-${i}`) as unknown as LakeRow[]),
    );
    const mixed = Array.from({ length: VARIANTS }, (_, i) =>
      encodeParquet(columns, [...of(`other-${i}`), ...of(SUBJECT)] as unknown as LakeRow[]),
    );
    return { others, mixed };
  };
  const holding = new Set<string>();
  const spread = (total: number, count: number) =>
    new Set(Array.from({ length: count }, (_, i) => Math.floor(((i + 0.5) * total) / count)));
  const place = async (
    zone: keyof Lake,
    key: (i: number) => string,
    [total, count]: readonly [number, number],
    body: (i: number, holds: boolean) => Uint8Array | string,
  ) => {
    const chosen = spread(total, count);
    for (let i = 0; i < total; i++) {
      const k = key(i);
      await lake[zone].put(k, body(i, chosen.has(i)));
      if (chosen.has(i)) holding.add(`${zone}/${k}`);
    }
  };
  const part = (i: number) => `dt=2026-11-0${1 + (i % 5)}/hour=${String(i % 24).padStart(2, '0')}`;
  const ev = bodies(EVENTS_TABLE.columns, session);
  await place(
    'events',
    (i) => `events/${part(i)}/shardId-000000000000-${i}-${i}.parquet`,
    shape.events,
    (i, h) => (h ? ev.mixed : ev.others)[i % VARIANTS] as Uint8Array,
  );
  const ac = bodies(ACTIONS_TABLE.columns, actionRows);
  await place(
    'curated',
    (i) => `actions/${part(i).split('/')[0]}/a-${i}.parquet`,
    shape.actions,
    (i, h) => (h ? ac.mixed : ac.others)[i % VARIANTS] as Uint8Array,
  );
  const ep = bodies(EPISODES_TABLE.columns, episodeRows);
  await place(
    'curated',
    (i) => `episodes/${part(i).split('/')[0]}/e-${i}.parquet`,
    shape.episodes,
    (i, h) => (h ? ep.mixed : ep.others)[i % VARIANTS] as Uint8Array,
  );
  const line = (user: string | null, payload: string) =>
    `${JSON.stringify({ reason: 'contract', issues: '[]', event_type: 'click', user_pseudonym: user, scrubbed_payload: payload, findings: '{}', shard_id: 'shardId-000000000000', sequence_number: '1', sub_sequence_number: null, arrival_ts: ROW_BASE_TS, policy_version: 'p', key_version: 'k1', redactor_version: 'r' })}\n`;
  let quarantined = 0;
  await place(
    'quarantine',
    (i) => `quarantine/${part(i)}/shardId-000000000000-${i}-${i}.jsonl`,
    shape.quarantine,
    (i, h) => {
      const other = line(`other-${i % VARIANTS}`, '{"x":"<string:3>"}');
      if (!h) return other;
      // Half by column; half written before quarantine carried the column: the pseudonym is in the payload.
      quarantined += 1;
      return quarantined % 2 === 1
        ? other + line(SUBJECT, '{"x":"<string:3>"}')
        : other + line(null, `{"userId":"${SUBJECT}"}`);
    },
  );
  return { lake, holding };
}

/** Runs the local plan: DuckDB (over the lake's own stores) finds, the pool rewrites through `zones`. */
async function erase(
  lake: Lake,
  zones: Lake | Record<keyof Lake, ObjectStore>,
  concurrency: number,
): Promise<EraseReceipt> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'wt-erase-scale-cache-'));
  const local = await LocalLake.open({ stores: lake, cacheDir });
  try {
    const audit = new FileObjectStore(mkdtempSync(join(tmpdir(), 'wt-erase-scale-audit-')));
    return await eraseSubject({ ...zones, audit }, SUBJECT, { index: localLakeIndex(local), concurrency });
  } finally {
    local.close();
  }
}

const SCALE: Shape = { events: [1200, 8], quarantine: [200, 4], actions: [300, 4], episodes: [300, 4] };

describe('erasure cost grows with the objects holding the subject', () => {
  it('over 2,000 objects, 20 holding the subject: reads exactly those 20 to rewrite, receipts them, leaves the rest byte-identical', async () => {
    const { lake, holding } = await writeLake(SCALE);
    const before = await snapshot(lake);
    expect(before.size).toBe(2000);
    expect(holding.size).toBe(20);
    // What is counted: `get` calls on data objects made through the stores the removal rewrites with (plan,
    // rewrite, finish). DuckDB's finder mirrors the lake through the uncounted stores (the query engine's
    // own reads: Athena scans S3 itself), so they are not in the count.
    const reads: string[] = [];
    const zones = {
      events: counting(lake.events, reads),
      quarantine: counting(lake.quarantine, reads),
      curated: counting(lake.curated, reads),
    };
    const receipt = await erase(lake, zones, 8);

    const name = (zoneKey: string) => {
      const [zone, ...key] = zoneKey.split('/');
      return `${lake[zone as keyof Lake].name}:${key.join('/')}`;
    };
    expect(reads).toHaveLength(20);
    expect(new Set(reads)).toEqual(new Set([...holding].map(name)));
    expect(receipt.objects.map((o) => `${o.zone}/${o.key}`).sort()).toEqual([...holding].sort());
    expect(receipt.objects.every((o) => o.rowsRemoved > 0 && o.rowsKept > 0)).toBe(true);
    expect(receipt.verified).toBe(true);

    const after = await snapshot(lake);
    expect(after.size).toBe(2000); // every object held someone else too: rewritten, not deleted
    for (const [id, body] of before) {
      if (holding.has(id)) {
        expect(after.get(id), id).not.toBe(body);
        expect(Buffer.from(after.get(id) as string, 'base64').toString('latin1')).not.toContain(SUBJECT);
      } else expect(after.get(id), id).toBe(body);
    }
  }, 120_000);

  it('a pool of 1 and a pool of 8 leave identical zones and receipt the same objects', async () => {
    const shape: Shape = { events: [60, 6], quarantine: [20, 4], actions: [30, 5], episodes: [30, 5] };
    const one = await writeLake(shape);
    const eight = await writeLake(shape);
    const r1 = await erase(one.lake, one.lake, 1);
    const r8 = await erase(eight.lake, eight.lake, 8);
    expect(r1.objects).toHaveLength(20);
    expect(r8.objects).toEqual(r1.objects);
    expect(r8.rowsRemoved).toBe(r1.rowsRemoved);
    expect(await snapshot(eight.lake)).toEqual(await snapshot(one.lake));
  }, 120_000);
});

describe('the local finder after a rewrite', () => {
  it('sees a table the erasure emptied as empty, with the views still working and no cache path in "$path"', async () => {
    const { lake } = await writeLake({
      events: [0, 0],
      quarantine: [1, 0],
      actions: [1, 0],
      episodes: [1, 0],
    });
    // The only events object, holding only the subject: erasure deletes it and the table goes empty.
    const alone = 'events/dt=2026-11-09/hour=01/shardId-000000000000-9-9.parquet';
    const rows = new SessionScript('s', ROW_BASE_TS).screen().click(1, 1).rows;
    await lake.events.put(
      alone,
      encodeParquet(
        EVENTS_TABLE.columns,
        rows.map((r) => ({ ...r, user_pseudonym: SUBJECT })) as unknown as LakeRow[],
      ),
    );
    const local = await LocalLake.open({
      stores: lake,
      cacheDir: mkdtempSync(join(tmpdir(), 'wt-erase-cache-')),
    });
    try {
      const paths = await local.query(
        `SELECT DISTINCT "$path" AS path FROM events WHERE user_pseudonym = '${SUBJECT}' ORDER BY path`,
      );
      expect(paths.rows.map((r) => r.path)).toEqual([`s3://events/${alone}`]);
      // `SELECT *` leaves the hidden column out, as on Athena.
      expect((await local.query('SELECT * FROM events LIMIT 1')).columns).not.toContain('$path');
      const audit = new FileObjectStore(mkdtempSync(join(tmpdir(), 'wt-erase-audit-')));
      const receipt = await eraseSubject({ ...lake, audit }, SUBJECT, { index: localLakeIndex(local) });
      expect(receipt.objects.map((o) => o.key)).toContain(alone);
      expect(await lake.events.get(alone)).toBeUndefined();
      await local.refresh();
      const left = await local.query(`SELECT count(*) AS n FROM events WHERE user_pseudonym = '${SUBJECT}'`);
      expect(left.rows).toEqual([{ n: '0' }]);
      expect(local.files.events).toBe(0);
      await local.query('SELECT * FROM training_trajectories');
    } finally {
      local.close();
    }
  });
});
