/**
 * Pseudonyms: HMAC-SHA256 under the pseudonym key, domain-separated per kind of id, so the same user gets
 * the same pseudonym everywhere and nobody without the key can reverse or recompute it.
 */
import { createHmac } from 'node:crypto';
import type { PseudonymKey } from '../ports.js';

/**
 * Kinds of identifier, each its own HMAC domain: people and machines (`user`, `device`, `host`), capture
 * sessions, and the agent-made ids of events and input fields (so an analyst can neither read an id the
 * agent built from a name nor confirm a guessed one).
 */
export type IdKind = 'user' | 'device' | 'host' | 'session' | 'event' | 'field';

/** Hex characters kept of each HMAC (128 bits). */
const PSEUDONYM_HEX = 32;
const CACHE_LIMIT = 100_000;
/** Kinds worth caching: ids that repeat across events (an event id is seen once). */
const CACHED: readonly IdKind[] = ['user', 'device', 'host', 'session', 'field'];

/** Pseudonymises ids under one key; caches per container. */
export class Pseudonymizer {
  readonly keyVersion: string;
  private readonly key: Buffer;
  private readonly caches = new Map<IdKind, Map<string, string>>(CACHED.map((k) => [k, new Map()]));

  constructor(key: PseudonymKey) {
    this.key = Buffer.from(key.key);
    this.keyVersion = key.version;
  }

  /** The pseudonym of `id` as a `kind` of identifier. */
  of(kind: IdKind, id: string): string {
    const cache = this.caches.get(kind);
    let p = cache?.get(id);
    if (p === undefined) {
      p = createHmac('sha256', this.key).update(`${kind}:${id}`).digest('hex').slice(0, PSEUDONYM_HEX);
      if (cache) {
        if (cache.size >= CACHE_LIMIT) cache.clear();
        cache.set(id, p);
      }
    }
    return p;
  }

  /** A keyed digest of raw bytes (a quarantined payload that is not JSON): equal bytes, equal digest. */
  digest(label: string, data: Uint8Array): string {
    return createHmac('sha256', this.key)
      .update(`${label}:`)
      .update(data)
      .digest('hex')
      .slice(0, PSEUDONYM_HEX);
  }

  /** A deterministic number in [0, 1) for a label (sampling decisions). */
  unit(label: string): number {
    return createHmac('sha256', this.key).update(`sample:${label}`).digest().readUInt32BE(0) / 2 ** 32;
  }
}
