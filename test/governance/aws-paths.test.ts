import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { InvokeError, invokeFunction } from '#adapters/invoke.js';
import { S3ObjectStore } from '#adapters/s3-object-store.js';
import { addOptOuts, OPT_OUT_REGISTRY_KEY, OPT_OUT_TABLE_KEY } from '#core/governance/opt-outs.js';
import { PreconditionFailedError } from '#core/ports.js';

/** A GetObject body as the adapter reads it (transformToByteArray). */
const bodyOf = (text: string) =>
  ({ transformToByteArray: async () => new Uint8Array(Buffer.from(text)) }) as never;

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

  it('lists every version and delete marker, reads and deletes one version by id', async () => {
    const s3 = mockClient(S3Client);
    s3.on(ListObjectVersionsCommand)
      .resolvesOnce({
        Versions: [{ Key: 'events/a.parquet', VersionId: 'v2', IsLatest: false, LastModified: new Date(1) }],
        IsTruncated: true,
        NextKeyMarker: 'events/a.parquet',
        NextVersionIdMarker: 'v2',
      })
      .resolvesOnce({
        DeleteMarkers: [{ Key: 'events/b.parquet', VersionId: 'm1', IsLatest: true }],
        IsTruncated: false,
      });
    s3.on(GetObjectCommand).resolves({
      Body: bodyOf('old'),
    });
    s3.on(DeleteObjectCommand).resolves({});
    const store = new S3ObjectStore(new S3Client({ region: 'eu-west-1' }), 'b');
    expect(await store.listVersions('events/')).toEqual([
      {
        key: 'events/a.parquet',
        versionId: 'v2',
        isLatest: false,
        deleteMarker: false,
        lastModified: new Date(1),
      },
      { key: 'events/b.parquet', versionId: 'm1', isLatest: true, deleteMarker: true },
    ]);
    expect(s3.commandCalls(ListObjectVersionsCommand)[1]?.args[0].input).toMatchObject({
      KeyMarker: 'events/a.parquet',
      VersionIdMarker: 'v2',
    });
    expect(Buffer.from((await store.getVersion('events/a.parquet', 'v2')) as Uint8Array).toString()).toBe(
      'old',
    );
    expect(s3.commandCalls(GetObjectCommand)[0]?.args[0].input).toMatchObject({ VersionId: 'v2' });
    await store.deleteVersion('events/b.parquet', 'm1');
    expect(s3.commandCalls(DeleteObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: 'b',
      Key: 'events/b.parquet',
      VersionId: 'm1',
    });
    s3.restore();
  });

  it('sends If-None-Match and maps 412 and 409 to PreconditionFailedError', async () => {
    const s3 = mockClient(S3Client);
    const failure = (name: string, status: number) =>
      Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
    s3.on(PutObjectCommand)
      .rejectsOnce(failure('PreconditionFailed', 412))
      .rejectsOnce(failure('ConditionalRequestConflict', 409))
      .resolves({});
    const store = new S3ObjectStore(new S3Client({ region: 'eu-west-1' }), 'b');
    await expect(store.put('k', 'x', { ifNoneMatch: '*' })).rejects.toBeInstanceOf(PreconditionFailedError);
    await expect(store.put('k', 'x', { ifMatch: '"e1"' })).rejects.toBeInstanceOf(PreconditionFailedError);
    await store.put('k', 'x', { ifNoneMatch: '*' });
    expect(
      s3.commandCalls(PutObjectCommand).map((c) => [c.args[0].input.IfNoneMatch, c.args[0].input.IfMatch]),
    ).toEqual([
      ['*', undefined],
      [undefined, '"e1"'],
      ['*', undefined],
    ]);
    s3.restore();
  });

  it('writes both registry copies through the S3 API conditionally, retrying from a fresh read on a conflict', async () => {
    const s3 = mockClient(S3Client);
    const doc = (pseudonyms: string[]) =>
      JSON.stringify({ version: 1, updatedAt: '2026-11-02T00:00:00.000Z', pseudonyms });
    // The registry exists (ETag "r1"); another writer replaces it ("r2") after our first read.
    let registry = { etag: '"r1"', body: doc(['p-a']) };
    s3.on(ListObjectsCommand).callsFake(async (input: { Bucket: string; Prefix: string }) => ({
      Contents:
        input.Bucket === 'events-bucket' && input.Prefix === OPT_OUT_REGISTRY_KEY
          ? [{ Key: OPT_OUT_REGISTRY_KEY, ETag: registry.etag, Size: 1 }]
          : [],
      IsTruncated: false,
    }));
    s3.on(GetObjectCommand).callsFake(async (input: { Bucket: string; Key: string }) => {
      if (input.Bucket !== 'events-bucket')
        throw Object.assign(new Error('NoSuchKey'), { name: 'NoSuchKey' });
      const body = registry.body;
      if (registry.etag === '"r1"') registry = { etag: '"r2"', body: doc(['p-a', 'p-b']) };
      return { Body: bodyOf(body) };
    });
    s3.on(PutObjectCommand).callsFake(
      async (input: { Bucket: string; Key: string; IfMatch?: string; Body: string }) => {
        if (input.Bucket === 'events-bucket') {
          if (input.IfMatch !== registry.etag)
            throw Object.assign(new Error('PreconditionFailed'), {
              name: 'PreconditionFailed',
              $metadata: { httpStatusCode: 412 },
            });
          registry = { etag: '"r3"', body: input.Body };
        }
        return {};
      },
    );
    const client = new S3Client({ region: 'eu-west-1' });
    const r = await addOptOuts(
      {
        events: new S3ObjectStore(client, 'events-bucket'),
        curated: new S3ObjectStore(client, 'curated-bucket'),
      },
      ['p-new'],
    );
    expect(r).toEqual({ added: true, count: 3 });
    const puts = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(puts.map((p) => [p.Bucket, p.Key, p.IfMatch, p.IfNoneMatch])).toEqual([
      ['events-bucket', OPT_OUT_REGISTRY_KEY, '"r1"', undefined], // refused: the registry changed
      ['events-bucket', OPT_OUT_REGISTRY_KEY, '"r2"', undefined],
      ['curated-bucket', OPT_OUT_TABLE_KEY, undefined, '*'],
    ]);
    expect(JSON.parse(String(puts[1]?.Body)).pseudonyms).toEqual(['p-a', 'p-b', 'p-new']);
    expect(String(puts[2]?.Body)).toBe(
      '{"user_pseudonym":"p-a"}\n{"user_pseudonym":"p-b"}\n{"user_pseudonym":"p-new"}\n',
    );
    s3.restore();
  });
});
