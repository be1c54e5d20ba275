import { GetRecordsCommand, GetShardIteratorCommand, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kinesisClient } from '#adapters/aws-clients.js';
import {
  createActiveStream,
  EMULATOR_CREDENTIALS,
  type RunningEmulator,
  startKinesisEmulator,
} from '../../local/emulators.js';

describe('kinesis emulator through the SDK client', () => {
  let kinesis: RunningEmulator;
  beforeAll(async () => {
    kinesis = await startKinesisEmulator();
  });
  afterAll(async () => kinesis.stop());

  it('creates a stream, puts and reads back a record over HTTP/1.1', async () => {
    const client = kinesisClient({ endpoint: kinesis.endpoint, credentials: EMULATOR_CREDENTIALS });
    await createActiveStream(client, 's', 1);
    const put = await client.send(
      new PutRecordCommand({ StreamName: 's', PartitionKey: 'p', Data: new TextEncoder().encode('hello') }),
    );
    const it1 = await client.send(
      new GetShardIteratorCommand({
        StreamName: 's',
        ShardId: put.ShardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    const got = await client.send(new GetRecordsCommand({ ShardIterator: it1.ShardIterator }));
    expect(new TextDecoder().decode(got.Records?.[0]?.Data)).toBe('hello');
    client.destroy();
  });
});
