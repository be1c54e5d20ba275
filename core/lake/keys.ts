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

/** Event times (epoch ms) of the rows an events object holds: the earliest and the latest. */
export interface TsRange {
  readonly min: number;
  readonly max: number;
}

/**
 * Key of one batch's object in one partition (events: `dt=/hour=/shard=/`; quarantine: `dt=/hour=/`).
 * Derived only from the partition, the Kinesis shard, the batch's first and last sequence numbers and, for
 * events, the range of its rows' event times (`..._ts<min>-<max>.parquet`), so a retried batch overwrites
 * its objects instead of adding new ones. The range lets the sequencer skip, from the listing alone, the
 * objects of an hour partition that hold no row of its window (`tsRangeOfKey`).
 */
export function lakeKeyFor(
  table: 'events' | 'quarantine',
  partition: Partition | ShardedPartition,
  shardId: string,
  firstSequence: string,
  lastSequence: string,
  tsRange?: TsRange,
): string {
  const ext = table === 'events' ? 'parquet' : 'jsonl';
  const shard = 'shard' in partition ? `shard=${partition.shard}/` : '';
  const range = tsRange === undefined ? '' : `_ts${tsRange.min}-${tsRange.max}`;
  return `${TABLE_LOCATIONS[table].prefix}dt=${partition.dt}/hour=${partition.hour}/${shard}${shardId}-${firstSequence}-${lastSequence}${range}.${ext}`;
}

/**
 * The event-time range an events object's key names, or undefined for an object written before keys
 * carried one (it may hold any time of its hour). An erasure rewrite keeps the key: the range then still
 * covers the rows left.
 */
export function tsRangeOfKey(key: string): TsRange | undefined {
  const m = /_ts(\d+)-(\d+)\.parquet$/.exec(key);
  return m ? { min: Number(m[1]), max: Number(m[2]) } : undefined;
}
