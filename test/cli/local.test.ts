import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { s3Client } from '#adapters/aws-clients.js';
import { EMULATOR_CREDENTIALS } from '../../local/emulators.js';

const children: ChildProcess[] = [];

function worktrace(args: string[]): { child: ChildProcess; out: () => string; err: () => string } {
  const child = spawn(process.execPath, ['bin/worktrace.mjs', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    err += d;
  });
  return { child, out: () => out, err: () => err };
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function until(check: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s: Server = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

describe('worktrace local', () => {
  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  });

  it('--keep runs, writes the report, leaves usable emulators, and stops cleanly on Ctrl-C', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wt-cli-local-'));
    const run = worktrace(['local', '--users', '3', '--minutes', '2', '--keep', '--data-dir', dir]);
    const exited = exitOf(run.child);
    await until(() => run.out().includes('Ctrl-C stops them.'), 90_000);
    const out = run.out();
    expect(out).toMatch(/events {4}sent \d+ · written \d+ · quarantined \d+ · dropped by policy \d+/);
    expect(existsSync(join(dir, 'report', 'report.html'))).toBe(true);
    expect(readFileSync(join(dir, 'report', 'report.md'), 'utf8')).toContain('reconciles exactly');
    // One viewer page per sample episode, each linked from the datasheet by a relative link.
    const pages = readdirSync(join(dir, 'report', 'episodes'));
    expect(pages.length).toBeGreaterThan(0);
    const datasheet = readFileSync(join(dir, 'report', 'report.html'), 'utf8');
    for (const page of pages) expect(datasheet).toContain(`href="episodes/${page}"`);
    const endpoint = /export WORKTRACE_S3_ENDPOINT=(\S+)/.exec(out)?.[1] as string;
    const kinesisPort = Number(
      /export WORKTRACE_KINESIS_ENDPOINT=http:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1],
    );
    const client = s3Client({ endpoint, credentials: EMULATOR_CREDENTIALS });
    const buckets = await client.send(new ListBucketsCommand({}));
    client.destroy();
    expect(buckets.Buckets?.map((b) => b.Name)).toContain('worktrace-local-curated');
    run.child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(await portIsFree(Number(new URL(endpoint).port))).toBe(true);
    expect(await portIsFree(kinesisPort)).toBe(true);
  }, 120_000);

  it('fails with a one-line cause and a non-zero exit when a port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    const run = worktrace([
      'local',
      '--kinesis-port',
      String(port),
      '--data-dir',
      mkdtempSync(join(tmpdir(), 'wt-')),
    ]);
    const code = await exitOf(run.child);
    blocker.close();
    expect(code).toBe(2);
    expect(run.err().trim()).toBe(
      `worktrace: LocalStartError: Kinesis emulator port ${port} is already in use`,
    );
  }, 60_000);
});
