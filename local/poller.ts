/**
 * Local event-source mapping: reads a Kinesis stream (kinesalite) shard by shard and invokes a Lambda
 * handler with real KinesisStreamEvent payloads, mirroring what Lambda's Kinesis poller does:
 * batch size and batching window, one batch in flight per shard (per-shard order), checkpoint just before
 * the lowest reported batchItemFailure, bisect on function error, retry attempts with backoff, maximum
 * record age, then an on-failure destination that receives metadata only (never record content).
 *
 * Checkpoints and the batch in flight are persisted under the state directory, so a killed poller resumes
 * where it stopped and replays the very same batch first (same deterministic output keys: no duplicates).
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  type _Record,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { ERROR_CODES, WorktraceError } from '#core/errors.js';
import { type Clock, systemClock } from '#core/ports.js';

/** A Lambda-shaped Kinesis handler (the redact handler, or a wrapper around it). */
export type KinesisHandler = (event: KinesisStreamEvent) => Promise<KinesisStreamBatchResponse | undefined>;

/** Why a batch went to the on-failure destination (Lambda's condition names). */
export type FailureCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

/** Lambda's on-failure record for a Kinesis source: batch metadata only, no record data. */
export interface OnFailureRecord {
  readonly version: '1.0';
  readonly timestamp: string;
  readonly requestContext: {
    readonly condition: FailureCondition;
    readonly approximateInvokeCount: number;
  };
  readonly responseContext: { readonly functionError: 'Unhandled' | 'PartialBatchFailure' | 'None' };
  readonly KinesisBatchInfo: {
    readonly shardId: string;
    readonly startSequenceNumber: string;
    readonly endSequenceNumber: string;
    readonly approximateArrivalOfFirstRecord: string;
    readonly approximateArrivalOfLastRecord: string;
    readonly batchSize: number;
    readonly streamArn: string;
  };
}

/** Where failed batches' metadata goes (an SQS/SNS destination in AWS). */
export interface OnFailureDestination {
  send(record: OnFailureRecord): Promise<void>;
}

/** An on-failure destination appending one JSON line per failed batch to a file. */
export function jsonlOnFailureDestination(path: string): OnFailureDestination {
  return {
    send: async (record) => {
      mkdirSync(dirname(path), { recursive: true });
      appendFileSync(path, `${JSON.stringify(record)}\n`);
    },
  };
}

/** Reads the on-failure records a JSONL destination holds (none when the file does not exist). */
export function readOnFailureRecords(path: string): OnFailureRecord[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as OnFailureRecord);
}

/** Event-source-mapping settings (names follow the Lambda API). */
export interface PollerSettings {
  /** Records per invocation at most. @default 100 */
  readonly batchSize?: number;
  /** How long to gather records before invoking with a partial batch, ms. @default 0 */
  readonly maximumBatchingWindowMs?: number;
  /** Split a batch in two when the function errors. @default true */
  readonly bisectBatchOnFunctionError?: boolean;
  /** Retries of a failing batch before it goes to the on-failure destination; -1 = until it expires. @default 10 */
  readonly maximumRetryAttempts?: number;
  /** Records older than this go to the on-failure destination without an invocation; -1 = never. @default -1 */
  readonly maximumRecordAgeMs?: number;
  /** First retry delay, doubled per attempt up to 5 s. @default 100 */
  readonly retryBaseDelayMs?: number;
  /** Idle wait between GetRecords calls on a caught-up shard, ms. @default 200 */
  readonly pollIntervalMs?: number;
}

/** One invocation, for progress and tests (counts and sequence numbers only). */
export interface InvocationReport {
  readonly shardId: string;
  readonly records: number;
  readonly firstSequence: string;
  readonly lastSequence: string;
  readonly outcome: 'ok' | 'partial' | 'error';
  readonly attempt: number;
}

/** Everything a poller needs. */
export interface PollerOptions extends PollerSettings {
  readonly client: KinesisClient;
  readonly streamName: string;
  readonly handler: KinesisHandler;
  /** Directory for checkpoints (and the default on-failure file). */
  readonly stateDir: string;
  /** @default JSONL file `on-failure.jsonl` in stateDir */
  readonly onFailure?: OnFailureDestination;
  readonly clock?: Clock;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly region?: string;
  readonly onInvoke?: (report: InvocationReport) => void;
  readonly onFailureSent?: (record: OnFailureRecord) => void;
}

/** Raised inside the poll loop once the poller has been killed (simulates a crashed process). */
export class PollerKilledError extends WorktraceError {
  override readonly name = 'PollerKilledError';
  readonly code = ERROR_CODES.pollerKilled;
}

/** Persisted position of one shard. */
interface ShardState {
  /** Last sequence number fully handled (written, or sent to the on-failure destination). */
  checkpoint?: string;
  /** The batch being invoked, replayed first after a restart. */
  inFlight?: { first: string; last: string };
}

interface PendingBatch {
  readonly records: _Record[];
  attempts: number;
  invocations: number;
}

const DEFAULTS = {
  batchSize: 100,
  maximumBatchingWindowMs: 0,
  bisectBatchOnFunctionError: true,
  maximumRetryAttempts: 10,
  maximumRecordAgeMs: -1,
  retryBaseDelayMs: 100,
  pollIntervalMs: 200,
} as const;

const MAX_RETRY_DELAY_MS = 5000;

/** File holding every shard's checkpoint for a stream. */
export function checkpointFile(stateDir: string, streamName: string): string {
  return join(stateDir, `checkpoints-${streamName}.json`);
}

/** A Kinesis event-source-mapping emulator; `drain()` for batch runs, `start()`/`stop()` for a service. */
export class KinesisPoller {
  private readonly settings: Required<PollerSettings>;
  private readonly clock: Clock;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly onFailure: OnFailureDestination;
  private readonly file: string;
  private readonly streamArn: string;
  private state: Record<string, ShardState>;
  private killed = false;
  private stopping = false;
  private loop: Promise<void> | undefined;

  constructor(private readonly options: PollerOptions) {
    this.settings = {
      batchSize: options.batchSize ?? DEFAULTS.batchSize,
      maximumBatchingWindowMs: options.maximumBatchingWindowMs ?? DEFAULTS.maximumBatchingWindowMs,
      bisectBatchOnFunctionError: options.bisectBatchOnFunctionError ?? DEFAULTS.bisectBatchOnFunctionError,
      maximumRetryAttempts: options.maximumRetryAttempts ?? DEFAULTS.maximumRetryAttempts,
      maximumRecordAgeMs: options.maximumRecordAgeMs ?? DEFAULTS.maximumRecordAgeMs,
      retryBaseDelayMs: options.retryBaseDelayMs ?? DEFAULTS.retryBaseDelayMs,
      pollIntervalMs: options.pollIntervalMs ?? DEFAULTS.pollIntervalMs,
    };
    this.clock = options.clock ?? systemClock;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.onFailure =
      options.onFailure ?? jsonlOnFailureDestination(join(options.stateDir, 'on-failure.jsonl'));
    this.file = checkpointFile(options.stateDir, options.streamName);
    this.streamArn = `arn:aws:kinesis:${options.region ?? 'eu-west-1'}:000000000000:stream/${options.streamName}`;
    mkdirSync(options.stateDir, { recursive: true });
    this.state = existsSync(this.file)
      ? (JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, ShardState>)
      : {};
  }

  /** The persisted checkpoint of each shard (last sequence number handled). */
  checkpoints(): Record<string, string | undefined> {
    return Object.fromEntries(Object.entries(this.state).map(([k, v]) => [k, v.checkpoint]));
  }

  /** Processes every shard until each is caught up with the stream's tip, then returns. */
  async drain(): Promise<void> {
    const shards = await this.listShards();
    await Promise.all(shards.map((s) => this.runShard(s, true)));
  }

  /** Polls every shard until stop(); a poll error ends the loop and is thrown by stop(). */
  start(): void {
    if (this.loop) return;
    this.loop = this.listShards().then(async (shards) => {
      await Promise.all(shards.map((s) => this.runShard(s, false)));
    });
    this.loop.catch(() => {}); // reported by stop(), not as an unhandled rejection
  }

  /** Finishes the batches in flight (a batch waiting to retry is left to the next start), then stops. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop;
    this.loop = undefined;
  }

  /**
   * Simulates a crash: from the next await on, the poller writes no checkpoint and invokes nothing.
   * Whatever the handler already wrote stays; a new poller on the same state directory picks up from there.
   */
  kill(): void {
    this.killed = true;
  }

  private alive(): void {
    if (this.killed) throw new PollerKilledError('poller killed');
  }

  private async listShards(): Promise<string[]> {
    const out: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.options.client.send(
        new ListShardsCommand(token ? { NextToken: token } : { StreamName: this.options.streamName }),
      );
      for (const s of page.Shards ?? []) if (s.ShardId) out.push(s.ShardId);
      token = page.NextToken;
    } while (token);
    return out.sort();
  }

  private save(shardId: string, patch: ShardState): void {
    this.alive();
    this.state = { ...this.state, [shardId]: patch };
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.state));
    renameSync(tmp, this.file);
  }

  private async iterator(shardId: string): Promise<string | undefined> {
    const checkpoint = this.state[shardId]?.checkpoint;
    const res = await this.options.client.send(
      new GetShardIteratorCommand({
        StreamName: this.options.streamName,
        ShardId: shardId,
        ...(checkpoint
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: checkpoint }
          : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    return res.ShardIterator;
  }

  private async runShard(shardId: string, untilCaughtUp: boolean): Promise<void> {
    let iterator = await this.iterator(shardId);
    const buffer: _Record[] = [];
    let bufferSince = 0;
    let caughtUp = false;
    const replay = this.state[shardId]?.inFlight;
    let replayTo = replay?.last;
    for (;;) {
      this.alive();
      // Stopping: the batch in flight has finished; buffered records are re-read from the checkpoint next time.
      if (this.stopping) return;
      const wantMore = replayTo
        ? !buffer.some((r) => r.SequenceNumber === replayTo)
        : buffer.length < this.settings.batchSize;
      if (wantMore && iterator) {
        const page = await this.options.client.send(
          new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }),
        );
        this.alive();
        iterator = page.NextShardIterator;
        const got = page.Records ?? [];
        if (got.length > 0 && buffer.length === 0) bufferSince = this.clock.now();
        buffer.push(...got);
        // A closed shard (no next iterator) has nothing more to give either.
        caughtUp = !iterator || (got.length === 0 && (page.MillisBehindLatest ?? 0) === 0);
        if (caughtUp && replayTo && !buffer.some((r) => r.SequenceNumber === replayTo)) {
          replayTo = undefined; // the batch in flight is gone from the stream (trimmed): batch normally
        }
      }
      let batch: _Record[] | undefined;
      if (replayTo) {
        const end = buffer.findIndex((r) => r.SequenceNumber === replayTo);
        if (end >= 0) {
          batch = buffer.splice(0, end + 1);
          replayTo = undefined;
        }
      } else if (buffer.length >= this.settings.batchSize) {
        batch = buffer.splice(0, this.settings.batchSize);
      } else if (
        buffer.length > 0 &&
        caughtUp &&
        (untilCaughtUp || this.clock.now() - bufferSince >= this.settings.maximumBatchingWindowMs)
      ) {
        batch = buffer.splice(0, buffer.length);
      }
      if (batch) {
        await this.deliver(shardId, batch);
        bufferSince = this.clock.now();
        continue;
      }
      if (caughtUp && buffer.length === 0 && untilCaughtUp) return;
      if (!iterator && buffer.length === 0) return; // shard closed and fully handled
      if (caughtUp) await this.sleep(this.settings.pollIntervalMs);
    }
  }

  private toEvent(shardId: string, records: readonly _Record[]): KinesisStreamEvent {
    const source = { streamArn: this.streamArn, region: this.options.region ?? 'eu-west-1' };
    return { Records: records.map((r) => lambdaRecordOf(shardId, r, source)) };
  }

  /** Invokes one batch with Lambda's failure handling; returns once every record is checkpointed. */
  private async deliver(shardId: string, records: _Record[]): Promise<void> {
    const queue: PendingBatch[] = [{ records, attempts: 0, invocations: 0 }];
    const s = this.settings;
    while (queue.length > 0) {
      const item = queue.shift() as PendingBatch;
      const first = item.records[0] as _Record;
      const last = item.records[item.records.length - 1] as _Record;
      const oldest = first.ApproximateArrivalTimestamp?.getTime() ?? this.clock.now();
      if (s.maximumRecordAgeMs >= 0 && this.clock.now() - oldest > s.maximumRecordAgeMs) {
        await this.sendToFailure(shardId, item, 'RecordAgeExceeded', 'None');
        continue;
      }
      this.save(shardId, {
        ...this.state[shardId],
        inFlight: { first: first.SequenceNumber ?? '', last: last.SequenceNumber ?? '' },
      });
      item.invocations += 1;
      let failedAt: number;
      let functionError = false;
      try {
        const response = await this.options.handler(this.toEvent(shardId, item.records));
        failedAt = lowestFailure(item.records, response);
      } catch {
        failedAt = 0;
        functionError = true;
      }
      this.alive();
      this.options.onInvoke?.({
        shardId,
        records: item.records.length,
        firstSequence: first.SequenceNumber ?? '',
        lastSequence: last.SequenceNumber ?? '',
        outcome: functionError ? 'error' : failedAt === -1 ? 'ok' : 'partial',
        attempt: item.attempts,
      });
      if (failedAt === -1) {
        this.save(shardId, { checkpoint: last.SequenceNumber ?? '' });
        continue;
      }
      if (failedAt > 0) {
        const done = item.records[failedAt - 1] as _Record;
        this.save(shardId, { checkpoint: done.SequenceNumber ?? '' });
      }
      const rest = item.records.slice(failedAt);
      if (functionError && s.bisectBatchOnFunctionError && rest.length > 1) {
        // Splitting does not count against the retry quota (as in Lambda).
        const half = Math.ceil(rest.length / 2);
        queue.unshift(
          { records: rest.slice(0, half), attempts: item.attempts, invocations: 0 },
          { records: rest.slice(half), attempts: item.attempts, invocations: 0 },
        );
        continue;
      }
      const retry: PendingBatch = {
        records: rest,
        attempts: item.attempts + 1,
        invocations: item.invocations,
      };
      if (s.maximumRetryAttempts >= 0 && retry.attempts > s.maximumRetryAttempts) {
        await this.sendToFailure(
          shardId,
          retry,
          'RetryAttemptsExhausted',
          functionError ? 'Unhandled' : 'PartialBatchFailure',
        );
        continue;
      }
      // Stopping mid-retry leaves the batch in flight persisted: the next start replays it.
      if (this.stopping) return;
      await this.sleep(Math.min(MAX_RETRY_DELAY_MS, s.retryBaseDelayMs * 2 ** (retry.attempts - 1)));
      queue.unshift(retry);
    }
  }

  private async sendToFailure(
    shardId: string,
    item: PendingBatch,
    condition: FailureCondition,
    functionError: OnFailureRecord['responseContext']['functionError'],
  ): Promise<void> {
    const first = item.records[0] as _Record;
    const last = item.records[item.records.length - 1] as _Record;
    const record: OnFailureRecord = {
      version: '1.0',
      timestamp: new Date(this.clock.now()).toISOString(),
      requestContext: { condition, approximateInvokeCount: item.invocations },
      responseContext: { functionError },
      KinesisBatchInfo: {
        shardId,
        startSequenceNumber: first.SequenceNumber ?? '',
        endSequenceNumber: last.SequenceNumber ?? '',
        approximateArrivalOfFirstRecord: (first.ApproximateArrivalTimestamp ?? new Date(0)).toISOString(),
        approximateArrivalOfLastRecord: (last.ApproximateArrivalTimestamp ?? new Date(0)).toISOString(),
        batchSize: item.records.length,
        streamArn: this.streamArn,
      },
    };
    this.alive();
    await this.onFailure.send(record);
    this.options.onFailureSent?.(record);
    this.save(shardId, { checkpoint: last.SequenceNumber ?? '' });
  }
}

/**
 * Index of the lowest record a response reports failed; -1 when none. As in Lambda, a failure naming no
 * record of the batch (empty, null, unknown id) fails the whole batch.
 */
export function lowestFailure(
  records: readonly _Record[],
  response: KinesisStreamBatchResponse | undefined,
): number {
  const failures = response?.batchItemFailures ?? [];
  if (failures.length === 0) return -1;
  let lowest = Number.POSITIVE_INFINITY;
  for (const f of failures) {
    const i = records.findIndex((r) => r.SequenceNumber === f.itemIdentifier);
    if (i < 0) return 0;
    lowest = Math.min(lowest, i);
  }
  return lowest;
}

/**
 * A record as GetRecords returns it, shaped as the Kinesis event source mapping hands it to Lambda
 * (base64 data, `shardId:sequence` event id, arrival time in seconds).
 */
export function lambdaRecordOf(
  shardId: string,
  r: _Record,
  source: { streamArn?: string; region?: string } = {},
): KinesisStreamRecord {
  return {
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${shardId}:${r.SequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::000000000000:role/worktrace-local',
    awsRegion: source.region ?? 'eu-west-1',
    eventSourceARN: source.streamArn ?? '',
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: r.PartitionKey ?? '',
      sequenceNumber: r.SequenceNumber ?? '',
      data: Buffer.from(r.Data ?? new Uint8Array()).toString('base64'),
      approximateArrivalTimestamp: (r.ApproximateArrivalTimestamp?.getTime() ?? 0) / 1000,
    },
  };
}
