/**
 * The sequence function's logic as a factory over ports: on its schedule, every closed window of the events
 * zone after the watermark becomes curated actions and episodes (core/sequence/sequencer.ts does the work).
 * The backfill state machine calls it with an action instead: `plan-backfill` writes the window list its
 * Distributed Map reads, `window` re-sequences one window; neither reads or moves the watermark. Logs and
 * metrics carry counts only, never event content.
 */
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { ScheduledEvent } from 'aws-lambda';
import { z } from 'zod';
import type { LogSink } from '#adapters/telemetry.js';
import { ERROR_CODES, WorktraceError } from '#core/errors.js';
import type { Clock, ObjectStore } from '#core/ports.js';
import { ANOMALY_KINDS } from '#core/sequence/actions.js';
import { backfillPlanKey, backfillWindows, windowSizeMs } from '#core/sequence/backfill.js';
import {
  commitRun,
  planDueRun,
  readSequenceRun,
  runSequencing,
  runShardJob,
  type ShardJob,
  shardJobsJson,
  writeSequenceRun,
} from '#core/sequence/runs.js';
import {
  DEFAULT_DECODED_CACHE_ROWS,
  DecodedFileCache,
  sequenceWindow,
  WindowError,
  type WindowResult,
} from '#core/sequence/sequencer.js';
import { SEQUENCE_SHARDS_DEFAULT, SEQUENCE_SHARDS_MAX } from '#core/sequence/shards.js';
import type { SequenceEnv } from './env.js';

/** An instant as the state machine passes it, e.g. 2026-11-02T09:15:00.000Z (UTC only). */
const instant = z.iso.datetime();

const shardIndex = z
  .number()
  .int()
  .min(0)
  .max(SEQUENCE_SHARDS_MAX - 1);

/**
 * What the sequencing and backfill state machines send; anything without an `action` is a scheduled run
 * in one invocation.
 */
export const SequenceRequestSchema = z.discriminatedUnion('action', [
  /** Plan the due windows and the queued late-event re-sequencing as shard jobs (sequencing machine). */
  z.strictObject({ action: z.literal('plan-due') }),
  /** Run a shard job's windows in order, at most MAX_WINDOWS_PER_INVOCATION of them; `from` is where to go on. */
  z.strictObject({
    action: z.literal('shard-windows'),
    shard: shardIndex.optional(),
    from: instant,
    to: instant,
  }),
  /** Move the watermark and clear the queue entries of a run whose jobs all finished. */
  z.strictObject({ action: z.literal('commit'), plan: z.string().min(1) }),
  z.strictObject({
    action: z.literal('plan-backfill'),
    from: instant,
    to: instant,
    windowMinutes: z.number().int().positive(),
  }),
  z.strictObject({
    action: z.literal('window'),
    from: instant,
    to: instant,
    /** One shard job of the window (0..SEQUENCE_SHARDS-1); absent: every shard in one job. */
    shard: shardIndex.optional(),
  }),
]);
/** One backfill request. */
export type SequenceRequest = z.infer<typeof SequenceRequestSchema>;

/** The invocation payload was not one of the request forms (the message names fields, never values). */
export class SequenceRequestError extends WorktraceError {
  override readonly name = 'SequenceRequestError';
  readonly code = ERROR_CODES.sequenceRequest;
}

/** The answer to `plan-backfill`: where the shard jobs are (the Distributed Map's ItemReader) and how many. */
export interface BackfillPlanResponse {
  readonly bucket: string;
  readonly key: string;
  readonly windows: number;
  readonly jobs: number;
}

/** The answer to `plan-due`: the run's item list (ItemReader), its plan (for `commit`) and its size. */
export interface DuePlanResponse {
  readonly bucket: string;
  readonly key: string;
  readonly plan: string;
  readonly jobs: number;
  readonly windows: number;
  /** The watermark the commit will write; null when nothing is due. */
  readonly to: string | null;
}

/** The answer to `shard-windows`: where the job goes on (`from`), whether it is done, and counts. */
export interface ShardWindowsResponse {
  readonly shard?: number;
  readonly from: string;
  readonly to: string;
  readonly done: boolean;
  readonly windows: number;
  readonly events: number;
  readonly actions: number;
  readonly episodes: number;
  readonly anomalies: number;
}

/** The answer to `commit`. */
export interface CommitResponse {
  readonly watermark: string | null;
  readonly resequenced: number;
}

/** The answer to `window`: the window's counts (no content). */
export interface WindowResponse {
  readonly from: string;
  readonly to: string;
  readonly filesRead: number;
  readonly events: number;
  readonly optedOutEvents: number;
  readonly sessions: number;
  readonly actions: number;
  readonly episodes: number;
  readonly anomalies: number;
}

/** What the handler needs; tests and the local runtime pass their own stores and clock. */
export interface SequenceDeps {
  readonly eventsStore: ObjectStore;
  readonly curatedStore: ObjectStore;
  readonly clock: Clock;
  readonly config: Pick<
    SequenceEnv,
    'WINDOW_MINUTES' | 'LATE_ARRIVAL_MS' | 'LOOK_BACK_MS' | 'MAX_EPISODE_MS' | 'MAX_WINDOWS_PER_RUN'
  > &
    Partial<
      Pick<SequenceEnv, 'SEQUENCE_SHARDS' | 'MAX_WINDOWS_PER_INVOCATION' | 'CHECKPOINT_RETENTION_DAYS'>
    >;
  /** Name of the curated bucket, which `plan-backfill` answers with. @default curatedStore.name */
  readonly curatedBucket?: string;
  readonly logger?: LogSink;
  readonly metrics?: Metrics;
  /** Decoded events files reused across windows and warm invocations. @default one per handler (container) */
  readonly cache?: DecodedFileCache;
}

/** The handler's answer: counts over the processed windows. */
export interface SequenceResponse {
  readonly windows: number;
  readonly actions: number;
  readonly episodes: number;
  readonly anomalies: number;
  readonly watermark: string | null;
}

/** Parses a request that names an action; the error lists the failing fields, never their values. */
export function parseSequenceRequest(event: unknown): SequenceRequest {
  const parsed = SequenceRequestSchema.safeParse(event);
  if (parsed.success) return parsed.data;
  const fields = [...new Set(parsed.error.issues.map((i) => i.path.map(String).join('.') || '(request)'))];
  throw new SequenceRequestError(`invalid sequence request: ${fields.join(', ')}`);
}

/** True for the backfill state machine's requests (they name an action); anything else is the schedule. */
function namesAction(event: unknown): boolean {
  return typeof event === 'object' && event !== null && 'action' in event;
}

/** What an action answers. */
export type ActionResponse =
  | BackfillPlanResponse
  | WindowResponse
  | DuePlanResponse
  | ShardWindowsResponse
  | CommitResponse;

/** Builds the handler function over the given ports (no middleware). */
export function createSequenceHandler(deps: SequenceDeps): {
  (event?: ScheduledEvent): Promise<SequenceResponse>;
  (event: SequenceRequest): Promise<ActionResponse>;
  (event?: unknown): Promise<SequenceResponse | ActionResponse>;
} {
  const { config, logger, metrics } = deps;
  // Built once per container for the `window` action's look-back read (consecutive windows share most of it).
  const cache = deps.cache ?? new DecodedFileCache(DEFAULT_DECODED_CACHE_ROWS);
  const anomaliesOf = (r: WindowResult) => ANOMALY_KINDS.reduce((n, k) => n + r.anomalies[k], 0);
  const onWindow = (r: WindowResult): void => {
    logger?.info('window sequenced', {
      from: new Date(r.from).toISOString(),
      to: new Date(r.to).toISOString(),
      filesRead: r.filesRead,
      events: r.events,
      sessions: r.sessions,
      actions: r.actions,
      episodes: r.episodes,
      anomalies: anomaliesOf(r),
    });
  };

  const shards = config.SEQUENCE_SHARDS ?? SEQUENCE_SHARDS_DEFAULT;
  const lookAheadMs = config.MAX_EPISODE_MS + 60_000;
  const checkpointRetentionMs = (config.CHECKPOINT_RETENTION_DAYS ?? 30) * 86_400_000;
  const windowSettings = {
    lateArrivalMs: config.LATE_ARRIVAL_MS,
    lookBackMs: config.LOOK_BACK_MS,
    lookAheadMs,
    episodes: { maxDurationMs: config.MAX_EPISODE_MS },
  };

  /**
   * Writes a backfill's shard jobs (every shard over the whole range, its windows in order, so that each
   * window's checkpoint is recomputed from the one before) for the Distributed Map.
   */
  const planBackfill = async (
    req: Extract<SequenceRequest, { action: 'plan-backfill' }>,
  ): Promise<BackfillPlanResponse> => {
    // Windows of another size would get other keys and sit beside the scheduled run's: refused.
    if (req.windowMinutes !== config.WINDOW_MINUTES) {
      throw new WindowError(`windowMinutes must be the function's WINDOW_MINUTES (${config.WINDOW_MINUTES})`);
    }
    const from = Date.parse(req.from);
    const to = Date.parse(req.to);
    const windows = backfillWindows(from, to, req.windowMinutes);
    const jobs: ShardJob[] = Array.from({ length: shards }, (_, shard) => ({ shard, from, to }));
    const key = backfillPlanKey(from, to, req.windowMinutes);
    await deps.curatedStore.put(key, shardJobsJson(jobs), { contentType: 'application/json' });
    logger?.info('backfill planned', {
      from: req.from,
      to: req.to,
      windows: windows.length,
      jobs: jobs.length,
    });
    return {
      bucket: deps.curatedBucket ?? deps.curatedStore.name,
      key,
      windows: windows.length,
      jobs: jobs.length,
    };
  };

  /** Plans a run of the sequencing state machine and writes its item list and plan. */
  const planDue = async (): Promise<DuePlanResponse> => {
    const plan = await planDueRun({
      curatedStore: deps.curatedStore,
      now: deps.clock.now(),
      windowMinutes: config.WINDOW_MINUTES,
      lateArrivalMs: config.LATE_ARRIVAL_MS,
      // Incremental windows close once the allowance has passed (open episodes go on in the checkpoint).
      lookAheadMs: 0,
      maxWindows: config.MAX_WINDOWS_PER_RUN,
      shards,
      checkpointRetentionMs,
    });
    const keys = await writeSequenceRun(deps.curatedStore, plan);
    logger?.info('sequencing planned', {
      windows: plan.windows,
      jobs: plan.jobs.length,
      resequencedWindows: plan.resequencedWindows,
      expiredResequence: plan.expiredResequence.length,
      to: plan.jobs.length > 0 ? new Date(plan.to).toISOString() : null,
    });
    metrics?.addMetric('resequencedWindows', MetricUnit.Count, plan.resequencedWindows);
    return {
      bucket: deps.curatedBucket ?? deps.curatedStore.name,
      key: keys.items,
      plan: keys.plan,
      jobs: plan.jobs.length,
      windows: plan.windows,
      to: plan.jobs.length > 0 ? new Date(plan.to).toISOString() : null,
    };
  };

  /** Runs one shard job's next windows (in order, at most MAX_WINDOWS_PER_INVOCATION); the watermark stays. */
  const shardWindows = async (
    req: Extract<SequenceRequest, { action: 'shard-windows' }>,
  ): Promise<ShardWindowsResponse> => {
    const windowMs = windowSizeMs(config.WINDOW_MINUTES);
    if (req.shard !== undefined && req.shard >= shards) {
      throw new WindowError(`shard must be below the function's SEQUENCE_SHARDS (${shards})`);
    }
    const job: ShardJob = { shard: req.shard, from: Date.parse(req.from), to: Date.parse(req.to) };
    const r = await runShardJob({
      eventsStore: deps.eventsStore,
      curatedStore: deps.curatedStore,
      ...windowSettings,
      job,
      shards,
      windowMs,
      maxWindows: config.MAX_WINDOWS_PER_INVOCATION ?? 8,
      onWindow,
    });
    const total = (f: (w: WindowResult) => number) => r.results.reduce((n, w) => n + f(w), 0);
    metrics?.addMetric('windows', MetricUnit.Count, r.results.length);
    metrics?.addMetric(
      'actions',
      MetricUnit.Count,
      total((w) => w.actions),
    );
    metrics?.addMetric(
      'episodes',
      MetricUnit.Count,
      total((w) => w.episodes),
    );
    metrics?.addMetric('anomalies', MetricUnit.Count, total(anomaliesOf));
    return {
      ...(req.shard === undefined ? {} : { shard: req.shard }),
      from: new Date(r.next).toISOString(),
      to: req.to,
      done: r.done,
      windows: r.results.length,
      events: total((w) => w.events),
      actions: total((w) => w.actions),
      episodes: total((w) => w.episodes),
      anomalies: total(anomaliesOf),
    };
  };

  /** Commits a run whose map succeeded: the watermark moves, its queue entries go. */
  const commit = async (req: Extract<SequenceRequest, { action: 'commit' }>): Promise<CommitResponse> => {
    const plan = await readSequenceRun(deps.curatedStore, req.plan);
    if (plan === undefined) throw new WindowError('commit: no sequencing plan under that key');
    await commitRun(deps.curatedStore, plan);
    const watermark = plan.jobs.length > 0 ? new Date(plan.to).toISOString() : null;
    logger?.info('sequencing committed', { watermark, resequenced: plan.resequence.length });
    return { watermark, resequenced: plan.resequence.length };
  };

  /** Re-sequences one window from its look-back (an operator's one-off); the watermark stays. */
  const runWindow = async (req: Extract<SequenceRequest, { action: 'window' }>): Promise<WindowResponse> => {
    const from = Date.parse(req.from);
    const to = Date.parse(req.to);
    const size = windowSizeMs(config.WINDOW_MINUTES);
    if (from % size !== 0 || to - from !== size) {
      throw new WindowError(`a window must be one aligned ${config.WINDOW_MINUTES}-minute window`);
    }
    const r = await sequenceWindow({
      eventsStore: deps.eventsStore,
      curatedStore: deps.curatedStore,
      from,
      to,
      ...windowSettings,
      cache,
      ...(req.shard === undefined ? {} : { shard: { index: req.shard, count: shards } }),
    });
    onWindow(r);
    metrics?.addMetric('backfillWindows', MetricUnit.Count, 1);
    return {
      from: new Date(r.from).toISOString(),
      to: new Date(r.to).toISOString(),
      filesRead: r.filesRead,
      events: r.events,
      optedOutEvents: r.optedOutEvents,
      sessions: r.sessions,
      actions: r.actions,
      episodes: r.episodes,
      anomalies: anomaliesOf(r),
    };
  };

  /** A run in one invocation (no state machine): plan, every shard job in turn, commit. */
  const runScheduled = async (): Promise<SequenceResponse> => {
    const { plan, results } = await runSequencing({
      eventsStore: deps.eventsStore,
      curatedStore: deps.curatedStore,
      now: deps.clock.now(),
      windowMinutes: config.WINDOW_MINUTES,
      ...windowSettings,
      maxWindows: config.MAX_WINDOWS_PER_RUN,
      shards,
      checkpointRetentionMs,
      onWindow,
    });
    const total = (f: (r: WindowResult) => number) => results.reduce((n, r) => n + f(r), 0);
    const response: SequenceResponse = {
      windows: new Set(results.map((r) => r.from)).size,
      actions: total((r) => r.actions),
      episodes: total((r) => r.episodes),
      anomalies: total(anomaliesOf),
      watermark: plan.jobs.length > 0 ? new Date(plan.to).toISOString() : null,
    };
    metrics?.addMetric('windows', MetricUnit.Count, response.windows);
    metrics?.addMetric('actions', MetricUnit.Count, response.actions);
    metrics?.addMetric('episodes', MetricUnit.Count, response.episodes);
    metrics?.addMetric('anomalies', MetricUnit.Count, response.anomalies);
    if (results.length === 0) logger?.info('no closed window after the watermark');
    return response;
  };

  return (async (event?: unknown) => {
    if (!namesAction(event)) return runScheduled();
    const req = parseSequenceRequest(event);
    switch (req.action) {
      case 'plan-due':
        return planDue();
      case 'shard-windows':
        return shardWindows(req);
      case 'commit':
        return commit(req);
      case 'plan-backfill':
        return planBackfill(req);
      case 'window':
        return runWindow(req);
    }
  }) as ReturnType<typeof createSequenceHandler>;
}
