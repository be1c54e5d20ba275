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
import {
  type ObjectInfo,
  type ObjectStore,
  type ObjectVersion,
  PreconditionFailedError,
  type PutOptions,
} from '#core/ports.js';

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
        ...(options.ifNoneMatch ? { IfNoneMatch: options.ifNoneMatch } : {}),
        ...(this.encryption
          ? { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: this.encryption.kmsKeyId }
          : {}),
      }),
    ).catch((err: { name?: string; $metadata?: { httpStatusCode?: number } }) => {
      // 412: the condition failed; 409: a concurrent conditional write to the same key won.
      if (
        err.name === 'PreconditionFailed' ||
        err.name === 'ConditionalRequestConflict' ||
        err.$metadata?.httpStatusCode === 412 ||
        err.$metadata?.httpStatusCode === 409
      ) {
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
    const old = (await this.listVersions(key)).filter((v) => v.key === key && !v.isLatest);
    for (const v of old) {
      await this.client.send(
        new DeleteObjectCommand({ Bucket: this.bucket, Key: key, VersionId: v.versionId }),
      );
    }
    return old.length;
  }

  /** Lists every version and delete marker under a prefix (ListObjectVersions, all pages). */
  async listVersions(prefix: string): Promise<ObjectVersion[]> {
    const out: ObjectVersion[] = [];
    let keyMarker: string | undefined;
    let versionMarker: string | undefined;
    for (;;) {
      const page = await this.client.send(
        new ListObjectVersionsCommand({
          Bucket: this.bucket,
          Prefix: prefix,
          KeyMarker: keyMarker,
          VersionIdMarker: versionMarker,
        }),
      );
      const add = (
        list: { Key?: string; VersionId?: string; IsLatest?: boolean; LastModified?: Date }[],
        deleteMarker: boolean,
      ) => {
        for (const v of list) {
          if (v.Key === undefined || v.VersionId === undefined) continue;
          out.push({
            key: v.Key,
            versionId: v.VersionId,
            isLatest: v.IsLatest ?? false,
            deleteMarker,
            ...(v.LastModified ? { lastModified: v.LastModified } : {}),
          });
        }
      };
      add(page.Versions ?? [], false);
      add(page.DeleteMarkers ?? [], true);
      if (!page.IsTruncated) return out;
      keyMarker = page.NextKeyMarker;
      versionMarker = page.NextVersionIdMarker;
    }
  }

  /** Returns one version's bytes (GetObject with VersionId). */
  async getVersion(key: string, versionId: string): Promise<Uint8Array | undefined> {
    return this.getObject(key, versionId);
  }

  /** Deletes one version or delete marker for good (DeleteObject with VersionId). */
  async deleteVersion(key: string, versionId: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key, VersionId: versionId }));
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    return this.getObject(key);
  }

  private async getObject(key: string, versionId?: string): Promise<Uint8Array | undefined> {
    try {
      const out = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: key,
          ...(versionId ? { VersionId: versionId } : {}),
        }),
      );
      return out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
    } catch (err) {
      const name = (err as { name?: string }).name;
      if (err instanceof NoSuchKey || name === 'NoSuchKey' || name === 'NoSuchVersion') return undefined;
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
