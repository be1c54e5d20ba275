/**
 * Export throughput per format: one 20-user local run (the whole pipeline, as `worktrace local`), then
 * every export format written from the local DuckDB lake with a user-disjoint 80/10/10 split. Prints
 * output records per second for each format (episode records for the transcript formats and hf, chat
 * records per step for chat), reading the view included, measured back to back in one process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalLake } from '#adapters/duckdb-lake.js';
import { parsePolicy } from '#core/redact/policy.js';
import { EXPORT_FORMATS, exportSql, planExport, writeExport } from '../../bin/commands/export-run.js';
import { parseConfig } from '../../lib/config.js';
import { runLocalPipeline, startLocalStack } from '../../local/runtime.js';
import { simulatedWorkload } from '../../local/workload.js';
import type { RunCase } from '../harness.js';

const USERS = 20;
const MINUTES = 20;

export const exportCase: RunCase = {
  kind: 'run',
  name: 'export formats',
  description: `worktrace export --split 80/10/10 in every format after a ${USERS}-user x ${MINUTES}-min local run`,
  async measure() {
    const dir = mkdtempSync(join(tmpdir(), 'wt-bench-export-'));
    const stack = await startLocalStack({ dataDir: dir });
    try {
      const startMs = Date.UTC(2026, 10, 2, 9, 0, 0);
      await runLocalPipeline(stack, {
        workload: simulatedWorkload({ users: USERS, minutes: MINUTES, startMs }),
        users: USERS,
        minutes: MINUTES,
        startMs,
        policy: parsePolicy({ version: 'bench', excludedApps: ['com.1password.1password'] }),
        keyProvider: { getKey: async () => ({ key: new Uint8Array(32).fill(5), version: 'bench' }) },
      });
      const lake = await LocalLake.open({ stores: stack.stores, cacheDir: join(dir, 'cache', 'export') });
      const extras: Record<string, string | number> = {};
      let records = 0;
      let seconds = 0;
      try {
        for (const format of EXPORT_FORMATS) {
          const out = join(dir, 'out', format);
          const plan = planExport({
            format,
            ...(format === 'jsonl' ? { view: 'training_trajectories' } : {}),
            split: '80/10/10',
            out,
          });
          const t0 = process.hrtime.bigint();
          const rows = (await lake.query(exportSql(plan.view))).rows;
          const t1 = process.hrtime.bigint();
          const summary = await writeExport(
            plan,
            rows,
            format === 'hf'
              ? { config: parseConfig({}), engine: 'duckdb', findings: {}, optOuts: 0 }
              : undefined,
          );
          const t2 = process.hrtime.bigint();
          const s = Number(t2 - t0) / 1e9;
          extras[`${format} rows/s`] = Math.round(summary.records / s);
          extras[`${format} rows/s without the view query`] = Math.round(
            summary.records / (Number(t2 - t1) / 1e9),
          );
          extras[`${format} rows`] = summary.records;
          records += summary.records;
          seconds += s;
        }
      } finally {
        lake.close();
      }
      return { events: records, seconds, extras };
    } finally {
      await stack.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
