/**
 * The local lake the commands read and change: zone stores from a directory, the running emulator, or
 * the emulator data `worktrace local` left behind; and DuckDB over them with the registered views. The S3
 * client and the emulators load only when no directory is given (together they take about 0.5 s).
 */
import { join } from 'node:path';
import { LocalLake } from '#adapters/duckdb-lake.js';
import { FileObjectStore } from '#adapters/file-object-store.js';
import { defaultBucketName, ZONES, type Zone } from '#core/lake/schema.js';
import type { ObjectStore } from '#core/ports.js';
import { DEFAULT_VIEW_PARAMS, type ViewParams } from '#core/views/dialect.js';
import { s3TargetFromEnv } from '../../local/cli-env.js';

/** Where the local lake is read from. */
export interface LakeSourceOptions {
  readonly dataDir: string;
  readonly stage: string;
  /** A directory holding zone objects by key (e.g. `worktrace redact --out`). */
  readonly lakeDir?: string;
  readonly params?: ViewParams;
}

/**
 * The local zone stores: a directory (`lakeDir`, every zone in one tree); the running emulator
 * (WORKTRACE_S3_ENDPOINT, from `worktrace local --keep`); or the emulator data `worktrace local` left under
 * <data-dir>/emulators/s3, served for the duration of `use`.
 */
export async function withLocalStores<T>(
  opts: { dataDir: string; stage: string; lakeDir?: string },
  use: (stores: Record<Zone, ObjectStore>) => Promise<T>,
): Promise<T> {
  if (opts.lakeDir) {
    const store = new FileObjectStore(opts.lakeDir);
    return use(Object.fromEntries(ZONES.map((z) => [z, store])) as unknown as Record<Zone, ObjectStore>);
  }
  const [{ s3Client }, { S3ObjectStore }, { EMULATOR_CREDENTIALS, startS3Emulator }] = await Promise.all([
    import('#adapters/aws-clients.js'),
    import('#adapters/s3-object-store.js'),
    import('../../local/emulators.js'),
  ]);
  let endpoint = s3TargetFromEnv().endpoint;
  let stop: (() => Promise<void>) | undefined;
  if (!endpoint) {
    const s3 = await startS3Emulator({ dir: join(opts.dataDir, 'emulators', 's3') });
    endpoint = s3.endpoint;
    stop = s3.stop;
  }
  const client = s3Client({ endpoint, credentials: EMULATOR_CREDENTIALS });
  try {
    const stores = Object.fromEntries(
      ZONES.map((z) => [z, new S3ObjectStore(client, defaultBucketName(opts.stage, z))]),
    ) as unknown as Record<Zone, ObjectStore>;
    return await use(stores);
  } finally {
    client.destroy();
    await stop?.();
  }
}

/** Opens the local lake (see withLocalStores) with the tables and views, for the duration of `use`. */
export async function withLocalLake<T>(
  opts: LakeSourceOptions,
  use: (lake: LocalLake) => Promise<T>,
): Promise<T> {
  const cacheDir = join(opts.dataDir, 'cache', 'query');
  return withLocalStores(opts, async (stores) => {
    const lake = await LocalLake.open({ stores, cacheDir, params: opts.params ?? DEFAULT_VIEW_PARAMS });
    try {
      return await use(lake);
    } finally {
      lake.close();
    }
  });
}
