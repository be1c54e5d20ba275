/**
 * What `worktrace sequence` does: a file redacted as the Lambda would, then reduced and cut; or every
 * window of a date range of the lake re-sequenced.
 */
import { createReadStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ERROR_CODES, WorktraceError } from '#core/errors.js';
import type { EventRow } from '#core/lake/schema.js';
import { ACTION_TYPES, type Anomalies, addAnomalies, emptyAnomalies } from '#core/sequence/actions.js';
import { dedupeByEventId } from '#core/sequence/dedupe.js';
import { EPISODE_LABELS, type Episode, type PlacedAction } from '#core/sequence/episodes.js';
import {
  DEFAULT_DECODED_CACHE_ROWS,
  DecodedFileCache,
  sequenceRows,
  sequenceWindow,
  type WindowResult,
} from '#core/sequence/sequencer.js';
import { s3TargetFromEnv } from '../../local/cli-env.js';
import type { KeyAndPolicyFlags } from './common.js';
import { redactFile } from './redact-run.js';
import type { SequenceOptions } from './sequence.js';

/** What `worktrace sequence` reports (written as summary.json in file mode). */
export interface SequenceSummary {
  readonly events: number;
  readonly sessions: number;
  readonly actions: number;
  readonly actionTypes: Record<string, number>;
  readonly episodes: number;
  readonly labels: Record<string, number>;
  readonly anomalies: Anomalies;
}

/** A command-line mistake (bad dates or options); printed as one line. */
export class SequenceUsageError extends WorktraceError {
  override readonly name = 'SequenceUsageError';
  readonly code = ERROR_CODES.usage;
}

function summarise(
  events: number,
  sessions: number,
  actions: readonly PlacedAction[],
  episodes: readonly Episode[],
  anomalies: Anomalies,
): SequenceSummary {
  const actionTypes = Object.fromEntries(ACTION_TYPES.map((t) => [t, 0])) as Record<string, number>;
  for (const a of actions) actionTypes[a.action_type] = (actionTypes[a.action_type] ?? 0) + 1;
  const labels = Object.fromEntries(EPISODE_LABELS.map((l) => [l, 0])) as Record<string, number>;
  for (const e of episodes) for (const l of e.labels) labels[l] = (labels[l] ?? 0) + 1;
  return {
    events,
    sessions,
    actions: actions.length,
    actionTypes,
    episodes: episodes.length,
    labels,
    anomalies,
  };
}

/** Reads an NDJSON file of events-zone rows (objects with `event_type` and `session_id`). */
async function readRows(file: string): Promise<EventRow[]> {
  const rows: EventRow[] = [];
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (line.trim() !== '') rows.push(JSON.parse(line) as EventRow);
  }
  return rows;
}

/** True when the file holds redacted events-zone rows rather than contract events. */
async function holdsLakeRows(file: string): Promise<boolean> {
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (line.trim() === '') continue;
    try {
      const first = JSON.parse(line) as Record<string, unknown>;
      return typeof first.event_type === 'string' && typeof first.session_id === 'string';
    } catch {
      return false;
    }
  }
  return false;
}

/**
 * File mode: contract events are first redacted exactly as the Lambda would (into <out>/redacted/), then
 * reduced and cut; a file of events-zone rows (e.g. `worktrace redact`'s events.ndjson) is used as is.
 */
export async function sequenceFile(
  file: string,
  out: string,
  opts: KeyAndPolicyFlags,
): Promise<SequenceSummary> {
  await mkdir(out, { recursive: true });
  let rowsFile = file;
  if (!(await holdsLakeRows(file))) {
    const redactedDir = join(out, 'redacted');
    await redactFile(file, redactedDir, opts);
    rowsFile = join(redactedDir, 'events.ndjson');
  }
  const rows = await readRows(rowsFile);
  // Deduplicated by event id exactly as the lake path does.
  const unique = dedupeByEventId(rows);
  const seq = sequenceRows(unique);
  const dupes = rows.length - unique.length;
  const anomalies = { ...seq.anomalies, duplicate_event: seq.anomalies.duplicate_event + dupes };
  const lines = (items: readonly unknown[]) =>
    items.length ? `${items.map((i) => JSON.stringify(i)).join('\n')}\n` : '';
  await writeFile(join(out, 'actions.ndjson'), lines(seq.actions));
  await writeFile(join(out, 'episodes.ndjson'), lines(seq.episodes));
  const summary = summarise(rows.length, seq.sessions, seq.actions, seq.episodes, anomalies);
  await writeFile(join(out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

const DT = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** Range mode: every window of [from 00:00, to 24:00) UTC, oldest first; the watermark is left alone. */
export async function sequenceRange(opts: {
  from: string;
  to: string;
  windowMinutes: number;
  eventsBucket: string;
  curatedBucket: string;
  onWindow?: (r: WindowResult) => void;
}): Promise<SequenceSummary> {
  if (!DT.test(opts.from) || !DT.test(opts.to))
    throw new SequenceUsageError('--from and --to take YYYY-MM-DD');
  const start = Date.parse(`${opts.from}T00:00:00Z`);
  const end = Date.parse(`${opts.to}T00:00:00Z`) + DAY_MS;
  if (!(end > start)) throw new SequenceUsageError('--to must not be before --from');
  const size = opts.windowMinutes * 60_000;
  if (!Number.isInteger(opts.windowMinutes) || opts.windowMinutes <= 0 || DAY_MS % size !== 0) {
    throw new SequenceUsageError('--window-minutes must divide a day (5, 15, 30, 60...)');
  }
  const [{ s3Client }, { S3ObjectStore }] = await Promise.all([
    import('#adapters/aws-clients.js'),
    import('#adapters/s3-object-store.js'),
  ]);
  const client = s3Client(s3TargetFromEnv());
  const eventsStore = new S3ObjectStore(client, opts.eventsBucket);
  const curatedStore = new S3ObjectStore(client, opts.curatedBucket);
  let events = 0;
  let sessions = 0;
  const actionTypes: Record<string, number> = {};
  let actions = 0;
  let episodes = 0;
  const anomalies = emptyAnomalies();
  // Consecutive windows read nearly the same look-back: decode each file once for the whole range.
  const cache = new DecodedFileCache(DEFAULT_DECODED_CACHE_ROWS);
  for (let from = start; from < end; from += size) {
    const r = await sequenceWindow({ eventsStore, curatedStore, from, to: from + size, cache });
    events += r.events;
    sessions += r.sessions;
    actions += r.actions;
    episodes += r.episodes;
    addAnomalies(anomalies, r.anomalies);
    opts.onWindow?.(r);
  }
  return { events, sessions, actions, actionTypes, episodes, labels: {}, anomalies };
}

function printSummary(s: SequenceSummary): void {
  const nonZero = (o: Record<string, number>) =>
    Object.entries(o)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${k}=${n}`)
      .join(' ') || 'none';
  console.log(`events ${s.events} in ${s.sessions} sessions -> ${s.actions} actions, ${s.episodes} episodes`);
  if (Object.keys(s.actionTypes).length > 0) console.log(`actions: ${nonZero(s.actionTypes)}`);
  if (Object.keys(s.labels).length > 0) console.log(`labels: ${nonZero(s.labels)}`);
  console.log(`anomalies handled: ${nonZero(s.anomalies)}`);
}

/** File mode or range mode, as the options say; prints the summary. */
export async function runSequence(file: string | undefined, opts: SequenceOptions): Promise<void> {
  if (file !== undefined) {
    if (!opts.out) throw new SequenceUsageError('file mode needs --out <dir>');
    printSummary(await sequenceFile(file, opts.out, opts));
    console.log(`wrote actions.ndjson, episodes.ndjson and summary.json under ${opts.out}`);
    return;
  }
  if (!opts.from || !opts.to) throw new SequenceUsageError('give a file and --out, or --from and --to');
  let windows = 0;
  const s = await sequenceRange({
    from: opts.from,
    to: opts.to,
    windowMinutes: Number(opts.windowMinutes),
    eventsBucket: opts.eventsBucket,
    curatedBucket: opts.curatedBucket,
    onWindow: () => {
      windows += 1;
    },
  });
  printSummary(s);
  console.log(`re-sequenced ${windows} windows into s3://${opts.curatedBucket} (outputs overwritten)`);
}
