/**
 * Erasure reaches the sequencer's window checkpoints (`_state/checkpoints/`): the checkpoints are built by
 * running the real sequencer in incremental mode over a small lake holding the subject (under two key
 * versions) and two other users, so the subject's live session, with its open episode (typed text, window
 * titles), is carried from window to window; then the subject is erased through `eraseSubject` (and removed
 * through `optOutSubject`) on versioned in-memory buckets with S3's semantics.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eraseSubject, optOutSubject, verifyReceiptChain } from '#core/governance/erase.js';
import { decodeParquet, encodeParquet, type LakeRow } from '#core/lake/parquet.js';
import { ACTIONS_TABLE, EPISODES_TABLE, EVENTS_TABLE, type EventRow } from '#core/lake/schema.js';
import type { ObjectStore } from '#core/ports.js';
import type { SessionCheckpoint } from '#core/sequence/incremental.js';
import {
  CHECKPOINT_PREFIX,
  checkpointKey,
  sequenceWindow,
  type WindowCheckpoint,
} from '#core/sequence/sequencer.js';
import { ROW_BASE_TS, SessionScript } from '../fixtures/event-rows.js';
import { VersionedMemoryStore } from './versioned-store.js';

const MIN = 60_000;
const pseudonym = (name: string) => createHash('sha256').update(name).digest('hex');
/** The subject under the current key and under a retired one. */
const SUBJECT = [
  { pseudonym: pseudonym('subject/key-1'), keyVersion: 'key-1' },
  { pseudonym: pseudonym('subject/key-0'), keyVersion: 'key-0' },
] as const;
const [CURRENT, RETIRED] = SUBJECT.map((s) => s.pseudonym) as [string, string];
const ALICE = pseudonym('alice/key-1');
const BOB = pseudonym('bob/key-1');
/** Content only the subject's sessions carry (a window title, typed text). */
const SUBJECT_TITLE = 'Offer letter for Jordan Vale';
const SUBJECT_TEXT = 'salary band four, do not forward';

/** The sequencer's windows: 15 minutes from 09:00; the last one runs after the erasure. */
const WINDOW = 15 * MIN;
const windowAt = (i: number) => ({ from: ROW_BASE_TS + i * WINDOW, to: ROW_BASE_TS + (i + 1) * WINDOW });
const BEFORE = [0, 1, 2, 3, 4, 5, 6].map(windowAt);
const AFTER = windowAt(7);

/** A busy session: a click every 30 s (no idle cut), typing now and then, from `start` to `end`. */
function session(
  id: string,
  user: string,
  keyVersion: string,
  start: number,
  end: number,
  content: { title: string; text: string },
): EventRow[] {
  const s = new SessionScript(id, start).screen().focus('editor', content.title);
  for (let n = 0; s.ts < end; n++) {
    s.wait(30_000).click(100 + n, 200);
    if (n % 5 === 2) s.text('body', content.text);
  }
  return s.rows.map((r) => ({ ...r, user_pseudonym: user, key_version: keyVersion }));
}

const at = (minutes: number) => ROW_BASE_TS + minutes * MIN;
const others = { title: 'Quarterly plan', text: 'ship the release notes' };
const subjectContent = { title: SUBJECT_TITLE, text: SUBJECT_TEXT };

/** Every user's events: the subject (two sessions, two key versions), Alice and Bob, overlapping in time. */
function lakeRows(withSubject: boolean): EventRow[] {
  return [
    ...session('s-alice', ALICE, 'key-1', at(1), at(118), others),
    ...session('s-bob', BOB, 'key-1', at(10), at(119), { ...others, title: 'Roadmap' }),
    ...(withSubject
      ? [
          ...session('s-subject', CURRENT, 'key-1', at(3), at(104), subjectContent),
          ...session('s-subject-old', RETIRED, 'key-0', at(20), at(70), subjectContent),
          // Starts after the last horizon before the erasure (10:35): no checkpoint names its user.
          ...session('s-subject-new', CURRENT, 'key-1', at(97), at(104), subjectContent),
        ]
      : []),
  ];
}

/** Writes rows as events-zone Parquet, one object per event hour (as the redact function partitions). */
async function writeEvents(events: ObjectStore, rows: readonly EventRow[], batch: string): Promise<void> {
  const byHour = new Map<string, EventRow[]>();
  for (const r of rows) {
    const iso = new Date(r.ts).toISOString();
    const prefix = `events/dt=${iso.slice(0, 10)}/hour=${iso.slice(11, 13)}/`;
    byHour.set(prefix, [...(byHour.get(prefix) ?? []), r]);
  }
  for (const [prefix, part] of byHour) {
    const sorted = part.sort((a, b) => a.ts - b.ts);
    await events.put(
      `${prefix}shardId-000000000000-${batch}.parquet`,
      encodeParquet(EVENTS_TABLE.columns, sorted as unknown as LakeRow[]),
    );
  }
}

interface Lake {
  readonly events: VersionedMemoryStore;
  readonly quarantine: VersionedMemoryStore;
  readonly curated: VersionedMemoryStore;
  readonly audit: ObjectStore;
}

/** One window of the real sequencer, incremental (the first window seeds from the look-back). */
const sequence = (lake: Lake, w: { from: number; to: number }, shard?: { index: number; count: number }) =>
  sequenceWindow({
    eventsStore: lake.events,
    curatedStore: lake.curated,
    ...w,
    mode: 'incremental',
    ...(shard ? { shard } : {}),
  });

/**
 * The lake after the windows before the erasure, one job per window or `shards` jobs (each its own
 * checkpoint, `-shard-NN`); one window is run twice (a retry: a noncurrent checkpoint version).
 */
async function buildLake(withSubject = true, shards?: number): Promise<Lake> {
  const lake: Lake = {
    events: new VersionedMemoryStore('events'),
    quarantine: new VersionedMemoryStore('quarantine'),
    curated: new VersionedMemoryStore('curated'),
    audit: new VersionedMemoryStore('audit'),
  };
  await writeEvents(lake.events, lakeRows(withSubject), '1-100');
  const jobs = shards === undefined ? [undefined] : Array.from({ length: shards }, (_, index) => index);
  for (const w of [...BEFORE, BEFORE[3] as { from: number; to: number }])
    for (const index of jobs)
      await sequence(lake, w, index === undefined ? undefined : { index, count: shards as number });
  return lake;
}

const utf8 = (body: Uint8Array) => Buffer.from(body).toString('utf8');
/** The subject's session pseudonyms (what the redact function makes of the agent's session ids). */
const SUBJECT_SESSIONS = ['s-subject', 's-subject-old', 's-subject-new'];
/** What no checkpoint may hold after the erasure: the subject's user and session pseudonyms, their content. */
const MARKERS = [CURRENT, RETIRED, ...SUBJECT_SESSIONS, SUBJECT_TITLE, SUBJECT_TEXT];
const mentionsSubject = (body: Uint8Array) => MARKERS.some((m) => utf8(body).includes(m));

/** Every version of every checkpoint object, as `key@version` → text. */
function checkpointVersions(curated: VersionedMemoryStore): Map<string, string> {
  return new Map(curated.allBodies(CHECKPOINT_PREFIX).map((v) => [`${v.key}@${v.versionId}`, utf8(v.body)]));
}

/** The current checkpoints, key → text. */
async function checkpoints(curated: ObjectStore): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const o of await curated.list(CHECKPOINT_PREFIX))
    out.set(o.key, utf8((await curated.get(o.key)) as Uint8Array));
  return out;
}

const sessionsOf = (text: string): SessionCheckpoint[] =>
  (JSON.parse(text) as WindowCheckpoint).state.sessions;
/** The sessions of a checkpoint that are not the subject's, each as the JSON the sequencer wrote. */
const otherSessions = (text: string) =>
  sessionsOf(text)
    .filter((s) => !SUBJECT_SESSIONS.includes(s.session_id))
    .map((s) => JSON.stringify(s));

/** Every row of the actions and episodes tables (current versions). */
async function curatedRows(curated: ObjectStore): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for (const prefix of ['actions/', 'episodes/'])
    for (const o of await curated.list(prefix))
      rows.push(...decodeParquet((await curated.get(o.key)) as Uint8Array));
  return rows;
}

describe('erasure: the sequencer checkpoints', () => {
  it("drops the subject's live sessions from every checkpoint version, keeps everyone else's bytes, receipts the keys", async () => {
    const lake = await buildLake();
    const before = await checkpoints(lake.curated);
    const holding = [...before].filter(([, text]) => mentionsSubject(Buffer.from(text))).map(([k]) => k);
    // The subject is live in most windows' checkpoints, under both key versions, with an open episode that
    // carries their window title and typed text; and in a noncurrent version of the re-run window's.
    expect(holding.length).toBeGreaterThanOrEqual(5);
    const retried = checkpointKey((BEFORE[3] as { from: number }).from);
    expect(holding).toContain(retried);
    expect(
      [...checkpointVersions(lake.curated).keys()].filter((k) => k.startsWith(`${retried}@`)),
    ).toHaveLength(2);
    const open = sessionsOf(before.get(retried) as string).find(
      (s) => s.reducer.identity?.user_pseudonym === CURRENT,
    ) as SessionCheckpoint;
    expect(open.episode.actions.rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(open.episode)).toContain(SUBJECT_TEXT);
    expect(
      [...before.values()].some((t) =>
        sessionsOf(t).some((s) => s.reducer.identity?.user_pseudonym === RETIRED),
      ),
    ).toBe(true);
    // Sessions nothing was fed to yet name only their session: one of them in the last checkpoint only.
    const unfed = [...before].flatMap(([key, text]) =>
      sessionsOf(text)
        .filter((s) => SUBJECT_SESSIONS.includes(s.session_id) && s.reducer.identity === null)
        .map((s) => `${key.slice(CHECKPOINT_PREFIX.length)} ${s.session_id}`),
    );
    expect(unfed).toContain(
      `${new Date((BEFORE.at(-1) as { from: number }).from).toISOString()}.json s-subject-new`,
    );
    expect(unfed.some((u) => u.endsWith(' s-subject-old'))).toBe(true);
    // Alice and Bob share those checkpoints.
    expect(otherSessions(before.get(retried) as string)).toHaveLength(2);

    const receipt = await eraseSubject(lake, SUBJECT);

    // No version of any checkpoint holds the subject's pseudonyms, title or typed text.
    for (const [id, text] of checkpointVersions(lake.curated))
      expect(mentionsSubject(Buffer.from(text)), id).toBe(false);
    const after = await checkpoints(lake.curated);
    expect([...after.keys()]).toEqual([...before.keys()]); // rewritten, none deleted
    for (const [key, text] of after) {
      expect(otherSessions(text), key).toEqual(otherSessions(before.get(key) as string));
      const cp = JSON.parse(text) as WindowCheckpoint;
      const was = JSON.parse(before.get(key) as string) as WindowCheckpoint;
      expect([cp.version, cp.horizonTs, cp.ownedBeforeTs, cp.state.version], key).toEqual([
        was.version,
        was.horizonTs,
        was.ownedBeforeTs,
        was.state.version,
      ]);
    }
    // Exactly as if the subject had never been there: the checkpoints of a lake without them, byte for byte.
    expect(after).toEqual(await checkpoints((await buildLake(false)).curated));

    // The receipt lists each rewritten checkpoint once, with the sessions dropped.
    const listed = receipt.objects.filter((o) => o.key.startsWith(CHECKPOINT_PREFIX));
    expect(listed.map((o) => o.key).sort()).toEqual([...holding].sort());
    for (const o of listed) {
      expect(o.zone).toBe('curated');
      expect(o.rowsRemoved).toBe(
        sessionsOf(before.get(o.key) as string).length - sessionsOf(after.get(o.key) as string).length,
      );
    }
    // The receipt's total counts rows of the tables only: a session is not a row.
    const tableRows = receipt.objects.filter((o) => !o.key.startsWith(CHECKPOINT_PREFIX));
    expect(receipt.rowsRemoved).toBe(tableRows.reduce((n, o) => n + o.rowsRemoved, 0));
    // Both versions written by the sequencer (the window and its retry) went with the rewrite.
    expect(listed.find((o) => o.key === retried)?.versionsDeleted).toBe(2);
    expect(receipt.verified).toBe(true);
    expect(await verifyReceiptChain(lake.audit)).toBeNull();
    expect(await lake.curated.list('_erase/')).toEqual([]);
  }, 60_000);

  it('shard jobs: each shard checkpoint loses the subject, and equals a lake without them byte for byte', async () => {
    const lake = await buildLake(true, 2);
    const before = await checkpoints(lake.curated);
    const holding = [...before].filter(([, t]) => mentionsSubject(Buffer.from(t))).map(([k]) => k);
    expect(holding.every((k) => /-shard-0[01]\.json$/.test(k))).toBe(true);
    expect(new Set(holding.map((k) => k.slice(-7))).size).toBe(2); // the subject's sessions span both shards
    const receipt = await eraseSubject(lake, SUBJECT);
    for (const [id, text] of checkpointVersions(lake.curated))
      expect(mentionsSubject(Buffer.from(text)), id).toBe(false);
    expect(await checkpoints(lake.curated)).toEqual(await checkpoints((await buildLake(false, 2)).curated));
    const listed = receipt.objects.filter((o) => o.key.startsWith(CHECKPOINT_PREFIX)).map((o) => o.key);
    expect(listed.sort()).toEqual(holding.sort());
  }, 60_000);

  it('a second erasure changes nothing: no checkpoint version is touched, the receipt lists no object', async () => {
    const lake = await buildLake();
    const first = await eraseSubject(lake, SUBJECT);
    expect(first.objects.some((o) => o.key.startsWith(CHECKPOINT_PREFIX))).toBe(true);
    const versions = checkpointVersions(lake.curated);
    const second = await eraseSubject(lake, SUBJECT);
    expect(second.objects).toEqual([]);
    expect(second.noncurrentVersions).toEqual([]);
    expect(second.rowsRemoved).toBe(0);
    expect(checkpointVersions(lake.curated)).toEqual(versions);
    expect(second.previousHash).toBe(first.hash);
  }, 60_000);

  it('the next window continues from the rewritten checkpoint: no row of the subject, the others as if they were alone', async () => {
    const lake = await buildLake();
    await eraseSubject(lake, SUBJECT);
    // A redact function with a stale registry cache still wrote rows of the subject's live session.
    const late = session(
      's-subject',
      CURRENT,
      'key-1',
      AFTER.from + MIN,
      AFTER.from + 4 * MIN,
      subjectContent,
    );
    await writeEvents(
      lake.events,
      late.map((r) => ({ ...r, seq: r.seq + 10_000 })),
      '200-300',
    );

    const next = await sequence(lake, AFTER);
    expect(next.seeded).toBe(false);
    expect(next.optedOutEvents).toBe(late.length);
    expect(next.actions).toBeGreaterThan(0);
    const rows = await curatedRows(lake.curated);
    expect(rows.filter((r) => r.user_pseudonym === CURRENT || r.user_pseudonym === RETIRED)).toEqual([]);
    for (const [key, text] of await checkpoints(lake.curated))
      expect(mentionsSubject(Buffer.from(text)), key).toBe(false);

    // Alice's and Bob's sessions went on exactly as in a lake that never held the subject.
    const control = await buildLake(false);
    await sequence(control, AFTER);
    const key = checkpointKey(AFTER.from);
    expect((await checkpoints(lake.curated)).get(key)).toBe((await checkpoints(control.curated)).get(key));
    for (const k of [next.actionKey, next.episodeKey])
      expect(utf8((await lake.curated.get(k)) as Uint8Array), k).toBe(
        utf8((await control.curated.get(k)) as Uint8Array),
      );
  }, 60_000);

  it('an opt-out removes the subject from the checkpoints as well', async () => {
    const lake = await buildLake();
    const r = await optOutSubject(lake, SUBJECT);
    expect(r.objects.filter((o) => o.key.startsWith(CHECKPOINT_PREFIX)).length).toBeGreaterThanOrEqual(5);
    for (const [id, text] of checkpointVersions(lake.curated))
      expect(mentionsSubject(Buffer.from(text)), id).toBe(false);
  }, 60_000);

  it('a checkpoint written again meanwhile is read again and rewritten from its new version', async () => {
    const lake = await buildLake();
    const target = checkpointKey((BEFORE[5] as { from: number }).from);
    let reads = 0;
    let raced = false;
    // A sequencer run that read the registry before the subject was registered writes that checkpoint again
    // right after the rewrite has read it (the find read it first).
    const curated: ObjectStore = {
      name: 'curated',
      put: (k, b, o) => lake.curated.put(k, b, o),
      list: (p) => lake.curated.list(p),
      delete: (k) => lake.curated.delete(k),
      deleteOtherVersions: (k) => lake.curated.deleteOtherVersions(k),
      listVersions: (p) => lake.curated.listVersions(p),
      getVersion: (k, v) => lake.curated.getVersion(k, v),
      deleteVersion: (k, v) => lake.curated.deleteVersion(k, v),
      async get(key) {
        const body = await lake.curated.get(key);
        if (key === target) reads += 1;
        if (key === target && body && reads === 2) {
          raced = true;
          await lake.curated.put(key, body, { contentType: 'application/json' });
        }
        return body;
      },
    };
    const receipt = await eraseSubject({ ...lake, curated }, SUBJECT);
    expect(raced).toBe(true);
    expect(receipt.objects.find((o) => o.key === target)).toMatchObject({ retries: 1, versionsDeleted: 2 });
    expect(lake.curated.allBodies(target)).toHaveLength(1);
    for (const [id, text] of checkpointVersions(lake.curated))
      expect(mentionsSubject(Buffer.from(text)), id).toBe(false);
  }, 60_000);

  it('a checkpoint of another layout that mentions the subject is deleted whole; one that does not stays', async () => {
    const lake = await buildLake();
    const old = `${CHECKPOINT_PREFIX}2026-11-01T09:00:00.000Z.json`;
    const unrelated = `${CHECKPOINT_PREFIX}2026-11-01T09:15:00.000Z.json`;
    await lake.curated.put(
      old,
      JSON.stringify({ version: 0, sessions: [{ user: RETIRED, title: SUBJECT_TITLE }] }),
    );
    await lake.curated.put(unrelated, JSON.stringify({ version: 0, sessions: [{ user: ALICE }] }));
    const receipt = await eraseSubject(lake, SUBJECT);
    expect(await lake.curated.get(old)).toBeUndefined();
    expect(lake.curated.allBodies(old)).toEqual([]);
    expect(receipt.objects.find((o) => o.key === old)).toMatchObject({ rowsRemoved: 1, rowsKept: 0 });
    expect(utf8((await lake.curated.get(unrelated)) as Uint8Array)).toContain(ALICE);
  }, 60_000);

  it("deletes a noncurrent checkpoint version that names only a session of the subject's", async () => {
    const lake = await buildLake();
    const last = checkpointKey((BEFORE.at(-1) as { from: number }).from);
    const cp = JSON.parse(utf8((await lake.curated.get(last)) as Uint8Array)) as WindowCheckpoint;
    const placeholder = cp.state.sessions.find((s) => s.session_id === 's-subject-new');
    expect(placeholder?.reducer.identity).toBeNull();
    // An older checkpoint key: its earlier version carried that session, its current one carries nothing.
    const key = `${CHECKPOINT_PREFIX}2026-11-02T08:45:00.000Z.json`;
    await lake.curated.put(key, JSON.stringify({ ...cp, state: { ...cp.state, sessions: [placeholder] } }));
    await lake.curated.put(key, JSON.stringify({ ...cp, state: { ...cp.state, sessions: [] } }));
    const receipt = await eraseSubject(lake, SUBJECT);
    expect(receipt.noncurrentVersions.filter((v) => v.key === key)).toHaveLength(1);
    expect(lake.curated.allBodies(key)).toHaveLength(1);
    expect(receipt.objects.some((o) => o.key === key)).toBe(false);
  }, 60_000);

  it('refuses to finish when a checkpoint carries rows under a key version the subject was not searched under', async () => {
    const lake = await buildLake();
    // The retired key's rows have left the tables (expired), but its session is still in checkpoints, which
    // never expire: searched under the current key only, the erasure cannot know it removed the subject.
    for (const [prefix, table] of [
      ['events/', EVENTS_TABLE],
      ['actions/', ACTIONS_TABLE],
      ['episodes/', EPISODES_TABLE],
    ] as const)
      for (const o of await lake[prefix === 'events/' ? 'events' : 'curated'].list(prefix)) {
        const store = lake[prefix === 'events/' ? 'events' : 'curated'];
        const rows = decodeParquet((await store.get(o.key)) as Uint8Array);
        await store.put(
          o.key,
          encodeParquet(
            table.columns,
            rows.filter((r) => r.key_version !== 'key-0'),
          ),
        );
        await store.deleteOtherVersions(o.key);
      }
    await expect(eraseSubject(lake, [SUBJECT[0]])).rejects.toThrow(/key version\(s\) key-0/);
  }, 60_000);
});
