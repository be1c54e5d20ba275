import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileObjectStore } from '#adapters/file-object-store.js';
import { eraseSubject, verifyReceiptChain } from '#core/governance/erase.js';
import { readOptOuts } from '#core/governance/opt-outs.js';
import { decodeParquet, encodeParquet, type LakeRow } from '#core/lake/parquet.js';
import { EPISODES_TABLE } from '#core/lake/schema.js';
import type { ObjectStore } from '#core/ports.js';
import { writeOnce } from '../../bin/commands/erase.js';
import { cliIn, sampleUserId } from '../fixtures/cli.js';
import { buildFixtureLake, type FixtureLake } from '../fixtures/lake.js';

/** Every row of a zone's Parquet objects under a prefix. */
async function rowsOf(store: ObjectStore, prefix: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (const o of await store.list(prefix)) {
    if (o.key.endsWith('.parquet')) out.push(...decodeParquet((await store.get(o.key)) as Uint8Array));
  }
  return out;
}

const byUser = (rows: Record<string, unknown>[], user: string) =>
  rows.filter((r) => r.user_pseudonym === user);
const others = (rows: Record<string, unknown>[], user: string) =>
  rows
    .filter((r) => r.user_pseudonym !== user)
    .map((r) => JSON.stringify(r))
    .sort();

async function setup(): Promise<{ fx: FixtureLake; audit: FileObjectStore }> {
  const fx = await buildFixtureLake();
  return { fx, audit: new FileObjectStore(mkdtempSync(join(tmpdir(), 'wt-audit-'))) };
}

describe('erasure', () => {
  it("removes exactly the subject's rows from every zone and leaves everyone else's intact", async () => {
    const { fx, audit } = await setup();
    const subject = 'u-u1';
    const before = {
      events: await rowsOf(fx.stores.events, 'events/'),
      actions: await rowsOf(fx.stores.curated, 'actions/'),
      episodes: await rowsOf(fx.stores.curated, 'episodes/'),
    };
    expect(byUser(before.events, subject).length).toBeGreaterThan(0);
    const receipt = await eraseSubject({ ...fx.stores, audit: writeOnce(audit) }, subject);
    const after = {
      events: await rowsOf(fx.stores.events, 'events/'),
      actions: await rowsOf(fx.stores.curated, 'actions/'),
      episodes: await rowsOf(fx.stores.curated, 'episodes/'),
    };
    for (const zone of ['events', 'actions', 'episodes'] as const) {
      expect(byUser(after[zone], subject), zone).toEqual([]);
      expect(others(after[zone], subject), zone).toEqual(others(before[zone], subject));
    }
    const removed =
      byUser(before.events, subject).length +
      byUser(before.actions, subject).length +
      byUser(before.episodes, subject).length;
    expect(receipt.rowsRemoved).toBe(removed);
    expect(receipt.verified).toBe(true);
    expect(await readOptOuts(fx.stores.events)).toContain(subject);
    expect(await verifyReceiptChain(audit)).toBeNull();
  });

  it('a second erase is a no-op with a receipt saying so, chained to the first', async () => {
    const { fx, audit } = await setup();
    const first = await eraseSubject({ ...fx.stores, audit: writeOnce(audit) }, 'u-u2');
    const second = await eraseSubject({ ...fx.stores, audit: writeOnce(audit) }, 'u-u2');
    expect(second.rowsRemoved).toBe(0);
    expect(second.objects).toEqual([]);
    expect(second.note).toContain('nothing held');
    expect(second.optOutRegistered).toBe(false);
    expect(second.previousHash).toBe(first.hash);
    expect(await verifyReceiptChain(audit)).toBeNull();
  });

  it('detects an edited receipt', async () => {
    const { fx, audit } = await setup();
    await eraseSubject({ ...fx.stores, audit }, 'u-u3');
    await eraseSubject({ ...fx.stores, audit }, 'u-u4');
    const [firstKey] = (await audit.list('receipts/')).map((o) => o.key);
    const path = join(audit.name, firstKey as string);
    const edited = JSON.parse(readFileSync(path, 'utf8'));
    edited.rowsRemoved = 0;
    writeFileSync(path, JSON.stringify(edited));
    expect(await verifyReceiptChain(audit)).toBe(firstKey);
  });

  it('an erase racing a concurrent write rolls that object back, retries and completes', async () => {
    const { fx, audit } = await setup();
    const subject = 'u-u0';
    let target = '';
    for (const o of await fx.stores.curated.list('episodes/')) {
      if (byUser(decodeParquet((await fx.stores.curated.get(o.key)) as Uint8Array), subject).length > 0)
        target = o.key;
    }
    let raced = false;
    // Another writer rewrites the episodes object (adding a row) right after erasure has read it.
    const racing: ObjectStore = {
      name: 'curated',
      put: (k, b, o) => fx.stores.curated.put(k, b, o),
      list: (p) => fx.stores.curated.list(p),
      delete: (k) => fx.stores.curated.delete(k),
      deleteOtherVersions: undefined,
      async get(key) {
        const body = await fx.stores.curated.get(key);
        if (key === target && !raced && body) {
          raced = true;
          const rows = decodeParquet(body);
          const extra = {
            ...(rows.find((r) => r.user_pseudonym !== subject) as Record<string, unknown>),
            episode_id: 'late-writer',
          };
          await fx.stores.curated.put(
            key,
            encodeParquet(EPISODES_TABLE.columns, [...rows, extra] as LakeRow[]),
          );
        }
        return body;
      },
    };
    const receipt = await eraseSubject({ ...fx.stores, curated: racing, audit }, subject);
    expect(raced).toBe(true);
    expect(receipt.objects.find((o) => o.key === target)?.retries).toBeGreaterThanOrEqual(1);
    const final = decodeParquet((await fx.stores.curated.get(target)) as Uint8Array);
    expect(final.some((r) => r.episode_id === 'late-writer')).toBe(true);
    expect(byUser(final, subject)).toEqual([]);
  });

  it('resumes after a crash mid-run: the rerun completes and its receipt counts both runs', async () => {
    const { fx, audit } = await setup();
    const subject = 'u-u3';
    const before = [
      ...(await rowsOf(fx.stores.events, 'events/')),
      ...(await rowsOf(fx.stores.curated, 'actions/')),
      ...(await rowsOf(fx.stores.curated, 'episodes/')),
    ];
    let puts = 0;
    // The process dies on the curated zone's second rewrite (after events were already rewritten).
    const dying: ObjectStore = {
      name: 'curated',
      get: (k) => fx.stores.curated.get(k),
      list: (p) => fx.stores.curated.list(p),
      delete: (k) => fx.stores.curated.delete(k),
      async put(k, b, o) {
        if (!k.startsWith('_erase/') && ++puts === 2) throw new Error('process killed');
        return fx.stores.curated.put(k, b, o);
      },
    };
    await expect(eraseSubject({ ...fx.stores, curated: dying, audit }, subject)).rejects.toThrow(
      'process killed',
    );
    expect(await audit.list('receipts/')).toEqual([]); // no receipt for an unfinished erasure
    const receipt = await eraseSubject({ ...fx.stores, audit }, subject);
    expect(receipt.rowsRemoved).toBe(byUser(before, subject).length);
    expect(byUser(await rowsOf(fx.stores.curated, 'episodes/'), subject)).toEqual([]);
    expect(await fx.stores.curated.list('_erase/')).toEqual([]); // journal cleared
  });

  it('worktrace erase --user: one line, receipts in the data dir, chain intact', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wt-erase-cli-'));
    const lake = join(dataDir, 'lake');
    const run = cliIn(dataDir);
    expect(run(['redact', 'samples/sample-events.ndjson', '--out', lake]).status).toBe(0);
    const rawUser = sampleUserId();
    const first = run(['erase', '--user', rawUser, '--lake-dir', lake]);
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^erased [0-9a-f]{32}: [1-9]\d* rows from \d+ objects/);
    expect(first.stdout).toContain('chain intact');
    expect(first.stdout).not.toContain(rawUser);
    const again = run(['erase', '--user', rawUser, '--lake-dir', lake]);
    expect(again.stdout).toContain(': 0 rows from 0 objects (nothing held');
  });
});
