import { mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileObjectStore } from '#adapters/file-object-store.js';
import { LocalKeyFileProvider } from '#adapters/local-key-provider.js';
import {
  type EraseReceipt,
  eraseSubject,
  pendingSweeps,
  runDueSweeps,
  subjectPseudonyms,
  verifyReceiptChain,
} from '#core/governance/erase.js';
import { OPT_OUT_REGISTRY_KEY, readOptOuts, readOptOutTable } from '#core/governance/opt-outs.js';
import { decodeParquet, encodeParquet, type LakeRow } from '#core/lake/parquet.js';
import { EVENTS_TABLE, type EventRow } from '#core/lake/schema.js';
import type { ObjectStore, PseudonymKey } from '#core/ports.js';
import { Pseudonymizer } from '#core/redact/pseudonym.js';
import { writeOnce } from '../../bin/commands/erase.js';
import { cliIn, sampleUserId } from '../fixtures/cli.js';
import { ROW_BASE_TS, SessionScript } from '../fixtures/event-rows.js';
import { buildFixtureLake } from '../fixtures/lake.js';
import { VersionedMemoryStore } from './versioned-store.js';

const HOUR = 3_600_000;
const parquet = (rows: readonly EventRow[]) =>
  encodeParquet(EVENTS_TABLE.columns, rows as unknown as LakeRow[]);
const tmpStore = (name: string) => new FileObjectStore(mkdtempSync(join(tmpdir(), `wt-${name}-`)));

/** A session's events-zone rows for one user pseudonym under one key version. */
function rowsOf(session: string, user: string, keyVersion = 'key-1', start = ROW_BASE_TS): EventRow[] {
  return new SessionScript(session, start)
    .screen()
    .focus('editor')
    .click(1, 1)
    .rows.map((r) => ({ ...r, user_pseudonym: user, key_version: keyVersion }));
}

const usersIn = (body: Uint8Array) => decodeParquet(body).map((r) => r.user_pseudonym);
/** Rows in one session of rowsOf. */
const N = rowsOf('n', 'u').length;
const times = <T>(n: number, v: T): T[] => Array.from({ length: n }, () => v);

describe('erasure: quarantine rows by their user_pseudonym column', () => {
  it('removes a row whose column names the subject even when its payload does not, and old rows by substring', async () => {
    const fx = await buildFixtureLake();
    const subject = 'u-u2';
    const key = 'quarantine/dt=2026-11-02/hour=09/shardId-000000000000-7-9.jsonl';
    const base = { issues: '[]', findings: null, shard_id: 'shardId-000000000000', policy_version: 'p' };
    const lines = [
      // a too-large record: the payload was cut before its userId, the column still names the subject
      {
        ...base,
        reason: 'too_large',
        user_pseudonym: subject,
        scrubbed_payload: '{"text":"<TRUNCATED>',
        key_version: 'k',
      },
      // a row written before the column existed: the subject's pseudonym is in the scrubbed payload
      {
        ...base,
        reason: 'contract',
        scrubbed_payload: `{"userId":"${subject}","seq":"x"}`,
        key_version: 'k',
      },
      // someone else's
      {
        ...base,
        reason: 'contract',
        user_pseudonym: 'u-u0',
        scrubbed_payload: '{"seq":"y"}',
        key_version: 'k',
      },
    ];
    await fx.stores.quarantine.put(key, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
    const audit = tmpStore('audit');
    const receipt = await eraseSubject({ ...fx.stores, audit: writeOnce(audit) }, subject);
    const left = Buffer.from((await fx.stores.quarantine.get(key)) as Uint8Array)
      .toString('utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(left).toEqual([lines[2]]);
    expect(receipt.objects.find((o) => o.key === key)).toMatchObject({ rowsRemoved: 2, rowsKept: 1 });
    expect(receipt.verified).toBe(true);
  });
});

describe('erasure: quarantine rows written by the real redactor (issue 15, observation 2)', () => {
  it('worktrace erase --user leaves no quarantined record of the subject, even one whose payload was cut before the user id', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wt-erase-q-'));
    const lake = join(dataDir, 'lake');
    const file = join(dataDir, 'events.ndjson');
    const base = { schemaVersion: 1, deviceId: 'LAPTOP-1', sessionId: 'sess-quarantine', ts: 1793610000000 };
    // Too large, with the user id after a long text: the stored payload is cut before it.
    const tooLarge = (user: string, id: string) =>
      JSON.stringify({ ...base, eventId: id, type: 'text', text: 'x'.repeat(300_000), seq: 1, userId: user });
    writeFileSync(
      file,
      [
        tooLarge('maria.gonzalez', 'evt-maria-0001'),
        JSON.stringify({
          ...base,
          eventId: 'evt-maria-0002',
          userId: 'maria.gonzalez',
          seq: 2,
          type: 'no_such_type',
        }),
        tooLarge('bob.stone', 'evt-bob-00001'),
      ].join('\n'),
    );
    const run = cliIn(dataDir);
    expect(run(['redact', file, '--out', lake]).status).toBe(0);
    const quarantined = () =>
      readdirSync(join(lake, 'quarantine'), { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.jsonl'))
        .flatMap((f) =>
          readFileSync(join(lake, 'quarantine', f), 'utf8')
            .trim()
            .split('\n'),
        )
        .filter((l) => l !== '');
    expect(quarantined()).toHaveLength(3);
    const erase = run(['erase', '--user', 'maria.gonzalez', '--lake-dir', lake]);
    expect(erase.status).toBe(0);
    expect(erase.stdout).toContain('verified');
    const key = await new LocalKeyFileProvider(join(dataDir, 'keys', 'pseudonym.key')).getKey();
    const bob = new Pseudonymizer(key).of('user', 'bob.stone');
    // Only Bob's record is left: the subject's cut-off record went by its user_pseudonym column.
    expect(quarantined().map((l) => (JSON.parse(l) as { user_pseudonym?: string }).user_pseudonym)).toEqual([
      bob,
    ]);
  });
});

describe('erasure: every key version still in the lake', () => {
  const OLD: PseudonymKey = { key: new Uint8Array(32).fill(7), version: 'local-old' };
  const NEW: PseudonymKey = { key: new Uint8Array(32).fill(9), version: 'local-new' };
  const RAW = 'maria.gonzalez@corp.example';

  async function lakeAcrossRotation() {
    const [underOld, underNew] = subjectPseudonyms(RAW, [OLD, NEW]).map((s) => s.pseudonym) as [
      string,
      string,
    ];
    const stores = {
      events: tmpStore('ev'),
      quarantine: tmpStore('q'),
      curated: tmpStore('cur'),
      audit: tmpStore('audit'),
    };
    const key = 'events/dt=2026-11-02/hour=09/shardId-000000000000-1-9.parquet';
    await stores.events.put(
      key,
      parquet([
        ...rowsOf('before-rotation', underOld, OLD.version),
        ...rowsOf('after-rotation', underNew, NEW.version),
        ...rowsOf('someone-else', 'u-other', NEW.version),
      ]),
    );
    return { stores, key, underOld, underNew };
  }

  it('finds a row written under an old key version when the old key is supplied', async () => {
    const { stores, key, underNew } = await lakeAcrossRotation();
    const receipt = await eraseSubject(stores, subjectPseudonyms(RAW, [NEW, OLD]));
    expect(usersIn((await stores.events.get(key)) as Uint8Array)).toEqual(times(N, 'u-other'));
    expect(receipt.keyVersions).toEqual(['local-new', 'local-old']);
    expect(receipt.subject).toBe(underNew);
    // The current key's pseudonym is the one registered: it is what the redact function computes.
    expect(await readOptOuts(stores.events)).toEqual([underNew]);
  });

  it('refuses to call it verified when rows under a key version it has no key for are in the lake', async () => {
    const { stores, key, underOld } = await lakeAcrossRotation();
    await expect(eraseSubject(stores, subjectPseudonyms(RAW, [NEW]))).rejects.toThrow(
      /key version\(s\) local-old cannot be searched/,
    );
    expect(await stores.audit.list('receipts/')).toEqual([]);
    // What it could find is gone; the rows under the old key are untouched until the old key is supplied.
    expect(usersIn((await stores.events.get(key)) as Uint8Array).sort()).toEqual(
      [...times(N, underOld), ...times(N, 'u-other')].sort(),
    );
  });
});

describe('erasure: noncurrent versions', () => {
  it('deletes every other version of a rewritten object and hidden versions holding the subject, nothing else', async () => {
    const subject = 'u-subject';
    const events = new VersionedMemoryStore('events');
    const A = 'events/dt=2026-11-02/hour=09/a.parquet';
    const B = 'events/dt=2026-11-02/hour=10/b.parquet';
    const C = 'events/dt=2026-11-02/hour=11/c.parquet';
    // A: overwritten by a retried batch; both versions hold the subject.
    await events.put(A, parquet([...rowsOf('s1', subject), ...rowsOf('o1', 'u-other')]));
    await events.put(A, parquet([...rowsOf('s1', subject), ...rowsOf('o2', 'u-other')]));
    // B: expired by lifecycle: a delete marker hides the version that holds the subject.
    await events.put(B, parquet([...rowsOf('s2', subject), ...rowsOf('o3', 'u-other')]));
    await events.delete(B);
    // C: expired too, but never held the subject: kept for the noncurrent-version lifecycle.
    await events.put(C, parquet(rowsOf('o4', 'u-other')));
    await events.delete(C);
    const stores = { events, quarantine: tmpStore('q'), curated: tmpStore('cur'), audit: tmpStore('audit') };

    const receipt = await eraseSubject(stores, subject);

    for (const v of events.allBodies('events/'))
      expect(usersIn(v.body), `${v.key} ${v.versionId}`).not.toContain(subject);
    expect(events.allBodies(C)).toHaveLength(1);
    expect(usersIn((await events.get(A)) as Uint8Array)).toEqual(times(N, 'u-other'));
    expect(receipt.objects).toEqual([expect.objectContaining({ key: A, versionsDeleted: 2 })]);
    expect(receipt.noncurrentVersions).toEqual([
      expect.objectContaining({ zone: 'events', key: B, rows: N }),
    ]);
  });
});

describe('erasure: the athena-results zone', () => {
  it('deletes every query result written before the erasure finished (a cache that may hold the subject)', async () => {
    const fx = await buildFixtureLake();
    const results = fx.stores['athena-results'];
    await results.put('primary/q-1.csv', '"user_pseudonym"\n"u-u1"\n');
    await results.put('primary/q-1.csv.metadata', new Uint8Array([1, 2, 3]));
    await results.put('exports/part-0.parquet.gz', new Uint8Array([31, 139, 8]));
    // A result written after the erasure finished (its clock) stays; the follow-up sweep clears it.
    await results.put('primary/q-later.csv', '"n"\n"1"\n');
    const later = new Date(Date.now() + 10 * HOUR);
    utimesSync(join(results.name, 'primary/q-later.csv'), later, later);
    const receipt = await eraseSubject(
      { ...fx.stores, athenaResults: results, audit: tmpStore('audit') },
      'u-u1',
    );
    expect(receipt.queryResultsDeleted).toBe(3);
    expect((await results.list('')).map((o) => o.key)).toEqual(['primary/q-later.csv']);
  });

  it('deletes every version of a result in a versioned results bucket', async () => {
    const fx = await buildFixtureLake();
    const results = new VersionedMemoryStore('athena-results');
    await results.put('primary/q-1.csv', '"u-u1"\n');
    await results.put('primary/q-1.csv', '"u-u1"\n"u-u2"\n');
    await results.delete('primary/q-2.csv');
    await results.put('primary/q-2.csv', 'x');
    await results.delete('primary/q-2.csv');
    await eraseSubject({ ...fx.stores, athenaResults: results, audit: tmpStore('audit') }, 'u-u1');
    expect(await results.listVersions('')).toEqual([]);
  });
});

/** Wraps a store, logging writes under the given prefixes. */
function logged(store: ObjectStore, log: string[], zone: string): ObjectStore {
  return {
    name: store.name,
    get: (k) => store.get(k),
    list: (p) => store.list(p),
    async put(k, b, o) {
      log.push(`${zone} put ${k}`);
      return store.put(k, b, o);
    },
    async delete(k) {
      log.push(`${zone} delete ${k}`);
      return store.delete(k);
    },
  };
}

describe('erasure: the opt-out comes first, and its registry write is conditional', () => {
  it('registers the subject (the redact function’s copy) before any zone object is rewritten', async () => {
    const fx = await buildFixtureLake();
    const log: string[] = [];
    await eraseSubject(
      {
        events: logged(fx.stores.events, log, 'events'),
        quarantine: fx.stores.quarantine,
        curated: logged(fx.stores.curated, log, 'curated'),
        audit: tmpStore('audit'),
      },
      'u-u3',
    );
    const registered = log.indexOf(`events put ${OPT_OUT_REGISTRY_KEY}`);
    const firstRewrite = log.findIndex((l) => / (events|actions|episodes)\//.test(l));
    expect(registered).toBeGreaterThanOrEqual(0);
    expect(firstRewrite).toBeGreaterThan(registered);
    // The views' copy too, before any curated rewrite.
    expect(log.indexOf('curated put opt_outs/registry.jsonl')).toBeLessThan(firstRewrite);
  });

  it('keeps an opt-out another writer registered between its read and its write', async () => {
    const fx = await buildFixtureLake();
    let raced = false;
    // `optout add` for someone else lands right after erasure has read the registry.
    const events: ObjectStore = {
      name: 'events',
      put: (k, b, o) => fx.stores.events.put(k, b, o),
      list: (p) => fx.stores.events.list(p),
      delete: (k) => fx.stores.events.delete(k),
      async get(key) {
        const body = await fx.stores.events.get(key);
        if (key === OPT_OUT_REGISTRY_KEY && !raced) {
          raced = true;
          await fx.stores.events.put(
            key,
            JSON.stringify({ version: 1, updatedAt: '2026-11-02T00:00:00.000Z', pseudonyms: ['p-other'] }),
          );
        }
        return body;
      },
    };
    await eraseSubject({ ...fx.stores, events, audit: tmpStore('audit') }, 'u-u4');
    expect(raced).toBe(true);
    expect(await readOptOuts(fx.stores.events)).toEqual(['p-other', 'u-u4']);
    expect(await readOptOutTable(fx.stores.curated)).toEqual(['p-other', 'u-u4']);
  });
});

describe('erasure: records still inside the stream’s retention', () => {
  it('states when they age out, schedules the follow-up sweep, and the sweep removes what landed meanwhile', async () => {
    const fx = await buildFixtureLake();
    const audit = tmpStore('audit');
    const stores = { ...fx.stores, audit: writeOnce(audit) };
    const t0 = Date.now();
    const at = (ms: number) => () => ms;
    const first = await eraseSubject(stores, 'u-u1', { now: at(t0), streamRetentionMs: 6 * HOUR });
    expect(first.streamRecordsExpireBy).toBe(new Date(t0 + 6 * HOUR).toISOString());
    expect(first.sweepDueAt).toBe(first.streamRecordsExpireBy);
    expect(first.note).toContain(`follow-up sweep due ${first.sweepDueAt}`);
    expect(await pendingSweeps(fx.stores.curated)).toEqual([
      expect.objectContaining({ kind: 'erase', dueAt: first.sweepDueAt, subjects: [{ pseudonym: 'u-u1' }] }),
    ]);
    // A batch still in the stream, processed with a registry read before the opt-out (its TTL cache).
    const late = 'events/dt=2026-11-02/hour=12/shardId-000000000000-90-99.parquet';
    await fx.stores.events.put(late, parquet([...rowsOf('late', 'u-u1'), ...rowsOf('o', 'u-u0')]));

    expect(await runDueSweeps(stores, { now: at(t0 + 5 * HOUR) })).toEqual([]);
    const swept = await runDueSweeps(stores, { now: at(t0 + 6 * HOUR) });
    expect(swept).toEqual([expect.objectContaining({ subject: 'u-u1', kind: 'erase', rowsRemoved: N })]);
    expect(usersIn((await fx.stores.events.get(late)) as Uint8Array)).toEqual(times(N, 'u-u0'));
    expect(await pendingSweeps(fx.stores.curated)).toEqual([]);
    // The sweep has its own receipt, chained to the erasure's.
    const receipts = (await audit.list('receipts/')).map(
      (o) => JSON.parse(readFileSync(join(audit.name, o.key), 'utf8')) as EraseReceipt,
    );
    expect(receipts.map((r) => [r.kind, r.rowsRemoved, r.sweepDueAt])).toEqual([
      ['erase', first.rowsRemoved, first.sweepDueAt],
      ['sweep', N, null],
    ]);
    expect(receipts[1]?.previousHash).toBe(first.hash);
    expect(receipts[1]?.streamRecordsExpireBy).toBe(first.streamRecordsExpireBy);
    expect(await verifyReceiptChain(audit)).toBeNull();
  });

  it('worktrace erase prints when the stream copies age out; erase --sweep runs the due sweep', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wt-erase-sweep-'));
    const lake = join(dataDir, 'lake');
    const run = cliIn(dataDir);
    expect(run(['redact', 'samples/sample-events.ndjson', '--out', lake]).status).toBe(0);
    const rawUser = sampleUserId();
    const erase = run(['erase', '--user', rawUser, '--lake-dir', lake, '--stream-retention-hours', '0']);
    expect(erase.status).toBe(0);
    expect(erase.stdout).toMatch(/records sent before the opt-out leave the stream by \d{4}-\d\d-\d\dT/);
    expect(readdirSync(join(lake, '_sweeps'))).toHaveLength(1);
    const sweep = run(['erase', '--sweep', '--lake-dir', lake]);
    expect(sweep.status).toBe(0);
    expect(sweep.stdout).toMatch(
      /^follow-up sweep \(erase\) of [0-9a-f]{32}: 0 rows removed; receipt [0-9a-f]{64}$/m,
    );
    expect(sweep.stdout).toContain('receipt chain intact');
    expect(sweep.stdout).not.toContain(rawUser);
    expect(readdirSync(join(lake, '_sweeps'))).toEqual([]);
    expect(run(['erase', '--sweep', '--lake-dir', lake]).stdout).toContain('no follow-up sweep is due');
  });
});
