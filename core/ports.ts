/**
 * Ports: the only ways domain code reaches the outside world. Each has an AWS implementation and a
 * local one; an SDK client reaches an emulator through its endpoint, never through `if (local)`.
 */
import { ERROR_CODES, WorktraceError } from './errors.js';

/** Metadata of one stored object. */
export interface ObjectInfo {
  readonly key: string;
  readonly size: number;
  readonly etag?: string;
  readonly lastModified?: Date;
}

/** Options for writing an object. */
export interface PutOptions {
  readonly contentType?: string;
  /** Only write if the object's current ETag is this one (optimistic concurrency). */
  readonly ifMatch?: string;
  /** `'*'`: only write if no object exists under the key yet (S3 `If-None-Match: *`). */
  readonly ifNoneMatch?: '*';
}

/** One version of an object in a versioned bucket (a delete marker is a version too). */
export interface ObjectVersion {
  readonly key: string;
  readonly versionId: string;
  /** The current version of the key (a current delete marker hides every version of it). */
  readonly isLatest: boolean;
  readonly deleteMarker: boolean;
  readonly lastModified?: Date;
}

/** A bucket-like object store (one per lake zone). */
export interface ObjectStore {
  /** Zone or bucket name, for logs and receipts. */
  readonly name: string;
  put(key: string, body: Uint8Array | string, options?: PutOptions): Promise<void>;
  /** Returns the object's bytes, or undefined when it does not exist. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Lists every object under a prefix (all pages). */
  list(prefix: string): Promise<ObjectInfo[]>;
  delete(key: string): Promise<void>;
  /**
   * Deletes every noncurrent version of an object (versioned buckets); returns how many. Stores without
   * versions do not implement it.
   */
  deleteOtherVersions?(key: string): Promise<number>;
  /** Lists every version and delete marker under a prefix (all pages). Versioned stores only. */
  listVersions?(prefix: string): Promise<ObjectVersion[]>;
  /** Returns one version's bytes, or undefined when it does not exist. Versioned stores only. */
  getVersion?(key: string, versionId: string): Promise<Uint8Array | undefined>;
  /** Deletes one version (or delete marker) for good. Versioned stores only. */
  deleteVersion?(key: string, versionId: string): Promise<void>;
}

/** A conditional write found the object changed since it was read (another writer got there first). */
export class PreconditionFailedError extends WorktraceError {
  override readonly name = 'PreconditionFailedError';
  readonly code = ERROR_CODES.precondition;
}

/** A working HMAC key and the version that identifies it on every output row. */
export interface PseudonymKey {
  readonly key: Uint8Array;
  readonly version: string;
}

/** Supplies the pseudonym key; implementations cache it for the life of the container. */
export interface KeyProvider {
  getKey(): Promise<PseudonymKey>;
}

/** Time source, so windows and watermarks can run on a simulated clock. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() };

/**
 * The opt-out registry: pseudonyms (never raw ids) of subjects whose data must be dropped at redaction.
 * Implementations cache with a short TTL so the redact Lambda does not read it per record.
 */
export interface OptOutRegistry {
  /** True when the subject (by user pseudonym) has opted out or been erased. */
  isOptedOut(userPseudonym: string): Promise<boolean>;
}

/** A fixed registry (tests, and the policy's own list after pseudonymisation). */
export function staticOptOutRegistry(pseudonyms: Iterable<string>): OptOutRegistry {
  const set = new Set(pseudonyms);
  return { isOptedOut: async (p) => set.has(p) };
}
