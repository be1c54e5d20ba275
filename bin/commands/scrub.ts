/** `worktrace scrub --jsonl`: the scrubbing engine on stdin lines, same engine and policy as the Lambda. */
import type { Command } from 'commander';
import { failSoftly, type KeyAndPolicyFlags, withKeyAndPolicy } from './common.js';

/** Registers the command. */
export function registerScrub(program: Command): void {
  withKeyAndPolicy(
    program
      .command('scrub')
      .description(
        'scrub text: reads {"text": "..."} lines on stdin, writes {"text", "findings"} lines on stdout',
      )
      .requiredOption('--jsonl', 'input and output are JSON Lines'),
  ).action(failSoftly(async (opts: KeyAndPolicyFlags) => (await import('./scrub-run.js')).runScrub(opts)));
}
