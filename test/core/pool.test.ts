import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runPool } from '#core/pool.js';

const tick = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('runPool', () => {
  it('returns results in item order whatever the finishing order, never above the concurrency', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 30 }),
        fc.integer({ min: 1, max: 8 }),
        async (delays, concurrency) => {
          let inFlight = 0;
          let peak = 0;
          const lanes = new Set<number>();
          const out = await runPool(delays, concurrency, async (ms, index, worker) => {
            inFlight += 1;
            peak = Math.max(peak, inFlight);
            lanes.add(worker);
            await tick(ms);
            inFlight -= 1;
            return index * 10;
          });
          expect(out).toEqual(delays.map((_, i) => i * 10));
          expect(peak).toBeLessThanOrEqual(concurrency);
          for (const w of lanes) expect(w).toBeLessThan(concurrency);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('stops taking items after the first failure and rethrows it once the running ones settle', async () => {
    const started: number[] = [];
    let settled = 0;
    const run = runPool([0, 1, 2, 3, 4, 5, 6, 7], 2, async (i) => {
      started.push(i);
      await tick(i === 1 ? 1 : 5);
      settled += 1;
      if (i === 1) throw new Error('window 1 failed');
      return i;
    });
    await expect(run).rejects.toThrow('window 1 failed');
    expect(started).toEqual([0, 1]);
    expect(settled).toBe(2);
  });

  it('refuses a concurrency that is not a whole number ≥ 1', async () => {
    await expect(runPool([1], 0, async (x) => x)).rejects.toThrow(RangeError);
    await expect(runPool([1], 1.5, async (x) => x)).rejects.toThrow(RangeError);
  });
});
