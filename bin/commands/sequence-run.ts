/**
 * What `worktrace sequence` does: a file redacted as the Lambda would, then reduced and cut; or every
 * window of a date range of the lake re-sequenced, by a local worker pool or, with --aws, by the backfill
 * state machine (a Distributed Map that invokes the sequence function per window).
 */
import { createReadStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SingleBar } from 'cli-progress';
import { ERROR_CODES, WorktraceError } from '#core/errors.js';
import type { EventRow } from '#core/lake/schema.js';
import { ACTION_TYPES, type Anomalies, addAnomalies, emptyAnomalies } from '#core/sequence/actions.js';
import { backfillWindows, runBackfill } from '#core/sequence/backfill.js';
import { dedupeByEventId } from '#core/sequence/dedupe.js';
import { EPISODE_LABELS, type Episode, type PlacedAction } from '#core/sequence/episodes.js';
import { sequenceRows, type WindowResult } from '#core/sequence/sequencer.js';
import { checkShardCount, SEQUENCE_SHARDS_DEFAULT } from '#core/sequence/shards.js';
import { s3TargetFromEnv } from '../../local/cli-env.js';
import type { FollowSettings } from './aws-execution.js';
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

/** [from 00:00, to 24:00) UTC of a day range given on the command line, checked, with its windows. */
export function rangeWindows(
  from: string,
  to: string,
  windowMinutes: number,
): { start: number; end: number; windows: { from: number; to: number }[] } {
  if (!DT.test(from) || !DT.test(to)) throw new SequenceUsageError('--from and --to take YYYY-MM-DD');
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`) + DAY_MS;
  if (!Number.isFinite(start) || !Number.isFinite(end)) {
    throw new SequenceUsageError('--from and --to take YYYY-MM-DD');
  }
  if (!(end > start)) throw new SequenceUsageError('--to must not be before --from');
  if (!Number.isInteger(windowMinutes) || windowMinutes <= 0 || DAY_MS % (windowMinutes * 60_000) !== 0) {
    throw new SequenceUsageError('--window-minutes must divide a day (5, 15, 30, 60...)');
  }
  return { start, end, windows: backfillWindows(start, end, windowMinutes) };
}

/** The local pool's size from the command line. */
function shardsOf(text: string | undefined): number {
  const n = Number(text ?? SEQUENCE_SHARDS_DEFAULT);
  if (!Number.isInteger(n) || n < 1 || n > 64) {
    throw new SequenceUsageError('--shards must be a whole number from 1 to 64');
  }
  return n;
}

function concurrencyOf(text: string | number | undefined): number {
  const n = Number(text ?? 1);
  if (!Number.isInteger(n) || n < 1 || n > 64) {
    throw new SequenceUsageError('--concurrency must be a whole number from 1 to 64');
  }
  return n;
}

/**
 * Range mode: every window of [from 00:00, to 24:00) UTC, as one job per shard running its windows in
 * order (recomputing their checkpoints), `concurrency` jobs at once, as the AWS backfill's map does (the
 * curated objects are the same, byte for byte, whatever the concurrency); the watermark is left alone.
 */
export async function sequenceRange(opts: {
  from: string;
  to: string;
  windowMinutes: number;
  eventsBucket: string;
  curatedBucket: string;
  /** Shard jobs in flight at most. @default 1 */
  concurrency?: number;
  /** Sequence shards of the lake. @default SEQUENCE_SHARDS_DEFAULT */
  shards?: number;
  /** Called once with the number of window × shard jobs, before the first runs. */
  onPlan?: (windows: number) => void;
  /** Called as each window finishes (finishing order). */
  onWindow?: (r: WindowResult) => void;
}): Promise<SequenceSummary> {
  const { windows } = rangeWindows(opts.from, opts.to, opts.windowMinutes);
  const concurrency = concurrencyOf(opts.concurrency);
  const [{ s3Client }, { S3ObjectStore }] = await Promise.all([
    import('#adapters/aws-clients.js'),
    import('#adapters/s3-object-store.js'),
  ]);
  const client = s3Client(s3TargetFromEnv());
  const eventsStore = new S3ObjectStore(client, opts.eventsBucket);
  const curatedStore = new S3ObjectStore(client, opts.curatedBucket);
  const shards = checkShardCount(opts.shards ?? SEQUENCE_SHARDS_DEFAULT);
  opts.onPlan?.(windows.length * shards);
  const results = await runBackfill({
    eventsStore,
    curatedStore,
    windows,
    concurrency,
    shards,
    ...(opts.onWindow ? { onWindow: opts.onWindow } : {}),
  });
  let events = 0;
  let sessions = 0;
  const actionTypes: Record<string, number> = {};
  let actions = 0;
  let episodes = 0;
  const anomalies = emptyAnomalies();
  // Summed in plan order, so the summary does not depend on which window finished first.
  for (const r of results) {
    events += r.events;
    sessions += r.sessions;
    actions += r.actions;
    episodes += r.episodes;
    addAnomalies(anomalies, r.anomalies);
  }
  return { events, sessions, actions, actionTypes, episodes, labels: {}, anomalies };
}

/**
 * Range mode in AWS: starts the backfill state machine with `{from, to, windowMinutes}` (ISO instants,
 * `to` exclusive) and follows it, the map's windows as progress; the watermark is left alone.
 */
export async function runBackfillAws(opts: SequenceOptions, follow: FollowSettings = {}): Promise<void> {
  if (!opts.from || !opts.to) throw new SequenceUsageError('--aws backfills a range: give --from and --to');
  if (!opts.stateMachine) {
    throw new SequenceUsageError('--aws needs --state-machine <BackfillStateMachineArn>');
  }
  const windowMinutes = Number(opts.windowMinutes);
  const { start, end, windows } = rangeWindows(opts.from, opts.to, windowMinutes);
  const [{ sfnClient }, { ExecutionError, executionName, runExecution }] = await Promise.all([
    import('#adapters/aws-clients.js'),
    import('./aws-execution.js'),
  ]);
  const run = await runExecution({
    ...follow,
    sfn: sfnClient(),
    stateMachineArn: opts.stateMachine,
    name: executionName('backfill', [opts.from, opts.to, `w${windowMinutes}`]),
    input: { from: new Date(start).toISOString(), to: new Date(end).toISOString(), windowMinutes },
    label: 'backfill',
    unit: 'shard jobs',
  });
  const items = run.items;
  if (items && items.failed > 0) {
    throw new ExecutionError(
      `execution ${run.name} SUCCEEDED but ${items.failed} of ${items.total} shard jobs failed; run the range again`,
    );
  }
  const done = items ? `${items.succeeded}/${items.total} shard jobs` : 'shard jobs';
  console.log(
    `backfill ${run.name} SUCCEEDED in ${run.seconds} s: ${done} over the ${windows.length} windows of ${opts.from}..${opts.to} re-sequenced by the sequence function (outputs and checkpoints overwritten, watermark untouched)`,
  );
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

/** File mode or range mode (local pool or --aws), as the options say; prints the summary. */
export async function runSequence(file: string | undefined, opts: SequenceOptions): Promise<void> {
  if (file !== undefined) {
    if (opts.aws) throw new SequenceUsageError('--aws backfills a range (--from/--to), not a file');
    if (!opts.out) throw new SequenceUsageError('file mode needs --out <dir>');
    printSummary(await sequenceFile(file, opts.out, opts));
    console.log(`wrote actions.ndjson, episodes.ndjson and summary.json under ${opts.out}`);
    return;
  }
  if (opts.aws) return runBackfillAws(opts);
  if (!opts.from || !opts.to) throw new SequenceUsageError('give a file and --out, or --from and --to');
  const concurrency = concurrencyOf(opts.concurrency);
  const bar = process.stderr.isTTY
    ? new SingleBar({
        format: 'window × shard [{bar}] {value}/{total} | {concurrency} shard jobs at once',
        hideCursor: true,
      })
    : undefined;
  let windows = 0;
  let s: SequenceSummary;
  try {
    s = await sequenceRange({
      from: opts.from,
      to: opts.to,
      windowMinutes: Number(opts.windowMinutes),
      eventsBucket: opts.eventsBucket,
      curatedBucket: opts.curatedBucket,
      concurrency,
      shards: shardsOf(opts.shards),
      onPlan: (total) => bar?.start(total, 0, { concurrency }),
      onWindow: () => {
        windows += 1;
        bar?.update(windows);
      },
    });
  } finally {
    bar?.stop();
  }
  printSummary(s);
  console.log(
    `re-sequenced ${windows} window × shard jobs into s3://${opts.curatedBucket} by ${concurrency} workers (outputs and checkpoints overwritten, watermark untouched)`,
  );
}
