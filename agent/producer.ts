/**
 * WorktraceProducer: what capture agents use to send events to the ingest stream.
 *
 *   const producer = await WorktraceProducer.open({ streamName, client, policy, spoolDir });
 *   producer.send(event);          // validate, on-device privacy, spool, queue
 *   await producer.flush();        // PutRecords until the queue is empty (retries, backoff)
 *   await producer.close();
 *
 * Batching follows the Kinesis limits (≤ 500 records and ≤ 5 MiB per PutRecords call, ≤ 1 MiB per record)
 * with KPL aggregation by default (aws-kinesis-agg; the redact Lambda de-aggregates). The partition key is
 * the capture session, and each call carries at most one record per partition key, so resending only the
 * failed entries of a partial failure never reorders a session. The caller passes the Kinesis client (an
 * emulator endpoint, credentials and tracing are the caller's business): the agent imports only `core/`.
 */
import { type KinesisClient, PutRecordsCommand, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import agg from 'aws-kinesis-agg';
import type { WorktraceEvent } from '#core/contract/event-contract.js';
import { validateEvent } from '#core/contract/validate.js';
import { ERROR_CODES, WorktraceError } from '#core/errors.js';
import type { Policy } from '#core/redact/policy.js';
import { type CoalesceOptions, type DeviceDropReason, DevicePrivacy } from './privacy.js';
import { Spool } from './spool.js';

/** Kinesis PutRecords limits. */
export const KINESIS_LIMITS = {
  recordsPerCall: 500,
  bytesPerCall: 5 * 1024 * 1024,
  bytesPerRecord: 1024 * 1024,
} as const;

/** Producer options; streamName, client, policy and spoolDir are required. */
export interface ProducerOptions {
  readonly streamName: string;
  /** The Kinesis client to send with (e.g. `kinesisClient({ endpoint })`; tests wrap one to inject failures). */
  readonly client: Pick<KinesisClient, 'send'>;
  readonly policy: Policy;
  /** Directory of the spool file (created 0700). */
  readonly spoolDir: string;
  /** KPL-aggregate the events of a session into one record. @default true */
  readonly aggregate?: boolean;
  /** Attempts per flush before it gives up (events stay spooled). @default 10 */
  readonly maxAttempts?: number;
  /** First backoff, ms; doubles per failed attempt, full jitter. @default 100 */
  readonly backoffBaseMs?: number;
  /** Backoff cap, ms. @default 5000 */
  readonly backoffCapMs?: number;
  /** Kinesis records per second at most (0 = unlimited). @default 0 */
  readonly maxRecordsPerSecond?: number;
  /** Spool size bound, bytes. @default 256 MiB */
  readonly maxSpoolBytes?: number;
  /** Typing-run coalescing. */
  readonly coalesce?: CoalesceOptions;
  /** Sleep and clock, replaceable in tests. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly now?: () => number;
}

/** What the producer has done so far. */
export interface ProducerCounters {
  /** Events acknowledged by Kinesis. */
  sent: number;
  /** Kinesis records acknowledged (one aggregated record holds many events). */
  records: number;
  /** Bytes of record data acknowledged. */
  bytes: number;
  /** Entries resent after a partial or total PutRecords failure. */
  retried: number;
  /** Events written to the spool. */
  spooled: number;
  /** Events found in the spool at start and queued again. */
  respooled: number;
  /** Events rejected by the contract (never sent; the caller gets the issues). */
  invalid: number;
  /** Events (or typed keys) kept on the device, per reason. */
  droppedByPolicy: Record<DeviceDropReason, number>;
}

/** The outcome of one `send`. */
export type SendOutcome =
  | { readonly status: 'queued'; readonly events: number }
  | { readonly status: 'invalid'; readonly issues: readonly { path: string; message: string }[] };

/** A flush gave up after maxAttempts; the events stay in the spool and are sent on the next flush or start. */
export class FlushError extends WorktraceError {
  override readonly name = 'FlushError';
  readonly code = ERROR_CODES.flush;
}

interface Pending {
  readonly pk: string;
  readonly data: Buffer;
}

interface Entry {
  readonly pk: string;
  readonly data: Buffer;
  readonly events: number;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Sends events to Kinesis with on-device privacy, batching, aggregation, retries and a spool. */
export class WorktraceProducer {
  readonly counters: ProducerCounters;
  private readonly privacy: DevicePrivacy;
  private readonly spool: Spool;
  private readonly client: Pick<KinesisClient, 'send'>;
  /** Per partition key, events waiting in send order. */
  private readonly queue = new Map<string, Pending[]>();
  private queued = 0;
  private tokens: number;
  private lastRefill: number;
  private closed = false;

  private constructor(private readonly opts: ProducerOptions) {
    this.privacy = new DevicePrivacy(opts.policy, opts.coalesce);
    this.spool = new Spool(opts.spoolDir, opts.maxSpoolBytes ?? 256 * 1024 * 1024);
    this.client = opts.client;
    this.counters = {
      sent: 0,
      records: 0,
      bytes: 0,
      retried: 0,
      spooled: 0,
      respooled: 0,
      invalid: 0,
      droppedByPolicy: this.privacy.dropped,
    };
    this.tokens = opts.maxRecordsPerSecond ?? 0;
    this.lastRefill = this.now();
  }

  /** Opens a producer; events left in the spool by an earlier process are queued again. */
  static async open(opts: ProducerOptions): Promise<WorktraceProducer> {
    const p = new WorktraceProducer(opts);
    for (const line of p.spool.pending()) {
      try {
        const e = JSON.parse(line) as { sessionId?: unknown };
        if (typeof e.sessionId !== 'string') continue;
        p.enqueue(e.sessionId, Buffer.from(line, 'utf8'));
        p.counters.respooled += 1;
      } catch {
        // a line that does not parse was torn by a crash mid-write; its event was never acknowledged
      }
    }
    return p;
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  private enqueue(pk: string, data: Buffer): void {
    let list = this.queue.get(pk);
    if (!list) {
      list = [];
      this.queue.set(pk, list);
    }
    list.push({ pk, data });
    this.queued += 1;
  }

  /** Events queued and not yet acknowledged. */
  get pending(): number {
    return this.queued;
  }

  /**
   * Validates one event and passes it through on-device privacy; what may leave is spooled and queued.
   * Throws SpoolFullError when the spool bound is reached (flush first).
   */
  send(event: unknown): SendOutcome {
    if (this.closed) throw new Error('producer is closed');
    const v = validateEvent(event);
    if (!v.ok) {
      this.counters.invalid += 1;
      return { status: 'invalid', issues: v.issues };
    }
    const out = this.privacy.accept(v.event);
    this.admit(out);
    return { status: 'queued', events: out.length };
  }

  private admit(events: readonly WorktraceEvent[]): void {
    for (const e of events) {
      const line = JSON.stringify(e);
      this.spool.append(line);
      this.counters.spooled += 1;
      this.enqueue(e.sessionId, Buffer.from(line, 'utf8'));
    }
  }

  /** Builds one PutRecords call: at most one record per partition key, within the call limits. */
  private nextBatch(): { entries: Entry[]; taken: Map<string, number> } {
    const entries: Entry[] = [];
    const taken = new Map<string, number>();
    let bytes = 0;
    const aggregate = this.opts.aggregate ?? true;
    for (const [pk, list] of this.queue) {
      if (entries.length >= KINESIS_LIMITS.recordsPerCall) break;
      if (list.length === 0) continue;
      const pkBytes = Buffer.byteLength(pk);
      let entry: Entry;
      let count: number;
      if (aggregate) {
        const aggregator = new agg.RecordAggregator();
        count = 0;
        for (const p of list) {
          const record = { partitionKey: pk, data: p.data };
          if (count > 0 && !aggregator.checkIfUserRecordFits(record)) break;
          aggregator.addUserRecord(record);
          count += 1;
        }
        const built = aggregator.build() as { data: Buffer };
        entry = { pk, data: built.data, events: count };
      } else {
        count = 1;
        entry = { pk, data: (list[0] as Pending).data, events: 1 };
      }
      if (bytes + entry.data.byteLength + pkBytes > KINESIS_LIMITS.bytesPerCall) break;
      bytes += entry.data.byteLength + pkBytes;
      entries.push(entry);
      taken.set(pk, count);
    }
    return { entries, taken };
  }

  private async rateLimit(records: number): Promise<void> {
    const rate = this.opts.maxRecordsPerSecond ?? 0;
    if (rate <= 0) return;
    for (;;) {
      const now = this.now();
      this.tokens = Math.min(rate, this.tokens + ((now - this.lastRefill) / 1000) * rate);
      this.lastRefill = now;
      if (this.tokens >= records || this.tokens >= rate) {
        this.tokens -= records;
        return;
      }
      await (this.opts.sleep ?? defaultSleep)(Math.ceil(((records - this.tokens) / rate) * 1000));
    }
  }

  /**
   * Sends everything queued (closing typing runs idle at `now`). Resends only failed entries, with
   * exponential backoff, full jitter and a cap; fsyncs the spool first and empties it once all is sent.
   */
  async flush(): Promise<void> {
    this.admit(this.privacy.drain(this.now()));
    this.spool.sync();
    const maxAttempts = this.opts.maxAttempts ?? 10;
    const base = this.opts.backoffBaseMs ?? 100;
    const cap = this.opts.backoffCapMs ?? 5000;
    const sleep = this.opts.sleep ?? defaultSleep;
    const random = this.opts.random ?? Math.random;
    let failures = 0;
    while (this.queued > 0) {
      const { entries, taken } = this.nextBatch();
      await this.rateLimit(entries.length);
      let results: ({ ok: true } | { ok: false })[];
      try {
        const res = await this.client.send(
          new PutRecordsCommand({
            StreamName: this.opts.streamName,
            Records: entries.map((e): PutRecordsRequestEntry => ({ PartitionKey: e.pk, Data: e.data })),
          }),
        );
        results = (res.Records ?? []).map((r) => (r.ErrorCode ? { ok: false } : { ok: true }));
        if (results.length !== entries.length) results = entries.map(() => ({ ok: false }));
      } catch {
        results = entries.map(() => ({ ok: false }));
      }
      let failed = 0;
      entries.forEach((entry, i) => {
        if (results[i]?.ok) {
          const n = taken.get(entry.pk) ?? 0;
          (this.queue.get(entry.pk) as Pending[]).splice(0, n);
          this.queued -= n;
          this.counters.sent += n;
          this.counters.records += 1;
          this.counters.bytes += entry.data.byteLength;
        } else {
          failed += 1;
          this.counters.retried += 1;
        }
      });
      for (const [pk, list] of this.queue) if (list.length === 0) this.queue.delete(pk);
      if (failed === 0) {
        failures = 0;
        continue;
      }
      failures += 1;
      if (failures >= maxAttempts) {
        throw new FlushError(
          `${this.queued} events not acknowledged after ${maxAttempts} attempts; they stay spooled`,
        );
      }
      await sleep(Math.floor(random() * Math.min(cap, base * 2 ** (failures - 1))));
    }
    this.spool.clear();
  }

  /** Closes open typing runs, flushes, and closes the spool. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.admit(this.privacy.drainAll());
    try {
      await this.flush();
    } finally {
      this.closed = true;
      this.spool.close();
    }
  }

  /** Abandons the producer without flushing (what a crash leaves behind; tests use it). */
  abandon(): void {
    this.closed = true;
    this.spool.close();
  }
}
