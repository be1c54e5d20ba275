/** Object keys of the lake (layout documented at TABLE_LOCATIONS in core/lake/schema.ts). */
import { TABLE_LOCATIONS } from './schema.js';

/** A Hive partition: UTC date and hour. */
export interface Partition {
  readonly dt: string;
  readonly hour: string;
}

/**
 * Key of one batch's object in one partition. Derived only from the shard and the batch's first and last
 * sequence numbers, so a retried batch overwrites its objects instead of adding new ones.
 */
export function lakeKeyFor(
  table: 'events' | 'quarantine',
  partition: Partition,
  shardId: string,
  firstSequence: string,
  lastSequence: string,
): string {
  const ext = table === 'events' ? 'parquet' : 'jsonl';
  return `${TABLE_LOCATIONS[table].prefix}dt=${partition.dt}/hour=${partition.hour}/${shardId}-${firstSequence}-${lastSequence}.${ext}`;
}
