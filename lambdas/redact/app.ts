/**
 * The redact function's logic as a factory over injected ports, so Lambda (handler.ts), the local runtime
 * and tests run the same code: decode → redactBatch → writeRedacted → commit session state (only after a
 * successful write) → partial batch failures.
 */
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type {
  Context,
  KinesisStreamBatchResponse,
  KinesisStreamEvent,
  KinesisStreamRecord,
} from 'aws-lambda';
import { toSourceRecords } from '#adapters/kinesis-records.js';
import type { LogSink } from '#adapters/telemetry.js';
import type { KeyProvider, ObjectStore, OptOutRegistry } from '#core/ports.js';
import type { Policy } from '#core/redact/policy.js';
import { scrubberOptionsFor } from '#core/redact/policy.js';
import { Pseudonymizer } from '#core/redact/pseudonym.js';
import { type RedactStores, writeRedacted } from '#core/redact/redact-writer.js';
import { createScrubber } from '#core/redact/scrubber.js';
import {
  REDACTOR_VERSION,
  type RedactContext,
  type RedactCounts,
  redactBatch,
  SessionStates,
  type SourceRecord,
} from '#core/redact/transform.js';
import { lateGroups, queueLateGroups, readProgress } from '#core/sequence/late.js';
import { checkShardCount, SEQUENCE_SHARDS_DEFAULT, sessionShard } from '#core/sequence/shards.js';

/** What one batch did (for metrics, the local runtime's progress and tests). */
export interface BatchReport {
  readonly shardId: string;
  readonly records: number;
  readonly events: number;
  readonly counts: RedactCounts;
  readonly findings: Record<string, number>;
  readonly rowsWritten: number;
  readonly keys: readonly string[];
  readonly failed: boolean;
  /** Rows written after the window × shard that should have fed them was sequenced (queued again). */
  readonly lateEvents: number;
}

/** Where late events are judged and queued: the curated zone and the sequencer's window settings. */
export interface LateEventSettings {
  /** The curated zone: the watermark is read from it, queue entries written to it. */
  readonly curated: ObjectStore;
  readonly windowMinutes: number;
  readonly lateArrivalMs: number;
}

/** The ports and settings a redact handler needs. */
export interface RedactDeps {
  readonly stores: RedactStores;
  readonly keyProvider: KeyProvider;
  readonly policy: Policy;
  readonly optOuts?: OptOutRegistry;
  /** Sequence shards the events zone is split into (`SEQUENCE_SHARDS`). @default 4 */
  readonly sequenceShards?: number;
  /** Late-event detection (docs/sequencing.md, "Late events"); absent: none. */
  readonly lateEvents?: LateEventSettings;
  /** Messages and fields never carry event content. */
  readonly logger?: LogSink;
  readonly metrics?: Metrics;
  readonly onBatch?: (report: BatchReport) => void;
}

/**
 * Decodes records in order and stops at the first one that cannot be decoded (a malformed event-source
 * record; bad payloads never throw, they are quarantined). Kinesis checkpoints at the lowest failed
 * sequence number, so that record and every later one are retried and nothing after it is written now.
 * This is the partial-batch contract of Powertools' batch processor for ordered streams, without its
 * per-record bookkeeping, which cost more than the decoding itself.
 */
function decodeInOrder(
  records: readonly KinesisStreamRecord[],
  logger: LogSink | undefined,
): { kept: { record: KinesisStreamRecord; sources: SourceRecord[] }[]; failedAt?: string } {
  const kept: { record: KinesisStreamRecord; sources: SourceRecord[] }[] = [];
  for (const record of records) {
    try {
      kept.push({ record, sources: toSourceRecords(record) });
    } catch (err) {
      const failedAt = record.kinesis?.sequenceNumber ?? record.eventID;
      logger?.error('record could not be decoded; retrying from it', {
        failedAt,
        errorName: err instanceof Error ? err.name : typeof err,
      });
      return { kept, failedAt };
    }
  }
  return { kept };
}

/**
 * Queues the rows of a written batch that arrived after their window × shard was sequenced (one entry per
 * window × shard, named after the batch); returns how many rows were late.
 */
async function queueLateRows(
  settings: LateEventSettings,
  rows: readonly { readonly ts: number; readonly session_id: string }[],
  sequenceShards: number | undefined,
  batch: { shardId: string; first: string; last: string },
): Promise<number> {
  let progress: Awaited<ReturnType<typeof readProgress>>;
  try {
    progress = await readProgress(settings.curated);
  } catch (err) {
    // Before the first sequencing run there is no watermark, and the role (which may not list the curated
    // bucket) is refused where a lister would get "no such key": nothing was sequenced, so nothing is late.
    if ((err as { name?: string }).name === 'AccessDenied') return 0;
    throw err;
  }
  if (progress.started === undefined) return 0;
  const shards = checkShardCount(sequenceShards ?? SEQUENCE_SHARDS_DEFAULT);
  const groups = lateGroups(
    rows.map((r) => ({ ts: r.ts, shard: sessionShard(r.session_id, shards) })),
    progress,
    { windowMs: settings.windowMinutes * 60_000, lateArrivalMs: settings.lateArrivalMs },
  );
  return queueLateGroups(settings.curated, groups, `${batch.shardId}-${batch.first}-${batch.last}`);
}

/** Builds the handler function. */
export function createRedactHandler(deps: RedactDeps) {
  const sessions = new SessionStates();
  let ctx: Promise<RedactContext> | undefined;
  const context = async (): Promise<RedactContext> => {
    const key = await deps.keyProvider.getKey();
    return {
      policy: deps.policy,
      pseudonymizer: new Pseudonymizer(key),
      scrubber: createScrubber(scrubberOptionsFor(deps.policy, key.key)),
      redactorVersion: REDACTOR_VERSION,
      sessions,
      ...(deps.optOuts ? { optOuts: deps.optOuts } : {}),
    };
  };

  return async (event: KinesisStreamEvent, _context?: Context): Promise<KinesisStreamBatchResponse> => {
    ctx ??= context().catch((err: unknown) => {
      ctx = undefined;
      throw err;
    });
    const redact = await ctx;
    const { kept, failedAt } = decodeInOrder(event.Records, deps.logger);
    const response: KinesisStreamBatchResponse = {
      batchItemFailures: failedAt === undefined ? [] : [{ itemIdentifier: failedAt }],
    };
    const sources: SourceRecord[] = [];
    for (const d of kept) for (const source of d.sources) sources.push(source);
    const first = event.Records[0];
    if (!first || sources.length === 0) return response;

    const outcome = await redactBatch(sources, redact);
    const written = await writeRedacted(outcome, sources, deps.stores, {
      sequenceShards: deps.sequenceShards,
    });
    const shardId = sources[0]?.shardId ?? 'unknown';
    // Late rows are queued for re-sequencing after their objects are written (the sequencer then reads them);
    // a failed queue write fails the batch, whose retry overwrites the same objects and entries.
    let lateEvents = 0;
    let lateError: Error | undefined;
    if (written.ok && deps.lateEvents && outcome.rows.length > 0) {
      try {
        lateEvents = await queueLateRows(deps.lateEvents, outcome.rows, deps.sequenceShards, {
          shardId,
          first: first.kinesis.sequenceNumber,
          last: (event.Records.at(-1) ?? first).kinesis.sequenceNumber,
        });
      } catch (err) {
        lateError = err instanceof Error ? err : new Error(String(err));
      }
    }
    const ok = written.ok && lateError === undefined;
    // Fail closed: the container's session state moves on only with a written batch; after a failed
    // write the retry starts from the state this attempt started from.
    if (ok) outcome.commit();
    const report: BatchReport = {
      shardId,
      records: kept.length,
      events: sources.length,
      counts: outcome.counts,
      findings: outcome.findings,
      rowsWritten: outcome.rows.length,
      keys: written.keys,
      failed: !ok,
      lateEvents,
    };
    if (!ok) {
      // Whole-batch retry from its first record: its keys are deterministic, so the retry overwrites.
      deps.logger?.error('write failed; batch will be retried', {
        shardId,
        firstSequence: first.kinesis.sequenceNumber,
        records: kept.length,
        errorName: written.ok ? (lateError?.name ?? 'Error') : written.error.name,
      });
      deps.onBatch?.(report);
      return { batchItemFailures: [{ itemIdentifier: first.kinesis.sequenceNumber }] };
    }
    const c = outcome.counts;
    deps.logger?.info('batch redacted', {
      shardId,
      records: kept.length,
      events: sources.length,
      written: c.written,
      textRuns: c.textRuns,
      coalesced: c.coalesced,
      quarantined: c.quarantined,
      dropped: c.dropped,
      contentWithheld: c.contentWithheld,
      objects: written.keys.length,
      lateEvents,
    });
    if (deps.metrics) {
      const m = deps.metrics;
      m.addMetric('RecordsIn', MetricUnit.Count, sources.length);
      m.addMetric('RecordsWritten', MetricUnit.Count, c.written + c.coalesced);
      m.addMetric('RecordsQuarantined', MetricUnit.Count, c.quarantined);
      m.addMetric('LateEvents', MetricUnit.Count, lateEvents);
      m.addMetric(
        'RecordsDropped',
        MetricUnit.Count,
        Object.values(c.dropped).reduce((a, b) => a + b, 0),
      );
      for (const [type, n] of Object.entries(outcome.findings)) {
        m.singleMetric().addDimension('EntityType', type).addMetric('Findings', MetricUnit.Count, n);
      }
    }
    deps.onBatch?.(report);
    return response;
  };
}
