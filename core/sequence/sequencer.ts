/**
 * Sequencer: turns one closed time window of the events zone into curated actions and episodes.
 * Pure orchestration over ObjectStore ports (no AWS SDK): the Lambda, the CLI backfill and local mode run
 * it alike. Window semantics (docs/sequencing.md): an episode belongs to the window containing its start;
 * its actions go with it; idle waits between episodes belong to the window containing their start.
 */

import { ERROR_CODES, WorktraceError } from '../errors.js';
import { readOptOutTable } from '../governance/opt-outs.js';
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
import { checkShardSpec, type ShardSpec, sessionShard, shardOfKey, shardValue } from './shards.js';

/** A window that cannot be processed as asked (misaligned, crosses a day). */
export class WindowError extends WorktraceError {
  override readonly name = 'WindowError';
  readonly code = ERROR_CODES.window;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Key of the watermark object in the curated bucket. */
export const WATERMARK_KEY = '_state/sequencer.json';

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
  /** How long after an event's hour its row may still land (arrival-time partitions), ms. @default 600000 */
  readonly lateArrivalMs?: number;
  /** Events read before the window (session context, episode starts), ms. @default 6 h */
  readonly lookBackMs?: number;
  /** Events read after the window (episodes that start inside and continue). @default maxDurationMs + 60 s */
  readonly lookAheadMs?: number;
  readonly reduce?: Partial<ReduceConfig>;
  readonly episodes?: Partial<EpisodeConfig>;
  /**
   * Decoded events files reused across windows; the caller owns it (a Lambda keeps one from its cold start
   * so that warm invocations reuse it). @default a cache for this call only
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
}

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
 * `-shard-NN` (`window-<from>-<to>-shard-07.parquet`).
 */
export function windowKeys(from: number, to: number, shard?: number): { actions: string; episodes: string } {
  const suffix = shard === undefined ? '' : `-shard-${shardValue(shard)}`;
  const file = `dt=${dtOf(from)}/window-${stamp(from)}-${stamp(to)}${suffix}.parquet`;
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
  const maxDuration = input.episodes?.maxDurationMs ?? EPISODE_DEFAULTS.maxDurationMs;
  const lookBack = input.lookBackMs ?? DEFAULT_LOOK_BACK_MS;
  const lookAhead = input.lookAheadMs ?? maxDuration + 60_000;
  const late = input.lateArrivalMs ?? 600_000;
  const readFrom = from - lookBack;
  const readTo = to + lookAhead;
  const cache = input.cache ?? new DecodedFileCache(DEFAULT_DECODED_CACHE_ROWS);
  // Read before the events: a subject registered meanwhile is caught by the next window or erasure's sweep.
  const optedOut = input.optedOut ?? new Set(await readOptOutTable(input.curatedStore));

  const shard = input.shard === undefined ? undefined : checkShardSpec(input.shard);
  const inShard = shard === undefined ? undefined : sessionFilter(shard);

  // Every partition whose rows can fall in [readFrom, readTo), late arrivals included.
  let filesRead = 0;
  const read: EventRow[] = [];
  for (const prefix of eventPartitions(readFrom, readTo + late)) {
    const objects = (await input.eventsStore.list(prefix)).filter(
      (o) => o.key.endsWith('.parquet') && (shard === undefined || isShardObject(o.key, shard.index)),
    );
    objects.sort((a, b) => (a.key < b.key ? -1 : 1));
    for (const o of objects) {
      const decoded = await cache.rowsOf(input.eventsStore, o);
      if (!decoded) continue;
      filesRead += 1;
      for (const row of decoded) {
        if (row.ts >= readFrom && row.ts < readTo && (inShard === undefined || inShard(row.session_id)))
          read.push(row);
      }
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
  await input.curatedStore.put(keys.actions, encodeParquet(ACTIONS_TABLE.columns, actions), {
    contentType: 'application/vnd.apache.parquet',
  });
  await input.curatedStore.put(keys.episodes, encodeParquet(EPISODES_TABLE.columns, episodes), {
    contentType: 'application/vnd.apache.parquet',
  });
  return {
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
  };
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

/** The watermark: end (exclusive, epoch ms) of the last window processed. */
export interface Watermark {
  readonly version: 1;
  readonly lastClosedWindowEnd: string;
}

/** Reads the watermark; undefined when none was written yet. */
export async function readWatermark(store: ObjectStore): Promise<number | undefined> {
  const bytes = await store.get(WATERMARK_KEY);
  if (!bytes) return undefined;
  const parsed = JSON.parse(Buffer.from(bytes).toString('utf8')) as Partial<Watermark>;
  const ms = parsed.lastClosedWindowEnd ? Date.parse(parsed.lastClosedWindowEnd) : Number.NaN;
  return Number.isFinite(ms) ? ms : undefined;
}

/** Records `end` as the last closed window's end. */
export async function writeWatermark(store: ObjectStore, end: number): Promise<void> {
  const body: Watermark = { version: 1, lastClosedWindowEnd: new Date(end).toISOString() };
  await store.put(WATERMARK_KEY, JSON.stringify(body), { contentType: 'application/json' });
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

/** Settings of a scheduled run over every due window. */
export interface DueWindowsInput {
  readonly eventsStore: ObjectStore;
  readonly curatedStore: ObjectStore;
  /** Epoch ms now (from a Clock port). */
  readonly now: number;
  readonly windowMinutes: number;
  readonly lateArrivalMs: number;
  /** Windows processed per run at most; the rest wait for the next run. */
  readonly maxWindows: number;
  readonly lookBackMs?: number;
  readonly lookAheadMs?: number;
  readonly reduce?: Partial<ReduceConfig>;
  readonly episodes?: Partial<EpisodeConfig>;
  /**
   * Decoded events files reused across windows and, when the caller keeps it, across runs.
   * @default a cache for this run only
   */
  readonly cache?: DecodedFileCache;
  /** Called after each window (metrics, logs); receives counts only. */
  readonly onWindow?: (result: WindowResult) => void;
}

/**
 * Processes every closed window after the watermark, oldest first, advancing the watermark after each one
 * (a crash mid-run redoes at most one window, which overwrites its own outputs).
 */
export async function runDueWindows(input: DueWindowsInput): Promise<WindowResult[]> {
  const maxDuration = input.episodes?.maxDurationMs ?? EPISODE_DEFAULTS.maxDurationMs;
  const lookAheadMs = input.lookAheadMs ?? maxDuration + 60_000;
  const windows = closedWindows({
    watermark: await readWatermark(input.curatedStore),
    now: input.now,
    windowMinutes: input.windowMinutes,
    lateArrivalMs: input.lateArrivalMs,
    lookAheadMs,
    maxWindows: input.maxWindows,
  });
  const cache = input.cache ?? new DecodedFileCache(DEFAULT_DECODED_CACHE_ROWS);
  const results: WindowResult[] = [];
  for (const w of windows) {
    const result = await sequenceWindow({ ...input, ...w, lookAheadMs, cache });
    await writeWatermark(input.curatedStore, w.to);
    input.onWindow?.(result);
    results.push(result);
  }
  return results;
}
