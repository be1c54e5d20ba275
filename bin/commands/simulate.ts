/** `worktrace simulate`: deterministic workplace sessions to a file (with a ground-truth sidecar) or a stream. */
import type { Command } from 'commander';
import { failSoftly } from './common.js';
import { type SendOptions, withProducerOptions } from './send.js';

/** The options of `worktrace simulate`. */
export type SimulateOptions = SendOptions & { users: string; minutes: string; seed: string; out?: string };

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
    failSoftly(async (opts: SimulateOptions) => (await import('./simulate-run.js')).runSimulate(opts)),
  );
}
