/** UTC date and hour partitions of epoch-ms times: where rows and quarantine entries land in the lake. */
import type { Partition } from '../lake/keys.js';

const HOUR_MS = 3_600_000;

/** Partition values of a row or quarantine entry (UTC). */
export function partitionOf(ms: number): Partition {
  const iso = new Date(Math.floor(ms / HOUR_MS) * HOUR_MS).toISOString();
  return { dt: iso.slice(0, 10), hour: iso.slice(11, 13) };
}

/** `partitionOf` for a run of times: consecutive events share an hour, so the last answer is reused. */
export class UtcPartitions {
  private lastHour = Number.NaN;
  private last: Partition = { dt: '', hour: '' };

  /** The partition of `ms`. */
  of(ms: number): Partition {
    const hour = Math.floor(ms / HOUR_MS);
    if (hour !== this.lastHour) {
      this.last = partitionOf(ms);
      this.lastHour = hour;
    }
    return this.last;
  }
}
