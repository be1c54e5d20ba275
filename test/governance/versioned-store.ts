/**
 * An in-memory versioned bucket with S3's semantics (every put a new version, a delete a delete marker,
 * conditional puts on the latest version's ETag), for erasure tests: no emulator here keeps versions
 * (s3rver answers ListObjectVersions with MethodNotAllowed).
 */
import { createHash } from 'node:crypto';
import {
  type ObjectInfo,
  type ObjectStore,
  type ObjectVersion,
  PreconditionFailedError,
  type PutOptions,
} from '#core/ports.js';

interface Version {
  readonly versionId: string;
  readonly body: Uint8Array | undefined; // undefined: a delete marker
  readonly lastModified: Date;
}

/** One versioned bucket. */
export class VersionedMemoryStore implements ObjectStore {
  private readonly keys = new Map<string, Version[]>();
  private counter = 0;

  constructor(
    readonly name: string,
    private readonly clock: () => number = Date.now,
  ) {}

  private latest(key: string): Version | undefined {
    return this.keys.get(key)?.at(-1);
  }

  private push(key: string, body: Uint8Array | undefined): void {
    this.counter += 1;
    const list = this.keys.get(key) ?? [];
    list.push({ versionId: `v${this.counter}`, body, lastModified: new Date(this.clock()) });
    this.keys.set(key, list);
  }

  private static etag(v: Version): string {
    return `"${createHash('md5')
      .update(v.body ?? new Uint8Array())
      .update(v.versionId)
      .digest('hex')}"`;
  }

  async put(key: string, body: Uint8Array | string, options: PutOptions = {}): Promise<void> {
    const current = this.latest(key);
    const live = current?.body !== undefined ? current : undefined;
    if (options.ifMatch !== undefined && (!live || VersionedMemoryStore.etag(live) !== options.ifMatch))
      throw new PreconditionFailedError(`${key} changed since it was read`);
    if (options.ifNoneMatch === '*' && live) throw new PreconditionFailedError(`${key} exists already`);
    this.push(key, typeof body === 'string' ? new TextEncoder().encode(body) : new Uint8Array(body));
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    return this.latest(key)?.body;
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    const out: ObjectInfo[] = [];
    for (const [key, versions] of [...this.keys].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const v = versions.at(-1);
      if (!key.startsWith(prefix) || !v?.body) continue;
      out.push({
        key,
        size: v.body.byteLength,
        etag: VersionedMemoryStore.etag(v),
        lastModified: v.lastModified,
      });
    }
    return out;
  }

  async delete(key: string): Promise<void> {
    if (this.keys.has(key)) this.push(key, undefined);
  }

  async deleteOtherVersions(key: string): Promise<number> {
    const list = this.keys.get(key);
    if (!list || list.length < 2) return 0;
    const n = list.length - 1;
    this.keys.set(key, list.slice(-1));
    return n;
  }

  async listVersions(prefix: string): Promise<ObjectVersion[]> {
    const out: ObjectVersion[] = [];
    for (const [key, versions] of this.keys) {
      if (!key.startsWith(prefix)) continue;
      for (const [i, v] of versions.entries())
        out.push({
          key,
          versionId: v.versionId,
          isLatest: i === versions.length - 1,
          deleteMarker: v.body === undefined,
          lastModified: v.lastModified,
        });
    }
    return out;
  }

  async getVersion(key: string, versionId: string): Promise<Uint8Array | undefined> {
    return this.keys.get(key)?.find((v) => v.versionId === versionId)?.body;
  }

  async deleteVersion(key: string, versionId: string): Promise<void> {
    const list = (this.keys.get(key) ?? []).filter((v) => v.versionId !== versionId);
    if (list.length === 0) this.keys.delete(key);
    else this.keys.set(key, list);
  }

  /** Every version's body that is not a delete marker, for assertions. */
  allBodies(prefix: string): { key: string; versionId: string; body: Uint8Array }[] {
    const out: { key: string; versionId: string; body: Uint8Array }[] = [];
    for (const [key, versions] of this.keys)
      if (key.startsWith(prefix))
        for (const v of versions) if (v.body) out.push({ key, versionId: v.versionId, body: v.body });
    return out;
  }
}
