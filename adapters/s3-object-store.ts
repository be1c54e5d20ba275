/** ObjectStore over S3 (AWS, or s3rver locally through the client's endpoint). */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsCommand,
  ListObjectVersionsCommand,
  NoSuchKey,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { type ObjectInfo, type ObjectStore, PreconditionFailedError, type PutOptions } from '#core/ports.js';

/** Server-side encryption for every write; the bucket default covers it when omitted. */
export interface S3StoreEncryption {
  readonly kmsKeyId: string;
}

/** One bucket as an ObjectStore, optionally under a key prefix. */
export class S3ObjectStore implements ObjectStore {
  readonly name: string;

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly encryption?: S3StoreEncryption,
  ) {
    this.name = bucket;
  }

  /** Writes an object (overwriting: deterministic keys make retries idempotent). */
  async put(key: string, body: Uint8Array | string, options: PutOptions = {}): Promise<void> {
    await this.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: body,
        ContentType: options.contentType,
        ...(options.ifMatch ? { IfMatch: options.ifMatch } : {}),
        ...(this.encryption
          ? { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: this.encryption.kmsKeyId }
          : {}),
      }),
    ).catch((err: { name?: string; $metadata?: { httpStatusCode?: number } }) => {
      if (err.name === 'PreconditionFailed' || err.$metadata?.httpStatusCode === 412) {
        throw new PreconditionFailedError(`${key} changed since it was read`);
      }
      throw err;
    });
  }

  private send(command: PutObjectCommand) {
    return this.client.send(command);
  }

  /** Deletes every noncurrent version of an object (the bucket is versioned); returns how many. */
  async deleteOtherVersions(key: string): Promise<number> {
    let deleted = 0;
    let keyMarker: string | undefined;
    let versionMarker: string | undefined;
    for (;;) {
      const page = await this.client.send(
        new ListObjectVersionsCommand({
          Bucket: this.bucket,
          Prefix: key,
          KeyMarker: keyMarker,
          VersionIdMarker: versionMarker,
        }),
      );
      const old = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].filter(
        (v) => v.Key === key && !v.IsLatest && v.VersionId,
      );
      for (const v of old) {
        await this.client.send(
          new DeleteObjectCommand({ Bucket: this.bucket, Key: key, VersionId: v.VersionId }),
        );
        deleted += 1;
      }
      if (!page.IsTruncated) return deleted;
      keyMarker = page.NextKeyMarker;
      versionMarker = page.NextVersionIdMarker;
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
    } catch (err) {
      if (err instanceof NoSuchKey || (err as { name?: string }).name === 'NoSuchKey') return undefined;
      throw err;
    }
  }

  /**
   * Lists every object under a prefix. Uses ListObjects (v1) paged by Marker, the last key seen: S3 serves
   * it alike, and s3rver builds v2 continuation tokens with DES, which OpenSSL 3 refuses (HTTP 500).
   */
  async list(prefix: string): Promise<ObjectInfo[]> {
    const out: ObjectInfo[] = [];
    let marker: string | undefined;
    for (;;) {
      const page = await this.client.send(
        new ListObjectsCommand({ Bucket: this.bucket, Prefix: prefix, Marker: marker }),
      );
      for (const o of page.Contents ?? []) {
        if (o.Key === undefined) continue;
        out.push({
          key: o.Key,
          size: o.Size ?? 0,
          ...(o.ETag ? { etag: o.ETag } : {}),
          ...(o.LastModified ? { lastModified: o.LastModified } : {}),
        });
      }
      const last = page.Contents?.at(-1)?.Key;
      if (!page.IsTruncated || last === undefined) return out;
      marker = last;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }
}
