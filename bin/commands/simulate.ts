/** `worktrace simulate`: deterministic workplace sessions to a file (with a ground-truth sidecar) or a stream. */
import { writeFile } from 'node:fs/promises';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { simulate } from '../../agent/simulator/simulate.js';
import { failSoftly } from './common.js';
import { printCounters, type SendOptions, sendAll, withProducerOptions } from './send.js';

/** Where the ground truth of an output file goes. */
export function truthPath(out: string): string {
  return `${out.replace(/\.ndjson$/, '')}.truth.json`;
}

/** Registers the command. */
export function registerSimulate(program: Command): void {
  withProducerOptions(
    program
      .command('simulate')
      .description('generate realistic, deterministic knowledge-work sessions with planted PII and secrets')
      .option('--users <n>', 'simulated users (one session each)', '3')
      .option('--minutes <n>', 'simulated minutes per user', '5')
      .option('--seed <n>', 'random seed (same seed, same bytes)', '1')
      .option('--out <file>', 'write NDJSON here (and <file>.truth.json) instead of sending'),
  ).action(
    failSoftly(async (opts: SendOptions & { users: string; minutes: string; seed: string; out?: string }) => {
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
    }),
  );
}
