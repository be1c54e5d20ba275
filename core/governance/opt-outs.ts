/**
 * The opt-out registry as stored objects. Two copies of one list of pseudonyms (never raw ids):
 * - `_registry/opt-outs.json` in the events bucket, the copy of record: the redact function reads it
 *   (TTL-cached) and drops the subjects' new events before anything is written; it has no access to the
 *   curated zone.
 * - `opt_outs/registry.jsonl` in the curated bucket, derived from the first: the `opt_outs` table the
 *   training views exclude, and the list the sequencer drops sessions by.
 * `worktrace optout add|remove` and erasure change both. Every write is conditional (If-Match on the ETag
 * read, If-None-Match when the object does not exist yet) and retried from a fresh read on conflict, so two
 * writers never lose each other's change.
 */
import { OPT_OUTS_TABLE, TABLE_LOCATIONS } from '../lake/schema.js';
import { type ObjectStore, type OptOutRegistry, PreconditionFailedError, type PutOptions } from '../ports.js';

/** Key of the registry object in the events bucket. */
export const OPT_OUT_REGISTRY_KEY = '_registry/opt-outs.json';
/** Key of the views' copy in the curated bucket. */
export const OPT_OUT_TABLE_KEY = `${TABLE_LOCATIONS.opt_outs.prefix}registry.jsonl`;
/** Conditional writes tried before giving up on a registry that keeps changing. @default 10 */
export const OPT_OUT_WRITE_ATTEMPTS = 10;

/** The registry document. */
export interface OptOutDocument {
  readonly version: 1;
  readonly updatedAt: string;
  readonly pseudonyms: readonly string[];
}

/** The stores both copies live in. */
export interface OptOutStores {
  readonly events: ObjectStore;
  readonly curated: ObjectStore;
}

/** A registry change: what the list held before and holds now. */
export interface OptOutChange {
  readonly before: readonly string[];
  readonly after: readonly string[];
}

const TABLE_COLUMN = OPT_OUTS_TABLE.columns[0]?.name ?? 'user_pseudonym';

function parseDocument(body: Uint8Array | undefined): string[] {
  if (!body) return [];
  const doc = JSON.parse(Buffer.from(body).toString('utf8')) as Partial<OptOutDocument>;
  return Array.isArray(doc.pseudonyms)
    ? doc.pseudonyms.filter((p): p is string => typeof p === 'string')
    : [];
}

/** Reads the registry's pseudonyms (none when the object does not exist yet). */
export async function readOptOuts(store: ObjectStore): Promise<string[]> {
  return parseDocument(await store.get(OPT_OUT_REGISTRY_KEY));
}

/** Reads the views' copy in the curated bucket (JSON Lines); none when it does not exist yet. */
export async function readOptOutTable(store: ObjectStore): Promise<string[]> {
  const body = await store.get(OPT_OUT_TABLE_KEY);
  if (!body) return [];
  const out: string[] = [];
  for (const line of Buffer.from(body).toString('utf8').split('\n')) {
    if (line.trim() === '') continue;
    const value = (JSON.parse(line) as Record<string, unknown>)[TABLE_COLUMN];
    if (typeof value === 'string') out.push(value);
  }
  return out;
}

/** An object's bytes with the ETag it had when read: list first, then get (a newer body only fails the write). */
async function readForUpdate(
  store: ObjectStore,
  key: string,
): Promise<{ body: Uint8Array | undefined; condition: PutOptions }> {
  const info = (await store.list(key)).find((o) => o.key === key);
  const body = await store.get(key);
  if (!info) return { body, condition: { ifNoneMatch: '*' } };
  return { body, condition: info.etag ? { ifMatch: info.etag } : {} };
}

const tableBody = (list: readonly string[]) =>
  list.map((p) => `${JSON.stringify({ [TABLE_COLUMN]: p })}\n`).join('');

async function backOff(attempt: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 20 * 2 ** attempt * Math.random())));
}

/**
 * Brings the curated copy in line with the registry of record. Repeats until the registry did not change
 * while the copy was written, so the last of several concurrent writers always leaves the latest list.
 */
async function syncOptOutTable(stores: OptOutStores, attempts: number): Promise<void> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const registryEtag = (await stores.events.list(OPT_OUT_REGISTRY_KEY)).find(
      (o) => o.key === OPT_OUT_REGISTRY_KEY,
    )?.etag;
    const list = await readOptOuts(stores.events);
    const { body, condition } = await readForUpdate(stores.curated, OPT_OUT_TABLE_KEY);
    const next = tableBody(list);
    try {
      if (!body || Buffer.from(body).toString('utf8') !== next)
        await stores.curated.put(OPT_OUT_TABLE_KEY, next, {
          contentType: 'application/x-ndjson',
          ...condition,
        });
    } catch (err) {
      if (!(err instanceof PreconditionFailedError)) throw err;
      await backOff(attempt);
      continue;
    }
    const now = (await stores.events.list(OPT_OUT_REGISTRY_KEY)).find(
      (o) => o.key === OPT_OUT_REGISTRY_KEY,
    )?.etag;
    if (now === registryEtag) return;
  }
  throw new PreconditionFailedError(`${OPT_OUT_TABLE_KEY} kept changing; try again`);
}

/**
 * Changes the registry: reads it, applies `change`, writes it back conditionally (retrying from a fresh
 * read on conflict), then brings the views' copy in line. Sorted and deduplicated.
 */
export async function updateOptOuts(
  stores: OptOutStores,
  change: (current: readonly string[]) => Iterable<string>,
  options: { now?: number; attempts?: number } = {},
): Promise<OptOutChange> {
  const attempts = options.attempts ?? OPT_OUT_WRITE_ATTEMPTS;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const { body, condition } = await readForUpdate(stores.events, OPT_OUT_REGISTRY_KEY);
    const before = parseDocument(body);
    const after = [...new Set(change(before))].sort();
    const unchanged = body !== undefined && after.join('\n') === [...before].sort().join('\n');
    if (!unchanged) {
      const doc: OptOutDocument = {
        version: 1,
        updatedAt: new Date(options.now ?? Date.now()).toISOString(),
        pseudonyms: after,
      };
      try {
        await stores.events.put(OPT_OUT_REGISTRY_KEY, JSON.stringify(doc), {
          contentType: 'application/json',
          ...condition,
        });
      } catch (err) {
        if (!(err instanceof PreconditionFailedError)) throw err;
        await backOff(attempt);
        continue;
      }
    }
    await syncOptOutTable(stores, attempts);
    return { before, after };
  }
  throw new PreconditionFailedError(`${OPT_OUT_REGISTRY_KEY} kept changing; try again`);
}

/** Adds subjects (by pseudonym) to the registry; true when one of them was not listed yet. */
export async function addOptOuts(
  stores: OptOutStores,
  pseudonyms: readonly string[],
  options: { now?: number } = {},
): Promise<{ added: boolean; count: number }> {
  const r = await updateOptOuts(stores, (current) => [...current, ...pseudonyms], options);
  return { added: pseudonyms.some((p) => !r.before.includes(p)), count: r.after.length };
}

/** Writes the registry to exactly this list, and the views' copy (sorted, deduplicated; conditional writes). */
export async function writeOptOuts(
  stores: OptOutStores,
  pseudonyms: Iterable<string>,
  now = Date.now(),
): Promise<string[]> {
  const list = [...pseudonyms];
  return [...(await updateOptOuts(stores, () => list, { now })).after];
}

/** The registry the redact function consults: read through, cached for `ttlMs`. */
export class StoredOptOutRegistry implements OptOutRegistry {
  private cache: { at: number; set: Promise<Set<string>> } | undefined;

  constructor(
    private readonly store: ObjectStore,
    private readonly ttlMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  async isOptedOut(userPseudonym: string): Promise<boolean> {
    const t = this.now();
    if (!this.cache || t - this.cache.at >= this.ttlMs) {
      const set = readOptOuts(this.store).then((l) => new Set(l));
      this.cache = { at: t, set };
      // A failed read must not stick: the next call retries.
      set.catch(() => {
        this.cache = undefined;
      });
    }
    return (await this.cache.set).has(userPseudonym);
  }
}
