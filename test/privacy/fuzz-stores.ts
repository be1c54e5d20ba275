/** Object stores for the privacy fuzzer: in memory (every byte written stays inspectable), and one that fails on cue. */
import { createHash } from 'node:crypto';
import { type ObjectInfo, type ObjectStore, PreconditionFailedError, type PutOptions } from '#core/ports.js';

/** A bucket held in memory, with content ETags so conditional writes and the decoded-file cache work. */
export class MemoryObjectStore implements ObjectStore {
  readonly objects = new Map<string, { body: Uint8Array; etag: string; at: Date }>();
  /** Every body ever written, overwritten or deleted ones included. */
  readonly writes: { key: string; body: Uint8Array }[] = [];

  constructor(readonly name: string) {}

  async put(key: string, body: Uint8Array | string, options: PutOptions = {}): Promise<void> {
    const bytes = typeof body === 'string' ? new Uint8Array(Buffer.from(body)) : new Uint8Array(body);
    if (options.ifMatch !== undefined && this.objects.get(key)?.etag !== options.ifMatch) {
      throw new PreconditionFailedError(`${key} changed since it was read`);
    }
    const etag = `"${createHash('sha256').update(bytes).digest('hex')}"`;
    this.objects.set(key, { body: bytes, etag, at: new Date() });
    this.writes.push({ key, body: bytes });
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    return this.objects.get(key)?.body;
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    return [...this.objects.entries()]
      .filter(([k]) => k.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, o]) => ({ key, size: o.body.byteLength, etag: o.etag, lastModified: o.at }));
  }

  async delete(key: string): Promise<void> {
    this.objects.delete(key);
  }
}

/** A write the fuzzer made fail (a throttled or unreachable bucket). */
export class InjectedWriteError extends Error {
  override readonly name = 'InjectedWriteError';
}

/** Wraps a store; `failNext(n)` makes the next n writes throw. */
export class FlakyStore implements ObjectStore {
  private failures = 0;

  constructor(readonly inner: ObjectStore) {}

  get name(): string {
    return this.inner.name;
  }

  /** The next `n` puts fail. */
  failNext(n: number): void {
    this.failures = n;
  }

  async put(key: string, body: Uint8Array | string, options?: PutOptions): Promise<void> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new InjectedWriteError('injected write failure');
    }
    return this.inner.put(key, body, options);
  }

  get(key: string): Promise<Uint8Array | undefined> {
    return this.inner.get(key);
  }

  list(prefix: string): Promise<ObjectInfo[]> {
    return this.inner.list(prefix);
  }

  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }
}
