import { describe, expect, it } from 'vitest';
import { tsRangeOfKey } from '#core/lake/keys.js';
import { decodeParquet, encodeParquet, type LakeRow } from '#core/lake/parquet.js';
import { EVENTS_TABLE, type EventRow } from '#core/lake/schema.js';
import type { ObjectInfo, ObjectStore } from '#core/ports.js';
import { writeRedacted } from '#core/redact/redact-writer.js';
import type { RedactOutcome, SourceRecord } from '#core/redact/transform.js';
import { sequenceWindow, windowKeys } from '#core/sequence/sequencer.js';
import {
  checkShardSpec,
  SEQUENCE_SHARDS_MAX,
  ShardError,
  sessionShard,
  shardOfKey,
  shardSegment,
} from '#core/sequence/shards.js';
import { ROW_BASE_TS, SessionScript } from '../../fixtures/event-rows.js';

const MIN = 60_000;
const T0 = ROW_BASE_TS; // 2026-11-02 09:00 UTC

/** An in-memory store that records every `get`. */
class CountingStore implements ObjectStore {
  readonly objects = new Map<string, Uint8Array>();
  readonly gets: string[] = [];
  constructor(readonly name: string) {}
  async put(key: string, body: Uint8Array | string): Promise<void> {
    this.objects.set(key, typeof body === 'string' ? Buffer.from(body) : body);
  }
  async get(key: string) {
    this.gets.push(key);
    return this.objects.get(key);
  }
  async list(prefix: string): Promise<ObjectInfo[]> {
    return [...this.objects.entries()]
      .filter(([k]) => k.startsWith(prefix))
      .map(([key, b]) => ({ key, size: b.byteLength }));
  }
  async delete(key: string): Promise<void> {
    this.objects.delete(key);
  }
}

/** Sessions spread over 09:00-10:10 (two hours), enough of them to fill every one of 4 shards. */
function sessions(count = 24): EventRow[] {
  const rows: EventRow[] = [];
  for (let s = 0; s < count; s++) {
    const script = new SessionScript(`sess-${s}`, T0 + s * 2 * MIN).screen().focus(`app-${s % 3}`);
    for (let i = 0; i < 6; i++) script.click(10 + i * 30, 20).wait(4000);
    script
      .wait(20 * MIN)
      .focus('mail')
      .click(5, 5)
      .wait(500)
      .text('f', `note ${s}`);
    rows.push(...script.rows);
  }
  return rows;
}

function outcomeOf(rows: EventRow[]): RedactOutcome {
  return {
    rows,
    quarantine: [],
    counts: {} as RedactOutcome['counts'],
    findings: {},
    rowSources: rows.map(() => 0),
    quarantineSources: [],
    commit() {},
  };
}

const RECORDS: SourceRecord[] = [
  { shardId: 'shardId-000000000001', sequenceNumber: '4900001', arrivalMs: T0, data: new Uint8Array() },
  { shardId: 'shardId-000000000001', sequenceNumber: '4900099', arrivalMs: T0, data: new Uint8Array() },
];

describe('sessionShard', () => {
  it('is 32-bit FNV-1a of the UTF-8 id modulo the count, pinned (object keys depend on it)', () => {
    // FNV-1a("a") = 0xe40c292c, the published test vector; 0xe40c292c % 64 = 44.
    expect(sessionShard('a', 64)).toBe(0xe40c292c % 64);
    expect(sessionShard('', 64)).toBe(0x811c9dc5 % 64);
    expect(sessionShard('sess-a', 64)).toBe(17);
    expect(sessionShard('3f9a1c0b7e2d4a68b1c5d0e9f7a6b3c2', 16)).toBe(10);
    expect(sessionShard('anything', 1)).toBe(0);
  });

  it('spreads sessions over every shard and refuses counts outside 1..64', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(sessionShard(`session-${i}`, 16));
    expect(seen.size).toBe(16);
    expect(() => sessionShard('a', 0)).toThrow(ShardError);
    expect(() => sessionShard('a', SEQUENCE_SHARDS_MAX + 1)).toThrow(ShardError);
    expect(() => checkShardSpec({ index: 4, count: 4 })).toThrow(ShardError);
    expect(shardSegment(7)).toBe('shard=07/');
    expect(shardOfKey('events/dt=2026-11-02/hour=09/shard=07/x.parquet')).toBe(7);
    expect(shardOfKey('events/dt=2026-11-02/hour=09/x.parquet')).toBeUndefined();
  });
});

describe('the redact writer lays events out by (dt, hour, shard)', () => {
  it("puts every row into the object of its session's shard, under deterministic keys", async () => {
    const rows = sessions();
    const store = new CountingStore('events');
    const quarantine = new CountingStore('quarantine');
    const first = await writeRedacted(
      outcomeOf(rows),
      RECORDS,
      { events: store, quarantine },
      { sequenceShards: 4 },
    );
    expect(first.ok).toBe(true);
    const keys = [...store.objects.keys()].sort();
    // Two hours × four shards, all populated by 24 sessions.
    expect(keys).toHaveLength(8);
    let total = 0;
    for (const key of keys) {
      expect(key).toMatch(
        /^events\/dt=2026-11-02\/hour=(09|10)\/shard=0[0-3]\/shardId-000000000001-4900001-4900099_ts\d+-\d+\.parquet$/,
      );
      const shard = shardOfKey(key);
      const decoded = decodeParquet(store.objects.get(key) as Uint8Array) as unknown as EventRow[];
      for (const r of decoded) expect(sessionShard(r.session_id, 4)).toBe(shard);
      total += decoded.length;
    }
    expect(total).toBe(rows.length);

    // A retried batch overwrites the same objects, byte for byte: no new keys, no duplicates.
    const before = new Map(store.objects);
    const retry = await writeRedacted(
      outcomeOf(rows),
      RECORDS,
      { events: store, quarantine },
      { sequenceShards: 4 },
    );
    expect(retry.ok && retry.keys.sort()).toEqual(keys);
    expect([...store.objects.keys()].sort()).toEqual(keys);
    for (const k of keys) expect(store.objects.get(k)).toEqual(before.get(k));
  });

  it('writes one shard=00 partition per hour with one shard', async () => {
    const store = new CountingStore('events');
    await writeRedacted(
      outcomeOf(sessions()),
      RECORDS,
      { events: store, quarantine: new CountingStore('q') },
      { sequenceShards: 1 },
    );
    expect([...store.objects.keys()].map((k) => k.split('/').slice(2, 4).join('/')).sort()).toEqual([
      'hour=09/shard=00',
      'hour=10/shard=00',
    ]);
  });
});

/** A lake with the batch written twice: sharded (as the redact function writes now) and, for `old`, flat. */
async function lake(rows: EventRow[], options: { old?: EventRow[] } = {}): Promise<CountingStore> {
  const store = new CountingStore('events');
  await writeRedacted(
    outcomeOf(rows),
    RECORDS,
    { events: store, quarantine: new CountingStore('q') },
    {
      sequenceShards: 4,
    },
  );
  // Objects written before shards: flat under dt=/hour=/ (the old key layout).
  for (const hour of ['09', '10']) {
    const old = (options.old ?? []).filter((r) => new Date(r.ts).toISOString().slice(11, 13) === hour);
    if (old.length > 0)
      await store.put(
        `events/dt=2026-11-02/hour=${hour}/shardId-000000000000-1-2.parquet`,
        encodeParquet(EVENTS_TABLE.columns, old as unknown as LakeRow[]),
      );
  }
  return store;
}

function rowsOf(store: CountingStore, prefix: string, idColumn: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const [key, body] of store.objects)
    if (key.startsWith(prefix)) out.push(...(decodeParquet(body) as unknown as Record<string, unknown>[]));
  return out.sort((a, b) => String(a[idColumn]).localeCompare(String(b[idColumn])));
}

describe('sequence shard jobs', () => {
  const window = { from: T0 + 15 * MIN, to: T0 + 30 * MIN };
  const all = sessions();
  // Half the sessions were written before shards (flat objects), half after.
  const oldRows = all.filter((r) => Number(r.session_id.slice(5)) % 2 === 0);
  const newRows = all.filter((r) => Number(r.session_id.slice(5)) % 2 === 1);

  it("one shard's job reads no other shard's objects (only its own and the flat ones from before shards)", async () => {
    const events = await lake(newRows, { old: oldRows });
    for (let index = 0; index < 4; index++) {
      events.gets.length = 0;
      const r = await sequenceWindow({
        eventsStore: events,
        curatedStore: new CountingStore('curated'),
        ...window,
        optedOut: new Set(),
        shard: { index, count: 4 },
      });
      expect(events.gets.length).toBeGreaterThan(0);
      for (const key of events.gets) {
        const of = shardOfKey(key);
        expect(of === undefined || of === index, key).toBe(true);
      }
      // Every object of its own shard whose event times meet the read (the window, 6 h before it, 31 min
      // after it) was read, and the two flat ones (written before keys named their times).
      const readTo = window.to + 31 * MIN;
      const own = [...events.objects.keys()]
        .filter((k) => shardOfKey(k) === index && (tsRangeOfKey(k)?.min ?? 0) < readTo)
        .sort();
      expect(own.length).toBeGreaterThan(0);
      expect(events.gets.filter((k) => shardOfKey(k) === index).sort()).toEqual(own);
      expect(events.gets.filter((k) => shardOfKey(k) === undefined)).toHaveLength(2);
      expect(r.filesRead).toBe(own.length + 2);
    }
  });

  it("the union of the shard jobs' outputs is the unsharded window's output", async () => {
    const events = await lake(newRows, { old: oldRows });
    const whole = new CountingStore('curated-whole');
    const sharded = new CountingStore('curated-sharded');
    const one = await sequenceWindow({
      eventsStore: events,
      curatedStore: whole,
      ...window,
      optedOut: new Set(),
    });
    let actions = 0;
    let episodes = 0;
    for (let index = 0; index < 4; index++) {
      const r = await sequenceWindow({
        eventsStore: events,
        curatedStore: sharded,
        ...window,
        optedOut: new Set(),
        shard: { index, count: 4 },
      });
      expect(r.actionKey).toBe(windowKeys(window.from, window.to, index).actions);
      expect(r.actionKey).toMatch(
        /^actions\/dt=2026-11-02\/window-20261102T0915-20261102T0930-shard-0\d\.parquet$/,
      );
      actions += r.actions;
      episodes += r.episodes;
    }
    expect(one.episodes).toBeGreaterThan(0);
    expect(actions).toBe(one.actions);
    expect(episodes).toBe(one.episodes);
    expect(rowsOf(sharded, 'actions/', 'action_id')).toEqual(rowsOf(whole, 'actions/', 'action_id'));
    expect(rowsOf(sharded, 'episodes/', 'episode_id')).toEqual(rowsOf(whole, 'episodes/', 'episode_id'));

    // Same result as when every row was still flat (the layout before shards).
    const flat = await lake([], { old: all });
    const before = new CountingStore('curated-flat');
    await sequenceWindow({ eventsStore: flat, curatedStore: before, ...window, optedOut: new Set() });
    expect(rowsOf(whole, 'episodes/', 'episode_id')).toEqual(rowsOf(before, 'episodes/', 'episode_id'));
    expect(rowsOf(whole, 'actions/', 'action_id')).toEqual(rowsOf(before, 'actions/', 'action_id'));
  });

  it('a re-run of a shard job overwrites its own keys', async () => {
    const events = await lake(all);
    const curated = new CountingStore('curated');
    const job = { eventsStore: events, curatedStore: curated, ...window, optedOut: new Set<string>() };
    await sequenceWindow({ ...job, shard: { index: 2, count: 4 } });
    const first = new Map(curated.objects);
    await sequenceWindow({ ...job, shard: { index: 2, count: 4 } });
    expect([...curated.objects.keys()].sort()).toEqual([...first.keys()].sort());
    for (const [k, v] of first) expect(curated.objects.get(k)).toEqual(v);
    await expect(sequenceWindow({ ...job, shard: { index: 4, count: 4 } })).rejects.toThrow(ShardError);
  });
});
