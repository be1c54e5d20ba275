/** What `worktrace report` does: the datasheet's facts from the lake, rendered as HTML and Markdown. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalLake } from '#adapters/duckdb-lake.js';
import { VIEWS } from '#core/views/registry.js';
import { parseConfig } from '../../lib/config.js';
import { type LakeFacts, renderGovernanceReport } from '../../local/governance-report.js';
import { withLocalLake } from './local-lake.js';
import type { ReportOptions } from './report.js';

/** Gathers the datasheet's counts from a lake. */
export async function lakeFacts(lake: LocalLake): Promise<LakeFacts> {
  const rows = async (sql: string) => (await lake.query(sql)).rows;
  const num = (v: unknown) => Number(v ?? 0);
  const events = await rows('SELECT dt, count(*) AS n FROM events GROUP BY dt ORDER BY dt');
  const findingsPerDay = new Map(
    (
      await rows("SELECT dt, sum(findings) AS n FROM redaction_summary WHERE zone = 'events' GROUP BY dt")
    ).map((r) => [String(r.dt), num(r.n)]),
  );
  const findings = Object.fromEntries(
    (await rows('SELECT entity_type, sum(findings) AS n FROM redaction_summary GROUP BY 1')).map((r) => [
      String(r.entity_type),
      num(r.n),
    ]),
  );
  const views: Record<string, number> = {};
  for (const v of VIEWS) views[v.id] = num((await rows(`SELECT count(*) AS n FROM ${v.id}`))[0]?.n);
  const distinct = async (col: string) =>
    (await rows(`SELECT DISTINCT ${col} AS v FROM events WHERE ${col} IS NOT NULL ORDER BY 1`)).map((r) =>
      String(r.v),
    );
  return {
    eventsPerDay: events.map((r) => ({
      dt: String(r.dt),
      events: num(r.n),
      findings: findingsPerDay.get(String(r.dt)) ?? 0,
    })),
    findings,
    quarantined: num((await rows('SELECT count(*) AS n FROM quarantine'))[0]?.n),
    episodes: num((await rows('SELECT count(*) AS n FROM episodes'))[0]?.n),
    views,
    optOuts: num((await rows('SELECT count(DISTINCT user_pseudonym) AS n FROM opt_outs'))[0]?.n),
    policyVersions: await distinct('policy_version'),
    keyVersions: await distinct('key_version'),
  };
}

/** Writes the datasheet and the records of processing under <data-dir>/report/. */
export async function runReport(opts: ReportOptions): Promise<void> {
  const context =
    (JSON.parse(readFileSync(opts.cdkJson, 'utf8')) as { context?: Record<string, unknown> }).context ?? {};
  const config = parseConfig(context);
  const facts = await withLocalLake(
    {
      dataDir: opts.dataDir,
      stage: opts.stage,
      ...(opts.lakeDir ? { lakeDir: opts.lakeDir } : {}),
      params: {
        k: config.kAnonymity,
        minSteps: config.viewMinSteps,
        retentionDays: config.curatedRetentionDays,
        contextSteps: config.sftContextSteps,
      },
    },
    lakeFacts,
  );
  const report = renderGovernanceReport(config, facts, new Date().toISOString());
  const dir = join(opts.dataDir, 'report');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'datasheet.html'), report.datasheet.html);
  writeFileSync(join(dir, 'datasheet.md'), report.datasheet.markdown);
  writeFileSync(join(dir, 'records-of-processing.html'), report.records.html);
  writeFileSync(join(dir, 'records-of-processing.md'), report.records.markdown);
  const total = facts.eventsPerDay.reduce((n, d) => n + d.events, 0);
  console.log(
    `datasheet: ${total} events over ${facts.eventsPerDay.length} days, ${facts.episodes} episodes, ${facts.optOuts} opt-outs honoured`,
  );
  console.log(`wrote datasheet.html/.md and records-of-processing.html/.md under ${dir}`);
}
