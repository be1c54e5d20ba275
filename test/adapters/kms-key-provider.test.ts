import { DecryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { KmsKeyProvider } from '#adapters/kms-key-provider.js';
import { createRedactHandler } from '../../lambdas/redact/app.js';
import { kinesisEvent, kinesisRecord, makeEvent } from '../fixtures/events.js';
import { testPolicy } from '../fixtures/redact.js';

const kms = mockClient(KMSClient);
afterEach(() => kms.reset());

describe('KmsKeyProvider (KMS has no emulator: aws-sdk-client-mock)', () => {
  it('decrypts the data key once per container, however many batches run', async () => {
    kms.on(DecryptCommand).resolves({ Plaintext: new Uint8Array(32).fill(3) });
    const provider = new KmsKeyProvider(
      new KMSClient({ region: 'eu-west-1' }),
      Buffer.from('ciphertext-blob-0001').toString('base64'),
    );
    const noStore = {
      name: 'none',
      put: async () => {},
      get: async () => undefined,
      list: async () => [],
      delete: async () => {},
    };
    const handler = createRedactHandler({
      stores: { events: noStore, quarantine: noStore },
      keyProvider: provider,
      policy: testPolicy(),
    });
    for (let b = 0; b < 5; b++) {
      await handler(kinesisEvent(Array.from({ length: 20 }, () => kinesisRecord(makeEvent('mouse_move')))));
    }
    expect(kms.commandCalls(DecryptCommand)).toHaveLength(1);
    expect((await provider.getKey()).version).toMatch(/^kms-[0-9a-f]{12}$/);
  });

  it('retries after a transient KMS failure instead of caching it', async () => {
    kms
      .on(DecryptCommand)
      .rejectsOnce(new Error('throttled'))
      .resolves({ Plaintext: new Uint8Array(32).fill(1) });
    const provider = new KmsKeyProvider(new KMSClient({ region: 'eu-west-1' }), 'Y2lwaGVydGV4dA==');
    await expect(provider.getKey()).rejects.toThrow('throttled');
    await expect(provider.getKey()).resolves.toMatchObject({ version: expect.stringMatching(/^kms-/) });
  });
});
