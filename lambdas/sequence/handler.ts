/**
 * sequence Lambda: on a schedule, turns every closed window of the events zone after the watermark into
 * curated actions and episodes. A thin adapter: configuration, ports and telemetry here; the work is in
 * core/sequence/sequencer.ts. Logs and metrics carry counts only, never event content.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { z } from 'zod';
import { s3Client } from '#adapters/aws-clients.js';
import { readEnv } from '#adapters/lambda-env.js';
import { S3ObjectStore } from '#adapters/s3-object-store.js';
import { type Clock, type ObjectStore, systemClock } from '#core/ports.js';
import { ANOMALY_KINDS } from '#core/sequence/actions.js';
import { runDueWindows, type WindowResult } from '#core/sequence/sequencer.js';

/** Environment of the sequence Lambda. */
export const SequenceEnvSchema = z.object({
  /** Events-zone bucket. */
  EVENTS_BUCKET: z.string().min(1),
  /** Curated-zone bucket (outputs and the watermark object). */
  CURATED_BUCKET: z.string().min(1),
  /** Window size in minutes; must divide a day. @default 15 */
  WINDOW_MINUTES: z.coerce.number().int().positive().default(15),
  /** How late an event may land after its hour, ms. @default 600000 (10 min) */
  LATE_ARRIVAL_MS: z.coerce.number().int().min(0).default(600_000),
  /** Events read before a window for session context, ms. @default 21600000 (6 h) */
  LOOK_BACK_MS: z.coerce.number().int().min(0).default(21_600_000),
  /** Longest episode, ms (also the look-ahead after a window). @default 1800000 (30 min) */
  MAX_EPISODE_MS: z.coerce.number().int().positive().default(1_800_000),
  /** Windows processed per invocation at most. @default 8 */
  MAX_WINDOWS_PER_RUN: z.coerce.number().int().positive().default(8),
  /** S3 endpoint override (emulator); unset means AWS. */
  S3_ENDPOINT: z.string().url().optional(),
});
export type SequenceEnv = z.infer<typeof SequenceEnvSchema>;

/** What the handler needs; the local runtime passes its own stores and clock. */
export interface SequenceDeps {
  readonly eventsStore: ObjectStore;
  readonly curatedStore: ObjectStore;
  readonly clock: Clock;
  readonly config: Pick<
    SequenceEnv,
    'WINDOW_MINUTES' | 'LATE_ARRIVAL_MS' | 'LOOK_BACK_MS' | 'MAX_EPISODE_MS' | 'MAX_WINDOWS_PER_RUN'
  >;
  readonly logger?: Logger;
  readonly metrics?: Metrics;
}

/** The handler's answer: counts per processed window. */
export interface SequenceResponse {
  readonly windows: number;
  readonly actions: number;
  readonly episodes: number;
  readonly anomalies: number;
  readonly watermark: string | null;
}

/** Builds the handler function over the given ports (no middleware). */
export function createSequenceHandler(
  deps: SequenceDeps,
): (event?: ScheduledEvent) => Promise<SequenceResponse> {
  return async () => {
    const { config, logger, metrics } = deps;
    const onWindow = (r: WindowResult): void => {
      const anomalies = ANOMALY_KINDS.reduce((n, k) => n + r.anomalies[k], 0);
      logger?.info('window sequenced', {
        from: new Date(r.from).toISOString(),
        to: new Date(r.to).toISOString(),
        filesRead: r.filesRead,
        events: r.events,
        sessions: r.sessions,
        actions: r.actions,
        episodes: r.episodes,
        anomalies,
      });
    };
    const results = await runDueWindows({
      eventsStore: deps.eventsStore,
      curatedStore: deps.curatedStore,
      now: deps.clock.now(),
      windowMinutes: config.WINDOW_MINUTES,
      lateArrivalMs: config.LATE_ARRIVAL_MS,
      lookBackMs: config.LOOK_BACK_MS,
      maxWindows: config.MAX_WINDOWS_PER_RUN,
      episodes: { maxDurationMs: config.MAX_EPISODE_MS },
      onWindow,
    });
    const total = (f: (r: WindowResult) => number) => results.reduce((n, r) => n + f(r), 0);
    const response: SequenceResponse = {
      windows: results.length,
      actions: total((r) => r.actions),
      episodes: total((r) => r.episodes),
      anomalies: total((r) => ANOMALY_KINDS.reduce((n, k) => n + r.anomalies[k], 0)),
      watermark: results.length > 0 ? new Date((results.at(-1) as WindowResult).to).toISOString() : null,
    };
    metrics?.addMetric('windows', MetricUnit.Count, response.windows);
    metrics?.addMetric('actions', MetricUnit.Count, response.actions);
    metrics?.addMetric('episodes', MetricUnit.Count, response.episodes);
    metrics?.addMetric('anomalies', MetricUnit.Count, response.anomalies);
    if (results.length === 0) logger?.info('no closed window after the watermark');
    return response;
  };
}

const logger = new Logger({ serviceName: 'worktrace-sequence' });
const metrics = new Metrics({ namespace: 'worktrace', serviceName: 'sequence' });
let deps: SequenceDeps | undefined;

/** Reads the environment once (cold start) and builds the AWS ports. */
function coldStart(): SequenceDeps {
  if (deps) return deps;
  const env = readEnv(SequenceEnvSchema);
  const client = s3Client(env.S3_ENDPOINT ? { endpoint: env.S3_ENDPOINT } : {});
  deps = {
    eventsStore: new S3ObjectStore(client, env.EVENTS_BUCKET),
    curatedStore: new S3ObjectStore(client, env.CURATED_BUCKET),
    clock: systemClock,
    config: env,
    logger,
    metrics,
  };
  return deps;
}

/** The Lambda entry point (EventBridge schedule). */
export const handler = middy((event: ScheduledEvent) => createSequenceHandler(coldStart())(event))
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));
