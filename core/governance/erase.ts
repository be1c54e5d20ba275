/**
 * Right to erasure. For one subject (by pseudonym): find every object in the events, quarantine and curated
 * zones that holds their rows; rewrite each without those rows (same columns, zstd Parquet or JSON Lines;
 * the store's encryption settings apply to the rewrite); delete the object's older versions; verify by
 * reading back; add the subject to the opt-out registry; write a tamper-evident receipt (a hash chain over
 * all receipts) to a write-once audit store.
 *
 * Concurrency (as S3 Find and Forget): each rewrite is conditional on the ETag the object had when it was
 * read; if another writer changed it meanwhile, the rewrite is abandoned and the object processed again
 * from its new content. Idempotent: a second erase finds nothing and says so. Resumable: a crashed run is
 * simply run again (each object rewrite is idempotent); the journal (`_erase/journal/` in the curated
 * bucket) carries what the first run removed into the receipt.
 */
import { createHash } from 'node:crypto';
import { ERROR_CODES, WorktraceError } from '../errors.js';
import { decodeParquet, encodeParquet, type LakeRow } from '../lake/parquet.js';
import {
  ACTIONS_TABLE,
  EPISODES_TABLE,
  EVENTS_TABLE,
  TABLE_LOCATIONS,
  type TableDef,
} from '../lake/schema.js';
import { type ObjectStore, PreconditionFailedError } from '../ports.js';
import { readOptOuts, writeOptOuts } from './opt-outs.js';

/** Stores erasure works on. */
export interface EraseStores {
  readonly events: ObjectStore;
  readonly quarantine: ObjectStore;
  readonly curated: ObjectStore;
  /** Write-once receipts. */
  readonly audit: ObjectStore;
}

/** One rewritten (or deleted) object. */
export interface ErasedObject {
  readonly zone: 'events' | 'quarantine' | 'curated';
  readonly key: string;
  readonly rowsRemoved: number;
  readonly rowsKept: number;
  readonly versionsDeleted: number;
  readonly retries: number;
}

/** The receipt of one erasure run. */
export interface EraseReceipt {
  readonly version: 1;
  readonly subject: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly rowsRemoved: number;
  readonly objects: readonly ErasedObject[];
  /** Re-reading every object found zero rows of the subject. */
  readonly verified: true;
  readonly optOutRegistered: boolean;
  readonly note: string;
  readonly previousHash: string;
  readonly hash: string;
}

/** Erasure could not complete (e.g. an object kept changing); nothing was receipted. */
export class EraseError extends WorktraceError {
  override readonly name = 'EraseError';
  readonly code = ERROR_CODES.erase;
}

const RECEIPTS = 'receipts/';
/** Journal of a run in progress, in the curated bucket (the audit store is write-once). */
const JOURNAL = '_erase/journal/';
const GENESIS = '0'.repeat(64);

interface Target {
  readonly zone: ErasedObject['zone'];
  readonly store: ObjectStore;
  readonly prefix: string;
  readonly table: TableDef | 'jsonl';
}

/** Stable JSON (sorted keys), so the hash of a receipt does not depend on key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The hash of a receipt: sha256 over its canonical JSON without `hash`, chained by `previousHash`. */
export function receiptHash(receipt: Omit<EraseReceipt, 'hash'>): string {
  return createHash('sha256').update(canonical(receipt)).digest('hex');
}

async function receiptKeys(audit: ObjectStore): Promise<string[]> {
  return (await audit.list(RECEIPTS)).map((o) => o.key).sort();
}

/** Checks the whole receipt chain; returns the first broken key, or null when it holds. */
export async function verifyReceiptChain(audit: ObjectStore): Promise<string | null> {
  let previous = GENESIS;
  for (const key of await receiptKeys(audit)) {
    const body = await audit.get(key);
    if (!body) return key;
    const r = JSON.parse(Buffer.from(body).toString('utf8')) as EraseReceipt;
    const { hash, ...rest } = r;
    if (r.previousHash !== previous || receiptHash(rest) !== hash) return key;
    previous = hash;
  }
  return null;
}

/** Removes a subject's rows from one object; returns what happened (null when the object holds none). */
async function eraseObject(
  t: Target,
  key: string,
  etag: string | undefined,
  pseudonym: string,
): Promise<{ removed: number; kept: number } | null> {
  const body = await t.store.get(key);
  if (!body) return null;
  if (t.table === 'jsonl') {
    const lines = Buffer.from(body)
      .toString('utf8')
      .split('\n')
      .filter((l) => l !== '');
    const kept = lines.filter((l) => !l.includes(pseudonym));
    if (kept.length === lines.length) return null;
    const next = kept.map((l) => `${l}\n`).join('');
    if (kept.length === 0) await t.store.delete(key);
    else
      await t.store.put(key, next, {
        contentType: 'application/x-ndjson',
        ...(etag ? { ifMatch: etag } : {}),
      });
    return { removed: lines.length - kept.length, kept: kept.length };
  }
  const rows = decodeParquet(body);
  const kept = rows.filter((r) => r.user_pseudonym !== pseudonym);
  if (kept.length === rows.length) return null;
  if (kept.length === 0) await t.store.delete(key);
  else
    await t.store.put(key, encodeParquet(t.table.columns, kept as LakeRow[]), {
      contentType: 'application/vnd.apache.parquet',
      ...(etag ? { ifMatch: etag } : {}),
    });
  return { removed: rows.length - kept.length, kept: kept.length };
}

/** Counts the subject's rows left in an object (verification). */
async function rowsLeft(t: Target, key: string, pseudonym: string): Promise<number> {
  const body = await t.store.get(key);
  if (!body) return 0;
  if (t.table === 'jsonl')
    return Buffer.from(body)
      .toString('utf8')
      .split('\n')
      .filter((l) => l.includes(pseudonym)).length;
  return decodeParquet(body).filter((r) => r.user_pseudonym === pseudonym).length;
}

/** Erases one subject from every zone and writes the receipt. */
export async function eraseSubject(
  stores: EraseStores,
  pseudonym: string,
  options: { now?: () => number; maxRetries?: number } = {},
): Promise<EraseReceipt> {
  if (!/^[0-9a-zA-Z_-]{1,128}$/.test(pseudonym)) throw new EraseError('not a pseudonym');
  const now = options.now ?? Date.now;
  const maxRetries = options.maxRetries ?? 5;
  const startedAt = new Date(now()).toISOString();
  const journalKey = `${JOURNAL}${pseudonym}.json`;
  const earlier = await stores.curated.get(journalKey);
  const done: ErasedObject[] = earlier
    ? (JSON.parse(Buffer.from(earlier).toString('utf8')) as ErasedObject[])
    : [];
  const targets: Target[] = [
    { zone: 'events', store: stores.events, prefix: TABLE_LOCATIONS.events.prefix, table: EVENTS_TABLE },
    {
      zone: 'quarantine',
      store: stores.quarantine,
      prefix: TABLE_LOCATIONS.quarantine.prefix,
      table: 'jsonl',
    },
    { zone: 'curated', store: stores.curated, prefix: TABLE_LOCATIONS.actions.prefix, table: ACTIONS_TABLE },
    {
      zone: 'curated',
      store: stores.curated,
      prefix: TABLE_LOCATIONS.episodes.prefix,
      table: EPISODES_TABLE,
    },
  ];
  for (const t of targets) {
    for (const o of await t.store.list(t.prefix)) {
      let etag = o.etag;
      for (let attempt = 0; ; attempt++) {
        try {
          const r = await eraseObject(t, o.key, etag, pseudonym);
          if (r) {
            const versionsDeleted = (await t.store.deleteOtherVersions?.(o.key)) ?? 0;
            done.push({
              zone: t.zone,
              key: o.key,
              rowsRemoved: r.removed,
              rowsKept: r.kept,
              versionsDeleted,
              retries: attempt,
            });
            await stores.curated.put(journalKey, JSON.stringify(done));
          }
          break;
        } catch (err) {
          if (!(err instanceof PreconditionFailedError) || attempt >= maxRetries) {
            throw new EraseError(`could not rewrite ${t.zone}/${o.key}: ${(err as Error).message}`);
          }
          // Another writer changed the object: roll back our view of it and start over from its new state.
          etag = (await t.store.list(o.key)).find((x) => x.key === o.key)?.etag;
        }
      }
    }
  }
  // Verify: nothing of the subject is left in any object of any zone.
  for (const t of targets) {
    for (const o of await t.store.list(t.prefix)) {
      if ((await rowsLeft(t, o.key, pseudonym)) > 0)
        throw new EraseError(`verification found rows left in ${t.zone}/${o.key}`);
    }
  }
  const optOuts = await readOptOuts(stores.events);
  const optOutRegistered = !optOuts.includes(pseudonym);
  if (optOutRegistered)
    await writeOptOuts({ events: stores.events, curated: stores.curated }, [...optOuts, pseudonym], now());
  const keys = await receiptKeys(stores.audit);
  let previousHash = GENESIS;
  const last = keys.at(-1);
  if (last) {
    const body = await stores.audit.get(last);
    previousHash = body ? (JSON.parse(Buffer.from(body).toString('utf8')) as EraseReceipt).hash : GENESIS;
  }
  const rowsRemoved = done.reduce((n, d) => n + d.rowsRemoved, 0);
  const draft: Omit<EraseReceipt, 'hash'> = {
    version: 1,
    subject: pseudonym,
    startedAt,
    finishedAt: new Date(now()).toISOString(),
    rowsRemoved,
    objects: done,
    verified: true,
    optOutRegistered,
    note:
      rowsRemoved === 0
        ? 'nothing held about the subject: no object changed'
        : `removed from ${done.length} objects`,
    previousHash,
  };
  const receipt: EraseReceipt = { ...draft, hash: receiptHash(draft) };
  const seq = String(keys.length + 1).padStart(8, '0');
  await stores.audit.put(
    `${RECEIPTS}${seq}-${pseudonym.slice(0, 12)}.json`,
    `${JSON.stringify(receipt, null, 2)}\n`,
  );
  await stores.curated.delete(journalKey);
  return receipt;
}
