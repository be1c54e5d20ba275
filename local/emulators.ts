/**
 * Emulators on loopback, each in a child process of its own (local/emulator-child.mjs): kinesalite
 * (Kinesis API on LevelDB) and s3rver (S3 API on the filesystem). Out of process, their HTTP parsing,
 * JSON, LevelDB and garbage run on another core than the pipeline. This process binds the port and hands
 * the socket over, so a taken port fails here, at once. Each returns its endpoint and a `stop()`; callers
 * stop what they start, and a child also exits when this process exits or dies.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { type AddressInfo, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';

/** Credentials the emulators accept (s3rver's defaults; kinesalite accepts any). */
export const EMULATOR_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/** A running emulator. */
export interface RunningEmulator {
  readonly endpoint: string;
  readonly port: number;
  /** Process id of the child process that serves it. */
  readonly pid: number;
  stop(): Promise<void>;
}

/** Options shared by both emulators. */
export interface EmulatorOptions {
  /** Data directory; omitted means in memory (kinesalite) or a fresh temp dir (s3rver). */
  readonly dir?: string;
  /** Port; 0 (default) picks a free one. */
  readonly port?: number;
}

/**
 * The child's entry point, beside this module: local/ in the sources, dist/cli/ in the built CLI
 * (scripts/build-cli.mjs copies it next to the chunk that holds this module).
 */
const CHILD_ENTRY = fileURLToPath(new URL('./emulator-child.mjs', import.meta.url));

/** Time a child gets to take the socket, and a stopped child to exit, before it is killed. */
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;

/** Children not stopped yet: killed when this process exits (a crash closes their IPC channel too). */
const running = new Set<ChildProcess>();
const killRunning = () => {
  for (const child of running) child.kill('SIGKILL');
};

/** What the child serves (see local/emulator-child.mjs). */
interface ChildConfig {
  readonly kind: 'kinesis' | 's3';
  readonly dir?: string;
  readonly buckets?: readonly string[];
}

/** Binds the port on loopback; a port in use rejects with the listen error (code EADDRINUSE). */
function bind(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer({ pauseOnConnect: true });
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/**
 * Binds the port here, forks the child and hands it the listening socket. Resolves once the child listens
 * on it, without waiting for it to load the emulator (so kinesalite and s3rver load side by side):
 * requests sent meanwhile wait in the child until the emulator serves them.
 */
async function startChild(config: ChildConfig, port: number): Promise<RunningEmulator> {
  const listener = await bind(port);
  const { port: bound } = listener.address() as AddressInfo;
  // No execArgv: the child is plain JavaScript, it needs neither tsx's loader nor a test runner's flags.
  const child = fork(CHILD_ENTRY, [JSON.stringify(config)], {
    execArgv: [],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  // A client that connects before the child listens (a retry, right after a restart) is accepted here:
  // its socket, unread, goes to the child too.
  listener.on('connection', (socket) => {
    if (child.connected) child.send('socket', socket);
    else socket.destroy();
  });
  if (running.size === 0) process.on('exit', killRunning);
  running.add(child);
  child.once('exit', () => {
    running.delete(child);
    if (running.size === 0) process.off('exit', killRunning);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const failed = (err: Error) => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        reject(err);
      };
      const timer = setTimeout(
        () =>
          failed(new Error(`the ${config.kind} emulator did not start within ${START_TIMEOUT_MS / 1000} s`)),
        START_TIMEOUT_MS,
      );
      const onMessage = (message: unknown) => {
        if (message !== 'listening') return;
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('error', failed);
        child.off('exit', onExit);
        resolve();
      };
      const onExit = (code: number | null, signal: string | null) =>
        failed(
          new Error(`the ${config.kind} emulator exited before it started (${signal ?? `code ${code}`})`),
        );
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.once('error', failed);
      child.send('serve', listener, (err) => err && failed(err));
    });
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  } finally {
    // The child listens on its own copy of the socket now (or is gone); this one would accept and stall.
    listener.close();
  }
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      if (child.connected) child.send('stop');
      else child.kill('SIGTERM');
    });
  return { endpoint: `http://127.0.0.1:${bound}`, port: bound, pid: child.pid ?? 0, stop };
}

/** Starts kinesalite; streams become ACTIVE immediately. */
export async function startKinesisEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  if (options.dir) mkdirSync(options.dir, { recursive: true });
  return startChild({ kind: 'kinesis', ...(options.dir ? { dir: options.dir } : {}) }, options.port ?? 0);
}

/** Starts s3rver with the given buckets created. */
export async function startS3Emulator(
  options: EmulatorOptions & { readonly buckets?: readonly string[] } = {},
): Promise<RunningEmulator> {
  const dir = options.dir ?? join(tmpdir(), `worktrace-s3-${process.pid}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  return startChild({ kind: 's3', dir, buckets: options.buckets ?? [] }, options.port ?? 0);
}

/**
 * Creates a stream on the Kinesis emulator and waits until it is ACTIVE. kinesalite turns a stream ACTIVE
 * on its next timer tick; with the emulator in another process a request can arrive before that tick, so
 * nothing may use a new stream before this returns.
 */
export async function createActiveStream(
  client: Pick<KinesisClient, 'send'>,
  streamName: string,
  shards: number,
): Promise<void> {
  await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shards }));
  for (let waited = 0; ; waited += 10) {
    const d = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    if (d.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    if (waited > 10_000) throw new Error(`stream ${streamName} did not become ACTIVE within 10 s`);
    await sleep(10);
  }
}
