/**
 * Sequencer: turns one closed time window of the events zone into curated actions and episodes.
 * Pure orchestration over ObjectStore ports (no AWS SDK): the Lambda, the CLI backfill and local mode run
 * it alike. Window semantics (docs/sequencing.md): an episode belongs to the window containing its start;
 * its actions go with it; idle waits between episodes belong to the window containing their start. In
 * incremental mode a window writes what became final in it instead (docs/sequencing.md, "Incremental
 * windows").
 */

import { ERROR_CODES, WorktraceError } from '../errors.js';
import { readOptOutTable } from '../governance/opt-outs.js';
import { tsRangeOfKey } from '../lake/keys.js';
import { decodeParquet, encodeParquet } from '../lake/parquet.js';
import { ACTIONS_TABLE, EPISODES_TABLE, type EventRow, TABLE_LOCATIONS } from '../lake/schema.js';
import type { ObjectInfo, ObjectStore } from '../ports.js';
import {
  type Action,
  type Anomalies,
  addAnomalies,
  emptyAnomalies,
  type ReduceConfig,
  reduceToActions,
} from './actions.js';
import { dedupeByEventId } from './dedupe.js';
import {
  type Cut,
  cutEpisodes,
  EPISODE_DEFAULTS,
  type Episode,
  type EpisodeConfig,
  type PlacedAction,
} from './episodes.js';
import {
  CHECKPOINT_VERSION,
  type CheckpointDocument,
  emptyCheckpointDocument,
  type IncrementsOptions,
  type IncrementsResult,
  sequenceIncrements,
} from './incremental.js';
import { readProgress, writeProgress } from './late.js';
import { checkShardSpec, type ShardSpec, sessionShard, shardOfKey, shardValue } from './shards.js';

/** A window that cannot be processed as asked (misaligned, crosses a day). */
export class WindowError extends WorktraceError {
  override readonly name = 'WindowError';
  readonly code = ERROR_CODES.window;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export { WATERMARK_KEY } from './late.js';

/** Default look-back: how far before a window the sequencer reads, so sessions get their context. */
export const DEFAULT_LOOK_BACK_MS = 6 * HOUR_MS;

/** Input of one window run. */
export interface SequenceWindowInput {
  readonly eventsStore: ObjectStore;
  readonly curatedStore: ObjectStore;
  /** Window start, epoch ms (inclusive). */
  readonly from: number;
  /** Window end, epoch ms (exclusive); the window must lie inside one UTC day. */
  readonly to: number;
  /** How long after its event time a row may still land in the events zone, ms. @default 600000 */
  readonly lateArrivalMs?: number;
  /** Events read before the window (session context, episode starts), ms. @default 6 h */
  readonly lookBackMs?: number;
  /** Events read after the window (episodes that start inside and continue). @default maxDurationMs + 60 s */
  readonly lookAheadMs?: number;
  readonly reduce?: Partial<ReduceConfig>;
  readonly episodes?: Partial<EpisodeConfig>;
  /**
   * Decoded events files reused across windows; the caller owns it (a Lambda keeps one from its cold start
   * so that warm invocations reuse it). @default look-back: a cache for this call only; incremental: none
   */
  readonly cache?: DecodedFileCache;
  /**
   * Pseudonyms of opted-out subjects, whose events are dropped before sequencing so that no curated row
   * of theirs is ever written. @default the curated zone's copy of the registry (`opt_outs/registry.jsonl`),
   * read for this window
   */
  readonly optedOut?: ReadonlySet<string>;
  /**
   * One shard job of the window (docs/sequencing.md, "Shards"): only the sessions whose `sessionShard` is
   * `index` of `count` are sequenced; of the events zone it reads only `shard=NN/` objects of its own
   * shard, and objects written before shards (no shard= level), whose rows it filters by session. Outputs
   * go to the window's per-shard keys (`windowKeys(from, to, index)`). @default every session, one job
   */
  readonly shard?: ShardSpec;
  /**
   * `incremental` continues from the previous window's checkpoint (`checkpointKey`) and reads only this
   * window's events and the live sessions' tails; without that checkpoint it falls back to the look-back
   * read for this window and seeds one (`seeded: true`). `look-back` re-reads `lookBackMs` before the
   * window and writes no checkpoint. @default 'look-back'
   */
  readonly mode?: SequenceMode;
  /**
   * Incremental mode: a live session whose last row lies this long before the horizon is ended (its open
   * episode closes with `session_end`, as the look-back read ends it). @default lookAheadMs
   */
  readonly endIdleSessionsAfterMs?: number;
}

/** How a window is read: the look-back re-read, or incrementally from the previous window's checkpoint. */
export type SequenceMode = 'incremental' | 'look-back';

/**
 * Decoded events-zone files, reused by later windows: consecutive windows read nearly the same look-back,
 * and decoding was most of a window's cost. An entry is keyed by the object's key, ETag, size and
 * modification time, so a rewritten object (an erasure, a retried batch) is read again, never served
 * stale; objects listed without an ETag are not cached. Least recently used files are dropped beyond
 * `maxRows` decoded rows. Rows handed out are shared and must not be modified.
 */
export class DecodedFileCache {
  private readonly files = new Map<string, readonly EventRow[]>();
  private rows = 0;

  constructor(readonly maxRows: number) {}

  /** The rows of a listed object, decoded once per version. */
  async rowsOf(store: ObjectStore, info: ObjectInfo): Promise<readonly EventRow[] | undefined> {
    const id =
      info.etag === undefined
        ? undefined
        : `${store.name}\u0000${info.key}\u0000${info.etag}\u0000${info.size}\u0000${info.lastModified?.getTime() ?? ''}`;
    const hit = id === undefined ? undefined : this.files.get(id);
    if (hit && id !== undefined) {
      this.files.delete(id);
      this.files.set(id, hit);
      return hit;
    }
    const bytes = await store.get(info.key);
    if (!bytes) return undefined;
    const rows = decodeParquet(bytes) as unknown as EventRow[];
    if (id !== undefined && rows.length <= this.maxRows) {
      this.files.set(id, rows);
      this.rows += rows.length;
      for (const [oldest, old] of this.files) {
        if (this.rows <= this.maxRows) break;
        this.files.delete(oldest);
        this.rows -= old.length;
      }
    }
    return rows;
  }

  /**
   * Drops every file that holds no row at or after `ts` by its key's event-time range (and every file whose
   * key names no range): what an incremental chain keeps for its next window, whose reads start at this
   * window's horizon.
   */
  retainFrom(ts: number): void {
    for (const [id, rows] of this.files) {
      const key = id.split('\u0000')[1] ?? '';
      const range = tsRangeOfKey(key);
      if (range === undefined || range.max < ts) {
        this.files.delete(id);
        this.rows -= rows.length;
      }
    }
  }

  /** Decoded rows held now. */
  get size(): number {
    return this.rows;
  }
}

/** Row budget of a DecodedFileCache made by default (about 400 MB of decoded rows at most). */
export const DEFAULT_DECODED_CACHE_ROWS = 400_000;

/** Counts of one window run (no content). */
export interface WindowResult {
  readonly from: number;
  readonly to: number;
  readonly filesRead: number;
  readonly events: number;
  /** Events of opted-out subjects dropped before sequencing (their rows still in the events zone). */
  readonly optedOutEvents: number;
  readonly sessions: number;
  readonly actions: number;
  readonly episodes: number;
  readonly anomalies: Anomalies;
  readonly actionKey: string;
  readonly episodeKey: string;
  /** How the window was read. */
  readonly mode: SequenceMode;
  /** Incremental mode found no usable checkpoint of the previous window and read the look-back instead. */
  readonly seeded: boolean;
}

/** UTC date (YYYY-MM-DD) of an epoch ms. */
export function dtOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Compact UTC stamp for object keys, e.g. 20261102T0915. */
function stamp(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}`;
}

/**
 * Deterministic curated object keys of a window (reprocessing overwrites them); a shard job's keys end in
 * `-shard-NN` (`window-<from>-<to>-shard-07.parquet`). `dt` is the partition: the window's day, or in
 * incremental mode the start day of the episodes a file holds (an episode closed after midnight).
 */
export function windowKeys(
  from: number,
  to: number,
  shard?: number,
  dt: string = dtOf(from),
): { actions: string; episodes: string } {
  const suffix = shard === undefined ? '' : `-shard-${shardValue(shard)}`;
  const file = `dt=${dt}/window-${stamp(from)}-${stamp(to)}${suffix}.parquet`;
  return {
    actions: `${TABLE_LOCATIONS.actions.prefix}${file}`,
    episodes: `${TABLE_LOCATIONS.episodes.prefix}${file}`,
  };
}

/**
 * Event partition prefixes (events/dt=/hour=/) overlapping [from, to). Listing one gives both its
 * `shard=NN/` objects and the flat objects written there before shards.
 */
export function eventPartitions(from: number, to: number): string[] {
  const out: string[] = [];
  for (let h = Math.floor(from / HOUR_MS) * HOUR_MS; h < to; h += HOUR_MS) {
    const iso = new Date(h).toISOString();
    out.push(`${TABLE_LOCATIONS.events.prefix}dt=${iso.slice(0, 10)}/hour=${iso.slice(11, 13)}/`);
  }
  return out;
}

/** Reduces and cuts rows of many sessions; sessions in id order, each sorted by seq inside the reducer. */
export function sequenceRows(
  rows: readonly EventRow[],
  options: { reduce?: Partial<ReduceConfig>; episodes?: Partial<EpisodeConfig> } = {},
): { sessions: number; actions: PlacedAction[]; episodes: Episode[]; anomalies: Anomalies } {
  const bySession = new Map<string, EventRow[]>();
  for (const r of rows) {
    const list = bySession.get(r.session_id);
    if (list) list.push(r);
    else bySession.set(r.session_id, [r]);
  }
  const anomalies = emptyAnomalies();
  const actions: PlacedAction[] = [];
  const episodes: Episode[] = [];
  for (const id of [...bySession.keys()].sort()) {
    const reduced = reduceToActions(bySession.get(id) as EventRow[], options.reduce);
    addAnomalies(anomalies, reduced.anomalies);
    const cut: Cut = cutEpisodes(reduced.actions, options.episodes);
    actions.push(...cut.actions);
    episodes.push(...cut.episodes);
  }
  return { sessions: bySession.size, actions, episodes, anomalies };
}

/** Processes one closed window: reads, dedupes, reduces, cuts, and overwrites the window's curated files. */
export async function sequenceWindow(input: SequenceWindowInput): Promise<WindowResult> {
  const { from, to } = input;
  if (!(to > from) || dtOf(from) !== dtOf(to - 1)) {
    throw new WindowError('a window must be non-empty and lie inside one UTC day');
  }
  const ctx = windowContext(input);
  if (input.mode !== 'incremental') return (await lookBackWindow(input, ctx)).result;
  const previous = await readWindowCheckpoint(input.curatedStore, from - (to - from), ctx.shard?.index);
  if (previous === undefined) {
    return { ...(await incrementalWindow(input, ctx, await warmUp(input, ctx))), seeded: true };
  }
  return incrementalWindow(input, ctx, previous);
}

/**
 * The state a window starts from when the one before left no checkpoint (the first run, a gap, another
 * sequencer version): the look-back before the window, fed window by window from an empty state, one
 * window's rows in memory at a time, its outputs discarded. Every episode starting before the window was
 * written by earlier runs, so the seed owns only what starts at or after the window (`ownedBeforeTs`).
 */
async function warmUp(input: SequenceWindowInput, ctx: WindowContext): Promise<WindowCheckpoint> {
  const size = input.to - input.from;
  const start = Math.floor((input.from - ctx.lookBack) / size) * size;
  let state: WindowCheckpoint = {
    version: WINDOW_CHECKPOINT_VERSION,
    horizonTs: start,
    ownedBeforeTs: input.from,
    state: emptyCheckpointDocument(),
  };
  for (let from = start; from < input.from; from += size) {
    const step = await advance({ ...input, from, to: from + size }, ctx, state);
    state = step.checkpoint;
    input.cache?.retainFrom(step.checkpoint.horizonTs);
  }
  return state;
}

/** Settings of one window run, resolved once. */
interface WindowContext {
  readonly late: number;
  readonly lookBack: number;
  readonly lookAhead: number;
  readonly shard: ShardSpec | undefined;
  readonly inShard: ((sessionId: string) => boolean) | undefined;
}

/** Resolves a window's defaults and shard filter. */
function windowContext(input: SequenceWindowInput): WindowContext {
  const maxDuration = input.episodes?.maxDurationMs ?? EPISODE_DEFAULTS.maxDurationMs;
  const shard = input.shard === undefined ? undefined : checkShardSpec(input.shard);
  return {
    late: input.lateArrivalMs ?? 600_000,
    lookBack: input.lookBackMs ?? DEFAULT_LOOK_BACK_MS,
    lookAhead: input.lookAheadMs ?? maxDuration + 60_000,
    shard,
    inShard: shard === undefined ? undefined : sessionFilter(shard),
  };
}

/** Opt-out registry of the window, read before the events. */
async function optedOutOf(input: SequenceWindowInput): Promise<ReadonlySet<string>> {
  // Read before the events: a subject registered meanwhile is caught by the next window or erasure's sweep.
  return input.optedOut ?? new Set(await readOptOutTable(input.curatedStore));
}

/** The increment of a window: fed up to its horizon, held-back rows re-read from the events zone. */
function incrementOptions(input: SequenceWindowInput, ctx: WindowContext): IncrementsOptions {
  return {
    horizonTs: input.to - ctx.late,
    pending: 'reread' as const,
    endIdleSessionsAfterMs: input.endIdleSessionsAfterMs ?? ctx.lookAhead,
    ...(input.reduce ? { reduce: input.reduce } : {}),
    ...(input.episodes ? { episodes: input.episodes } : {}),
  };
}

/**
 * Lists the parquet objects this job reads, in key order: those of the event-time hour partitions
 * overlapping [from, to), of its shard, and whose key's event-time range overlaps [from, to)
 * (objects without a range are read).
 */
async function listEventObjects(
  store: ObjectStore,
  from: number,
  to: number,
  shard: ShardSpec | undefined,
): Promise<ObjectInfo[]> {
  const out: ObjectInfo[] = [];
  const overlaps = (key: string): boolean => {
    const range = tsRangeOfKey(key);
    return range === undefined || (range.max >= from && range.min < to);
  };
  for (const prefix of eventPartitions(from, to)) {
    const objects = (await store.list(prefix)).filter(
      (o) =>
        o.key.endsWith('.parquet') &&
        (shard === undefined || isShardObject(o.key, shard.index)) &&
        overlaps(o.key),
    );
    objects.sort((a, b) => (a.key < b.key ? -1 : 1));
    out.push(...objects);
  }
  return out;
}

/**
 * The look-back read of a window (the default mode, and incremental mode's fallback): returns the window's
 * result and the deduplicated, permitted rows read (every session), from which a checkpoint is seeded.
 */
async function lookBackWindow(
  input: SequenceWindowInput,
  base: WindowContext,
): Promise<{ result: WindowResult; rows: readonly EventRow[] }> {
  const { from, to } = input;
  const { shard, inShard } = base;
  const readFrom = from - base.lookBack;
  const readTo = to + base.lookAhead;
  const cache = input.cache ?? new DecodedFileCache(DEFAULT_DECODED_CACHE_ROWS);
  const optedOut = await optedOutOf(input);

  // Every object whose rows can fall in [readFrom, readTo) (partitions are by event time).
  let filesRead = 0;
  const read: EventRow[] = [];
  for (const o of await listEventObjects(input.eventsStore, readFrom, readTo, shard)) {
    const decoded = await cache.rowsOf(input.eventsStore, o);
    if (!decoded) continue;
    filesRead += 1;
    for (const row of decoded) {
      if (row.ts >= readFrom && row.ts < readTo && (inShard === undefined || inShard(row.session_id)))
        read.push(row);
    }
  }
  // Opted-out subjects are removed physically, not hidden by the views: none of their rows is written.
  const permitted = optedOut.size === 0 ? read : read.filter((r) => !optedOut.has(r.user_pseudonym));
  // Redelivered events: one copy each, the same whatever the file order (dedupeByEventId).
  const unique = dedupeByEventId(permitted);
  // Only sessions active inside the window can start an episode there.
  const active = new Set<string>();
  for (const r of unique) if (r.ts >= from && r.ts < to) active.add(r.session_id);
  const rows = unique.filter((r) => active.has(r.session_id));
  const seq = sequenceRows(rows, input);

  const owned = new Set(
    seq.episodes.filter((e) => e.start_ts >= from && e.start_ts < to).map((e) => e.episode_id),
  );
  const episodes = seq.episodes.filter((e) => owned.has(e.episode_id)).sort(compareEpisodes);
  const actions = seq.actions
    .filter((a) => (a.episode_id === null ? a.ts >= from && a.ts < to : owned.has(a.episode_id)))
    .sort(compareActions);

  const keys = windowKeys(from, to, shard?.index);
  await writeCurated(input.curatedStore, keys, actions, episodes);
  return {
    result: {
      from,
      to,
      filesRead,
      events: rows.length,
      optedOutEvents: read.length - permitted.length,
      sessions: seq.sessions,
      actions: actions.length,
      episodes: episodes.length,
      anomalies: seq.anomalies,
      actionKey: keys.actions,
      episodeKey: keys.episodes,
      mode: 'look-back',
      seeded: false,
    },
    rows: unique,
  };
}

/** The rows of one events object, decoded for this call only. */
async function decodeObject(store: ObjectStore, key: string): Promise<readonly EventRow[] | undefined> {
  const bytes = await store.get(key);
  return bytes ? (decodeParquet(bytes) as unknown as EventRow[]) : undefined;
}

/** Overwrites one pair of curated files (actions, episodes). */
async function writeCurated(
  store: ObjectStore,
  keys: { actions: string; episodes: string },
  actions: readonly PlacedAction[],
  episodes: readonly Episode[],
): Promise<void> {
  await store.put(keys.actions, encodeParquet(ACTIONS_TABLE.columns, actions), {
    contentType: 'application/vnd.apache.parquet',
  });
  await store.put(keys.episodes, encodeParquet(EPISODES_TABLE.columns, episodes), {
    contentType: 'application/vnd.apache.parquet',
  });
}

/** What one window's feed gave, before anything is written. */
interface Advance {
  readonly out: IncrementsResult;
  /** The carried-in state (opted-out subjects removed). */
  readonly state: CheckpointDocument;
  readonly checkpoint: WindowCheckpoint;
  readonly filesRead: number;
  readonly events: number;
  readonly optedOutEvents: number;
}

/**
 * Feeds one window to the sessions carried in `previous`: the rows since its horizon (and each live
 * session's tail from its `reread_from_ts`), read from the objects whose event times overlap them only.
 */
async function advance(
  input: SequenceWindowInput,
  base: WindowContext,
  previous: WindowCheckpoint,
): Promise<Advance> {
  const { to } = input;
  const { shard, inShard } = base;
  const optedOut = await optedOutOf(input);
  const live = new Map(previous.state.sessions.map((s) => [s.session_id, s]));
  let readFrom = previous.horizonTs;
  for (const s of live.values())
    if (s.reread_from_ts !== null) readFrom = Math.min(readFrom, s.reread_from_ts);

  // Rows not yet fed are those at or after `readFrom` and before `to` (later ones wait for the next window).
  let filesRead = 0;
  let optedOutEvents = 0;
  const rows: EventRow[] = [];
  const optedOutSessions = new Set<string>();
  // Objects are chosen by their keys' event-time ranges, so each is read by the windows it overlaps only; a
  // chain of windows (`runShardJob`) passes a cache holding just the objects the window before left
  // overlapping this one (`retainFrom`), so each is decoded about once and memory stays bounded.
  for (const o of await listEventObjects(input.eventsStore, readFrom, to, shard)) {
    const decoded = input.cache
      ? await input.cache.rowsOf(input.eventsStore, o)
      : await decodeObject(input.eventsStore, o.key);
    if (!decoded) continue;
    filesRead += 1;
    for (const row of decoded) {
      if (row.ts >= to || row.ts < readFrom) continue;
      if (inShard !== undefined && !inShard(row.session_id)) continue;
      // A live session needs its tail; any other session only rows after the previous horizon (earlier
      // ones were fed before it ended).
      const since = live.get(row.session_id)?.reread_from_ts ?? previous.horizonTs;
      if (row.ts < since) continue;
      if (optedOut.has(row.user_pseudonym)) {
        optedOutEvents += 1;
        optedOutSessions.add(row.session_id);
        continue;
      }
      rows.push(row);
    }
  }
  // Opted-out subjects leave the checkpoint as well as the feed: nothing of theirs is carried on (a session
  // known by its identity, or, before any row of it was fed, by a row of it read now).
  const state: CheckpointDocument = {
    version: previous.state.version,
    sessions: previous.state.sessions.filter(
      (s) => !optedOut.has(s.reducer.identity?.user_pseudonym ?? '') && !optedOutSessions.has(s.session_id),
    ),
  };
  const out = sequenceIncrements(state, rows, incrementOptions(input, base));
  return {
    out,
    state,
    checkpoint: {
      version: WINDOW_CHECKPOINT_VERSION,
      horizonTs: to - base.late,
      ownedBeforeTs: previous.ownedBeforeTs,
      state: out.document,
    },
    filesRead,
    events: rows.length,
    optedOutEvents,
  };
}

/**
 * One incremental window: `advance`, then what became final is written in this window's files, one pair
 * per start day of the episodes (docs/sequencing.md, "Incremental sequencing"), and its checkpoint.
 */
async function incrementalWindow(
  input: SequenceWindowInput,
  base: WindowContext,
  previous: WindowCheckpoint,
): Promise<WindowResult> {
  const { from, to } = input;
  const { shard } = base;
  const { out, state, checkpoint, filesRead, events, optedOutEvents } = await advance(input, base, previous);

  // Start of each episode an emitted action belongs to: its head in this increment, or the open episode
  // the session carried in.
  const starts = new Map<string, number>();
  for (const a of out.actions)
    if (a.episode_id !== null && a.step_index === 0) starts.set(a.episode_id, a.ts);
  const openStart = new Map<string, number>();
  for (const s of state.sessions) {
    const tsAt = s.episode.actions.columns.indexOf('ts');
    const head = s.episode.actions.rows[0];
    if (head !== undefined && tsAt >= 0) openStart.set(s.session_id, head[tsAt] as number);
  }
  const startOf = (a: PlacedAction): number =>
    a.episode_id === null ? a.ts : (starts.get(a.episode_id) ?? openStart.get(a.session_id) ?? a.ts);
  // Rows before the seed's boundary were written by earlier runs.
  const episodes = out.episodes.filter((e) => e.start_ts >= previous.ownedBeforeTs);
  const actions = out.actions.filter((a) => startOf(a) >= previous.ownedBeforeTs);

  const primary = windowKeys(from, to, shard?.index);
  const days = new Set([
    dtOf(from),
    ...episodes.map((e) => dtOf(e.start_ts)),
    ...actions.map((a) => dtOf(startOf(a))),
  ]);
  for (const dt of [...days].sort()) {
    await writeCurated(
      input.curatedStore,
      windowKeys(from, to, shard?.index, dt),
      actions.filter((a) => dtOf(startOf(a)) === dt).sort(compareActions),
      episodes.filter((e) => dtOf(e.start_ts) === dt).sort(compareEpisodes),
    );
  }
  await writeWindowCheckpoint(input.curatedStore, from, shard?.index, checkpoint);
  return {
    from,
    to,
    filesRead,
    events,
    optedOutEvents,
    sessions: out.document.sessions.length + out.endedSessions,
    actions: actions.length,
    episodes: episodes.length,
    anomalies: out.anomalies,
    actionKey: primary.actions,
    episodeKey: primary.episodes,
    mode: 'incremental',
    seeded: false,
  };
}

/** Prefix of the per-window checkpoints in the curated bucket (beside the watermark, never expired). */
export const CHECKPOINT_PREFIX = '_state/checkpoints/';

/** Layout version of a window checkpoint object. */
export const WINDOW_CHECKPOINT_VERSION = 1;

/** What a window leaves for the next one (`_state/checkpoints/<from ISO>[-shard-NN].json`). */
export interface WindowCheckpoint {
  readonly version: typeof WINDOW_CHECKPOINT_VERSION;
  /** Every row with an earlier `ts` was fed, or belongs to a session that ended. */
  readonly horizonTs: number;
  /** Episodes starting before this, and waits before it, were written by look-back windows (the seed). */
  readonly ownedBeforeTs: number;
  /** The live sessions (`sequenceIncrements`' document). */
  readonly state: CheckpointDocument;
}

/** Deterministic key of the checkpoint written by the window starting at `from` (of one shard job). */
export function checkpointKey(from: number, shard?: number): string {
  const suffix = shard === undefined ? '' : `-shard-${shardValue(shard)}`;
  return `${CHECKPOINT_PREFIX}${new Date(from).toISOString()}${suffix}.json`;
}

/**
 * A window checkpoint's text as this sequencer reads it; undefined when it is another sequencer or layout
 * version, or not a checkpoint at all.
 */
export function parseWindowCheckpoint(text: string): WindowCheckpoint | undefined {
  try {
    const cp = JSON.parse(text) as WindowCheckpoint;
    return cp?.version === WINDOW_CHECKPOINT_VERSION &&
      cp.state?.version === CHECKPOINT_VERSION &&
      Array.isArray(cp.state.sessions)
      ? cp
      : undefined;
  } catch (err) {
    if (err instanceof SyntaxError) return undefined;
    throw err;
  }
}

/**
 * The checkpoint written by the window starting at `from`; undefined when there is none, or it was written
 * by another sequencer or layout version (the caller then seeds from the look-back).
 */
export async function readWindowCheckpoint(
  store: ObjectStore,
  from: number,
  shard?: number,
): Promise<WindowCheckpoint | undefined> {
  const bytes = await store.get(checkpointKey(from, shard));
  return bytes ? parseWindowCheckpoint(Buffer.from(bytes).toString('utf8')) : undefined;
}

/** Writes a window's checkpoint as canonical JSON (the same state always gives the same bytes). */
async function writeWindowCheckpoint(
  store: ObjectStore,
  from: number,
  shard: number | undefined,
  cp: WindowCheckpoint,
): Promise<void> {
  const body = JSON.stringify({
    version: cp.version,
    horizonTs: cp.horizonTs,
    ownedBeforeTs: cp.ownedBeforeTs,
    state: cp.state,
  });
  await store.put(checkpointKey(from, shard), body, { contentType: 'application/json' });
}

/**
 * Whether a shard job reads an events object: its own `shard=NN/` objects, and the flat objects written
 * before shards (every shard job reads those, keeping only its sessions' rows, until they expire).
 */
function isShardObject(key: string, index: number): boolean {
  const of = shardOfKey(key);
  return of === undefined || of === index;
}

/** Tells whether a session belongs to a shard job; hashes each session id once. */
function sessionFilter(shard: ShardSpec): (sessionId: string) => boolean {
  const seen = new Map<string, boolean>();
  return (sessionId) => {
    let mine = seen.get(sessionId);
    if (mine === undefined) {
      mine = sessionShard(sessionId, shard.count) === shard.index;
      seen.set(sessionId, mine);
    }
    return mine;
  };
}

function compareEpisodes(a: Episode, b: Episode): number {
  return (
    a.session_id.localeCompare(b.session_id) ||
    a.start_ts - b.start_ts ||
    a.episode_id.localeCompare(b.episode_id)
  );
}

function compareActions(a: Action, b: Action): number {
  return (
    a.session_id.localeCompare(b.session_id) ||
    a.first_seq - b.first_seq ||
    (a.action_type === 'wait' ? -1 : b.action_type === 'wait' ? 1 : 0)
  );
}

/** Reads the watermark (the end of the last window sequenced); undefined when none was written yet. */
export async function readWatermark(store: ObjectStore): Promise<number | undefined> {
  return (await readProgress(store)).closed;
}

/** Records `end` as the last closed window's end (and no run under way). */
export async function writeWatermark(store: ObjectStore, end: number): Promise<void> {
  await writeProgress(store, end);
}

/** Options deciding which windows are closed. */
export interface ClosedWindowsInput {
  /** End of the last processed window, or undefined on the first run. */
  readonly watermark: number | undefined;
  readonly now: number;
  readonly windowMinutes: number;
  readonly lateArrivalMs: number;
  /** Look-ahead the window needs before it can close. */
  readonly lookAheadMs: number;
  /** At most this many windows per call. */
  readonly maxWindows: number;
}

/**
 * Closed windows after the watermark, oldest first: a window [from, to) is closed once
 * now >= to + lookAhead + lateArrival (every event its episodes can hold has landed). With no watermark
 * the run starts at the newest closed window.
 */
export function closedWindows(input: ClosedWindowsInput): { from: number; to: number }[] {
  const size = input.windowMinutes * 60_000;
  if (!Number.isInteger(input.windowMinutes) || input.windowMinutes <= 0 || DAY_MS % size !== 0) {
    throw new WindowError('window minutes must divide a day (e.g. 5, 15, 30, 60)');
  }
  const latestEnd = Math.floor((input.now - input.lookAheadMs - input.lateArrivalMs) / size) * size;
  let start = input.watermark ?? latestEnd - size;
  start = Math.floor(start / size) * size;
  const out: { from: number; to: number }[] = [];
  for (let f = start; f + size <= latestEnd && out.length < input.maxWindows; f += size) {
    out.push({ from: f, to: f + size });
  }
  return out;
}
