/** Object keys of the lake (layout documented at TABLE_LOCATIONS in core/lake/schema.ts). */
import { TABLE_LOCATIONS } from './schema.js';

/** A Hive partition: UTC date and hour. */
export interface Partition {
  readonly dt: string;
  readonly hour: string;
}

/** An events-zone partition: UTC date, hour and the two-digit sequence shard (`07`) of the sessions in it. */
export interface ShardedPartition extends Partition {
  readonly shard: string;
}

/**
 * Key of one batch's object in one partition (events: `dt=/hour=/shard=/`; quarantine: `dt=/hour=/`).
 * Derived only from the partition, the Kinesis shard and the batch's first and last sequence numbers, so
 * a retried batch overwrites its objects instead of adding new ones.
 */
export function lakeKeyFor(
  table: 'events' | 'quarantine',
  partition: Partition | ShardedPartition,
  shardId: string,
  firstSequence: string,
  lastSequence: string,
): string {
  const ext = table === 'events' ? 'parquet' : 'jsonl';
  const shard = 'shard' in partition ? `shard=${partition.shard}/` : '';
  return `${TABLE_LOCATIONS[table].prefix}dt=${partition.dt}/hour=${partition.hour}/${shard}${shardId}-${firstSequence}-${lastSequence}.${ext}`;
}
