/**
 * A sequencing run (docs/sequencing.md, "Runs: windows × shards"): plan the due windows and the queued
 * late-event re-sequencing as one job per shard, run the jobs, commit. A shard's windows continue from one
 * another's checkpoints, so a job runs its windows in order; shards are independent, so jobs run side by
 * side: in a local worker pool (`runDueWindows`), or on AWS as a Step Functions Distributed Map over the
 * sequence function (`plan-due`, `shard-windows`, `commit`). Plans and results carry times, shard numbers
 * and counts only.
 */
import { runPool } from '../pool.js';
import type { ObjectStore } from '../ports.js';
import { EPISODE_DEFAULTS } from './episodes.js';
import { listResequence, readProgress, writeProgress } from './late.js';
import {
  checkpointKey,
  closedWindows,
  DecodedFileCache,
  type SequenceMode,
  type SequenceWindowInput,
  sequenceWindow,
  WindowError,
  type WindowResult,
} from './sequencer.js';
import { checkShardCount } from './shards.js';

/** Where run plans live in the curated bucket (a control prefix, never expired). */
export const SEQUENCE_RUN_PREFIX = '_state/sequence-runs/';

/** One shard job: the windows [from, to) of one shard, in order (absent shard: every session, one job). */
export interface ShardJob {
  readonly shard: number | undefined;
  readonly from: number;
  readonly to: number;
}

/** What a run does: its jobs, the watermark it commits, and the queue entries it consumes. */
export interface SequenceRunPlan {
  /** The watermark when planned (end of the last window sequenced). */
  readonly closed: number | undefined;
  /** The watermark the commit writes. */
  readonly to: number;
  /** Due windows of the run (not counting re-sequenced ones). */
  readonly windows: number;
  /** Shard count of the jobs; undefined: one unsharded job. */
  readonly shards: number | undefined;
  readonly windowMs: number;
  /** One per shard with work, in shard order. */
  readonly jobs: ShardJob[];
  /** Late-event queue entries the jobs cover; the commit deletes them. */
  readonly resequence: string[];
  /** Late-event entries re-sequenced, per shard (for counts). */
  readonly resequencedWindows: number;
  /**
   * Late-event entries whose window lies before the kept checkpoints: not re-sequenced (the rows stay in
   * the events zone), deleted by the commit.
   */
  readonly expiredResequence: string[];
  /** Windows whose checkpoints the commit deletes: [from, to) (they left the checkpoint retention). */
  readonly pruneCheckpoints: { readonly from: number; readonly to: number } | undefined;
}

/** Settings of a plan. */
export interface PlanDueInput {
  readonly curatedStore: ObjectStore;
  /** Epoch ms now (from a Clock port). */
  readonly now: number;
  readonly windowMinutes: number;
  readonly lateArrivalMs: number;
  /** Wait beyond the allowance after a window before it closes: 0 for incremental windows, the look-ahead for look-back ones. */
  readonly lookAheadMs: number;
  /** Due windows per run at most; the rest wait for the next run. */
  readonly maxWindows: number;
  /** Sequence shards (1..64); undefined runs one unsharded job. */
  readonly shards?: number;
  /**
   * How long a window's checkpoint is kept once the watermark passed it (the events zone's retention).
   * A late event in an older window is counted but not re-sequenced. @default 30 days
   */
  readonly checkpointRetentionMs?: number;
}

/** Checkpoints are kept this long by default: the events zone's default retention. */
export const DEFAULT_CHECKPOINT_RETENTION_MS = 30 * 86_400_000;

/**
 * Plans a run: the closed windows after the watermark, and for each shard with queued late events the
 * windows from the oldest queued one. When it has work, it records in the watermark object that windows up
 * to its end are being read (`sequencingTo`), so that a batch landing meanwhile is counted as late.
 */
export async function planDueRun(input: PlanDueInput): Promise<SequenceRunPlan> {
  const windowMs = input.windowMinutes * 60_000;
  const shards = input.shards === undefined ? undefined : checkShardCount(input.shards);
  const progress = await readProgress(input.curatedStore);
  const due = closedWindows({
    watermark: progress.closed,
    now: input.now,
    windowMinutes: input.windowMinutes,
    lateArrivalMs: input.lateArrivalMs,
    lookAheadMs: input.lookAheadMs,
    maxWindows: input.maxWindows,
  });
  const dueFrom = due[0]?.from;
  const to = due.at(-1)?.to ?? progress.closed;
  // Queued windows already sequenced (later ones are due anyway) whose checkpoint before them is still
  // kept: re-sequencing from a seed would drop the episodes open across its start.
  const retention = input.checkpointRetentionMs ?? DEFAULT_CHECKPOINT_RETENTION_MS;
  const keptFrom = (progress.closed ?? Number.NEGATIVE_INFINITY) - retention + windowMs;
  const entries = (await listResequence(input.curatedStore)).filter(
    (e) => to !== undefined && e.from < to && (shards === undefined || e.shard < shards),
  );
  const queued = entries.filter((e) => e.from >= keptFrom);
  const expired = entries.filter((e) => e.from < keptFrom);
  const jobs: ShardJob[] = [];
  if (to !== undefined) {
    const lanes = shards === undefined ? [undefined] : Array.from({ length: shards }, (_, i) => i);
    for (const shard of lanes) {
      let from = dueFrom ?? to;
      for (const e of queued) if (shard === undefined || e.shard === shard) from = Math.min(from, e.from);
      if (from < to) jobs.push({ shard, from, to });
    }
  }
  if (jobs.length > 0 && to !== undefined) {
    await writeProgress(input.curatedStore, progress.closed ?? dueFrom ?? to, to);
  }
  return {
    closed: progress.closed,
    to: to ?? Math.floor(input.now / windowMs) * windowMs,
    windows: due.length,
    shards,
    windowMs,
    jobs,
    resequence: queued.map((e) => e.key),
    resequencedWindows: new Set(queued.map((e) => `${e.from}/${e.shard}`)).size,
    expiredResequence: expired.map((e) => e.key),
    pruneCheckpoints:
      progress.closed === undefined || to === undefined || jobs.length === 0
        ? undefined
        : { from: progress.closed - retention, to: to - retention },
  };
}

/** Where a shard job stopped. */
export interface ShardJobResult {
  readonly results: WindowResult[];
  /** Start of the next window to run; equals the job's `to` when done. */
  readonly next: number;
  readonly done: boolean;
}

/** Settings of a shard job's windows. */
export interface ShardJobInput
  extends Pick<
    SequenceWindowInput,
    | 'eventsStore'
    | 'curatedStore'
    | 'lateArrivalMs'
    | 'lookBackMs'
    | 'lookAheadMs'
    | 'reduce'
    | 'episodes'
    | 'endIdleSessionsAfterMs'
    | 'optedOut'
  > {
  readonly job: ShardJob;
  /** Shard count (the job's `shard` is one of them). */
  readonly shards: number | undefined;
  readonly windowMs: number;
  /** Windows run at most in this call (an AWS invocation's time bound). @default all */
  readonly maxWindows?: number;
  /** How windows are read. @default 'incremental' */
  readonly mode?: SequenceMode;
  readonly onWindow?: (result: WindowResult) => void;
}

/** Runs a shard job's windows in order, from its `from`, at most `maxWindows` of them. */
export async function runShardJob(input: ShardJobInput): Promise<ShardJobResult> {
  const { job, windowMs } = input;
  if (job.from % windowMs !== 0 || job.to % windowMs !== 0 || !(job.to >= job.from)) {
    throw new WindowError('a shard job must span whole aligned windows');
  }
  const results: WindowResult[] = [];
  let next = job.from;
  const limit = input.maxWindows ?? Number.POSITIVE_INFINITY;
  const late = input.lateArrivalMs ?? 600_000;
  // Objects overlapping the next window's reads (from this one's horizon on) are decoded once for both.
  const carry = new DecodedFileCache(Number.MAX_SAFE_INTEGER);
  while (next < job.to && results.length < limit) {
    const result = await sequenceWindow({
      eventsStore: input.eventsStore,
      curatedStore: input.curatedStore,
      from: next,
      to: next + windowMs,
      ...(input.lateArrivalMs === undefined ? {} : { lateArrivalMs: input.lateArrivalMs }),
      ...(input.lookBackMs === undefined ? {} : { lookBackMs: input.lookBackMs }),
      ...(input.lookAheadMs === undefined ? {} : { lookAheadMs: input.lookAheadMs }),
      ...(input.reduce ? { reduce: input.reduce } : {}),
      ...(input.episodes ? { episodes: input.episodes } : {}),
      ...(input.endIdleSessionsAfterMs === undefined
        ? {}
        : { endIdleSessionsAfterMs: input.endIdleSessionsAfterMs }),
      ...(input.optedOut ? { optedOut: input.optedOut } : {}),
      ...(job.shard === undefined || input.shards === undefined
        ? {}
        : { shard: { index: job.shard, count: input.shards } }),
      mode: input.mode ?? 'incremental',
      ...(input.mode === 'look-back' ? {} : { cache: carry }),
    });
    input.onWindow?.(result);
    results.push(result);
    next += windowMs;
    carry.retainFrom(next - late);
  }
  return { results, next, done: next >= job.to };
}

/** Ends a run whose jobs all finished: moves the watermark and clears the queue entries it covered. */
export async function commitRun(store: ObjectStore, plan: SequenceRunPlan): Promise<void> {
  for (const key of plan.expiredResequence ?? []) await store.delete(key);
  if (plan.jobs.length === 0) return;
  const current = (await readProgress(store)).closed;
  // A run never moves the watermark back (a late commit of an older plan).
  await writeProgress(store, Math.max(plan.to, current ?? plan.to));
  for (const key of plan.resequence) await store.delete(key);
  // Checkpoints hold scrubbed content of open sessions: none outlives the events it was made from.
  const prune = plan.pruneCheckpoints;
  if (prune !== undefined) {
    const lanes = plan.shards === undefined ? [undefined] : Array.from({ length: plan.shards }, (_, i) => i);
    for (let w = Math.ceil(prune.from / plan.windowMs) * plan.windowMs; w < prune.to; w += plan.windowMs) {
      for (const shard of lanes) await store.delete(checkpointKey(w, shard));
    }
  }
}

/** The plan as the Distributed Map's item list: `[{"shard": n, "from": ISO, "to": ISO}, …]`. */
export function shardJobsJson(jobs: readonly ShardJob[]): string {
  return JSON.stringify(
    jobs.map((j) => ({
      ...(j.shard === undefined ? {} : { shard: j.shard }),
      from: new Date(j.from).toISOString(),
      to: new Date(j.to).toISOString(),
    })),
  );
}

/** Settings of a scheduled run over every due window. */
export interface DueWindowsInput
  extends Omit<PlanDueInput, 'lookAheadMs'>,
    Pick<
      ShardJobInput,
      'eventsStore' | 'lookBackMs' | 'reduce' | 'episodes' | 'endIdleSessionsAfterMs' | 'mode'
    > {
  readonly lookAheadMs?: number;
  /** Shard jobs in flight at most. @default 1 */
  readonly concurrency?: number;
  /** Called after each window (metrics, logs); receives counts only. */
  readonly onWindow?: (result: WindowResult) => void;
  /**
   * Runs one shard job elsewhere (a worker thread with its own stores, as a Lambda invocation would);
   * `onWindow` is then called for its windows when it returns. @default `runShardJob` in this thread
   */
  readonly runJob?: (
    input: Omit<ShardJobInput, 'eventsStore' | 'curatedStore' | 'onWindow'>,
  ) => Promise<ShardJobResult>;
}

/** What a run did: every window's result (by window, then shard) and its plan. */
export interface DueWindowsResult {
  readonly plan: SequenceRunPlan;
  readonly results: WindowResult[];
}

/**
 * Plans, runs every shard job (at most `concurrency` at once) and commits: the local twin of the sequencing
 * state machine. A crash before the commit leaves the watermark where it was; the next run redoes the
 * same windows, overwriting their own outputs.
 */
export async function runSequencing(input: DueWindowsInput): Promise<DueWindowsResult> {
  const maxDuration = input.episodes?.maxDurationMs ?? EPISODE_DEFAULTS.maxDurationMs;
  const lookAheadMs = input.lookAheadMs ?? maxDuration + 60_000;
  // An incremental window needs only its own rows (later ones reach its open episodes through the
  // checkpoint), so it closes once the allowance has passed; a look-back window also waits out its look-ahead.
  const plan = await planDueRun({ ...input, lookAheadMs: input.mode === 'look-back' ? lookAheadMs : 0 });
  const { runJob } = input;
  const jobs = await runPool(plan.jobs, input.concurrency ?? 1, async (job) => {
    if (runJob === undefined) {
      return runShardJob({ ...input, lookAheadMs, job, shards: plan.shards, windowMs: plan.windowMs });
    }
    const result = await runJob({
      job,
      shards: plan.shards,
      windowMs: plan.windowMs,
      lookAheadMs,
      ...(input.lateArrivalMs === undefined ? {} : { lateArrivalMs: input.lateArrivalMs }),
      ...(input.lookBackMs === undefined ? {} : { lookBackMs: input.lookBackMs }),
      ...(input.reduce ? { reduce: input.reduce } : {}),
      ...(input.episodes ? { episodes: input.episodes } : {}),
      ...(input.endIdleSessionsAfterMs === undefined
        ? {}
        : { endIdleSessionsAfterMs: input.endIdleSessionsAfterMs }),
      ...(input.mode ? { mode: input.mode } : {}),
    });
    for (const r of result.results) input.onWindow?.(r);
    return result;
  });
  await commitRun(input.curatedStore, plan);
  const results = jobs
    .flatMap((j) => j.results)
    .sort((a, b) => a.from - b.from || (a.actionKey < b.actionKey ? -1 : 1));
  return { plan, results };
}

/** `runSequencing`'s window results only. */
export async function runDueWindows(input: DueWindowsInput): Promise<WindowResult[]> {
  return (await runSequencing(input)).results;
}

/** Compact UTC stamp for control keys, e.g. 20261102T091500Z. */
export function keyStamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Keys of a run's objects in the curated bucket: the Distributed Map's item list and the plan the commit
 * reads. Named by the watermark the run commits, so planning the same run again overwrites them.
 */
export function sequenceRunKeys(plan: Pick<SequenceRunPlan, 'to'>): { items: string; plan: string } {
  const dir = `${SEQUENCE_RUN_PREFIX}${keyStamp(plan.to)}/`;
  return { items: `${dir}items.json`, plan: `${dir}plan.json` };
}

/** Writes a run's item list and plan; returns their keys. */
export async function writeSequenceRun(
  store: ObjectStore,
  plan: SequenceRunPlan,
): Promise<{ items: string; plan: string }> {
  const keys = sequenceRunKeys(plan);
  await store.put(keys.items, shardJobsJson(plan.jobs), { contentType: 'application/json' });
  await store.put(keys.plan, JSON.stringify(plan), { contentType: 'application/json' });
  return keys;
}

/** Reads a plan written by `writeSequenceRun`; undefined when it is not there. */
export async function readSequenceRun(store: ObjectStore, key: string): Promise<SequenceRunPlan | undefined> {
  if (!key.startsWith(SEQUENCE_RUN_PREFIX)) return undefined;
  const bytes = await store.get(key);
  return bytes ? (JSON.parse(Buffer.from(bytes).toString('utf8')) as SequenceRunPlan) : undefined;
}
