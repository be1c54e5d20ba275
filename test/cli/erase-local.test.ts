/**
 * `worktrace erase --user` on a local run of 20 simulated users: DuckDB finds the objects that hold the
 * subject (the same `SELECT DISTINCT "$path"` Athena runs), a worker pool rewrites them, and the receipt
 * lists exactly those objects, which a query before the erase named.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalKeyFileProvider } from '#adapters/local-key-provider.js';
import { defaultBucketName } from '#core/lake/schema.js';
import { Pseudonymizer } from '#core/redact/pseudonym.js';

const TABLES = ['events', 'quarantine', 'actions', 'episodes'] as const;

function worktrace(dataDir: string, args: string[]) {
  const r = spawnSync(process.execPath, ['bin/worktrace.mjs', ...args, '--data-dir', dataDir], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`worktrace ${args[0]} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** Every object (as its `$path`) holding the pseudonym, and its rows per table, by the CLI's query. */
function holdings(dataDir: string, pseudonym: string): { paths: string[]; rows: Record<string, number> } {
  const sql = TABLES.map(
    (t) =>
      `SELECT '${t}' AS t, "$path" AS path, count(*) AS n FROM ${t} WHERE user_pseudonym = '${pseudonym}' GROUP BY 1, 2`,
  ).join(' UNION ALL ');
  const rows = JSON.parse(worktrace(dataDir, ['query', sql, '--format', 'json'])) as {
    t: string;
    path: string;
    n: string;
  }[];
  const perTable: Record<string, number> = {};
  for (const r of rows) perTable[r.t] = (perTable[r.t] ?? 0) + Number(r.n);
  return { paths: rows.map((r) => r.path).sort(), rows: perTable };
}

describe('worktrace erase on a local run of 20 users', () => {
  it('receipts exactly the objects that held the subject, and leaves none of their rows', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wt-erase-local-'));
    worktrace(dataDir, ['local', '--users', '20', '--minutes', '10']);
    const key = await new LocalKeyFileProvider(join(dataDir, 'keys', 'pseudonym.key')).getKey();
    // The simulator's users are user<n>.sim1@corp.example; user 7 is not opted out by the default policy.
    const raw = 'user7.sim1@corp.example';
    const pseudonym = new Pseudonymizer(key).of('user', raw);
    const before = holdings(dataDir, pseudonym);
    expect(before.paths.length).toBeGreaterThan(0);
    const totalBefore = JSON.parse(
      worktrace(dataDir, ['query', 'SELECT count(DISTINCT "$path") AS n FROM events', '--format', 'json']),
    )[0].n;
    // The subject is in only some of the events objects: the receipt must not list the others.
    expect(before.paths.filter((p) => p.includes('/events/')).length).toBeLessThan(Number(totalBefore));

    const out = worktrace(dataDir, ['erase', '--user', raw, '--concurrency', '4']);
    expect(out).not.toContain(raw);
    expect(out).toMatch(new RegExp(`^erased ${pseudonym}: [1-9]\\d* rows from \\d+ objects`));
    expect(out).toContain('chain intact');

    const receipts = readdirSync(join(dataDir, 'audit', 'receipts'));
    expect(receipts).toHaveLength(1);
    const receipt = JSON.parse(
      readFileSync(join(dataDir, 'audit', 'receipts', receipts[0] as string), 'utf8'),
    );
    const listed = (receipt.objects as { zone: 'events' | 'quarantine' | 'curated'; key: string }[])
      .map((o) => `s3://${defaultBucketName('local', o.zone)}/${o.key}`)
      .sort();
    // The query engine found the table objects; the sequencer's checkpoints holding the subject's live
    // sessions are found by listing them, and are in the receipt too.
    expect(listed.filter((p) => !p.includes('/_state/checkpoints/'))).toEqual(before.paths);
    expect(listed.filter((p) => p.includes('/_state/checkpoints/')).length).toBeGreaterThan(0);
    const removed = Object.values(before.rows).reduce((a, b) => a + b, 0);
    expect(receipt.rowsRemoved).toBe(removed);
    expect(JSON.stringify(receipt)).not.toContain(raw);
    expect(readdirSync(join(dataDir, 'cache'))).not.toContain('erase'); // no copy of the lake left behind

    const after = holdings(dataDir, pseudonym);
    expect(after.paths).toEqual([]);
  }, 90_000);
});
