/** What `worktrace simulate` does: generates the sessions, then writes them or sends them. */
import { writeFile } from 'node:fs/promises';
import { SingleBar } from 'cli-progress';
import { simulate } from '../../agent/simulator/simulate.js';
import { printCounters, sendAll } from './send-run.js';
import type { SimulateOptions } from './simulate.js';

/** Where the ground truth of an output file goes. */
export function truthPath(out: string): string {
  return `${out.replace(/\.ndjson$/, '')}.truth.json`;
}

/** Simulates, then writes NDJSON and its ground truth (--out) or sends through the producer. */
export async function runSimulate(opts: SimulateOptions): Promise<void> {
  const sim = simulate({
    users: Number(opts.users),
    minutes: Number(opts.minutes),
    seed: Number(opts.seed),
  });
  if (opts.out) {
    await writeFile(opts.out, `${sim.events.map((e) => JSON.stringify(e)).join('\n')}\n`);
    await writeFile(truthPath(opts.out), `${JSON.stringify(sim.truth, null, 2)}\n`);
    console.log(
      `wrote ${sim.events.length} events (${sim.truth.planted.length} planted values) to ${opts.out} and ${truthPath(opts.out)}`,
    );
    return;
  }
  const bar = process.stderr.isTTY
    ? new SingleBar({ format: 'send [{bar}] {percentage}% | {value}/{total} events', hideCursor: true })
    : undefined;
  bar?.start(sim.events.length, 0);
  const counters = await sendAll(sim.events, opts, (n) => bar?.update(n));
  bar?.stop();
  printCounters(counters);
}
