import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3Client } from '#adapters/aws-clients.js';
import { S3ObjectStore } from '#adapters/s3-object-store.js';
import { EMULATOR_CREDENTIALS, type RunningEmulator, startS3Emulator } from '../../local/emulators.js';

describe('S3ObjectStore on s3rver', () => {
  let s3: RunningEmulator;
  let store: S3ObjectStore;

  beforeAll(async () => {
    s3 = await startS3Emulator({ buckets: ['zone-test'] });
    store = new S3ObjectStore(
      s3Client({ endpoint: s3.endpoint, credentials: EMULATOR_CREDENTIALS }),
      'zone-test',
    );
  });
  afterAll(async () => s3.stop());

  it('puts, gets, lists (paged) and deletes objects', async () => {
    await store.put('a/dt=2026-11-02/one.json', '{"n":1}');
    await store.put('a/dt=2026-11-02/two.bin', new Uint8Array([1, 2, 3]));
    expect(Buffer.from((await store.get('a/dt=2026-11-02/one.json')) ?? []).toString()).toBe('{"n":1}');
    expect((await store.list('a/')).map((o) => o.key).sort()).toEqual([
      'a/dt=2026-11-02/one.json',
      'a/dt=2026-11-02/two.bin',
    ]);
    await store.delete('a/dt=2026-11-02/one.json');
    expect(await store.get('a/dt=2026-11-02/one.json')).toBeUndefined();
  });

  it('lists across pages', async () => {
    await Promise.all(
      Array.from({ length: 1005 }, (_, i) => store.put(`many/${String(i).padStart(4, '0')}`, 'x')),
    );
    expect((await store.list('many/')).length).toBe(1005);
  });
});
