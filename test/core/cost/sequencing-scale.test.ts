/** The sequencing scale model: shards grow with the organisation so that a job keeps fitting its Lambda. */
import { describe, expect, it } from 'vitest';
import { SEQUENCING_MEASURED, sequencingScale, sequencingScaleTable } from '#core/cost/sequencing-scale.js';
import { ConfigSchema } from '../../../lib/config.js';

const c = ConfigSchema.parse({});
const settings = { ...c, maxWindowsPerInvocation: 8 };

describe('sequencingScale', () => {
  it('splits a window into enough shards that every job fits 70 % of the memory and half the timeout', () => {
    let shards = 0;
    for (const users of [100, 1_000, 5_000]) {
      const r = sequencingScale(users, settings);
      expect(r.fits, String(users)).toBe(true);
      expect(r.peakMemoryMbPerJob).toBeLessThanOrEqual(0.7 * c.sequenceMemoryMb);
      expect(r.secondsPerJob * 8).toBeLessThanOrEqual(0.5 * c.sequenceTimeoutSeconds);
      expect(r.shards).toBeGreaterThanOrEqual(shards);
      // The fewest such shards: one fewer would not fit.
      if (r.shards > 1) {
        const fewer =
          (r.eventsPerSecond * (c.sequenceWindowMinutes + c.sequenceLateArrivalMinutes) * 60) /
          (r.shards - 1);
        const mem =
          SEQUENCING_MEASURED.baseMemoryMb + (fewer * SEQUENCING_MEASURED.heapBytesPerRow) / 2 ** 20;
        const secs = (r.eventsPerWindow / (r.shards - 1)) * SEQUENCING_MEASURED.cpuSecondsPerEvent;
        expect(mem > 0.7 * c.sequenceMemoryMb || secs * 8 > 0.5 * c.sequenceTimeoutSeconds).toBe(true);
      }
      shards = r.shards;
    }
  });

  it('holds a window plus the allowance per job, and prices CPU linearly in events', () => {
    const r = sequencingScale(1_000, settings);
    expect(r.rowsPerJob * r.shards).toBeCloseTo(1_000 * SEQUENCING_MEASURED.eventsPerUserSecond * 25 * 60, 3);
    expect(sequencingScale(2_000, settings).lambdaGbSecondsPerDay).toBeCloseTo(
      2 * r.lambdaGbSecondsPerDay,
      6,
    );
  });

  it('says so when even 64 shards cannot hold a window', () => {
    const r = sequencingScale(1_000_000, settings);
    expect(r.shards).toBe(64);
    expect(r.fits).toBe(false);
    expect(sequencingScaleTable([1_000_000], settings)).toContain('64 (too few)');
  });
});
