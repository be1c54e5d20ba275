/**
 * Erasure in the sequencer's window checkpoints (`_state/checkpoints/<window from>[-shard-NN].json` in the
 * curated bucket). A checkpoint carries every live session of its window: the reducer's identity (with the
 * user's pseudonym), the actions it holds, pending rows and the open episode's actions (window titles,
 * redacted typed text). Checkpoints sit outside every lifecycle expiry, so without this a checkpoint written
 * before an erasure would keep the subject for good.
 *
 * A checkpoint holds the subject when one of its sessions does, decided on the parsed fields: the reducer's
 * identity, any action the reducer holds, any pending row, any action row of the open episode, under any of
 * the subject's pseudonyms (every key version); or nothing was fed to it yet (no identity: its rows all lay
 * past the window's horizon) and its session pseudonym is one of the subject's, learned from the other
 * checkpoints and from the subject's rows in the events zone (`Subject.sessions`). A substring test for the
 * pseudonyms comes first, only to skip parsing the checkpoints that cannot hold them. The rewrite drops
 * those sessions from `state.sessions` and leaves everything else as the sequencer wrote it: the other
 * sessions keep their bytes. A checkpoint the sequencer of this version cannot read (another layout or
 * sequencer version, not JSON) that carries a pseudonym is deleted whole: no window would ever continue from
 * it (`readWindowCheckpoint` skips it and seeds from the look-back), and its fields cannot be trusted to be
 * where this reads them.
 *
 * When a session's state is gone, the next window simply does not continue that session: the subject was
 * registered as opted out before any rewrite, so their later rows are dropped before the feed and nothing of
 * theirs starts again. That is the intended behaviour, not a loss: the look-back read would drop them too.
 */
import { decodeParquet } from '../lake/parquet.js';
import { runPool } from '../pool.js';
import type { ObjectStore } from '../ports.js';
import type { SessionCheckpoint } from '../sequence/incremental.js';
import { CHECKPOINT_PREFIX, parseWindowCheckpoint, type WindowCheckpoint } from '../sequence/sequencer.js';
import type { FoundObject } from './erase-find.js';
import type { ObjectRef, Split, Subject } from './erase-object.js';

export { CHECKPOINT_PREFIX };

/** Checkpoints read at once by the find and the key-version pass, when not configured. */
export const CHECKPOINT_READ_CONCURRENCY = 8;

/** Values of one column of a packed action table (`{columns, rows}`); none when it lacks the column. */
function packedColumn(
  packed: SessionCheckpoint['episode']['actions'] | undefined,
  column: string,
): unknown[] {
  const at = packed?.columns?.indexOf(column) ?? -1;
  return at < 0 ? [] : (packed?.rows ?? []).map((row) => row?.[at]);
}

/** Every value of one field (`user_pseudonym`, `key_version`) a checkpointed session carries rows under. */
function fieldValues(session: SessionCheckpoint, field: 'user_pseudonym' | 'key_version'): unknown[] {
  const reducer = session?.reducer;
  return [
    ...(field === 'user_pseudonym'
      ? [reducer?.identity?.user_pseudonym]
      : [reducer?.firstOfSeq?.key_version]),
    ...(reducer?.actions ?? []).map((a) => a?.[field]),
    ...(session?.pending ?? []).map((r) => r?.[field]),
    ...packedColumn(session?.episode?.actions, field),
  ];
}

/** Whether a checkpointed session carries rows of `pseudonyms` (identity, actions, pending, open episode). */
function sessionOfSubject(session: SessionCheckpoint, pseudonyms: ReadonlySet<string>): boolean {
  return fieldValues(session, 'user_pseudonym').some((p) => typeof p === 'string' && pseudonyms.has(p));
}

/**
 * Whether a checkpointed session is the subject's: it carries their rows, or nothing was fed to it yet (no
 * identity: its rows all lay past the horizon) and its session pseudonym is one of theirs.
 */
function isSubjects(session: SessionCheckpoint, subject: Subject): boolean {
  if (sessionOfSubject(session, subject.all)) return true;
  return !session?.reducer?.identity && subject.sessions?.has(session?.session_id) === true;
}

/** The key versions of the rows a checkpointed session carries. */
function sessionKeyVersions(session: SessionCheckpoint, into: Set<string>): void {
  for (const v of fieldValues(session, 'key_version')) if (typeof v === 'string') into.add(v);
}

/** What one checkpoint holds of the subject. */
interface Scan {
  /** It names one of the subject's pseudonyms (user or session) somewhere: only then is it parsed. */
  readonly mentioned: boolean;
  /** Parsed, when mentioned and readable by this sequencer version. */
  readonly checkpoint: WindowCheckpoint | undefined;
  readonly subjects: readonly SessionCheckpoint[];
  readonly kept: readonly SessionCheckpoint[];
}

function scan(text: string, subject: Subject): Scan {
  const names = [...subject.all, ...(subject.sessions ?? [])];
  if (!names.some((p) => text.includes(p)))
    return { mentioned: false, checkpoint: undefined, subjects: [], kept: [] };
  const checkpoint = parseWindowCheckpoint(text);
  const sessions = checkpoint?.state.sessions ?? [];
  return {
    mentioned: true,
    checkpoint,
    subjects: sessions.filter((s) => isSubjects(s, subject)),
    kept: sessions.filter((s) => !isSubjects(s, subject)),
  };
}

/** Whether a scanned checkpoint is to be rewritten (or deleted). */
const holds = (s: Scan): boolean => s.mentioned && (s.checkpoint === undefined || s.subjects.length > 0);

/**
 * Splits a checkpoint's live sessions into the subject's and everyone else's (counted as rows). The kept
 * document is the one read without those sessions, serialized as the sequencer does (`JSON.stringify`, same
 * key order), so every other session keeps its bytes. An unreadable checkpoint that mentions a pseudonym is
 * removed whole (`deleteObject`). A checkpoint not mentioning any is not parsed (0 removed, 0 counted kept).
 */
export function splitCheckpoint(body: Uint8Array, subject: Subject): Split {
  const s = scan(Buffer.from(body).toString('utf8'), subject);
  const keyVersions = new Set<string>();
  for (const session of s.checkpoint?.state.sessions ?? []) sessionKeyVersions(session, keyVersions);
  const cp = s.checkpoint;
  if (!cp)
    return s.mentioned
      ? { removed: 1, kept: 0, keyVersions, deleteObject: true, encode: () => '' }
      : { removed: 0, kept: 0, keyVersions, deleteObject: false, encode: () => body };
  return {
    removed: s.subjects.length,
    kept: s.kept.length,
    keyVersions,
    // A checkpoint left without sessions stays: deleting it would make the next window seed again.
    deleteObject: false,
    encode: () => JSON.stringify({ ...cp, state: { ...cp.state, sessions: s.kept } }),
  };
}

/** The checkpoints holding the subject, and the subject's session pseudonyms learned on the way. */
export interface CheckpointFind {
  readonly objects: FoundObject[];
  readonly sessions: ReadonlySet<string>;
}

/**
 * The checkpoints holding the subject (current versions): every object under `_state/checkpoints/` is
 * listed and read (they are small), with the ETag listed, so the rewrite is conditional on it. A session
 * nothing was fed to yet names no user, only its session: it is the subject's when another checkpoint
 * shows that session with the subject's rows, or when `sessionsOf` (the subject's rows in the events zone)
 * names it. Those checkpoints are read a second time, only when such a session is in them.
 */
export async function findCheckpoints(
  curated: ObjectStore,
  subject: Subject,
  sessionsOf: () => Promise<Iterable<string>>,
  concurrency = CHECKPOINT_READ_CONCURRENCY,
): Promise<CheckpointFind> {
  const listed = await curated.list(CHECKPOINT_PREFIX);
  const sessions = new Set(subject.sessions ?? []);
  const found = new Array<boolean>(listed.length).fill(false);
  // Checkpoints holding a session without identity: its session may turn out to be the subject's.
  const unfed: number[] = [];
  await runPool(listed, concurrency, async (o, i) => {
    const body = await curated.get(o.key);
    if (!body) return;
    const text = Buffer.from(body).toString('utf8');
    const s = scan(text, { ...subject, sessions });
    found[i] = holds(s);
    for (const session of s.subjects) sessions.add(session.session_id);
    // A pre-filter on the sequencer's JSON.stringify output; the decision is made on parsed fields.
    if (text.includes('"identity":null')) unfed.push(i);
  });
  if (unfed.length > 0) {
    // The rewrite of a checkpoint found already uses these too (the journal, or the subject returned).
    for (const id of await sessionsOf()) sessions.add(id);
    const known = { ...subject, sessions };
    await runPool(
      unfed.filter((i) => !found[i]),
      concurrency,
      async (i) => {
        const body = await curated.get((listed[i] as (typeof listed)[number]).key);
        if (body) found[i] = holds(scan(Buffer.from(body).toString('utf8'), known));
      },
    );
  }
  return {
    objects: listed
      .filter((_, i) => found[i])
      .map((o) => ({ zone: 'curated' as const, key: o.key, ...(o.etag ? { etag: o.etag } : {}) })),
    sessions,
  };
}

/** The subject's session pseudonyms in events objects (those a finder named): the rows' `session_id`. */
export async function sessionsInEvents(
  events: ObjectStore,
  refs: readonly ObjectRef[],
  subject: Subject,
): Promise<Set<string>> {
  const out = new Set<string>();
  for (const ref of refs) {
    if (ref.zone !== 'events' || !ref.key.endsWith('.parquet')) continue;
    const body = await events.get(ref.key);
    for (const row of body ? decodeParquet(body) : [])
      if (subject.all.has(row.user_pseudonym as string) && typeof row.session_id === 'string')
        out.add(row.session_id);
  }
  return out;
}

/**
 * Every key version the current checkpoints carry rows under. Checkpoints outlive the events' retention,
 * so a session under a retired key can remain there after the lake's tables no longer show that key.
 */
export async function checkpointKeyVersions(
  curated: ObjectStore,
  concurrency = CHECKPOINT_READ_CONCURRENCY,
): Promise<string[]> {
  const out = new Set<string>();
  await runPool(await curated.list(CHECKPOINT_PREFIX), concurrency, async (o) => {
    const body = await curated.get(o.key);
    const cp = body ? parseWindowCheckpoint(Buffer.from(body).toString('utf8')) : undefined;
    for (const s of cp?.state.sessions ?? []) sessionKeyVersions(s, out);
  });
  return [...out].sort();
}
