/**
 * Late events (docs/sequencing.md, "Late events"): a row that lands in the events zone after the window ×
 * shard that should have fed it was sequenced. The redact function finds them as it writes a batch, by the
 * sequencer's progress (`readProgress`), counts them, and leaves one queue entry per window × shard in the
 * curated zone (`_state/resequence/`); the next sequencing run re-sequences that shard from that window on,
 * through the checkpoints after it, and clears the entries it planned. Entries carry counts and window
 * bounds only, never event content or pseudonyms.
 */
import type { ObjectStore } from '../ports.js';
import { shardValue } from './shards.js';

/** Prefix of the late-event queue in the curated bucket (a control prefix, never expired). */
export const RESEQUENCE_PREFIX = '_state/resequence/';

/** Key of the sequencer's progress object in the curated bucket (the watermark). */
export const WATERMARK_KEY = '_state/sequencer.json';

/**
 * How far the sequencer has got: `closed` is the end of the last window sequenced and committed,
 * `started` the end of the windows a run has planned and may be reading now (at least `closed`).
 */
export interface SequencerProgress {
  readonly closed: number | undefined;
  readonly started: number | undefined;
}

/** The watermark object: `lastClosedWindowEnd`, and while a run is under way `sequencingTo`. */
interface WatermarkDocument {
  readonly version: 1;
  readonly lastClosedWindowEnd: string;
  readonly sequencingTo?: string;
}

function instant(iso: string | undefined): number | undefined {
  const ms = iso === undefined ? Number.NaN : Date.parse(iso);
  return Number.isFinite(ms) ? ms : undefined;
}

/** Reads the sequencer's progress; both undefined before the first run. */
export async function readProgress(store: ObjectStore): Promise<SequencerProgress> {
  const bytes = await store.get(WATERMARK_KEY);
  if (!bytes) return { closed: undefined, started: undefined };
  const doc = JSON.parse(Buffer.from(bytes).toString('utf8')) as Partial<WatermarkDocument>;
  const closed = instant(doc.lastClosedWindowEnd);
  const started = instant(doc.sequencingTo);
  return {
    closed,
    started: Math.max(closed ?? Number.NEGATIVE_INFINITY, started ?? Number.NEGATIVE_INFINITY),
  };
}

/**
 * Writes the watermark: `end` closed, and `sequencingTo` when a run has planned windows up to there (a
 * batch landing meanwhile may be missed by them, so the redact function counts its rows as late).
 */
export async function writeProgress(store: ObjectStore, end: number, sequencingTo?: number): Promise<void> {
  const body: WatermarkDocument = {
    version: 1,
    lastClosedWindowEnd: new Date(end).toISOString(),
    ...(sequencingTo !== undefined && sequencingTo > end
      ? { sequencingTo: new Date(sequencingTo).toISOString() }
      : {}),
  };
  await store.put(WATERMARK_KEY, JSON.stringify(body), { contentType: 'application/json' });
}

/** The sequencer settings late events are judged by (the sequence function's). */
export interface LateSettings {
  /** Window size, ms. */
  readonly windowMs: number;
  /** The late-arrival allowance, ms. */
  readonly lateArrivalMs: number;
}

/**
 * Start of the window that feeds a row of time `ts`: the first window whose horizon (its end minus the
 * allowance) lies after `ts`.
 */
export function feedingWindow(ts: number, settings: LateSettings): number {
  return Math.floor((ts + settings.lateArrivalMs) / settings.windowMs) * settings.windowMs;
}

/** Late rows of one window × shard of a batch. */
export interface LateGroup {
  /** Start of the window, epoch ms. */
  readonly from: number;
  readonly shard: number;
  readonly events: number;
}

/**
 * The rows of a written batch whose feeding window was already sequenced, or planned by a run under way
 * (`progress.started`), grouped by window × shard, oldest first. A row in a window still being read may
 * have been seen; re-sequencing it is harmless (the outputs are the same), missing it is not.
 */
export function lateGroups(
  rows: Iterable<{ readonly ts: number; readonly shard: number }>,
  progress: SequencerProgress,
  settings: LateSettings,
): LateGroup[] {
  const done = progress.started;
  if (done === undefined) return [];
  const groups = new Map<string, { from: number; shard: number; events: number }>();
  for (const r of rows) {
    const from = feedingWindow(r.ts, settings);
    if (from + settings.windowMs > done) continue;
    const id = `${from}/${r.shard}`;
    const g = groups.get(id);
    if (g) g.events += 1;
    else groups.set(id, { from, shard: r.shard, events: 1 });
  }
  return [...groups.values()].sort((a, b) => a.from - b.from || a.shard - b.shard);
}

/**
 * Key of a queue entry: the window and shard, then the batch that found it (a retried batch overwrites
 * its entry; two batches never share one, so clearing the entries a run planned never loses a later one).
 */
export function resequenceKey(from: number, shard: number, batch: string): string {
  return `${RESEQUENCE_PREFIX}${new Date(from).toISOString()}-shard-${shardValue(shard)}/${batch}.json`;
}

/** A queue entry as listed: the window × shard to re-sequence from. */
export interface ResequenceEntry {
  readonly key: string;
  readonly from: number;
  readonly shard: number;
}

/** Parses a queue entry's key; undefined for anything else under the prefix. */
export function parseResequenceKey(key: string): ResequenceEntry | undefined {
  const m =
    /^_state\/resequence\/(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)-shard-(\d{2})\/[^/]+\.json$/.exec(
      key,
    );
  if (!m) return undefined;
  const from = Date.parse(m[1] as string);
  return Number.isFinite(from) ? { key, from, shard: Number(m[2]) } : undefined;
}

/** Writes one queue entry per late group of a batch; returns the late rows counted. */
export async function queueLateGroups(
  store: ObjectStore,
  groups: readonly LateGroup[],
  batch: string,
): Promise<number> {
  let events = 0;
  for (const g of groups) {
    const body = JSON.stringify({
      version: 1,
      from: new Date(g.from).toISOString(),
      shard: g.shard,
      events: g.events,
    });
    await store.put(resequenceKey(g.from, g.shard, batch), body, { contentType: 'application/json' });
    events += g.events;
  }
  return events;
}

/** Every queued entry, oldest window first. */
export async function listResequence(store: ObjectStore): Promise<ResequenceEntry[]> {
  const out: ResequenceEntry[] = [];
  for (const o of await store.list(RESEQUENCE_PREFIX)) {
    const e = parseResequenceKey(o.key);
    if (e) out.push(e);
  }
  return out.sort((a, b) => a.from - b.from || a.shard - b.shard || (a.key < b.key ? -1 : 1));
}
