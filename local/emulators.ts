/**
 * In-process emulators on loopback: kinesalite (Kinesis API on LevelDB) and s3rver (S3 API on the
 * filesystem). Each returns its endpoint and a `stop()`; callers stop what they start.
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import kinesalite from 'kinesalite';
import S3rver from 's3rver';

/** Credentials the emulators accept (s3rver's defaults; kinesalite accepts any). */
export const EMULATOR_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/** A running emulator. */
export interface RunningEmulator {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Options shared by both emulators. */
export interface EmulatorOptions {
  /** Data directory; omitted means in memory (kinesalite) or a fresh temp dir (s3rver). */
  readonly dir?: string;
  /** Port; 0 (default) picks a free one. */
  readonly port?: number;
}

/** Starts kinesalite; streams become ACTIVE immediately. */
export async function startKinesisEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  if (options.dir) mkdirSync(options.dir, { recursive: true });
  const server = kinesalite({
    ...(options.dir ? { path: options.dir } : {}),
    createStreamMs: 0,
    deleteStreamMs: 0,
    updateStreamMs: 0,
    shardLimit: 100,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** Starts s3rver with the given buckets created. */
export async function startS3Emulator(
  options: EmulatorOptions & { readonly buckets?: readonly string[] } = {},
): Promise<RunningEmulator> {
  const directory =
    options.dir ?? `${(await import('node:os')).tmpdir()}/worktrace-s3-${process.pid}-${Date.now()}`;
  mkdirSync(directory, { recursive: true });
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port ?? 0,
    silent: true,
    directory,
    vhostBuckets: false,
    configureBuckets: (options.buckets ?? []).map((name) => ({ name })),
  });
  const address = await server.run();
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    port: address.port,
    stop: () => server.close(),
  };
}
