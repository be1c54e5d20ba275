/**
 * The opt-out registry as stored objects. Two copies of one list of pseudonyms (never raw ids):
 * - `_registry/opt-outs.json` in the events bucket: the redact function reads it (TTL-cached) and drops
 *   the subjects' new events before anything is written; it has no access to the curated zone.
 * - `opt_outs/registry.jsonl` in the curated bucket: the `opt_outs` table the training views exclude.
 * `worktrace optout add|remove` (and erasure) write both.
 */
import { OPT_OUTS_TABLE, TABLE_LOCATIONS } from '../lake/schema.js';
import type { ObjectStore, OptOutRegistry } from '../ports.js';

/** Key of the registry object in the events bucket. */
export const OPT_OUT_REGISTRY_KEY = '_registry/opt-outs.json';
/** Key of the views' copy in the curated bucket. */
export const OPT_OUT_TABLE_KEY = `${TABLE_LOCATIONS.opt_outs.prefix}registry.jsonl`;

/** The registry document. */
export interface OptOutDocument {
  readonly version: 1;
  readonly updatedAt: string;
  readonly pseudonyms: readonly string[];
}

/** Reads the registry's pseudonyms (none when the object does not exist yet). */
export async function readOptOuts(store: ObjectStore): Promise<string[]> {
  const body = await store.get(OPT_OUT_REGISTRY_KEY);
  if (!body) return [];
  const doc = JSON.parse(Buffer.from(body).toString('utf8')) as Partial<OptOutDocument>;
  return Array.isArray(doc.pseudonyms)
    ? doc.pseudonyms.filter((p): p is string => typeof p === 'string')
    : [];
}

/** Writes the registry and the views' copy (sorted, deduplicated). */
export async function writeOptOuts(
  stores: { events: ObjectStore; curated: ObjectStore },
  pseudonyms: Iterable<string>,
  now = Date.now(),
): Promise<string[]> {
  const list = [...new Set(pseudonyms)].sort();
  const doc: OptOutDocument = { version: 1, updatedAt: new Date(now).toISOString(), pseudonyms: list };
  await stores.events.put(OPT_OUT_REGISTRY_KEY, JSON.stringify(doc), { contentType: 'application/json' });
  const column = OPT_OUTS_TABLE.columns[0]?.name ?? 'user_pseudonym';
  await stores.curated.put(
    OPT_OUT_TABLE_KEY,
    list.map((p) => `${JSON.stringify({ [column]: p })}\n`).join(''),
    {
      contentType: 'application/x-ndjson',
    },
  );
  return list;
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
