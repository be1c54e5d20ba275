/**
 * Incremental sequencing (issue 18): a session's rows are reduced and cut as they arrive, window after
 * window, carrying a small checkpoint between increments instead of re-reading a look-back. Run over any
 * split of a session's rows into increments (with duplicates, and rows late by at most the allowance),
 * the concatenated output is exactly `reduceToActions` + `cutEpisodes` over all the rows in one pass
 * (test/core/sequence/incremental.property.test.ts).
 *
 * Safe horizon: rows are reduced in (seq, event_id) order, so a row may only be fed once no row before it
 * can still arrive. The caller passes `horizonTs`, a time before which every row of the session has been
 * delivered (a window's end minus the late-arrival allowance). Of the rows held, the longest
 * (seq, event_id)-ordered prefix whose times all lie before the horizon is fed; the rest wait in the
 * checkpoint (`pending: 'hold'`) or in the events zone, re-read from `reread_from_ts` by the caller
 * (`pending: 'reread'`, small checkpoints whatever the allowance). This is exact while a session's clock runs forward along its seq; a row that still
 * arrives after rows following it were fed (later than the allowance, or behind a backward clock jump)
 * lies below the fed high-water mark and is dropped, counted as `duplicate_event` and in `belowFed`.
 */
import type { EventRow } from '../lake/schema.js';
import {
  type Action,
  type Anomalies,
  addAnomalies,
  emptyAnomalies,
  type ReduceConfig,
  type ReducerCheckpoint,
  SessionReducer,
} from './actions.js';
import { dedupeByEventId } from './dedupe.js';
import {
  type Cut,
  type CutterCheckpoint,
  type Episode,
  type EpisodeConfig,
  EpisodeCutter,
  type PlacedAction,
  SEQUENCER_VERSION,
} from './episodes.js';

/** Version of the checkpoint layout; a checkpoint is only read by the same sequencer and layout. */
export const CHECKPOINT_SCHEMA_VERSION = 1;

/** The version a checkpoint document carries: the sequencer's and the layout's. */
export const CHECKPOINT_VERSION = `${SEQUENCER_VERSION}+checkpoint-${CHECKPOINT_SCHEMA_VERSION}`;

/** A checkpoint written by another sequencer or layout version, or not a checkpoint at all. */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
}

/** The last row fed to the reducer, in (seq, event_id) order. */
export interface FedMark {
  readonly seq: number;
  readonly event_id: string;
}

/**
 * Actions as a table: the column names once, then one array of values per action. Names are most of an
 * action's JSON, and the open episode can hold thousands of actions.
 */
export interface PackedActions {
  readonly columns: string[];
  readonly rows: unknown[][];
}

/** The open episode so far: its actions and whether a marked task is running. */
export interface OpenEpisode {
  readonly inTask: boolean;
  readonly actions: PackedActions;
}

function packActions(actions: readonly Action[]): PackedActions {
  const columns = actions[0] ? Object.keys(actions[0]) : [];
  return {
    columns,
    rows: actions.map((a) => columns.map((c) => (a as unknown as Record<string, unknown>)[c])),
  };
}

function unpackActions(packed: PackedActions): Action[] {
  return packed.rows.map(
    (values) => Object.fromEntries(packed.columns.map((c, i) => [c, values[i]])) as unknown as Action,
  );
}

function packEpisode(cp: CutterCheckpoint): OpenEpisode {
  return { inTask: cp.inTask, actions: packActions(cp.current) };
}

function unpackEpisode(open: OpenEpisode): CutterCheckpoint {
  return { inTask: open.inTask, current: unpackActions(open.actions) };
}

/** One live session's state between increments (plain JSON data). */
export interface SessionCheckpoint {
  readonly session_id: string;
  /** The highest row fed: rows at or below it are copies of fed events (or later than the allowance). */
  readonly fed: FedMark | null;
  /** Rows held back by the horizon, deduplicated, in (seq, event_id) order (none in `reread` mode). */
  readonly pending: EventRow[];
  /**
   * In `reread` mode, the next increment must be given every arrived row of this session with `ts` at or
   * after this (the horizon, or the earliest row held back if earlier); null in `hold` mode.
   */
  readonly reread_from_ts: number | null;
  readonly reducer: ReducerCheckpoint;
  /** The episode cutter's state: the open episode so far. */
  readonly episode: OpenEpisode;
}

/** How far an increment may go. */
export interface IncrementOptions {
  /** Every row of the session with `ts` before this has been delivered (window end − late allowance). */
  readonly horizonTs?: number;
  /** The session has ended (or the data has): feed everything held and flush. @default false */
  readonly end?: boolean;
  /**
   * Where rows held back by the horizon live until fed: `hold` keeps them in the checkpoint; `reread`
   * keeps none (the caller re-reads them from the events zone, see `reread_from_ts`), so the checkpoint
   * stays small when the late-arrival allowance spans many rows. @default 'hold'
   */
  readonly pending?: 'hold' | 'reread';
  readonly reduce?: Partial<ReduceConfig>;
  readonly episodes?: Partial<EpisodeConfig>;
}

/** What one increment of one session produced. */
export interface IncrementResult {
  /** The state to continue from, or null once the session has ended. */
  readonly checkpoint: SessionCheckpoint | null;
  /** Actions that became final, placed in their episodes, in output order. */
  readonly actions: PlacedAction[];
  /** Episodes that closed, in output order. */
  readonly episodes: Episode[];
  /** Anomalies counted in this increment. */
  readonly anomalies: Anomalies;
  /** Rows dropped because they lay at or below the fed high-water mark. */
  readonly belowFed: number;
  /** Distinct rows held back by the horizon (in the checkpoint, or to be re-read). */
  readonly heldBack: number;
}

function compareKeys(aSeq: number, aId: string, bSeq: number, bId: string): number {
  return aSeq - bSeq || (aId < bId ? -1 : aId > bId ? 1 : 0);
}

const byKey = (a: EventRow, b: EventRow): number => compareKeys(a.seq, a.event_id, b.seq, b.event_id);

/** Advances one session by the rows that arrived for it; a null checkpoint starts the session. */
export function sequenceIncrement(
  checkpoint: SessionCheckpoint | null,
  rows: readonly EventRow[],
  options: IncrementOptions,
): IncrementResult {
  if (!options.end && options.horizonTs === undefined) {
    throw new CheckpointError('an increment needs a horizonTs or end: true');
  }
  const reducer = checkpoint
    ? SessionReducer.fromCheckpoint(checkpoint.reducer, options.reduce)
    : new SessionReducer(options.reduce);
  const cutter = checkpoint
    ? EpisodeCutter.fromCheckpoint(unpackEpisode(checkpoint.episode), options.episodes)
    : new EpisodeCutter(options.episodes);
  let fed = checkpoint?.fed ?? null;
  const before = reducer.anomalyCounts;

  const fresh = fed
    ? rows.filter((r) => compareKeys(r.seq, r.event_id, fed?.seq ?? 0, fed?.event_id ?? '') > 0)
    : rows;
  const belowFed = rows.length - fresh.length;
  const held = [...(checkpoint?.pending ?? []), ...fresh];
  const unique = [...dedupeByEventId(held)].sort(byKey);

  const horizon = options.end ? Number.POSITIVE_INFINITY : (options.horizonTs as number);
  let n = 0;
  while (n < unique.length && (unique[n] as EventRow).ts < horizon) n++;
  const reread = options.pending === 'reread';
  if (reread) {
    // Rows not fed come again next time: only copies of the events fed now are counted now.
    const copies = new Map<string, number>();
    for (const r of held) copies.set(r.event_id, (copies.get(r.event_id) ?? 0) + 1);
    let dropped = 0;
    for (let i = 0; i < n; i++) dropped += (copies.get((unique[i] as EventRow).event_id) ?? 1) - 1;
    reducer.countDuplicates(belowFed + dropped);
  } else {
    reducer.countDuplicates(belowFed + held.length - unique.length);
  }
  for (let i = 0; i < n; i++) reducer.add(unique[i] as EventRow);
  if (n > 0) {
    const last = unique[n - 1] as EventRow;
    fed = { seq: last.seq, event_id: last.event_id };
  }

  const out: Cut = { episodes: [], actions: [] };
  const final: Action[] = reducer.drainFinal();
  if (options.end) final.push(...reducer.finish().actions);
  for (const a of final) cutter.push(a, out);
  if (options.end) cutter.end(out);

  const anomalies = reducer.anomalyCounts;
  for (const k of Object.keys(anomalies) as (keyof Anomalies)[]) anomalies[k] -= before[k];
  const sessionId = checkpoint?.session_id ?? unique[0]?.session_id ?? rows[0]?.session_id ?? '';
  return {
    checkpoint: options.end
      ? null
      : {
          session_id: sessionId,
          fed,
          pending: reread ? [] : unique.slice(n),
          reread_from_ts: reread ? unique.slice(n).reduce((min, r) => Math.min(min, r.ts), horizon) : null,
          reducer: reducer.toCheckpoint(),
          episode: packEpisode(cutter.toCheckpoint()),
        },
    actions: out.actions,
    episodes: out.episodes,
    anomalies,
    belowFed,
    heldBack: unique.length - n,
  };
}

/** The checkpoint of every live session, as written next to the watermark. */
export interface CheckpointDocument {
  readonly version: string;
  /** Live sessions in session-id order (an array: object keys that look like integers would reorder). */
  readonly sessions: SessionCheckpoint[];
}

/** Options of a multi-session increment. */
export interface IncrementsOptions extends IncrementOptions {
  /**
   * Sessions with nothing pending whose last row is at least this long before the horizon are ended
   * (flushed as if their data had ended). Exact only if no row of theirs arrives later; choose it longer
   * than any pause a session resumes after (the capture agent's session timeout). @default never
   */
  readonly endIdleSessionsAfterMs?: number;
}

/** What one increment of many sessions produced, sessions in id order. */
export interface IncrementsResult {
  readonly document: CheckpointDocument;
  readonly actions: PlacedAction[];
  readonly episodes: Episode[];
  readonly anomalies: Anomalies;
  readonly belowFed: number;
  /** Sessions ended in this increment (by `end` or by idle time). */
  readonly endedSessions: number;
}

/** An empty checkpoint document (no live session). */
export function emptyCheckpointDocument(): CheckpointDocument {
  return { version: CHECKPOINT_VERSION, sessions: [] };
}

/** Advances every session that has a checkpoint or rows in this increment. */
export function sequenceIncrements(
  document: CheckpointDocument | null,
  rows: readonly EventRow[],
  options: IncrementsOptions,
): IncrementsResult {
  const doc = document ?? emptyCheckpointDocument();
  if (doc.version !== CHECKPOINT_VERSION) {
    throw new CheckpointError(`checkpoint version ${doc.version} is not ${CHECKPOINT_VERSION}`);
  }
  const live = new Map(doc.sessions.map((s) => [s.session_id, s]));
  const arrived = new Map<string, EventRow[]>();
  for (const r of rows) {
    const list = arrived.get(r.session_id);
    if (list) list.push(r);
    else arrived.set(r.session_id, [r]);
  }
  const ids = [...new Set([...live.keys(), ...arrived.keys()])].sort();
  const sessions: SessionCheckpoint[] = [];
  const actions: PlacedAction[] = [];
  const episodes: Episode[] = [];
  const anomalies = emptyAnomalies();
  let belowFed = 0;
  let endedSessions = 0;
  for (const id of ids) {
    let r = sequenceIncrement(live.get(id) ?? null, arrived.get(id) ?? [], options);
    const idle = options.endIdleSessionsAfterMs;
    const cp = r.checkpoint;
    if (
      cp !== null &&
      idle !== undefined &&
      options.horizonTs !== undefined &&
      r.heldBack === 0 &&
      cp.reducer.lastTs !== null &&
      cp.reducer.lastTs <= options.horizonTs - idle
    ) {
      const flush = sequenceIncrement(cp, [], { ...options, end: true });
      r = {
        checkpoint: null,
        actions: [...r.actions, ...flush.actions],
        episodes: [...r.episodes, ...flush.episodes],
        anomalies: r.anomalies,
        belowFed: r.belowFed,
        heldBack: 0,
      };
      addAnomalies(anomalies, flush.anomalies);
    }
    actions.push(...r.actions);
    episodes.push(...r.episodes);
    addAnomalies(anomalies, r.anomalies);
    belowFed += r.belowFed;
    if (r.checkpoint) sessions.push(r.checkpoint);
    else endedSessions += 1;
  }
  return {
    document: { version: CHECKPOINT_VERSION, sessions },
    actions,
    episodes,
    anomalies,
    belowFed,
    endedSessions,
  };
}

/** The document as canonical JSON: the same state always gives the same bytes. */
export function serializeCheckpoint(document: CheckpointDocument): string {
  return JSON.stringify(document);
}

/** Reads a document written by `serializeCheckpoint` of this sequencer version. */
export function parseCheckpoint(text: string): CheckpointDocument {
  const doc = JSON.parse(text) as CheckpointDocument;
  if (typeof doc !== 'object' || doc === null || !Array.isArray(doc.sessions)) {
    throw new CheckpointError('not a sequencer checkpoint');
  }
  if (doc.version !== CHECKPOINT_VERSION) {
    throw new CheckpointError(`checkpoint version ${doc.version} is not ${CHECKPOINT_VERSION}`);
  }
  return doc;
}
