/**
 * Benchmark harness. Every case reports events/s and its ratio to the floor (base64 decode + JSON.parse
 * of realistic Kinesis payloads) measured in the same run, so a noisy shared machine still gives
 * comparable figures. Rates come from the median call time. The floor is measured again between cases,
 * and each case is compared to the mean of the floor runs just before and just after it: load on a shared
 * machine drifts over a run, and a single floor at the start would skew later ratios either way. Results
 * go to bench/results.json and a table on stdout.
 */
import { Bench } from 'tinybench';

/** Extra figures a case reports beside its rate (sizes, billing units, recall...). */
export type BenchExtras = Record<string, number | string>;

/** A micro case: tinybench calls `run` repeatedly; each call processes `events` events. */
export interface MicroCase {
  readonly kind: 'micro';
  readonly name: string;
  readonly description: string;
  readonly events: number;
  /** Minimum ratio to the floor this case must reach (checked and reported, not asserted in tests). */
  readonly targetRatio?: number;
  setup?(): Promise<void> | void;
  run(): Promise<unknown> | unknown;
  teardown?(): Promise<void> | void;
  extras?(): Promise<BenchExtras> | BenchExtras;
}

/** A run case: measures itself once (end-to-end paths, emulators) and says how many events it moved. */
export interface RunCase {
  readonly kind: 'run';
  readonly name: string;
  readonly description: string;
  readonly targetRatio?: number;
  measure(): Promise<{ events: number; seconds: number; extras?: BenchExtras }>;
}

export type BenchCase = MicroCase | RunCase;

/** One case's result. */
export interface BenchResult {
  readonly name: string;
  readonly description: string;
  readonly eventsPerSecond: number;
  readonly ratioToFloor: number;
  readonly targetRatio: number | null;
  readonly meetsTarget: boolean | null;
  readonly extras: BenchExtras;
}

/**
 * Runs one micro case under tinybench and returns events/s from the median time of one `run()` call.
 * On this shared machine a neighbour's burst stretches a few calls several-fold; the median ignores those
 * tails where the mean does not. The mean-based rate is kept in the extras.
 */
async function runMicro(c: MicroCase, timeMs: number): Promise<{ eps: number; extras: BenchExtras }> {
  await c.setup?.();
  const bench = new Bench({ time: timeMs, warmupTime: Math.min(300, timeMs / 3) });
  bench.add(c.name, () => c.run());
  await bench.run();
  const task = bench.tasks[0];
  const result = task?.result;
  if (!result || !('throughput' in result)) {
    throw new Error(
      `bench case ${c.name} failed: ${result && 'error' in result ? result.error.message : 'no result'}`,
    );
  }
  const extras = {
    ...((await c.extras?.()) ?? {}),
    'events/s from the mean': (c.events * 1000) / result.period,
  };
  await c.teardown?.();
  return { eps: (c.events * 1000) / result.latency.p50, extras };
}

/** Runs the floor, then each case followed by the floor again, and computes ratios to adjacent floors. */
export async function runBenchmarks(
  floor: MicroCase,
  cases: readonly BenchCase[],
  timeMs = 1500,
): Promise<BenchResult[]> {
  let before = await runMicro(floor, timeMs);
  const results: BenchResult[] = [
    {
      name: floor.name,
      description: floor.description,
      eventsPerSecond: before.eps,
      ratioToFloor: 1,
      targetRatio: null,
      meetsTarget: null,
      extras: before.extras,
    },
  ];
  for (const c of cases) {
    const { eps, extras } =
      c.kind === 'micro'
        ? await runMicro(c, timeMs)
        : await c.measure().then((m) => ({ eps: m.events / m.seconds, extras: m.extras ?? {} }));
    const after = await runMicro(floor, timeMs);
    const floorEps = (before.eps + after.eps) / 2;
    before = after;
    const ratio = eps / floorEps;
    results.push({
      name: c.name,
      description: c.description,
      eventsPerSecond: eps,
      ratioToFloor: ratio,
      targetRatio: c.targetRatio ?? null,
      meetsTarget: c.targetRatio === undefined ? null : ratio >= c.targetRatio,
      extras: { ...extras, 'floor events/s around this case': Math.round(floorEps) },
    });
  }
  return results;
}

/** Renders results as a fixed-width table. */
export function formatResults(results: readonly BenchResult[]): string {
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const lines = [
    `${'case'.padEnd(26)} ${'events/s'.padStart(12)} ${'x floor'.padStart(8)} ${'target'.padStart(8)}  ok`,
  ];
  for (const r of results) {
    const target = r.targetRatio === null ? '-' : `>=${r.targetRatio}`;
    const ok = r.meetsTarget === null ? '' : r.meetsTarget ? 'yes' : 'NO';
    lines.push(
      `${r.name.padEnd(26)} ${fmt(r.eventsPerSecond).padStart(12)} ${r.ratioToFloor.toFixed(3).padStart(8)} ${target.padStart(8)}  ${ok}`,
    );
    for (const [k, v] of Object.entries(r.extras)) {
      lines.push(`${''.padEnd(4)}${k}: ${typeof v === 'number' ? Number(v.toPrecision(6)) : v}`);
    }
  }
  return lines.join('\n');
}
