/** The cost model's arithmetic against hand-computed line items, and the behaviour it must keep. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MEASURED } from '#core/cost/measured.js';
import { COST_COMPONENTS, type CostInputs, estimateMonthlyCost } from '#core/cost/model.js';
import { PRICES } from '#core/cost/prices.js';
import { ConfigSchema } from '../../../lib/config.js';

/** The configuration defaults (cdk.json holds the same values). */
const DEFAULTS = ConfigSchema.parse({});

const estimate = (eventsPerDay: number, over: Partial<CostInputs> = {}) =>
  estimateMonthlyCost({
    eventsPerDay,
    region: 'us-east-1',
    prices: PRICES.regions['us-east-1'],
    deployment: DEFAULTS,
    ...over,
  });

const line = (e: ReturnType<typeof estimate>, item: RegExp) => {
  const found = e.lines.filter((l) => item.test(l.item));
  expect(found, String(item)).toHaveLength(1);
  return found[0] as (typeof found)[number];
};

describe('estimateMonthlyCost, by hand', () => {
  const e = estimate(1_000_000);

  it('Kinesis on-demand data in: 1 M events × 30.4 days × 147 KB units per 517-event record, at $0.08 a GB', () => {
    // 517 events × 281.6 B × 1.0306 = 150,042 B → 147 units of 1 KB per record.
    const gb = (1_000_000 * 30.4 * (147 / 517) * 1024) / 1024 ** 3;
    const l = line(e, /^on-demand, aggregated: data in$/);
    expect(l.quantity).toBeCloseTo(gb, 9);
    expect(l.usd).toBeCloseTo(gb * 0.08, 9);
    expect(l.usd).toBeCloseTo(0.6595, 4);
    expect(l.inTotal).toBe(true);
  });

  it('events zone: 1 M events × 34.87 B × 30 days of retention, at $0.023 a GB-month', () => {
    const l = line(e, /^events zone, Standard, 30 days$/);
    expect(l.usd).toBeCloseTo(((1_000_000 * 34.87 * 30) / 1024 ** 3) * 0.023, 9);
    expect(l.usd).toBeCloseTo(0.02241, 5);
  });

  it('redact duration: CPU per event × 1769/1024 plus 60 ms per invocation; one aggregated record a batch at 1 M a day', () => {
    // 11.6 events/s in 517-event records: a record every 45 s, so each batch holds one record.
    const invocations = 30.4e6 / 517;
    const cpuSeconds = (30.4e6 / (0.134 * 400_000)) * (1769 / 1024);
    const gbSeconds = (cpuSeconds + invocations * 0.06) * (1024 / 1024);
    expect(e.derived.redactInvocations).toBeCloseTo(invocations, 6);
    const l = line(e, /^redact: duration at 1024 MB$/);
    expect(l.quantity).toBeCloseTo(gbSeconds, 6);
    expect(l.usd).toBeCloseTo(gbSeconds * 0.0000133334, 9);
    expect(line(e, /^redact: invocations$/).usd).toBeCloseTo((invocations / 1e6) * 0.2, 12);
  });

  it('redact invocations at 100 M a day: the 5 s batch window closes them, 4 pollers (on-demand minimum)', () => {
    const big = estimate(100_000_000);
    // 1,157 events/s ÷ 517 per record ÷ 4 pollers × 5 s = 2.8 records (1,447 events) a batch.
    expect(big.derived.eventsPerInvocation).toBeCloseTo((100_000_000 / 86_400 / 4) * 5, 6);
    expect(big.derived.redactInvocations).toBeCloseTo((30.4 * 86_400 * 4) / 5, 3);
  });

  it('Athena: 1,000 queries × 7 days × 5.64 MB a day, rounded up to 38 MB, at $5 a TB; 10 MB at least', () => {
    expect(line(e, /queries ×/).usd).toBeCloseTo(((1000 * 38 * 1024 ** 2) / 1024 ** 4) * 5, 9);
    const small = estimate(10_000);
    expect(line(small, /queries ×/).usd).toBeCloseTo(((1000 * 10 * 1024 ** 2) / 1024 ** 4) * 5, 9);
  });

  it('the total is the sum of the lines in it, and per component the same', () => {
    const inTotal = e.lines.filter((l) => l.inTotal);
    expect(e.totalUsd).toBeCloseTo(
      inTotal.reduce((s, l) => s + l.usd, 0),
      9,
    );
    for (const c of COST_COMPONENTS)
      expect(e.byComponent[c]).toBeCloseTo(
        inTotal.filter((l) => l.component === c).reduce((s, l) => s + l.usd, 0),
        9,
      );
    for (const l of e.lines) expect(l.usd).toBeCloseTo(l.quantity * l.unitPriceUsd, 9);
  });
});

describe('estimateMonthlyCost, behaviour', () => {
  it('more events never cost less, in total or in any component but S3 storage', () => {
    // S3 storage alone may dip: past 128 KB a curated object starts to move to the cheaper tiers.
    const monotone = COST_COMPONENTS.filter((c) => c !== 'S3 storage');
    fc.assert(
      fc.property(
        fc.double({ min: 1_000, max: 5e9, noNaN: true }),
        fc.double({ min: 1, max: 50, noNaN: true }),
        (n, factor) => {
          const a = estimate(n);
          const b = estimate(n * factor);
          expect(b.totalUsd).toBeGreaterThanOrEqual(a.totalUsd - 1e-9);
          for (const c of monotone)
            expect(b.byComponent[c], c).toBeGreaterThanOrEqual(a.byComponent[c] - 1e-9);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('S3 storage dips where curated objects reach 128 KB and start to transition, and the total still rises', () => {
    // 192 curated objects a day × 128 KiB ÷ 5.64 B an event ≈ 4.46 M events a day.
    const below = estimate(4_400_000);
    const above = estimate(4_500_000);
    expect(below.derived.curatedObjectBytes).toBeLessThan(128 * 1024);
    expect(above.derived.curatedObjectBytes).toBeGreaterThanOrEqual(128 * 1024);
    expect(above.byComponent['S3 storage']).toBeLessThan(below.byComponent['S3 storage']);
    expect(above.totalUsd).toBeGreaterThan(below.totalUsd);
  });

  it('another region prices the same quantities differently', () => {
    const us = estimate(100_000_000);
    const fra = estimate(100_000_000, { region: 'eu-central-1', prices: PRICES.regions['eu-central-1'] });
    expect(fra.lines.map((l) => l.quantity)).toEqual(us.lines.map((l) => l.quantity));
    expect(line(fra, /^events zone/).unitPriceUsd).toBe(0.0245);
    expect(line(us, /^events zone/).unitPriceUsd).toBe(0.023);
    expect(fra.totalUsd).toBeGreaterThan(us.totalUsd);
  });

  it('storage follows each zone retention', () => {
    const base = estimate(100_000_000);
    const longer = estimate(100_000_000, { deployment: { ...DEFAULTS, eventsRetentionDays: 60 } });
    expect(line(longer, /^events zone, Standard, 60 days$/).usd).toBeCloseTo(
      2 * line(base, /^events zone, Standard, 30 days$/).usd,
      9,
    );
  });

  it('curated objects move through Standard, Standard-IA and Glacier IR for the configured days', () => {
    const e = estimate(100_000_000);
    const perDay = (100_000_000 * MEASURED.curatedParquetBytesPerEvent) / 1024 ** 3;
    expect(line(e, /^curated zone, Standard, days 0–30$/).quantity).toBeCloseTo(perDay * 30, 9);
    expect(line(e, /^curated zone, Standard-IA, days 30–90$/).quantity).toBeCloseTo(perDay * 60, 9);
    expect(line(e, /^curated zone, Glacier IR, days 90–365$/).quantity).toBeCloseTo(perDay * 275, 9);
    const later = estimate(100_000_000, {
      deployment: { ...DEFAULTS, curatedGlacierInstantRetrievalDays: 120 },
    });
    expect(line(later, /Standard-IA, days 30–120$/).quantity).toBeCloseTo(perDay * 90, 9);
    expect(line(later, /Glacier IR, days 120–365$/).quantity).toBeCloseTo(perDay * 245, 9);
    expect(later.byComponent['S3 storage']).toBeGreaterThan(e.byComponent['S3 storage']);
  });

  it('curated objects under 128 KB stay in Standard for the whole retention (S3 does not transition them)', () => {
    const e = estimate(1_000_000); // 5.64 MB a day in 192 objects: 29 KB each
    expect(e.derived.curatedObjectBytes).toBeLessThan(128 * 1024);
    expect(line(e, /^curated zone, Standard, 365 days/).quantity).toBeCloseTo(
      (1_000_000 * 5.64 * 365) / 1024 ** 3,
      9,
    );
    expect(e.lines.some((l) => /lifecycle|Glacier/.test(l.item))).toBe(false);
  });

  it('KPL aggregation lowers Kinesis in both capacity modes', () => {
    const e = estimate(100_000_000);
    const sum = (re: RegExp) => e.lines.filter((l) => re.test(l.item)).reduce((s, l) => s + l.usd, 0);
    expect(sum(/^provisioned, aggregated/)).toBeLessThan(sum(/^provisioned, plain records/));
    expect(sum(/^on-demand, aggregated/)).toBeLessThan(sum(/^on-demand, plain records/));
    expect(e.derived.provisionedShardsAggregated).toBeLessThan(e.derived.provisionedShardsPlain as number);
    const provisioned = { ...DEFAULTS, streamMode: 'provisioned' as const };
    const withAgg = estimate(100_000_000, { deployment: provisioned });
    const without = estimate(100_000_000, { deployment: provisioned, assumptions: { aggregation: false } });
    expect(withAgg.byComponent.Kinesis).toBeLessThan(without.byComponent.Kinesis);
  });

  it('the deployed stream mode is the one in the total; the other lines are alternatives', () => {
    const onDemand = estimate(100_000_000);
    expect(onDemand.lines.filter((l) => l.component === 'Kinesis' && l.inTotal).map((l) => l.item)).toEqual([
      'on-demand, aggregated: stream-hours',
      'on-demand, aggregated: data in',
      'on-demand, aggregated: data out (redact)',
    ]);
    const provisioned = estimate(100_000_000, {
      deployment: { ...DEFAULTS, streamMode: 'provisioned', streamShards: 2 },
    });
    expect(
      provisioned.lines.filter((l) => l.component === 'Kinesis' && l.inTotal).map((l) => l.item),
    ).toEqual(['provisioned, aggregated: 2 shard(s)', 'provisioned, aggregated: PUT payload units']);
  });

  it('memory from the deployment sets the GB-seconds', () => {
    const big = estimate(100_000_000, { deployment: { ...DEFAULTS, sequenceMemoryMb: 3072 } });
    const base = estimate(100_000_000);
    expect(line(big, /^sequence: duration at 3072 MB /).quantity).toBeGreaterThan(
      line(base, /^sequence: duration at 1536 MB /).quantity,
    );
  });

  it('warns when a sequencer shard job outgrows its memory or time at the configured shards, and not before', () => {
    expect(estimate(1_000_000).warnings).toEqual([]);
    expect(estimate(10_000_000).warnings.join('\n')).not.toMatch(/shard job/);
    const w = estimate(1_000_000_000).warnings.join('\n');
    expect(w).toMatch(/a sequencer shard job holds about [\d,]+ rows at sequenceShards 4/);
    const more = estimate(1_000_000_000, { deployment: { ...DEFAULTS, sequenceShards: 64 } });
    expect(more.warnings.join('\n')).not.toMatch(/shard job/);
  });

  it('rejects what it cannot price', () => {
    expect(() => estimate(0)).toThrow(/events per day must be a positive number/);
    expect(() => estimate(Number.NaN)).toThrow(/events per day/);
    expect(() => estimate(1e6, { bytesPerEvent: -1 })).toThrow(/bytes per event/);
    expect(() => estimate(1e6, { users: 2.5 })).toThrow(/users must be a positive whole number/);
  });
});
