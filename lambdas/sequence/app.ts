/**
 * The sequence function's logic as a factory over ports: every closed window of the events zone after the
 * watermark becomes curated actions and episodes (core/sequence/sequencer.ts does the work). Logs and
 * metrics carry counts only, never event content.
 */
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { ScheduledEvent } from 'aws-lambda';
import type { LogSink } from '#adapters/telemetry.js';
import type { Clock, ObjectStore } from '#core/ports.js';
import { ANOMALY_KINDS } from '#core/sequence/actions.js';
import {
  DEFAULT_DECODED_CACHE_ROWS,
  DecodedFileCache,
  runDueWindows,
  type WindowResult,
} from '#core/sequence/sequencer.js';
import type { SequenceEnv } from './env.js';

/** What the handler needs; tests and the local runtime pass their own stores and clock. */
export interface SequenceDeps {
  readonly eventsStore: ObjectStore;
  readonly curatedStore: ObjectStore;
  readonly clock: Clock;
  readonly config: Pick<
    SequenceEnv,
    'WINDOW_MINUTES' | 'LATE_ARRIVAL_MS' | 'LOOK_BACK_MS' | 'MAX_EPISODE_MS' | 'MAX_WINDOWS_PER_RUN'
  >;
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

/** Builds the handler function over the given ports (no middleware). */
export function createSequenceHandler(
  deps: SequenceDeps,
): (event?: ScheduledEvent) => Promise<SequenceResponse> {
  const { config, logger, metrics } = deps;
  // Built once per container: consecutive windows and scheduled runs read nearly the same look-back.
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
  return async () => {
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
}
