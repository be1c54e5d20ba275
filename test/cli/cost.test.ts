/** `worktrace cost` as users run it: the built CLI on the repository's cdk.json. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COST_COMPONENTS, type CostEstimate } from '#core/cost/model.js';

const worktrace = (args: string[]) =>
  spawnSync(process.execPath, ['bin/worktrace.mjs', 'cost', ...args], { encoding: 'utf8' });

describe('worktrace cost', () => {
  it('prints the component table, the total and where the prices come from for 100 M events a day', () => {
    const run = worktrace(['--events-per-day', '100000000']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^worktrace cost: 100,000,000 events a day .* us-east-1$/);
    expect(lines[1]).toMatch(/^component\s+line item\s+quantity\s+unit price\s+USD\/month$/);
    for (const c of COST_COMPONENTS) expect(run.stdout).toMatch(new RegExp(`^${c} `, 'm'));
    expect(run.stdout).toMatch(
      /^Kinesis\s+on-demand, aggregated: data in\s+[\d,.]+ GB ingested\s+\$0\.08\s+[\d,.]+$/m,
    );
    expect(run.stdout).toMatch(/^Lambda\s+redact: duration at 1024 MB\s+[\d,]+ GB-second \(Arm\)/m);
    expect(run.stdout).toMatch(/^total\s+[\d,]+\.\d\d$/m);
    expect(run.stdout).toMatch(
      /^prices: us-east-1 AWS list prices as of \d{4}-\d{2}-\d{2} \(check before use\); sources: https:\/\/aws\.amazon\.com\//m,
    );
  });

  it('reads 100M, 1e8 and 100000000 alike, and prints JSON whose total adds up', () => {
    const outs = ['100M', '1e8', '100000000'].map((n) =>
      worktrace(['--events-per-day', n, '--format', 'json']),
    );
    for (const o of outs) expect(o.status).toBe(0);
    const [a, b, c] = outs.map((o) => JSON.parse(o.stdout) as CostEstimate & { prices: { asOf: string } });
    expect(a?.totalUsd).toBe(b?.totalUsd);
    expect(a?.totalUsd).toBe(c?.totalUsd);
    const sum = (a?.lines ?? []).filter((l) => l.inTotal).reduce((s, l) => s + l.usd, 0);
    expect(a?.totalUsd).toBeCloseTo(sum, 6);
    expect(a?.prices.asOf).toMatch(/^\d{4}-/);
  });

  it('takes region, bytes, users and the deployment configuration from the options', () => {
    const us = JSON.parse(worktrace(['--events-per-day', '1B', '--format', 'json']).stdout) as CostEstimate;
    const fra = JSON.parse(
      worktrace([
        '--events-per-day',
        '1B',
        '--region',
        'eu-central-1',
        '--users',
        '5000',
        '--bytes-per-event',
        '400',
        '--format',
        'json',
      ]).stdout,
    ) as CostEstimate;
    expect(fra.region).toBe('eu-central-1');
    expect(fra.users).toBe(5000);
    expect(fra.bytesPerEvent).toBe(400);
    expect(fra.totalUsd).toBeGreaterThan(us.totalUsd);
    const dir = mkdtempSync(join(tmpdir(), 'wt-cost-'));
    const cdk = JSON.parse(readFileSync('cdk.json', 'utf8'));
    cdk.context.redactMemoryMb = 2048;
    cdk.context.policyPath = join(process.cwd(), 'config/policy.default.json');
    writeFileSync(join(dir, 'cdk.json'), JSON.stringify(cdk));
    const md = worktrace([
      '--events-per-day',
      '1M',
      '--cdk-json',
      join(dir, 'cdk.json'),
      '--format',
      'markdown',
    ]);
    expect(md.status).toBe(0);
    expect(md.stdout).toMatch(/^\| Lambda \| redact: duration at 2048 MB \|/m);
    expect(md.stdout).toMatch(/^\| \*\*total\*\* \| \| \| \| \*\*[\d,.]+\*\* \|$/m);
  });

  it('fails in one line with exit code 2 on bad input', () => {
    const cases: [string[], RegExp][] = [
      [[], /--events-per-day is required/],
      [['--events-per-day', 'lots'], /--events-per-day must be a positive number .*\(got "lots"\)/],
      [['--events-per-day', '0'], /--events-per-day must be a positive number/],
      [
        ['--events-per-day', '1M', '--region', 'mars-1'],
        /no prices for region "mars-1"; known regions: us-east-1, eu-west-1, eu-central-1/,
      ],
      [['--events-per-day', '1M', '--format', 'xml'], /--format must be one of table, markdown, json/],
      [['--events-per-day', '1M', '--users', '2.5'], /--users must be a whole number/],
      [
        ['--events-per-day', '1M', '--cdk-json', '/nonexistent/cdk.json'],
        /cannot read \/nonexistent\/cdk.json/,
      ],
    ];
    for (const [args, message] of cases) {
      const run = worktrace(args);
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stdout, args.join(' ')).toBe('');
      expect(run.stderr.trimEnd().split('\n'), args.join(' ')).toHaveLength(1);
      expect(run.stderr, args.join(' ')).toMatch(/^worktrace: /);
      expect(run.stderr, args.join(' ')).toMatch(message);
    }
  });
});
