/**
 * The erase function's logic as a factory over ports: `worktrace erase` and `worktrace optout` in AWS, and
 * the scheduled follow-up sweeps. A request names a raw user id (never logged, never kept): its pseudonyms
 * are computed with the live key and every retired key still in the lake, then core/governance/erase.ts
 * registers the opt-out, rewrites every zone without the subject, verifies, clears the query results,
 * schedules the follow-up sweep and (erasure) writes the hash-chained receipt. Logs and metrics carry
 * counts and the receipt hash only.
 */
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { z } from 'zod';
import type { LogSink } from '#adapters/telemetry.js';
import { ERROR_CODES, WorktraceError } from '#core/errors.js';
import {
  type EraseStores,
  eraseSubject,
  optOutSubject,
  runDueSweeps,
  subjectPseudonyms,
  withdrawOptOut,
} from '#core/governance/erase.js';
import { readOptOuts } from '#core/governance/opt-outs.js';
import type { Clock, KeyProvider } from '#core/ports.js';

const user = z.string().min(1).max(256);

/** The invocation payload: `{"user"}` (erase), an action with a user, or a scheduled sweep. */
export const EraseRequestSchema = z.union([
  z.strictObject({ user }),
  z.strictObject({ action: z.enum(['erase', 'opt-out', 'opt-in']), user }),
  z.strictObject({ action: z.enum(['sweep', 'list-opt-outs']) }),
]);
/** One request. */
export type EraseRequest = z.infer<typeof EraseRequestSchema>;

/** The invocation payload was not one of the request forms (the message never repeats it). */
export class EraseRequestError extends WorktraceError {
  override readonly name = 'EraseRequestError';
  readonly code = ERROR_CODES.eraseRequest;
}

/** What the erase handler needs. */
export interface EraseDeps {
  /** The three data zones, the athena-results zone and the write-once audit store. */
  readonly stores: EraseStores;
  /** The pseudonym key (the same one the redact function uses). */
  readonly keyProvider: KeyProvider;
  /** Keys retired by a rotation whose rows are still in the lake: the subject is searched under each. @default none */
  readonly retiredKeys?: readonly KeyProvider[];
  /** How long the ingest stream keeps records, ms (when the follow-up sweep is due). @default 24 h */
  readonly streamRetentionMs?: number;
  readonly clock: Clock;
  readonly logger?: LogSink;
  readonly metrics?: Metrics;
}

/** The answer to an erasure: the subject's pseudonym, what was removed, the receipt's hash, the sweep. */
export interface EraseResponse {
  readonly subject: string;
  readonly rowsRemoved: number;
  readonly objects: number;
  readonly receipt: string;
  readonly sweepDueAt: string | null;
}

/** The answer to an opt-out: registry change and what was removed. */
export interface OptOutResponse {
  readonly subject: string;
  readonly added: boolean;
  readonly count: number;
  readonly rowsRemoved: number;
  readonly objects: number;
  readonly sweepDueAt: string | null;
}

/** The answer to an opt-in (`optout remove`). */
export interface OptInResponse {
  readonly subject: string;
  readonly removed: boolean;
  readonly count: number;
}

/** The answer to a scheduled sweep run. */
export interface SweepResponse {
  readonly sweeps: number;
  readonly rowsRemoved: number;
  readonly receipts: readonly string[];
}

/** Every answer. */
export type EraseFunctionResponse =
  | EraseResponse
  | OptOutResponse
  | OptInResponse
  | SweepResponse
  | { readonly pseudonyms: readonly string[] };

/** Builds the handler function over the given ports (no middleware). */
export function createEraseHandler(deps: EraseDeps): (event: unknown) => Promise<EraseFunctionResponse> {
  const now = () => deps.clock.now();
  const options = {
    now,
    ...(deps.streamRetentionMs !== undefined ? { streamRetentionMs: deps.streamRetentionMs } : {}),
  };
  const zones = { events: deps.stores.events, curated: deps.stores.curated };
  // The subject under every key still in the lake; a Pseudonymizer per request keeps no raw id around.
  const pseudonymsOf = async (id: string) =>
    subjectPseudonyms(id, [
      await deps.keyProvider.getKey(),
      ...(await Promise.all((deps.retiredKeys ?? []).map((k) => k.getKey()))),
    ]);

  return async (event) => {
    const parsed = EraseRequestSchema.safeParse(event);
    if (!parsed.success)
      throw new EraseRequestError(
        'the request must be {"user": "<raw user id>"}, {"action": "erase"|"opt-out"|"opt-in", "user": …} or {"action": "sweep"|"list-opt-outs"}',
      );
    const request = parsed.data;
    const action = 'action' in request ? request.action : 'erase';
    if (action === 'sweep') {
      const done = await runDueSweeps(deps.stores, options);
      const response: SweepResponse = {
        sweeps: done.length,
        rowsRemoved: done.reduce((n, d) => n + d.rowsRemoved, 0),
        receipts: done.flatMap((d) => (d.receipt ? [d.receipt] : [])),
      };
      deps.logger?.info('sweeps run', { sweeps: response.sweeps, rowsRemoved: response.rowsRemoved });
      deps.metrics?.addMetric('SweepsRun', MetricUnit.Count, response.sweeps);
      deps.metrics?.addMetric('RowsErased', MetricUnit.Count, response.rowsRemoved);
      return response;
    }
    if (action === 'list-opt-outs') return { pseudonyms: await readOptOuts(deps.stores.events) };
    if (!('user' in request)) throw new EraseRequestError('a user is required');
    const subjects = await pseudonymsOf(request.user);
    const subject = subjects[0]?.pseudonym ?? '';
    if (action === 'opt-in') {
      const r = await withdrawOptOut(zones, subject, { now: now() });
      deps.logger?.info('opt-out withdrawn', { removed: r.removed, count: r.count });
      return { subject, removed: r.removed, count: r.count };
    }
    if (action === 'opt-out') {
      const r = await optOutSubject(deps.stores, subjects, options);
      const response: OptOutResponse = {
        subject,
        added: r.optOutRegistered,
        count: r.registryCount,
        rowsRemoved: r.rowsRemoved,
        objects: r.objects.length,
        sweepDueAt: r.sweepDueAt,
      };
      deps.logger?.info('subject opted out', {
        added: response.added,
        rowsRemoved: response.rowsRemoved,
        objects: response.objects,
      });
      deps.metrics?.addMetric('RowsErased', MetricUnit.Count, response.rowsRemoved);
      return response;
    }
    const receipt = await eraseSubject(deps.stores, subjects, options);
    const response: EraseResponse = {
      subject,
      rowsRemoved: receipt.rowsRemoved,
      objects: receipt.objects.length,
      receipt: receipt.hash,
      sweepDueAt: receipt.sweepDueAt,
    };
    deps.logger?.info('subject erased', {
      rowsRemoved: response.rowsRemoved,
      objects: response.objects,
      receipt: response.receipt,
    });
    deps.metrics?.addMetric('RowsErased', MetricUnit.Count, response.rowsRemoved);
    deps.metrics?.addMetric('ObjectsRewritten', MetricUnit.Count, response.objects);
    return response;
  };
}
