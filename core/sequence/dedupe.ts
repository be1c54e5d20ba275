/**
 * Event-id deduplication: the one rule the sequencer's window reader, the reducer and the CLI's file mode
 * share, so the same rows give the same actions on every path.
 */
import { EVENTS_TABLE, type EventRow } from '../lake/schema.js';

const COLUMN_NAMES: readonly string[] = EVENTS_TABLE.columns.map((col) => col.name);

/** Orders two cells: null (or absent) first, then by type name, then by value. */
function compareCells(a: unknown, b: unknown): number {
  const x = a ?? null;
  const y = b ?? null;
  if (x === y) return 0;
  if (x === null) return -1;
  if (y === null) return 1;
  if (typeof x !== typeof y) return typeof x < typeof y ? -1 : 1;
  return (x as string) < (y as string) ? -1 : (x as string) > (y as string) ? 1 : 0;
}

/**
 * Orders two copies of one event: lowest seq, then lowest Kinesis sequence number (the first delivery,
 * absent counting as ''), then shard, then every column in table order. The order is total, so which copy
 * wins never depends on which file or batch was read first.
 */
function compareCopies(a: EventRow, b: EventRow): number {
  if (a.seq !== b.seq) return a.seq - b.seq;
  const sa = a.sequence_number ?? '';
  const sb = b.sequence_number ?? '';
  if (sa !== sb) return sa < sb ? -1 : 1;
  const byShard = compareCells(a.shard_id, b.shard_id);
  if (byShard !== 0) return byShard;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  for (const name of COLUMN_NAMES) {
    const d = compareCells(ra[name], rb[name]);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Keeps one row per event id, in first-seen order. An event arrives more than once when an agent retries a
 * send or Kinesis redelivers a record. The copy kept is the least by seq, then Kinesis sequence number,
 * shard and the remaining columns: seq first because it is what the reducer orders by (copies of one event
 * share it unless an agent renumbered), then the lowest sequence number because that is the first
 * delivery; and the order is total, so the result depends only on the set of rows, never on their order or
 * on how often each was read (the sequencing property test). Returns `rows` itself when no id repeats;
 * callers count the dropped copies by the length difference.
 */
export function dedupeByEventId<R extends EventRow>(rows: readonly R[]): readonly R[] {
  const kept = new Map<string, R>();
  for (const row of rows) {
    const seen = kept.get(row.event_id);
    if (seen === undefined || compareCopies(row, seen) < 0) kept.set(row.event_id, row);
  }
  return kept.size === rows.length ? rows : [...kept.values()];
}
