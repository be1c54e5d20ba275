/** The whole local pipeline (kinesalite, poller + redact handler, s3rver, sequencer, DuckDB) as one run. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePolicy } from '#core/redact/policy.js';
import { runLocalPipeline, startLocalStack } from '../../local/runtime.js';
import { simulatedWorkload } from '../../local/workload.js';
import type { RunCase } from '../harness.js';

const USERS = 10;
const MINUTES = 10;

export const endToEndCase: RunCase = {
  kind: 'run',
  name: 'end-to-end',
  description: `worktrace local: ${USERS} users x ${MINUTES} min through Kinesis, poller, redact, S3, sequencer, DuckDB`,
  async measure() {
    const dir = mkdtempSync(join(tmpdir(), 'wt-bench-e2e-'));
    const stack = await startLocalStack({ dataDir: dir });
    try {
      const startMs = Date.UTC(2026, 10, 2, 9, 0, 0);
      const workload = simulatedWorkload({ users: USERS, minutes: MINUTES, startMs });
      const policy = parsePolicy({ version: 'bench', excludedApps: ['com.1password.1password'] });
      const stats = await runLocalPipeline(stack, {
        workload,
        users: USERS,
        minutes: MINUTES,
        startMs,
        policy,
        keyProvider: { getKey: async () => ({ key: new Uint8Array(32).fill(5), version: 'bench' }) },
      });
      const cpu = Object.values(stats.stages).reduce((n, s) => n + s.cpuMs, 0);
      const wall = Object.values(stats.stages).reduce((n, s) => n + s.wallMs, 0);
      const extras: Record<string, string | number> = { 'events sent': stats.sent, episodes: stats.episodes };
      for (const [name, s] of Object.entries(stats.stages)) {
        extras[`cpu% ${name}`] = Math.round((s.cpuMs / cpu) * 100);
        extras[`wall% ${name}`] = Math.round((s.wallMs / wall) * 100);
      }
      return { events: stats.generated, seconds: stats.durationMs / 1000, extras };
    } finally {
      await stack.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
