/**
 * Writes a redacted batch: one Parquet object per (dt, hour, shard) partition in the events zone (event
 * time, and the sequence shard of the row's session), one JSON Lines object per arrival-hour partition in
 * quarantine. Keys are deterministic per batch.
 */

import { lakeKeyFor, type Partition } from '../lake/keys.js';
import { encodeParquet } from '../lake/parquet.js';
import { EVENTS_TABLE } from '../lake/schema.js';
import type { ObjectStore } from '../ports.js';
import { checkShardCount, SEQUENCE_SHARDS_DEFAULT, sessionShard, shardValue } from '../sequence/shards.js';
import type { QuarantineRow } from './quarantine.js';
import type { RedactOutcome, SourceRecord } from './transform.js';
import { UtcPartitions } from './utc-partitions.js';

/** Where a batch goes. */
export interface RedactStores {
  readonly events: ObjectStore;
  readonly quarantine: ObjectStore;
}

/** What was written (or where writing stopped). */
export type WriteResult =
  | { readonly ok: true; readonly keys: string[]; readonly bytes: number }
  | { readonly ok: false; readonly keys: string[]; readonly error: Error };

/** How a batch is laid out. */
export interface WriteOptions {
  /** Sequence shards the events zone is split into (`sequenceShards`, 1..64). @default 4 */
  readonly sequenceShards?: number;
}

function groupBy<T, P extends Partition>(
  items: readonly T[],
  key: (t: T) => P,
): Map<string, { partition: P; items: T[] }> {
  const groups = new Map<string, { partition: P; items: T[] }>();
  for (const item of items) {
    const p = key(item);
    const id = 'shard' in p ? `${p.dt}/${p.hour}/${p.shard}` : `${p.dt}/${p.hour}`;
    const g = groups.get(id) ?? { partition: p, items: [] };
    g.items.push(item);
    groups.set(id, g);
  }
  return new Map([...groups.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

/** Encodes and writes a batch's outputs; stops at the first failed write and reports it. */
export async function writeRedacted(
  outcome: RedactOutcome,
  records: readonly SourceRecord[],
  stores: RedactStores,
  options: WriteOptions = {},
): Promise<WriteResult> {
  const keys: string[] = [];
  let bytes = 0;
  if (records.length === 0) return { ok: true, keys, bytes };
  const first = records[0] as SourceRecord;
  const last = records[records.length - 1] as SourceRecord;
  const shard = first.shardId;
  const partitions = new UtcPartitions();
  const shards = checkShardCount(options.sequenceShards ?? SEQUENCE_SHARDS_DEFAULT);
  const shardOf = new Map<string, string>();
  const shardOfSession = (session: string): string => {
    let v = shardOf.get(session);
    if (v === undefined) {
      v = shardValue(sessionShard(session, shards));
      shardOf.set(session, v);
    }
    return v;
  };
  try {
    const events = groupBy(outcome.rows, (r) => ({
      ...partitions.of(r.ts),
      shard: shardOfSession(r.session_id),
    }));
    for (const { partition, items } of events.values()) {
      let min = Number.POSITIVE_INFINITY;
      let max = Number.NEGATIVE_INFINITY;
      for (const r of items) {
        if (r.ts < min) min = r.ts;
        if (r.ts > max) max = r.ts;
      }
      const key = lakeKeyFor('events', partition, shard, first.sequenceNumber, last.sequenceNumber, {
        min,
        max,
      });
      const body = encodeParquet(EVENTS_TABLE.columns, items);
      await stores.events.put(key, body, { contentType: 'application/vnd.apache.parquet' });
      keys.push(key);
      bytes += body.byteLength;
    }
    for (const { partition, items } of groupBy(outcome.quarantine, (q: QuarantineRow) =>
      partitions.of(q.arrival_ts),
    ).values()) {
      const key = lakeKeyFor('quarantine', partition, shard, first.sequenceNumber, last.sequenceNumber);
      const body = `${items.map((q) => JSON.stringify(q)).join('\n')}\n`;
      await stores.quarantine.put(key, body, { contentType: 'application/x-ndjson' });
      keys.push(key);
      bytes += body.length;
    }
    return { ok: true, keys, bytes };
  } catch (err) {
    return { ok: false, keys, error: err instanceof Error ? err : new Error(String(err)) };
  }
}
