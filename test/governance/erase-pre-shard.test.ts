import { describe, expect, it } from 'vitest';
import { type LakeIndex, withPreShardEvents } from '#core/governance/erase-find.js';
import { encodeParquet, type LakeRow } from '#core/lake/parquet.js';
import { EVENTS_TABLE } from '#core/lake/schema.js';
import type { ObjectInfo, ObjectStore } from '#core/ports.js';
import { eventRow, ROW_BASE_TS } from '../fixtures/event-rows.js';

class MemoryStore implements ObjectStore {
  readonly objects = new Map<string, Uint8Array>();
  readonly gets: string[] = [];
  readonly name = 'events';
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
      .map(([key, b]) => ({ key, size: b.byteLength, etag: `"${b.byteLength}"` }));
  }
  async delete(key: string): Promise<void> {
    this.objects.delete(key);
  }
}

const parquet = (user: string) =>
  encodeParquet(EVENTS_TABLE.columns, [
    eventRow('s1', 1, ROW_BASE_TS, 'click', { user_pseudonym: user }),
  ] as unknown as LakeRow[]);

describe('withPreShardEvents: erasure finds the events objects Glue projection cannot see', () => {
  it('names flat (pre-shard) objects holding the subject, reads no shard=NN object, keeps the engine’s finds', async () => {
    const events = new MemoryStore();
    await events.put('events/dt=2026-11-02/hour=09/shardId-0-1-2.parquet', parquet('subject'));
    await events.put('events/dt=2026-11-02/hour=09/shardId-0-3-4.parquet', parquet('someone-else'));
    await events.put('events/dt=2026-11-02/hour=10/shard=01/shardId-0-5-6.parquet', parquet('subject'));
    const engine: LakeIndex = {
      find: async () => [
        { zone: 'events', key: 'events/dt=2026-11-02/hour=10/shard=01/shardId-0-5-6.parquet' },
      ],
    };
    const found = await withPreShardEvents(engine, events).find(['events', 'actions'], ['subject']);
    expect(found.map((o) => o.key)).toEqual([
      'events/dt=2026-11-02/hour=09/shardId-0-1-2.parquet',
      'events/dt=2026-11-02/hour=10/shard=01/shardId-0-5-6.parquet',
    ]);
    expect(events.gets.every((k) => !k.includes('/shard='))).toBe(true);
    expect(await withPreShardEvents(engine, events).find(['actions'], ['subject'])).toHaveLength(1);
  });
});
