/**
 * The embedded runtime behind `worktrace local`: kinesalite and s3rver in child processes on loopback, the stream
 * and zone buckets the stack would create, the agent simulator sent through the agent SDK, the event-source-mapping
 * poller invoking the real redact handler, the sequencer on a simulated clock, and DuckDB over the lake.
 */
import { accessSync, constants, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { GetRecordsCommand, GetShardIteratorCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { kinesisClient, s3Client } from '#adapters/aws-clients.js';
import { LocalLake } from '#adapters/duckdb-lake.js';
import { toSourceRecords } from '#adapters/kinesis-records.js';
import { defaultKeyFile, LocalKeyFileProvider } from '#adapters/local-key-provider.js';
import { S3ObjectStore } from '#adapters/s3-object-store.js';
import { parseEvent } from '#core/contract/validate.js';
import { ERROR_CODES, WorktraceError } from '#core/errors.js';
import { episodeOf } from '#core/export/rows.js';
import { defaultBucketName, ZONES, type Zone } from '#core/lake/schema.js';
import { type KeyProvider, type ObjectStore, staticOptOutRegistry } from '#core/ports.js';
import type { Policy } from '#core/redact/policy.js';
import { Pseudonymizer } from '#core/redact/pseudonym.js';
import { type DropReason, emptyCounts } from '#core/redact/transform.js';
import { EPISODE_DEFAULTS } from '#core/sequence/episodes.js';
import { runDueWindows } from '#core/sequence/runs.js';
import { type WindowResult, writeWatermark } from '#core/sequence/sequencer.js';
import { SEQUENCE_SHARDS_DEFAULT } from '#core/sequence/shards.js';
import type { ViewParams } from '#core/views/dialect.js';
import { VIEWS } from '#core/views/registry.js';
import { WorktraceProducer } from '../agent/producer.js';
import { type BatchReport, createRedactHandler } from '../lambdas/redact/app.js';
import type { WorktraceConfig } from '../lib/config.js';
import { defaultStreamName, LOCAL_ENV } from './cli-env.js';
import {
  createActiveStream,
  EMULATOR_CREDENTIALS,
  type RunningEmulator,
  startKinesisEmulator,
  startS3Emulator,
} from './emulators.js';
import {
  type KinesisHandler,
  KinesisPoller,
  lambdaRecordOf,
  PollerKilledError,
  type PollerSettings,
  readOnFailureRecords,
} from './poller.js';
import type { DatasheetStats } from './report.js';
import { type SequenceWorkerJob, SequenceWorkerPool } from './sequence-workers.js';
import { publishedEpisodeSql, type ViewerEpisode } from './viewer.js';
import type { WorkloadSource } from './workload.js';

/** A local stack that could not start; the message is one line naming the cause. */
export class LocalStartError extends WorktraceError {
  override readonly name = 'LocalStartError';
  readonly code = ERROR_CODES.localStart;
}

/** Options of the embedded stack. */
export interface LocalStackOptions {
  /** Data directory (emulator data, checkpoints, key, cache, report). */
  readonly dataDir: string;
  /** @default local */
  readonly stage?: string;
  /** 0 = a free port. @default 0 */
  readonly kinesisPort?: number;
  /** 0 = a free port. @default 0 */
  readonly s3Port?: number;
  /** @default 2 */
  readonly shards?: number;
  /** Remove the previous run's emulator data and checkpoints first (the key file stays). @default true */
  readonly fresh?: boolean;
}

/** A running embedded stack. */
export interface LocalStack {
  readonly dataDir: string;
  readonly stage: string;
  readonly streamName: string;
  readonly buckets: Record<Zone, string>;
  readonly kinesis: RunningEmulator;
  readonly s3: RunningEmulator;
  readonly kinesisClient: KinesisClient;
  readonly s3Client: S3Client;
  readonly stores: Record<Zone, ObjectStore>;
  /** Environment that points the CLI and any AWS SDK client at this stack. */
  readonly env: Record<string, string>;
  stop(): Promise<void>;
}

function checkWritable(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    const probe = join(dir, '.write-probe');
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new LocalStartError(`data dir ${dir} is not writable (${code})`);
  }
}

/** Fails when something already listens on the port (s3rver reports that as an unhandled event). */
function assertPortFree(port: number): Promise<void> {
  if (port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

async function startOrExplain(what: string, port: number, start: () => Promise<RunningEmulator>) {
  try {
    await assertPortFree(port);
    return await start();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') throw new LocalStartError(`${what} port ${port} is already in use`);
    if (e.code === 'EACCES' && port > 0) throw new LocalStartError(`${what} port ${port} is not allowed`);
    throw new LocalStartError(`${what} failed to start: ${e.message.split('\n')[0]}`);
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Claims the data dir for this process (a second stack on it would wipe the first one's data). */
function lockDataDir(dataDir: string): () => void {
  const lock = join(dataDir, 'local.lock');
  if (existsSync(lock)) {
    const pid = Number(readFileSync(lock, 'utf8').trim());
    if (Number.isInteger(pid) && pid !== process.pid && processAlive(pid)) {
      throw new LocalStartError(`data dir ${dataDir} is in use by another worktrace local (pid ${pid})`);
    }
  }
  writeFileSync(lock, String(process.pid));
  return () => rmSync(lock, { force: true });
}

/** Starts kinesalite and s3rver on loopback, creates the stream and the zone buckets. */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const dataDir = resolve(options.dataDir);
  const stage = options.stage ?? 'local';
  checkWritable(dataDir);
  const unlock = lockDataDir(dataDir);
  try {
    return await startLocked(options, dataDir, stage, unlock);
  } catch (err) {
    unlock();
    throw err;
  }
}

async function startLocked(
  options: LocalStackOptions,
  dataDir: string,
  stage: string,
  unlock: () => void,
): Promise<LocalStack> {
  const emulatorDir = join(dataDir, 'emulators');
  if (options.fresh ?? true) {
    rmSync(emulatorDir, { recursive: true, force: true });
    rmSync(join(dataDir, 'poller'), { recursive: true, force: true });
  }
  const buckets = Object.fromEntries(ZONES.map((z) => [z, defaultBucketName(stage, z)])) as Record<
    Zone,
    string
  >;
  const kinesisPort = options.kinesisPort ?? 0;
  const s3Port = options.s3Port ?? 0;
  const kinesis = await startOrExplain('Kinesis emulator', kinesisPort, () =>
    startKinesisEmulator({ dir: join(emulatorDir, 'kinesis'), port: kinesisPort }),
  );
  let s3: RunningEmulator;
  try {
    s3 = await startOrExplain('S3 emulator', s3Port, () =>
      startS3Emulator({ dir: join(emulatorDir, 's3'), port: s3Port, buckets: Object.values(buckets) }),
    );
  } catch (err) {
    await kinesis.stop();
    throw err;
  }
  const target = { credentials: EMULATOR_CREDENTIALS };
  const kc = kinesisClient({ ...target, endpoint: kinesis.endpoint });
  const sc = s3Client({ ...target, endpoint: s3.endpoint });
  const streamName = defaultStreamName(stage);
  const stop = async () => {
    kc.destroy();
    sc.destroy();
    // allSettled: a test may have stopped (and replaced) an emulator already.
    await Promise.allSettled([kinesis.stop(), s3.stop()]);
    unlock();
  };
  try {
    await createActiveStream(kc, streamName, options.shards ?? 2);
    for (const bucket of Object.values(buckets)) {
      await sc.send(new CreateBucketCommand({ Bucket: bucket })).catch((err: Error) => {
        if (err.name !== 'BucketAlreadyOwnedByYou' && err.name !== 'BucketAlreadyExists') throw err;
      });
    }
  } catch (err) {
    await stop();
    throw new LocalStartError(`creating the stream and buckets failed: ${(err as Error).message}`);
  }
  const stores = Object.fromEntries(
    ZONES.map((z) => [z, new S3ObjectStore(sc, buckets[z])]),
  ) as unknown as Record<Zone, ObjectStore>;
  const env = {
    [LOCAL_ENV.s3Endpoint]: s3.endpoint,
    [LOCAL_ENV.kinesisEndpoint]: kinesis.endpoint,
    [LOCAL_ENV.stage]: stage,
    [LOCAL_ENV.dataDir]: dataDir,
    AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
    AWS_REGION: process.env.AWS_REGION ?? 'eu-west-1',
  };
  return {
    dataDir,
    stage,
    streamName,
    buckets,
    kinesis,
    s3,
    kinesisClient: kc,
    s3Client: sc,
    stores,
    env,
    stop,
  };
}

/** Where time and CPU went, per pipeline stage. */
export interface StageCost {
  wallMs: number;
  cpuMs: number;
}

/** Everything a run measured (counts only, no content except scrubbed sample rows). */
export interface LocalRunStats extends DatasheetStats {
  readonly dropped: Record<DropReason, number>;
  readonly stages: Record<'produce' | 'redact' | 'sequence' | 'query', StageCost>;
  /** Times the poller died and a new one resumed from the checkpoints. */
  readonly pollerRestarts: number;
  /** A local run always picks sample episodes (up to 3) for the viewer pages beside the report. */
  readonly sampleEpisodes: readonly ViewerEpisode[];
}

/** Progress after each simulated minute. */
export interface RunProgress {
  readonly minute: number;
  readonly minutes: number;
  readonly sent: number;
  readonly written: number;
  readonly quarantined: number;
  readonly dropped: number;
  readonly episodes: number;
}

/** Sends events to the stream: the agent SDK's producer, or a stand-in in tests. */
export interface EventProducer {
  /** Sends the events and resolves once Kinesis acknowledged them. */
  send(events: readonly object[]): Promise<void>;
  /** Flushes what the device still holds (open typing runs) and closes. */
  close(): Promise<void>;
  /** Events acknowledged by the stream, and what stayed on the device. */
  counters(): DeviceCounters;
}

/** What the capture side did. */
export interface DeviceCounters {
  readonly sent: number;
  readonly invalid: number;
  readonly droppedOnDevice: Record<string, number>;
}

/** The agent SDK's WorktraceProducer (on-device privacy, coalescing, KPL aggregation, spool) on the stack. */
export async function agentProducer(stack: LocalStack, policy: Policy): Promise<EventProducer> {
  const producer = await WorktraceProducer.open({
    streamName: stack.streamName,
    policy,
    spoolDir: join(stack.dataDir, 'spool'),
    client: stack.kinesisClient,
  });
  return {
    send: async (events) => {
      for (const e of events) producer.send(e);
      await producer.flush();
    },
    close: () => producer.close(),
    counters: () => ({
      sent: producer.counters.sent,
      invalid: producer.counters.invalid,
      droppedOnDevice: { ...producer.counters.droppedByPolicy },
    }),
  };
}

/** Options of one pipeline run. */
export interface RunOptions {
  readonly workload: WorkloadSource;
  /** @default agentProducer on the stack's stream, with the same policy */
  readonly producer?: EventProducer;
  /** Raw user ids opted out in the server-side registry only (the devices do not know yet). */
  readonly serverOptOutUsers?: readonly string[];
  readonly users: number;
  readonly minutes: number;
  /** Simulated start, epoch ms. */
  readonly startMs: number;
  readonly policy: Policy;
  /** @default the local key file under the data dir */
  readonly keyProvider?: KeyProvider;
  /** Sequencer settings. @default the stack's defaults (15 min windows, 10 min late arrival, 6 h look-back) */
  readonly sequencer?: SequencerSettings;
  readonly poller?: PollerSettings;
  /** Parameters of the training-set views (k-anonymity, minimum steps...). @default DEFAULT_VIEW_PARAMS */
  readonly viewParams?: ViewParams;
  /** Wraps the redact handler (fault injection); `control.killPoller()` crashes the poller mid-batch. */
  readonly wrapHandler?: (handler: KinesisHandler, control: { killPoller(): void }) => KinesisHandler;
  /** Called after each simulated minute. */
  readonly onProgress?: (p: RunProgress) => void;
}

/** How the local sequencer runs (the sequence function's settings). */
export interface SequencerSettings {
  readonly windowMinutes?: number;
  readonly lateArrivalMs?: number;
  readonly lookBackMs?: number;
  readonly maxEpisodeMs?: number;
  /** Sequence shards of the events zone (where the redact function writes each session's events). @default 4 */
  readonly sequenceShards?: number;
  /**
   * Worker threads that run the shard jobs (`SequenceWorkerPool`), as the state machine's map runs
   * invocations side by side; 0 runs them in this thread, two at a time. @default 0
   */
  readonly workers?: number;
}

/** The deployment settings local mode mirrors: the event source mapping and the sequencer. */
export function settingsFromConfig(config: WorktraceConfig): {
  poller: PollerSettings;
  sequencer: SequencerSettings;
  viewParams: ViewParams;
  shards: number;
} {
  return {
    viewParams: {
      k: config.kAnonymity,
      minSteps: config.viewMinSteps,
      retentionDays: config.curatedRetentionDays,
      contextSteps: config.sftContextSteps,
    },
    poller: {
      batchSize: config.redactBatchSize,
      maximumBatchingWindowMs: config.redactBatchWindowSeconds * 1000,
      maximumRecordAgeMs: config.redactMaxRecordAgeSeconds * 1000,
      maximumRetryAttempts: config.redactRetryAttempts,
      bisectBatchOnFunctionError: true,
    },
    sequencer: {
      windowMinutes: config.sequenceWindowMinutes,
      lateArrivalMs: config.sequenceLateArrivalMinutes * 60_000,
      lookBackMs: config.sequenceLookBackMinutes * 60_000,
      maxEpisodeMs: config.sequenceMaxEpisodeMinutes * 60_000,
      sequenceShards: config.sequenceShards,
    },
    shards: config.streamShards,
  };
}

function zeroDropped(): Record<DropReason, number> {
  return emptyCounts().dropped;
}

async function measure<T>(cost: { wallMs: number; cpuMs: number }, fn: () => Promise<T>): Promise<T> {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  try {
    return await fn();
  } finally {
    const used = process.cpuUsage(cpu);
    cost.wallMs += performance.now() - wall;
    cost.cpuMs += (used.user + used.system) / 1000;
  }
}

/** Runs the whole pipeline once over a workload on a running stack; returns what it measured. */
export async function runLocalPipeline(stack: LocalStack, options: RunOptions): Promise<LocalRunStats> {
  const started = performance.now();
  const stages: LocalRunStats['stages'] = {
    produce: { wallMs: 0, cpuMs: 0 },
    redact: { wallMs: 0, cpuMs: 0 },
    sequence: { wallMs: 0, cpuMs: 0 },
    query: { wallMs: 0, cpuMs: 0 },
  };
  const keyProvider = options.keyProvider ?? new LocalKeyFileProvider(defaultKeyFile(stack.dataDir));
  const totals = { written: 0, coalesced: 0, quarantined: 0, late: 0, dropped: zeroDropped() };
  const findings: Record<string, number> = {};
  let minuteFindings = 0;
  const pseudonymizer = new Pseudonymizer(await keyProvider.getKey());
  const handler = createRedactHandler({
    stores: { events: stack.stores.events, quarantine: stack.stores.quarantine },
    keyProvider,
    policy: options.policy,
    optOuts: staticOptOutRegistry((options.serverOptOutUsers ?? []).map((u) => pseudonymizer.of('user', u))),
    sequenceShards: options.sequencer?.sequenceShards,
    lateEvents: {
      curated: stack.stores.curated,
      windowMinutes: options.sequencer?.windowMinutes ?? 15,
      lateArrivalMs: options.sequencer?.lateArrivalMs ?? 10 * 60_000,
    },
    onBatch: (r: BatchReport) => {
      if (r.failed) return;
      totals.written += r.counts.written;
      totals.coalesced += r.counts.coalesced;
      totals.quarantined += r.counts.quarantined;
      totals.late += r.lateEvents;
      for (const [k, n] of Object.entries(r.counts.dropped)) totals.dropped[k as DropReason] += n;
      for (const [k, n] of Object.entries(r.findings)) {
        findings[k] = (findings[k] ?? 0) + n;
        minuteFindings += n;
      }
    },
  });
  const invoke: KinesisHandler = async (event) => handler(event);
  const stateDir = join(stack.dataDir, 'poller');
  // The poller stands for the event source mapping, a process apart from the function: when it dies, a
  // new one resumes from the persisted checkpoints while the function (and its session state) lives on.
  const newPoller = () =>
    new KinesisPoller({
      client: stack.kinesisClient,
      streamName: stack.streamName,
      handler: wrapped,
      stateDir,
      retryBaseDelayMs: 50,
      ...options.poller,
    });
  const control = { killPoller: () => poller.kill() };
  const wrapped = options.wrapHandler ? options.wrapHandler(invoke, control) : invoke;
  let poller = newPoller();
  let pollerRestarts = 0;
  const drain = async () => {
    for (;;) {
      try {
        return await poller.drain();
      } catch (err) {
        if (!(err instanceof PollerKilledError)) throw err;
        pollerRestarts += 1;
        poller = newPoller();
      }
    }
  };
  const windowMinutes = options.sequencer?.windowMinutes ?? 15;
  const sequenceShards = options.sequencer?.sequenceShards ?? SEQUENCE_SHARDS_DEFAULT;
  const maxEpisodeMs = options.sequencer?.maxEpisodeMs;
  const windowMs = windowMinutes * 60_000;
  await writeWatermark(stack.stores.curated, Math.floor(options.startMs / windowMs) * windowMs);
  const windows: WindowResult[] = [];
  const workers = options.sequencer?.workers ?? 0;
  const pool =
    workers > 0
      ? new SequenceWorkerPool(
          {
            endpoint: stack.s3.endpoint,
            credentials: EMULATOR_CREDENTIALS,
            eventsBucket: stack.buckets.events,
            curatedBucket: stack.buckets.curated,
          },
          workers,
          // A job holds its shard's window plus the allowance: about 3.3 events a user-second of 1.2 kB
          // decoded each, over 25 minutes, split over the shards; four times that leaves the collector room.
          Math.max(256, Math.ceil((4 * options.users * 3.3 * 1_500 * 1.2) / 1024 / sequenceShards)),
        )
      : undefined;
  const run = (now: number) =>
    runDueWindows({
      ...(pool ? { runJob: (job: SequenceWorkerJob) => pool.run(job) } : {}),
      eventsStore: stack.stores.events,
      curatedStore: stack.stores.curated,
      now,
      windowMinutes,
      lateArrivalMs: options.sequencer?.lateArrivalMs ?? 10 * 60_000,
      ...(options.sequencer?.lookBackMs !== undefined ? { lookBackMs: options.sequencer.lookBackMs } : {}),
      ...(maxEpisodeMs !== undefined ? { episodes: { maxDurationMs: maxEpisodeMs } } : {}),
      maxWindows: 96,
      // One job per shard, as the sequencing state machine's map runs them; two at a time, so that one
      // job's reads overlap another's work without holding every shard's window in memory at once.
      shards: sequenceShards,
      concurrency: pool ? pool.size : Math.min(2, sequenceShards),
      onWindow: (w) => windows.push(w),
    });
  // With worker threads, a run goes on while the next minutes are produced and redacted (a closed window's
  // events have all landed, so later batches never touch it), as the scheduled state machine runs beside
  // ingestion; the next run waits for it. The sequence stage's wall time is then the time spent waiting.
  let inflight: Promise<unknown> = Promise.resolve();
  const sequence = async (now: number, wait = !pool): Promise<void> => {
    await measure(stages.sequence, () => inflight);
    const next = run(now);
    // Its failure is thrown where it is awaited (the next run, or the last); never unhandled meanwhile.
    next.catch(() => undefined);
    inflight = next;
    if (wait) await measure(stages.sequence, () => inflight);
  };
  const producer = options.producer ?? (await agentProducer(stack, options.policy));
  const perMinute: DatasheetStats['perMinute'][number][] = [];
  let sent = 0;
  for (let m = 0; m < options.minutes; m += 1) {
    const events = options.workload.minute(m);
    // The last minute also flushes what the devices still hold (open typing runs).
    await measure(stages.produce, () =>
      m === options.minutes - 1 ? producer.send(events).then(() => producer.close()) : producer.send(events),
    );
    const before = sent;
    sent = producer.counters().sent;
    minuteFindings = 0;
    await measure(stages.redact, drain);
    perMinute.push({ minute: m, sent: sent - before, findings: minuteFindings });
    await sequence(options.startMs + (m + 1) * 60_000);
    options.onProgress?.({
      minute: m + 1,
      minutes: options.minutes,
      sent,
      written: totals.written + totals.coalesced,
      quarantined: totals.quarantined,
      dropped: Object.values(totals.dropped).reduce((a, b) => a + b, 0),
      episodes: windows.reduce((n, w) => n + w.episodes, 0),
    });
  }
  // The clock runs on until every session has ended: its last row lies the idle time (the look-ahead)
  // before a closed window's horizon, whose window closes once the allowance has passed.
  const lateMs = options.sequencer?.lateArrivalMs ?? 10 * 60_000;
  const idleMs = (maxEpisodeMs ?? EPISODE_DEFAULTS.maxDurationMs) + 60_000;
  try {
    await sequence(options.startMs + options.minutes * 60_000 + idleMs + 2 * lateMs + 2 * windowMs, true);
  } finally {
    await pool?.close();
  }
  const onFailure = (await onFailureEventIds(stack)).length;
  const device = producer.counters();
  const lake = await measure(stages.query, () => queryLake(stack, options.viewParams));
  const key = await keyProvider.getKey();
  return {
    stage: stack.stage,
    startedAt: new Date(options.startMs).toISOString(),
    durationMs: Math.round(performance.now() - started),
    users: options.users,
    minutes: options.minutes,
    policyVersion: options.policy.version,
    keyVersion: key.version,
    generated: options.workload.events,
    invalidOnDevice: device.invalid,
    droppedOnDevice: device.droppedOnDevice,
    sent,
    written: totals.written,
    coalesced: totals.coalesced,
    quarantined: totals.quarantined,
    dropped: totals.dropped,
    onFailure,
    findings,
    windows: new Set(windows.map((w) => w.from)).size,
    sequenceShards,
    lateEvents: totals.late,
    actions: lake.actions,
    episodes: lake.episodes,
    actionTypes: lake.actionTypes,
    perMinute,
    stages,
    samples: lake.samples,
    sampleEpisodes: lake.sampleEpisodes,
    views: lake.views,
    pollerRestarts,
  };
}

/**
 * Event ids of the records the poller sent to the on-failure destination. The destination holds sequence
 * numbers only (as in AWS); the records are read back from the stream and de-aggregated.
 */
export async function onFailureEventIds(stack: LocalStack): Promise<string[]> {
  const ids: string[] = [];
  for (const f of readOnFailureRecords(join(stack.dataDir, 'poller', 'on-failure.jsonl'))) {
    const info = f.KinesisBatchInfo;
    const it = await stack.kinesisClient.send(
      new GetShardIteratorCommand({
        StreamName: stack.streamName,
        ShardId: info.shardId,
        ShardIteratorType: 'AT_SEQUENCE_NUMBER',
        StartingSequenceNumber: info.startSequenceNumber,
      }),
    );
    const page = await stack.kinesisClient.send(
      new GetRecordsCommand({ ShardIterator: it.ShardIterator, Limit: info.batchSize }),
    );
    for (const r of page.Records ?? []) {
      for (const source of toSourceRecords(lambdaRecordOf(info.shardId, r))) {
        const parsed = parseEvent(source.data);
        ids.push(parsed.ok ? parsed.event.eventId : `unparseable:${source.sequenceNumber}`);
      }
    }
  }
  return ids;
}

/** Opens the lake on DuckDB with the registered views; counts the curated tables and every view. */
async function queryLake(
  stack: LocalStack,
  params: ViewParams | undefined,
): Promise<{
  actions: number;
  episodes: number;
  actionTypes: Record<string, number>;
  views: Record<string, number>;
  samples: Record<string, unknown>[];
  sampleEpisodes: ViewerEpisode[];
}> {
  const lake = await LocalLake.open({
    stores: stack.stores,
    cacheDir: join(stack.dataDir, 'cache', 'lake'),
    ...(params ? { params } : {}),
  });
  try {
    const count = async (from: string) =>
      Number((await lake.query(`select count(*)::integer as n from ${from}`)).rows[0]?.n ?? 0);
    const actionTypes: Record<string, number> = {};
    for (const row of (
      await lake.query('select action_type, count(*)::integer as n from actions group by 1 order by 2 desc')
    ).rows) {
      actionTypes[String(row.action_type)] = Number(row.n);
    }
    const views: Record<string, number> = {};
    for (const view of VIEWS) views[view.id] = await count(view.id);
    // Three training pairs from different episodes, late enough in each to carry context.
    const samples = (
      await lake.query(
        `select episode_id, step_index, context, next_action from (
           select *, row_number() over (partition by episode_id order by step_index desc) as r
             from sft_examples where context <> '') where r = 1 order by episode_id limit 3`,
      )
    ).rows;
    // Episodes for the viewer pages, as the views publish them: the longest with an error recovery, then
    // the two longest without one.
    const sampleEpisodes = [
      ...(await lake.query(publishedEpisodeSql('t.error_recovery', 1))).rows,
      ...(await lake.query(publishedEpisodeSql('NOT t.error_recovery', 2))).rows,
    ].map(episodeOf);
    return {
      actions: await count('actions'),
      episodes: await count('episodes'),
      actionTypes,
      views,
      samples,
      sampleEpisodes,
    };
  } finally {
    lake.close();
  }
}
