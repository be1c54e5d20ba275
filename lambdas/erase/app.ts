/**
 * The erase function's logic as a factory over ports: `worktrace erase` in AWS. The request names a raw
 * user id (never logged, never kept): its pseudonym is computed with the live key, then
 * core/governance/erase.ts rewrites every zone without the subject, verifies, registers the opt-out and
 * writes the hash-chained receipt to the audit store. Logs and metrics carry counts and the receipt hash.
 */
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { z } from 'zod';
import type { LogSink } from '#adapters/telemetry.js';
import { ERROR_CODES, WorktraceError } from '#core/errors.js';
import { type EraseStores, eraseSubject } from '#core/governance/erase.js';
import type { Clock, KeyProvider } from '#core/ports.js';
import { Pseudonymizer } from '#core/redact/pseudonym.js';

/** The invocation payload. */
export const EraseRequestSchema = z.strictObject({ user: z.string().min(1).max(256) });

/** The invocation payload was not `{"user": "<raw user id>"}` (the message never repeats it). */
export class EraseRequestError extends WorktraceError {
  override readonly name = 'EraseRequestError';
  readonly code = ERROR_CODES.eraseRequest;
}

/** What the erase handler needs. */
export interface EraseDeps {
  /** The three data zones and the write-once audit store. */
  readonly stores: EraseStores;
  /** The pseudonym key (the same one the redact function uses). */
  readonly keyProvider: KeyProvider;
  readonly clock: Clock;
  readonly logger?: LogSink;
  readonly metrics?: Metrics;
}

/** The handler's answer: the subject's pseudonym, what was removed, and the receipt's hash. */
export interface EraseResponse {
  readonly subject: string;
  readonly rowsRemoved: number;
  readonly objects: number;
  readonly receipt: string;
}

/** Builds the handler function over the given ports (no middleware). */
export function createEraseHandler(deps: EraseDeps): (event: unknown) => Promise<EraseResponse> {
  return async (event) => {
    const request = EraseRequestSchema.safeParse(event);
    if (!request.success) throw new EraseRequestError('the request must be {"user": "<raw user id>"}');
    // A Pseudonymizer per request: its cache of raw ids must not outlive the request.
    const pseudonym = new Pseudonymizer(await deps.keyProvider.getKey()).of('user', request.data.user);
    const receipt = await eraseSubject(deps.stores, pseudonym, { now: () => deps.clock.now() });
    const response: EraseResponse = {
      subject: pseudonym,
      rowsRemoved: receipt.rowsRemoved,
      objects: receipt.objects.length,
      receipt: receipt.hash,
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
