import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildFixtureLake } from '../fixtures/lake.js';

describe('worktrace report', () => {
  it('writes the datasheet and the records of processing from the lake and cdk.json', async () => {
    const fx = await buildFixtureLake();
    const lakeDir = mkdtempSync(join(tmpdir(), 'wt-report-lake-'));
    for (const zone of ['events', 'quarantine', 'curated'])
      cpSync(join(fx.root, zone), lakeDir, { recursive: true });
    const dataDir = mkdtempSync(join(tmpdir(), 'wt-report-'));
    const run = spawnSync(
      process.execPath,
      ['bin/worktrace.mjs', 'report', '--lake-dir', lakeDir, '--data-dir', dataDir],
      {
        encoding: 'utf8',
      },
    );
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/datasheet: \d+ events over 2 days, 8 episodes, 1 opt-outs honoured/);
    const md = readFileSync(join(dataDir, 'report', 'datasheet.md'), 'utf8');
    const context = JSON.parse(readFileSync('cdk.json', 'utf8')).context;
    expect(md).toContain(`| events zone (redacted events) | ${context.eventsRetentionDays} days |`);
    expect(md).toContain('| EMAIL | 13 |'); // 12 in events + 1 in quarantine
    expect(md).toContain(`| k-anonymity of published statistics | ${context.kAnonymity} |`);
    expect(md).toContain('| policy versions in the data | policy-1 |');
    expect(md).toContain('## Estimated AWS cost');
    expect(md).toMatch(/^\| Kinesis \| [\d,.]+ \|$/m);
    expect(md).toMatch(/^\| total \| [\d,.]+ \|$/m);
    expect(md).toContain(
      `For ${context.expectedEventsPerDay.toLocaleString('en-US')} events a day (\`expectedEventsPerDay\`), USD a month; prices: us-east-1 AWS list prices as of`,
    );
    const html = readFileSync(join(dataDir, 'report', 'datasheet.html'), 'utf8');
    expect(html.match(/<svg /g)).toHaveLength(2); // volume per day, findings per type
    expect(html).not.toMatch(/<script|(src|href)="https?:/); // self-contained: no external assets
    const records = readFileSync(join(dataDir, 'report', 'records-of-processing.md'), 'utf8');
    expect(records).toContain('| purpose |');
    expect(records).toContain(`curated zone (actions, episodes): ${context.curatedRetentionDays} days`);
    expect(records).not.toContain('Globex'); // deny-list terms are counted, never shown
  });
});
