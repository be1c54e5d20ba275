/**
 * Benchmark harness. Every case reports events/s and its ratio to the floor (base64 decode + JSON.parse
 * of realistic Kinesis payloads) measured in the same run, so a noisy shared machine still gives
 * comparable figures. Rates come from the median call time. The floor is measured again between cases,
 * and each case is compared to the mean of the floor runs just before and just after it: load on a shared
 * machine drifts over a run, and a single floor at the start would skew later ratios either way. Process
 * cases (start-up) time whole commands instead, against a baseline command of their own (`node -e 0`),
 * with targets in seconds. Results go to bench/results.json and tables on stdout.
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

/** One command a process case times. */
export interface TimedCommand {
  readonly label: string;
  /** Runs the command once and throws if it did not do its job. */
  run(): void;
  /** Maximum median wall time in seconds (checked and reported, not asserted in tests). */
  readonly targetSeconds?: number;
}

/**
 * A process case: spawns each command `runs` times, interleaved so that load drift on a shared machine
 * falls on all of them alike, and reports median wall times, each also as a multiple of the first
 * command's (the baseline).
 */
export interface ProcessCase {
  readonly kind: 'process';
  readonly name: string;
  readonly description: string;
  readonly runs: number;
  setup?(): Promise<void> | void;
  commands(): readonly TimedCommand[];
}

export type BenchCase = MicroCase | RunCase | ProcessCase;

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

/** One command's result in a process case. */
export interface CommandTiming {
  readonly label: string;
  readonly medianSeconds: number;
  readonly ratioToBaseline: number;
  readonly targetSeconds: number | null;
  readonly meetsTarget: boolean | null;
}

/** A process case's result: the baseline first. */
export interface ProcessResult {
  readonly kind: 'process';
  readonly name: string;
  readonly description: string;
  readonly runs: number;
  readonly timings: readonly CommandTiming[];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Runs a process case: one warm-up round, then `runs` interleaved rounds. */
async function runProcess(c: ProcessCase): Promise<ProcessResult> {
  await c.setup?.();
  const commands = c.commands();
  for (const command of commands) command.run();
  const seconds = commands.map(() => [] as number[]);
  for (let round = 0; round < c.runs; round += 1) {
    commands.forEach((command, i) => {
      const start = process.hrtime.bigint();
      command.run();
      seconds[i]?.push(Number(process.hrtime.bigint() - start) / 1e9);
    });
  }
  const medians = seconds.map(median);
  const baseline = medians[0] as number;
  return {
    kind: 'process',
    name: c.name,
    description: c.description,
    runs: c.runs,
    timings: commands.map((command, i) => ({
      label: command.label,
      medianSeconds: medians[i] as number,
      ratioToBaseline: (medians[i] as number) / baseline,
      targetSeconds: command.targetSeconds ?? null,
      meetsTarget:
        command.targetSeconds === undefined ? null : (medians[i] as number) <= command.targetSeconds,
    })),
  };
}

/**
 * Runs the floor, then each case followed by the floor again, and computes ratios to adjacent floors.
 * Process cases compare to their own baseline command and need no floor around them.
 */
export async function runBenchmarks(
  floor: MicroCase,
  cases: readonly BenchCase[],
  timeMs = 1500,
): Promise<(BenchResult | ProcessResult)[]> {
  let before = await runMicro(floor, timeMs);
  const results: (BenchResult | ProcessResult)[] = [
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
    if (c.kind === 'process') {
      results.push(await runProcess(c));
      continue;
    }
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

/** Renders a process case as a table of its own: median seconds, multiple of the baseline, target. */
function formatProcess(r: ProcessResult): string[] {
  const width = Math.max(26, ...r.timings.map((t) => t.label.length));
  const baseline = r.timings[0]?.label ?? 'baseline';
  const lines = [
    '',
    `${r.name}: ${r.description} (median of ${r.runs} runs each)`,
    `${'command'.padEnd(width)} ${'seconds'.padStart(9)} ${`x ${baseline}`.padStart(12)} ${'target'.padStart(8)}  ok`,
  ];
  for (const t of r.timings) {
    const target = t.targetSeconds === null ? '-' : `<=${t.targetSeconds}`;
    const ok = t.meetsTarget === null ? '' : t.meetsTarget ? 'yes' : 'NO';
    lines.push(
      `${t.label.padEnd(width)} ${t.medianSeconds.toFixed(3).padStart(9)} ${t.ratioToBaseline.toFixed(2).padStart(12)} ${target.padStart(8)}  ${ok}`,
    );
  }
  return lines;
}

/** Renders results as fixed-width tables: rate cases first, then each process case. */
export function formatResults(results: readonly (BenchResult | ProcessResult)[]): string {
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const lines = [
    `${'case'.padEnd(26)} ${'events/s'.padStart(12)} ${'x floor'.padStart(8)} ${'target'.padStart(8)}  ok`,
  ];
  const processes: ProcessResult[] = [];
  for (const r of results) {
    if ('kind' in r) {
      processes.push(r);
      continue;
    }
    const target = r.targetRatio === null ? '-' : `>=${r.targetRatio}`;
    const ok = r.meetsTarget === null ? '' : r.meetsTarget ? 'yes' : 'NO';
    lines.push(
      `${r.name.padEnd(26)} ${fmt(r.eventsPerSecond).padStart(12)} ${r.ratioToFloor.toFixed(3).padStart(8)} ${target.padStart(8)}  ${ok}`,
    );
    for (const [k, v] of Object.entries(r.extras)) {
      lines.push(`${''.padEnd(4)}${k}: ${typeof v === 'number' ? Number(v.toPrecision(6)) : v}`);
    }
  }
  for (const r of processes) lines.push(...formatProcess(r));
  return lines.join('\n');
}
