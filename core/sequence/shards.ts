/**
 * Sequence shards: a window's work split into independent jobs by session (docs/sequencing.md, "Shards").
 * The redact function writes each event under the `shard=NN/` partition of its session, so one shard's
 * job lists and reads only its own objects. Object keys depend on the hash below: it must never change.
 */

import { ERROR_CODES, WorktraceError } from '../errors.js';

/** Shard count when none is configured (`sequenceShards` in cdk.json). */
export const SEQUENCE_SHARDS_DEFAULT = 4;
/** Fewest shards (1: one partition, `shard=00`, for every session). */
export const SEQUENCE_SHARDS_MIN = 1;
/** Most shards: Glue's partition projection offers `shard=00` to `shard=63`. */
export const SEQUENCE_SHARDS_MAX = 64;

/** A shard count outside 1..64 or a shard index outside 0..count-1 (a window job asked wrongly). */
export class ShardError extends WorktraceError {
  override readonly name = 'ShardError';
  readonly code = ERROR_CODES.window;
}

/** One shard job of a window: `index` of `count`. */
export interface ShardSpec {
  readonly index: number;
  readonly count: number;
}

/** Checks a shard count (an integer in 1..64) and returns it. */
export function checkShardCount(count: number): number {
  if (!Number.isInteger(count) || count < SEQUENCE_SHARDS_MIN || count > SEQUENCE_SHARDS_MAX) {
    throw new ShardError(
      `the shard count must be an integer from ${SEQUENCE_SHARDS_MIN} to ${SEQUENCE_SHARDS_MAX}`,
    );
  }
  return count;
}

/** Checks a shard job's index and count. */
export function checkShardSpec(shard: ShardSpec): ShardSpec {
  checkShardCount(shard.count);
  if (!Number.isInteger(shard.index) || shard.index < 0 || shard.index >= shard.count) {
    throw new ShardError('the shard index must be an integer from 0 to the shard count - 1');
  }
  return shard;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const encoder = new TextEncoder();

/**
 * The shard (0..shards-1) of a pseudonymous session id: 32-bit FNV-1a over the id's UTF-8 bytes (offset
 * basis 0x811c9dc5, prime 0x01000193), taken unsigned, modulo `shards`. Fixed for good: the events zone's
 * keys are made from it, so a different hash would send a session's later events to another partition.
 */
export function sessionShard(sessionId: string, shards: number): number {
  checkShardCount(shards);
  let h = FNV_OFFSET;
  for (const byte of encoder.encode(sessionId)) {
    h ^= byte;
    h = Math.imul(h, FNV_PRIME);
  }
  return (h >>> 0) % shards;
}

/** The partition value of a shard: two digits, e.g. `07` (`shard=07/` in keys). */
export function shardValue(index: number): string {
  return String(index).padStart(2, '0');
}

/** The key segment of a shard's partition, e.g. `shard=07/`. */
export function shardSegment(index: number): string {
  return `shard=${shardValue(index)}/`;
}

/** The shard a key's `shard=NN/` segment names, or undefined for an object written before shards. */
export function shardOfKey(key: string): number | undefined {
  const m = /\/shard=(\d{2})\//.exec(key);
  return m ? Number(m[1]) : undefined;
}
