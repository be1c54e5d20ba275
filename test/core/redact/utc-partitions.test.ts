import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { partitionOf, UtcPartitions } from '#core/redact/utc-partitions.js';

describe('UTC partitions', () => {
  it('gives the UTC date and hour of an epoch-ms time', () => {
    expect(partitionOf(Date.UTC(2026, 10, 2, 9, 59, 59, 999))).toEqual({ dt: '2026-11-02', hour: '09' });
    expect(partitionOf(Date.UTC(2026, 11, 31, 23, 0))).toEqual({ dt: '2026-12-31', hour: '23' });
  });

  it('a remembering instance answers like partitionOf for any order of times, and instances share nothing', () => {
    const t0 = Date.UTC(2026, 10, 2, 22, 0);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: t0, max: t0 + 4 * 3_600_000 }), { maxLength: 50 }), (times) => {
        const a = new UtcPartitions();
        const b = new UtcPartitions();
        for (const ms of times) {
          b.of(t0 + 86_400_000);
          expect(a.of(ms)).toEqual(partitionOf(ms));
        }
      }),
    );
  });
});
