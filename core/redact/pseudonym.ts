/**
 * Pseudonyms: HMAC-SHA256 under the pseudonym key, domain-separated per kind of id, so the same user gets
 * the same pseudonym everywhere and nobody without the key can reverse or recompute it.
 */
import { createHmac } from 'node:crypto';
import type { PseudonymKey } from '../ports.js';

/** Kinds of identifier, each its own HMAC domain. */
export type IdKind = 'user' | 'device' | 'host' | 'session';

/** Hex characters kept of each HMAC (128 bits). */
const PSEUDONYM_HEX = 32;
const CACHE_LIMIT = 100_000;

/** Pseudonymises ids under one key; caches per container. */
export class Pseudonymizer {
  readonly keyVersion: string;
  private readonly key: Buffer;
  private readonly caches: Record<IdKind, Map<string, string>> = {
    user: new Map(),
    device: new Map(),
    host: new Map(),
    session: new Map(),
  };

  constructor(key: PseudonymKey) {
    this.key = Buffer.from(key.key);
    this.keyVersion = key.version;
  }

  /** The pseudonym of `id` as a `kind` of identifier. */
  of(kind: IdKind, id: string): string {
    const cache = this.caches[kind];
    let p = cache.get(id);
    if (p === undefined) {
      p = createHmac('sha256', this.key).update(`${kind}:${id}`).digest('hex').slice(0, PSEUDONYM_HEX);
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(id, p);
    }
    return p;
  }

  /** A deterministic number in [0, 1) for a label (sampling decisions). */
  unit(label: string): number {
    return createHmac('sha256', this.key).update(`sample:${label}`).digest().readUInt32BE(0) / 2 ** 32;
  }
}
