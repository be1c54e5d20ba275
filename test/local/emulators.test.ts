/**
 * The emulators run in child processes: they serve, keep their data across a restart, report a taken
 * port with its code, and never outlive their stop() or the process that started them.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { kinesisClient, s3Client } from '#adapters/aws-clients.js';
import {
  createActiveStream,
  EMULATOR_CREDENTIALS,
  type RunningEmulator,
  startKinesisEmulator,
  startS3Emulator,
} from '../../local/emulators.js';

const credentials = EMULATOR_CREDENTIALS;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(check: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s: Server = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** Pids of this process's children (without the `ps` that lists them). */
function childPids(): number[] {
  const ps = spawnSync('ps', ['-o', 'pid=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return ps.stdout
    .split('\n')
    .map(Number)
    .filter((pid) => pid > 0 && pid !== ps.pid);
}

const parents: ChildProcess[] = [];

/** A process that starts both emulators from the sources and prints their pids, then waits. */
function parentWithEmulators(dir: string): { child: ChildProcess; pids: Promise<number[]> } {
  const emulators = pathToFileURL(join(process.cwd(), 'local', 'emulators.ts')).href;
  const script = `
    const { startKinesisEmulator, startS3Emulator } = await import(${JSON.stringify(emulators)});
    const k = await startKinesisEmulator({ dir: ${JSON.stringify(join(dir, 'k'))} });
    const s = await startS3Emulator({ dir: ${JSON.stringify(join(dir, 's'))} });
    console.log(JSON.stringify([k.pid, s.pid]));
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  parents.push(child);
  const pids = new Promise<number[]>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(JSON.parse(out) as number[]);
    });
    child.once('exit', (code) => reject(new Error(`parent exited (${code}) before starting the emulators`)));
  });
  return { child, pids };
}

describe('emulators in child processes', () => {
  const started: RunningEmulator[] = [];
  afterAll(async () => {
    for (const p of parents) if (p.exitCode === null) p.kill('SIGKILL');
    await Promise.allSettled(started.map((e) => e.stop()));
  });

  it('serve Kinesis and S3 from processes of their own, and are gone with their port after stop()', async () => {
    const kinesis = await startKinesisEmulator();
    const s3 = await startS3Emulator({ buckets: ['emu-test'] });
    started.push(kinesis, s3);
    expect(kinesis.endpoint).toBe(`http://127.0.0.1:${kinesis.port}`);
    expect(s3.endpoint).toBe(`http://127.0.0.1:${s3.port}`);
    for (const e of [kinesis, s3]) {
      expect(e.pid).not.toBe(process.pid);
      expect(alive(e.pid)).toBe(true);
    }
    const kc = kinesisClient({ endpoint: kinesis.endpoint, credentials });
    await createActiveStream(kc, 'emu', 1);
    expect((await kc.send(new ListStreamsCommand({}))).StreamNames).toEqual(['emu']);
    kc.destroy();
    const sc = s3Client({ endpoint: s3.endpoint, credentials });
    await sc.send(new PutObjectCommand({ Bucket: 'emu-test', Key: 'k', Body: 'v' }));
    const got = await sc.send(new GetObjectCommand({ Bucket: 'emu-test', Key: 'k' }));
    expect(await got.Body?.transformToString()).toBe('v');
    sc.destroy();
    await Promise.all([kinesis.stop(), s3.stop()]);
    for (const e of [kinesis, s3]) {
      expect(alive(e.pid)).toBe(false);
      expect(await portIsFree(e.port)).toBe(true);
    }
    await kinesis.stop(); // stopping twice is harmless
  });

  it('keep S3 data in the directory across a restart on the same port', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'wt-emu-')), 's3');
    const first = await startS3Emulator({ dir, buckets: ['keep'] });
    started.push(first);
    const put = s3Client({ endpoint: first.endpoint, credentials });
    await put.send(new PutObjectCommand({ Bucket: 'keep', Key: 'a/b', Body: 'kept' }));
    put.destroy();
    await first.stop();
    const second = await startS3Emulator({ dir, port: first.port });
    started.push(second);
    expect(second.endpoint).toBe(first.endpoint);
    const get = s3Client({ endpoint: second.endpoint, credentials });
    const got = await get.send(new GetObjectCommand({ Bucket: 'keep', Key: 'a/b' }));
    expect(await got.Body?.transformToString()).toBe('kept');
    get.destroy();
    await second.stop();
  });

  it('reject with the code EADDRINUSE when the port is taken, leaving no child behind', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    const before = childPids();
    try {
      await expect(startKinesisEmulator({ port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
      await expect(startS3Emulator({ port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      blocker.close();
    }
    await until(() => childPids().length === before.length, 5_000);
  });

  it.each(['SIGKILL', 'SIGTERM'] as const)(
    'exit when the process that started them dies (%s)',
    async (signal) => {
      const parent = parentWithEmulators(mkdtempSync(join(tmpdir(), 'wt-emu-')));
      const pids = await parent.pids;
      expect(pids.every(alive)).toBe(true);
      parent.child.kill(signal);
      try {
        await until(() => !pids.some(alive), 10_000);
      } finally {
        for (const pid of pids.filter(alive)) process.kill(pid, 'SIGKILL'); // no orphans, even on failure
      }
    },
  );
});
