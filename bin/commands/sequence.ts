/**
 * `worktrace sequence`: turns events into actions and episodes.
 *   worktrace sequence <events.ndjson> --out <dir>     a file, no AWS (contract events are redacted first)
 *   worktrace sequence --from <dt> --to <dt>           re-runs every window of a date range over the lake
 */
import { createReadStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { s3Client } from '#adapters/aws-clients.js';
import { S3ObjectStore } from '#adapters/s3-object-store.js';
import { defaultBucketName, type EventRow } from '#core/lake/schema.js';
import { ACTION_TYPES, ANOMALY_KINDS, type Anomalies, emptyAnomalies } from '#core/sequence/actions.js';
import { EPISODE_LABELS, type Episode, type PlacedAction } from '#core/sequence/episodes.js';
import { sequenceRows, sequenceWindow, type WindowResult } from '#core/sequence/sequencer.js';
import { s3TargetFromEnv, stageFromEnv } from '../../local/cli-env.js';
import { failSoftly, withKeyAndPolicy } from './common.js';
import { redactFile } from './redact.js';

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
export class SequenceUsageError extends Error {
  override name = 'SequenceUsageError';
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
  opts: { dataDir: string; keyFile?: string; policy: string },
): Promise<SequenceSummary> {
  await mkdir(out, { recursive: true });
  let rowsFile = file;
  if (!(await holdsLakeRows(file))) {
    const redactedDir = join(out, 'redacted');
    await redactFile(file, redactedDir, opts);
    rowsFile = join(redactedDir, 'events.ndjson');
  }
  const rows = await readRows(rowsFile);
  // Deduplicate by event id as the lake path does: the lowest seq copy wins.
  const byId = new Map<string, EventRow>();
  for (const r of rows) {
    const seen = byId.get(r.event_id);
    if (!seen || r.seq < seen.seq) byId.set(r.event_id, r);
  }
  const seq = sequenceRows([...byId.values()]);
  const dupes = rows.length - byId.size;
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
  const client = s3Client(s3TargetFromEnv());
  const eventsStore = new S3ObjectStore(client, opts.eventsBucket);
  const curatedStore = new S3ObjectStore(client, opts.curatedBucket);
  let events = 0;
  let sessions = 0;
  const actionTypes: Record<string, number> = {};
  let actions = 0;
  let episodes = 0;
  const anomalies = emptyAnomalies();
  for (let from = start; from < end; from += size) {
    const r = await sequenceWindow({ eventsStore, curatedStore, from, to: from + size });
    events += r.events;
    sessions += r.sessions;
    actions += r.actions;
    episodes += r.episodes;
    for (const k of ANOMALY_KINDS) anomalies[k] += r.anomalies[k];
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

/** Registers the command. */
export function registerSequence(program: Command): void {
  const stage = stageFromEnv();
  withKeyAndPolicy(
    program
      .command('sequence')
      .description(
        'reduce events to actions and episodes: a file (--out) or a date range of the lake (--from/--to, a backfill)',
      )
      .argument('[file]', 'NDJSON of contract events or of events-zone rows (file mode)')
      .option('--out <dir>', 'file mode: output directory for actions.ndjson, episodes.ndjson, summary.json')
      .option('--from <dt>', 'range mode: first day, YYYY-MM-DD (UTC)')
      .option('--to <dt>', 'range mode: last day, YYYY-MM-DD (UTC), inclusive')
      .option('--window-minutes <n>', 'range mode: window size in minutes', '15')
      .option('--events-bucket <name>', 'range mode: events bucket', defaultBucketName(stage, 'events'))
      .option('--curated-bucket <name>', 'range mode: curated bucket', defaultBucketName(stage, 'curated')),
  ).action(
    failSoftly(
      async (
        file: string | undefined,
        opts: {
          out?: string;
          from?: string;
          to?: string;
          windowMinutes: string;
          eventsBucket: string;
          curatedBucket: string;
          dataDir: string;
          keyFile?: string;
          policy: string;
        },
      ) => {
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
      },
    ),
  );
}
