/**
 * `worktrace canary`: unique canary secrets and PII through the whole local pipeline, then a search of every
 * zone and every view. Exit 1 naming each survivor's location.
 */
import type { Command } from 'commander';
import { failSoftly, type KeyAndPolicyFlags, withKeyAndPolicy } from './common.js';

/** The options of `worktrace canary`. */
export type CanaryOptions = KeyAndPolicyFlags & { aws?: boolean; function?: string };

/** Registers the command. */
export function registerCanary(program: Command): void {
  withKeyAndPolicy(
    program
      .command('canary')
      .description(
        'send canary secrets and PII through the local pipeline and search every zone and view for them',
      )
      .option('--aws', 'run the deployed canary function instead (stack output CanaryFunctionName)')
      .option('--function <name>', 'with --aws: the canary function name'),
  ).action(
    failSoftly(async (opts: CanaryOptions) => (await import('./canary-run.js')).runCanaryCommand(opts)),
  );
}
