import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DeleteObjectCommand, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { InvokeError, invokeFunction } from '#adapters/invoke.js';
import { S3ObjectStore } from '#adapters/s3-object-store.js';

describe('AWS paths of governance (SDK mocked: no Lambda or versioned-S3 emulator here)', () => {
  it('invokes the erase function synchronously and returns its answer', async () => {
    const lambda = mockClient(LambdaClient);
    lambda.on(InvokeCommand).resolves({
      Payload: Buffer.from(
        JSON.stringify({ subject: 'p', rowsRemoved: 3, objects: 2, receipt: 'h' }),
      ) as never,
    });
    const r = await invokeFunction<{ rowsRemoved: number }>(
      new LambdaClient({ region: 'eu-west-1' }),
      'erase-fn',
      { user: 'u' },
    );
    expect(r.rowsRemoved).toBe(3);
    const input = lambda.commandCalls(InvokeCommand)[0]?.args[0].input;
    expect(input?.InvocationType).toBe('RequestResponse');
    expect(JSON.parse(Buffer.from(input?.Payload as Uint8Array).toString())).toEqual({ user: 'u' });
    lambda.restore();
  });

  it('turns a function error into InvokeError with the function’s message', async () => {
    const lambda = mockClient(LambdaClient);
    lambda.on(InvokeCommand).resolves({
      FunctionError: 'Unhandled',
      Payload: Buffer.from(
        JSON.stringify({ errorMessage: 'canary failed: 2 canary values survived' }),
      ) as never,
    });
    await expect(invokeFunction(new LambdaClient({ region: 'eu-west-1' }), 'canary-fn', {})).rejects.toThrow(
      new InvokeError('canary-fn failed: canary failed: 2 canary values survived'),
    );
    lambda.restore();
  });

  it('deletes the noncurrent versions (and delete markers) of exactly one key, keeping the latest', async () => {
    const s3 = mockClient(S3Client);
    s3.on(ListObjectVersionsCommand).resolves({
      Versions: [
        { Key: 'events/a.parquet', VersionId: 'v3', IsLatest: true },
        { Key: 'events/a.parquet', VersionId: 'v2', IsLatest: false },
        { Key: 'events/a.parquet.bak', VersionId: 'x1', IsLatest: false },
      ],
      DeleteMarkers: [{ Key: 'events/a.parquet', VersionId: 'm1', IsLatest: false }],
      IsTruncated: false,
    });
    s3.on(DeleteObjectCommand).resolves({});
    const n = await new S3ObjectStore(new S3Client({ region: 'eu-west-1' }), 'b').deleteOtherVersions(
      'events/a.parquet',
    );
    expect(n).toBe(2);
    expect(s3.commandCalls(DeleteObjectCommand).map((c) => c.args[0].input.VersionId)).toEqual(['v2', 'm1']);
    s3.restore();
  });
});
