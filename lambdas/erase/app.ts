/**
 * The erase function's logic as a factory over ports: `worktrace erase` and `worktrace optout` in AWS, the
 * scheduled follow-up sweeps, and the steps of the erase state machine. A request names a raw user id
 * (never logged, never kept): its pseudonyms are computed with the live key and every retired key still in
 * the lake, then core/governance registers the opt-out, finds the objects holding the subject with Athena
 * (and the sequencer's checkpoints holding a live session of theirs, by listing), rewrites them without the
 * subject, verifies, clears the query results, schedules the follow-up sweep and (erasure) writes the
 * hash-chained receipt. Logs and metrics carry counts and the receipt hash only.
 *
 * The state machine's steps (`plan`, `find`, `rewrite`, `verify`, `finish`) run that removal one step per
 * invocation; only `plan` takes the raw id (Step Functions keeps execution input in its history), every
 * later step the pseudonyms `plan` answered with.
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
import type { LakeIndex } from '#core/governance/erase-find.js';
import { type ErasedObject, PSEUDONYM, subjectOf } from '#core/governance/erase-object.js';
import {
  clearJournal,
  findSubjectObjects,
  finishRemoval,
  isCheckpoint,
  journalOf,
  planRemoval,
  rewriteSubjectObject,
  writeReceipt,
  writeRemovalPlan,
} from '#core/governance/erase-plan.js';
import { readOptOuts } from '#core/governance/opt-outs.js';
import type { Clock, KeyProvider } from '#core/ports.js';

const user = z.string().min(1).max(256);
const pseudonym = z.string().regex(PSEUDONYM);
/** The subject of a state machine step: its registered pseudonym, and every pseudonym `plan` answered. */
const step = {
  subject: pseudonym,
  pseudonyms: z
    .array(z.strictObject({ pseudonym, keyVersion: z.string().min(1).max(128).optional() }))
    .min(1)
    .max(32),
};
const round = z.number().int().min(0).max(1000);

/**
 * The invocation payload: `{"user"}` (erase), an action with a user, a scheduled sweep, or one step of the
 * erase state machine (plan → find → rewrite per object → verify → finish).
 */
export const EraseRequestSchema = z.union([
  z.strictObject({ user }),
  z.strictObject({ action: z.enum(['erase', 'opt-out', 'opt-in', 'plan']), user }),
  z.strictObject({ action: z.enum(['sweep', 'list-opt-outs']) }),
  z.strictObject({ action: z.enum(['find', 'verify']), ...step, round }),
  z.strictObject({
    action: z.literal('rewrite'),
    ...step,
    zone: z.enum(['events', 'quarantine', 'curated']),
    key: z.string().min(1).max(1024),
  }),
  z.strictObject({ action: z.literal('finish'), ...step, startedAt: z.iso.datetime() }),
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
  /**
   * Which objects hold a subject: Athena in the pipeline workgroup (one query per table).
   * @default listingIndex: every object listed and read (find and verify refuse to run on it)
   */
  readonly index?: LakeIndex;
  /** Objects a one-invocation erasure rewrites at once. @default DEFAULT_ERASE_CONCURRENCY */
  readonly concurrency?: number;
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

/** The answer to `plan`: the subject by pseudonym (the only step that saw the raw id), and the start. */
export interface PlanResponse {
  readonly subject: string;
  readonly pseudonyms: readonly { readonly pseudonym: string; readonly keyVersion?: string }[];
  readonly startedAt: string;
}

/** The answer to `find`: where the object list (`[{"zone","key"}, …]`) was written, and its length. */
export interface FindResponse {
  readonly bucket: string;
  readonly key: string;
  readonly objects: number;
}

/** The answer to `rewrite`: what the object's rewrite removed (nothing: `rowsRemoved` 0). */
export type RewriteResponse =
  | ErasedObject
  | { readonly zone: ErasedObject['zone']; readonly key: string; readonly rowsRemoved: 0 };

/** The answer to `verify`: objects still holding the subject (0: verified). */
export interface VerifyResponse {
  readonly remaining: number;
}

/** Every answer. */
export type EraseFunctionResponse =
  | EraseResponse
  | OptOutResponse
  | OptInResponse
  | SweepResponse
  | PlanResponse
  | FindResponse
  | RewriteResponse
  | VerifyResponse
  | { readonly pseudonyms: readonly string[] };

/** Builds the handler function over the given ports (no middleware). */
export function createEraseHandler(deps: EraseDeps): (event: unknown) => Promise<EraseFunctionResponse> {
  const now = () => deps.clock.now();
  const options = {
    now,
    ...(deps.streamRetentionMs !== undefined ? { streamRetentionMs: deps.streamRetentionMs } : {}),
    ...(deps.index ? { index: deps.index } : {}),
    ...(deps.concurrency !== undefined ? { concurrency: deps.concurrency } : {}),
  };
  const zones = { events: deps.stores.events, curated: deps.stores.curated };
  // The subject under every key still in the lake; a Pseudonymizer per request keeps no raw id around.
  const pseudonymsOf = async (id: string) =>
    subjectPseudonyms(id, [
      await deps.keyProvider.getKey(),
      ...(await Promise.all((deps.retiredKeys ?? []).map((k) => k.getKey()))),
    ]);

  const queryIndex = (): LakeIndex => {
    if (!deps.index)
      throw new EraseRequestError('find and verify need the query engine (an Athena workgroup)');
    return deps.index;
  };
  type Step = Extract<EraseRequest, { subject: string }>;

  /** One step of the erase state machine; the subject arrives as pseudonyms only. */
  const runStep = async (request: Step): Promise<EraseFunctionResponse> => {
    if (request.pseudonyms[0]?.pseudonym !== request.subject)
      throw new EraseRequestError('the subject must be the first of the pseudonyms');
    const s = subjectOf(request.pseudonyms);
    const journal = journalOf(s, false);
    if (request.action === 'find' || request.action === 'verify') {
      const { objects: found } = await findSubjectObjects(deps.stores, queryIndex().find, s, { journal });
      if (request.action === 'verify') {
        deps.logger?.info('erasure verified', { round: request.round, remaining: found.length });
        return { remaining: found.length } satisfies VerifyResponse;
      }
      const key = await writeRemovalPlan(deps.stores.curated, s, request.round, found);
      deps.logger?.info('objects found', { round: request.round, objects: found.length });
      deps.metrics?.addMetric('ObjectsFound', MetricUnit.Count, found.length);
      return { bucket: deps.stores.curated.name, key, objects: found.length } satisfies FindResponse;
    }
    if (request.action === 'rewrite') {
      const ref = { zone: request.zone, key: request.key };
      const { object } = await rewriteSubjectObject(deps.stores, s, ref, { journal });
      deps.logger?.info('object rewritten', { rowsRemoved: object.rowsRemoved, retries: object.retries });
      // A checkpoint's count is of live sessions, not rows.
      if (!isCheckpoint(ref)) deps.metrics?.addMetric('RowsErased', MetricUnit.Count, object.rowsRemoved);
      return object.rowsRemoved > 0 ? object : { ...ref, rowsRemoved: 0 };
    }
    if (request.action !== 'finish') throw new EraseRequestError('unknown step');
    const result = await finishRemoval(deps.stores, s, {
      now,
      kind: 'erase',
      sweep: false,
      journal,
      ...(deps.index?.keyVersions ? { lakeKeyVersions: deps.index.keyVersions } : {}),
      ...(deps.streamRetentionMs !== undefined ? { streamRetentionMs: deps.streamRetentionMs } : {}),
    });
    const receipt = await writeReceipt(deps.stores.audit, result, {
      startedAt: request.startedAt,
      sweep: false,
      now,
    });
    await clearJournal(deps.stores.curated, s, journal);
    return erased(receipt);
  };

  /** The answer to an erasure, logged and counted. */
  const erased = (receipt: Awaited<ReturnType<typeof eraseSubject>>): EraseResponse => {
    const response: EraseResponse = {
      subject: receipt.subject,
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

  return async (event) => {
    const parsed = EraseRequestSchema.safeParse(event);
    if (!parsed.success)
      throw new EraseRequestError(
        'the request must be {"user": "<raw user id>"}, {"action": "erase"|"opt-out"|"opt-in"|"plan", "user": …}, {"action": "sweep"|"list-opt-outs"} or a state machine step ({"action": "find"|"rewrite"|"verify"|"finish", "subject", "pseudonyms", …})',
      );
    const request = parsed.data;
    if ('subject' in request) return runStep(request);
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
    if (action === 'plan') {
      const s = subjectOf(subjects);
      const plan = await planRemoval(zones, s, { now, journal: journalOf(s, false) });
      deps.logger?.info('erasure planned', { optOutRegistered: plan.optOutRegistered });
      return { subject, pseudonyms: subjects, startedAt: plan.startedAt } satisfies PlanResponse;
    }
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
    return erased(await eraseSubject(deps.stores, subjects, options));
  };
}
