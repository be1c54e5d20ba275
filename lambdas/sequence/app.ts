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
import { backfillPlanJson, backfillPlanKey, backfillWindows, windowSizeMs } from '#core/sequence/backfill.js';
import {
  DEFAULT_DECODED_CACHE_ROWS,
  DecodedFileCache,
  runDueWindows,
  sequenceWindow,
  WindowError,
  type WindowResult,
} from '#core/sequence/sequencer.js';
import { SEQUENCE_SHARDS_DEFAULT, SEQUENCE_SHARDS_MAX } from '#core/sequence/shards.js';
import type { SequenceEnv } from './env.js';

/** An instant as the state machine passes it, e.g. 2026-11-02T09:15:00.000Z (UTC only). */
const instant = z.iso.datetime();

/** What the backfill state machine sends; anything without an `action` is a scheduled run. */
export const SequenceRequestSchema = z.discriminatedUnion('action', [
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
    shard: z
      .number()
      .int()
      .min(0)
      .max(SEQUENCE_SHARDS_MAX - 1)
      .optional(),
  }),
]);
/** One backfill request. */
export type SequenceRequest = z.infer<typeof SequenceRequestSchema>;

/** The invocation payload was not one of the request forms (the message names fields, never values). */
export class SequenceRequestError extends WorktraceError {
  override readonly name = 'SequenceRequestError';
  readonly code = ERROR_CODES.sequenceRequest;
}

/** The answer to `plan-backfill`: where the window list is (the Distributed Map's ItemReader) and its length. */
export interface BackfillPlanResponse {
  readonly bucket: string;
  readonly key: string;
  readonly windows: number;
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
    Partial<Pick<SequenceEnv, 'SEQUENCE_SHARDS'>>;
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

/** Builds the handler function over the given ports (no middleware). */
export function createSequenceHandler(deps: SequenceDeps): {
  (event?: ScheduledEvent): Promise<SequenceResponse>;
  (event: SequenceRequest): Promise<BackfillPlanResponse | WindowResponse>;
  (event?: unknown): Promise<SequenceResponse | BackfillPlanResponse | WindowResponse>;
} {
  const { config, logger, metrics } = deps;
  // Built once per container: backfill windows (and a seeded scheduled window) read nearly the same look-back.
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

  /** Writes the plan's window list to the curated bucket for the Distributed Map. */
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
    const key = backfillPlanKey(from, to, req.windowMinutes);
    await deps.curatedStore.put(key, backfillPlanJson(windows), { contentType: 'application/json' });
    logger?.info('backfill planned', { from: req.from, to: req.to, windows: windows.length });
    return { bucket: deps.curatedBucket ?? deps.curatedStore.name, key, windows: windows.length };
  };

  /** Re-sequences one window of a backfill; the watermark is neither read nor moved. */
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
      lateArrivalMs: config.LATE_ARRIVAL_MS,
      lookBackMs: config.LOOK_BACK_MS,
      episodes: { maxDurationMs: config.MAX_EPISODE_MS },
      cache,
      ...(req.shard === undefined
        ? {}
        : { shard: { index: req.shard, count: config.SEQUENCE_SHARDS ?? SEQUENCE_SHARDS_DEFAULT } }),
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

  /** The scheduled run: every closed window after the watermark, advancing it. */
  const runScheduled = async (): Promise<SequenceResponse> => {
    const results = await runDueWindows({
      eventsStore: deps.eventsStore,
      curatedStore: deps.curatedStore,
      now: deps.clock.now(),
      windowMinutes: config.WINDOW_MINUTES,
      lateArrivalMs: config.LATE_ARRIVAL_MS,
      lookBackMs: config.LOOK_BACK_MS,
      maxWindows: config.MAX_WINDOWS_PER_RUN,
      episodes: { maxDurationMs: config.MAX_EPISODE_MS },
      cache,
      onWindow,
    });
    const total = (f: (r: WindowResult) => number) => results.reduce((n, r) => n + f(r), 0);
    const response: SequenceResponse = {
      windows: results.length,
      actions: total((r) => r.actions),
      episodes: total((r) => r.episodes),
      anomalies: total(anomaliesOf),
      watermark: results.length > 0 ? new Date((results.at(-1) as WindowResult).to).toISOString() : null,
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
    return req.action === 'plan-backfill' ? planBackfill(req) : runWindow(req);
  }) as ReturnType<typeof createSequenceHandler>;
}
