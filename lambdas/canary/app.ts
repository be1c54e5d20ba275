/**
 * The canary function's logic as a factory over ports. One run sends fresh canary secrets and PII through
 * the live pipeline like an agent, waits for the redact function, then searches today's objects of the
 * events and quarantine zones for them. The curated zone lags (windows close after the late-arrival
 * allowance and the longest episode), so each run also searches every zone, and every view in Athena, for
 * the previous run's values, kept in the audit store (`canary/last-run.json`). A survivor, or no output
 * at all, fails the run (the stack alarms on it). Logs and metrics name locations and counts, never values.
 */

import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { AthenaClient } from '@aws-sdk/client-athena';
import { z } from 'zod';
import { queryAthena } from '#adapters/athena.js';
import type { LogSink } from '#adapters/telemetry.js';
import type { WorktraceEventInput } from '#core/contract/event-contract.js';
import { ERROR_CODES, WorktraceError } from '#core/errors.js';
import {
  CANARY_STATE_KEY,
  type CanaryValue,
  canaryEvents,
  canaryValues,
  type Survivor,
  searchObjects,
} from '#core/governance/canary.js';
import type { Clock, ObjectStore } from '#core/ports.js';
import { VIEWS } from '#core/views/registry.js';
import { viewSearchSql } from '#core/views/search.js';
import type { CanaryEnv } from './env.js';

/** The run failed: a canary value survived somewhere, or the pipeline wrote nothing within the wait. */
export class CanaryError extends WorktraceError {
  override readonly name = 'CanaryError';
  readonly code = ERROR_CODES.canary;
}

/** What a run keeps in the audit store for the next run. */
const CanaryStateSchema = z.object({
  startedAt: z.string(),
  values: z.array(z.object({ kind: z.string(), value: z.string() })),
});

/** The zones searched, and the audit store that keeps the previous run's values. */
export interface CanaryStores {
  readonly events: ObjectStore;
  readonly quarantine: ObjectStore;
  readonly curated: ObjectStore;
  readonly audit: ObjectStore;
}

/** What the canary handler needs. */
export interface CanaryDeps {
  readonly config: Pick<CanaryEnv, 'WAIT_SECONDS' | 'ATHENA_WORKGROUP' | 'GLUE_DATABASE'>;
  readonly stores: CanaryStores;
  /** Sends the canary session into the stream as an agent would; resolves to the number of events sent. */
  readonly send: (events: readonly WorktraceEventInput[], startedMs: number) => Promise<number>;
  /** Searches the views (in the stage's workgroup and database). */
  readonly athena: AthenaClient;
  readonly clock: Clock;
  /** Waits for the pipeline. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly logger?: LogSink;
  readonly metrics?: Metrics;
}

/** The answer of a run that passed. */
export interface CanaryResponse {
  readonly passed: true;
  readonly objectsSearched: number;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Builds the handler function over the given ports (no middleware). */
export function createCanaryHandler(deps: CanaryDeps): () => Promise<CanaryResponse> {
  const { config, stores } = deps;
  const sleep = deps.sleep ?? defaultSleep;

  /** Rows of any view holding any of the values, as survivors (one per view). */
  const searchViews = async (values: readonly CanaryValue[]): Promise<Survivor[]> => {
    const out: Survivor[] = [];
    const searched = values.map((v) => v.value);
    for (const view of VIEWS) {
      const r = await queryAthena(deps.athena, viewSearchSql(view, searched), {
        workgroup: config.ATHENA_WORKGROUP,
        database: config.GLUE_DATABASE,
        timeoutMs: 240_000,
      });
      if (Number(r.rows[0]?.n ?? 0) > 0)
        out.push({ kind: 'canary value (previous run)', location: `view:${view.id}` });
    }
    return out;
  };

  return async () => {
    const values = canaryValues();
    const started = deps.clock.now();
    const previousBody = await stores.audit.get(CANARY_STATE_KEY);
    const previous = previousBody
      ? CanaryStateSchema.parse(JSON.parse(Buffer.from(previousBody).toString('utf8')))
      : undefined;
    await stores.audit.put(
      CANARY_STATE_KEY,
      JSON.stringify({ startedAt: new Date(started).toISOString(), values }),
      { contentType: 'application/json' },
    );
    const sent = await deps.send(canaryEvents(values, started), started);
    await sleep(config.WAIT_SECONDS * 1000);

    const day = new Date(started).toISOString().slice(0, 10);
    const { survivors, objectsSearched } = await searchObjects(
      { events: stores.events, quarantine: stores.quarantine },
      values,
      {
        prefixes: { events: `events/dt=${day}/`, quarantine: `quarantine/dt=${day}/` },
        since: new Date(started),
      },
    );
    if (previous) {
      // The previous run's values, now through the sequencer too: every zone, objects written since then.
      const zones = { events: stores.events, quarantine: stores.quarantine, curated: stores.curated };
      const earlier = await searchObjects(zones, previous.values, { since: new Date(previous.startedAt) });
      survivors.push(...earlier.survivors.map((s) => ({ ...s, kind: `${s.kind} (previous run)` })));
      survivors.push(...(await searchViews(previous.values)));
    }

    deps.metrics?.addMetric('ObjectsSearched', MetricUnit.Count, objectsSearched);
    deps.metrics?.addMetric('Survivors', MetricUnit.Count, survivors.length);
    if (survivors.length > 0) {
      for (const s of survivors)
        deps.logger?.error('canary value survived', { kind: s.kind, location: s.location });
      throw new CanaryError(
        `canary failed: ${survivors.length} canary values survived (see log for locations)`,
      );
    }
    if (objectsSearched === 0)
      throw new CanaryError('canary failed: the pipeline wrote nothing within the wait');
    deps.logger?.info('canary passed', { values: values.length, objectsSearched, sent });
    return { passed: true, objectsSearched };
  };
}
