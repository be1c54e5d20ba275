/**
 * How sequencing scales with volume (issue 18): the whole local pipeline (`worktrace local`, the same code
 * as the Lambdas) at two sizes, 20 and 50 simulated users for 60 minutes, each in its own process, timed
 * from spawn to exit with its peak RSS. Prints the time ratio against the events ratio (target: at most
 * 1.2× the events ratio) and the larger run's wall time and peak RSS (targets: under 60 s and 1 GiB).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunCase } from '../harness.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SIZES = [20, 50] as const;
const MINUTES = 60;

/** One `worktrace local` run in a child process: events sent, wall seconds, peak RSS in MiB. */
function runLocal(users: number): { events: number; seconds: number; rssMiB: number } {
  const dir = mkdtempSync(join(tmpdir(), `wt-bench-scale-${users}-`));
  const rssFile = join(dir, 'rss');
  try {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        join(ROOT, 'bench', 'rss-probe.mjs'),
        join(ROOT, 'bin', 'worktrace.mjs'),
        'local',
        '--users',
        String(users),
        '--minutes',
        String(MINUTES),
        '--data-dir',
        join(dir, 'data'),
      ],
      {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, WORKTRACE_RSS_FILE: rssFile },
        maxBuffer: 1 << 26,
      },
    );
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const sent = /\bsent (\d+)/.exec(r.stdout)?.[1];
    if (r.status !== 0 || sent === undefined)
      throw new Error(
        `scaling: worktrace local --users ${users} failed (exit ${r.status}): ${r.stderr.slice(0, 400)}`,
      );
    return { events: Number(sent), seconds, rssMiB: Number(readFileSync(rssFile, 'utf8')) / 1024 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const scalingCase: RunCase = {
  kind: 'run',
  name: 'scaling',
  description: `worktrace local at ${SIZES.join(' and ')} users x ${MINUTES} min: time ratio against events ratio`,
  async measure() {
    const [small, large] = SIZES.map(runLocal) as [ReturnType<typeof runLocal>, ReturnType<typeof runLocal>];
    const eventsRatio = large.events / small.events;
    const timeRatio = large.seconds / small.seconds;
    return {
      events: large.events,
      seconds: large.seconds,
      extras: {
        [`${SIZES[0]} users: events`]: small.events,
        [`${SIZES[0]} users: wall s`]: Math.round(small.seconds * 10) / 10,
        [`${SIZES[0]} users: peak RSS MiB`]: Math.round(small.rssMiB),
        [`${SIZES[1]} users: events`]: large.events,
        [`${SIZES[1]} users: wall s (target < 60)`]: Math.round(large.seconds * 10) / 10,
        [`${SIZES[1]} users: peak RSS MiB (target < 1024)`]: Math.round(large.rssMiB),
        'events ratio': Math.round(eventsRatio * 100) / 100,
        'time ratio': Math.round(timeRatio * 100) / 100,
        'time ratio / events ratio (target <= 1.2)': Math.round((timeRatio / eventsRatio) * 100) / 100,
      },
    };
  },
};
