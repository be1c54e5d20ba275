/**
 * Start-up of the `worktrace` command as users run it (bin/worktrace.mjs on the built dist/cli), beside
 * a bare `node -e 0`: `--help` loads commander and the registrations only; `scrub --jsonl` loads its one
 * chunk (policy, scrubber) and scrubs a line. Targets: 0.3 s and 0.6 s wall, median.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCli, buildIsCurrent } from '../../scripts/build-cli.mjs';
import type { ProcessCase, TimedCommand } from '../harness.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'worktrace.mjs');

/** Spawns node with `args` (and `input` on stdin), failing unless it exits 0 with `expect` on stdout. */
function node(label: string, args: string[], expect: RegExp, input?: string, targetSeconds?: number) {
  return {
    label,
    ...(targetSeconds === undefined ? {} : { targetSeconds }),
    run() {
      const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', input });
      if (r.status !== 0 || !expect.test(r.stdout))
        throw new Error(`startup: ${label} failed (exit ${r.status}): ${r.stderr.slice(0, 500)}`);
    },
  } satisfies TimedCommand;
}

let dataDir = '';

export const startupCase: ProcessCase = {
  kind: 'process',
  name: 'startup',
  description: 'wall time from spawn to exit of the worktrace command, beside node -e 0',
  runs: 15,
  async setup() {
    // Time the built CLI, not a first-start rebuild; and keep scrub's key file out of the checkout.
    if (!buildIsCurrent()) await buildCli();
    dataDir = mkdtempSync(join(tmpdir(), 'wt-bench-startup-'));
  },
  commands: () => [
    node('node -e 0', ['-e', '0'], /^$/),
    node('worktrace --help', [BIN, '--help'], /Usage: worktrace/, undefined, 0.3),
    node(
      `echo '{"text":"x"}' | worktrace scrub --jsonl`,
      [BIN, 'scrub', '--jsonl', '--data-dir', dataDir],
      /^\{"text":"x","findings":\[\]\}\n$/,
      '{"text":"x"}\n',
      0.6,
    ),
  ],
};
