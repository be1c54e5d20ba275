/**
 * Drives one fuzzer scenario through everything that writes, logs or prints: the redact handler (middy and
 * Powertools telemetry included) under retries, failed writes, redeliveries and fresh containers; the
 * sequence handler; the training views on DuckDB; `worktrace validate`. Then scans every byte: every object
 * ever put in a zone (Parquet decoded, raw bytes too), the DuckDB mirror, every view row, every console line
 * (logs and EMF metrics), batch reports, handler answers and the validate output.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { Context, KinesisStreamBatchResponse, KinesisStreamRecord } from 'aws-lambda';
import { LocalLake } from '#adapters/duckdb-lake.js';
import { METRICS_NAMESPACE, withTelemetry } from '#adapters/telemetry.js';
import { StoredOptOutRegistry, writeOptOuts } from '#core/governance/opt-outs.js';
import { decodeParquet } from '#core/lake/parquet.js';
import type { KeyProvider } from '#core/ports.js';
import { scrubberOptionsFor } from '#core/redact/policy.js';
import { Pseudonymizer } from '#core/redact/pseudonym.js';
import { createScrubber } from '#core/redact/scrubber.js';
import { writeWatermark } from '#core/sequence/sequencer.js';
import { VIEWS } from '#core/views/registry.js';
import { formatSummary, validateFile } from '../../bin/commands/validate-run.js';
import { createRedactHandler } from '../../lambdas/redact/app.js';
import { createSequenceHandler } from '../../lambdas/sequence/app.js';
import { kinesisEvent, kinesisRecord } from '../fixtures/events.js';
import { TEST_KEY } from '../fixtures/redact.js';
import { type Marker, MarkerBook } from './fuzz-markers.js';
import { BASE_TS, FUZZ_POLICY, materialise, type Plan, type Scenario } from './fuzz-scenario.js';
import { FlakyStore, MemoryObjectStore } from './fuzz-stores.js';

/** Where a leak was seen. */
export type Sink = 'zone' | 'mirror' | 'view' | 'console' | 'validate' | 'answer';

/** A marker found somewhere. */
export interface Leak {
  readonly marker: Marker;
  readonly sink: Sink;
  readonly location: string;
  /** True when the value sits in the quarantine zone (or its mirror): the invalid-record path. */
  readonly quarantine: boolean;
}

/** Counts of what a run exercised (no content). */
export interface RunStats {
  userRecords: number;
  kinesisRecords: number;
  invocations: number;
  freshContainers: number;
  failedInvocations: number;
  redeliveries: number;
  objectsWritten: number;
  viewRows: number;
  consoleLines: number;
  /** Console lines that are EMF metric documents. */
  metricLines: number;
  validateLines: number;
  /** Markers allowed to appear that did appear in a zone or view (the scan sees content at all). */
  freeMarkersSeen: number;
}

/** Everything one run found. */
export interface RunResult {
  readonly leaks: readonly Leak[];
  /** Exceptions that escaped a handler, the sequencer, the views or validate (messages only). */
  readonly errors: readonly string[];
  readonly stats: RunStats;
  readonly scenario: Scenario;
  readonly markers: readonly Marker[];
}

const keyProvider: KeyProvider = { getKey: async () => TEST_KEY };
const pseudonyms = new Pseudonymizer(TEST_KEY);
const scrubber = createScrubber(scrubberOptionsFor(FUZZ_POLICY, TEST_KEY.key));
/** A marker is only planted if the scrubber leaves it alone, alone and in a sentence. */
const scrubberIgnores = (m: string) =>
  scrubber.scrub(m).text === m && scrubber.scrub(`see ${m} here`).text === `see ${m} here`;

const SEQUENCE_BASE = 49_600_000_000_000_000_000_000_000_000_000_000_000_000n;
const MAX_ATTEMPTS = 3;
const HOUR = 3_600_000;
const VIEW_PARAMS = { k: 1, minSteps: 1, retentionDays: 36_500, contextSteps: 8 };

function lambdaContext(name: string, n: number): Context {
  return {
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${name}`,
    memoryLimitInMB: '512',
    awsRequestId: `req-${n}`,
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'fuzz',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Telemetry as handler.ts builds it, in dev mode so every line goes through the (captured) console. */
function devTelemetry(service: 'redact' | 'sequence') {
  return {
    logger: new Logger({ serviceName: service, logLevel: 'DEBUG' }),
    metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: service }),
    tracer: new Tracer({ serviceName: service, enabled: false }),
  };
}

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

/** Captures every console line (Powertools logs and EMF metrics in dev mode) until `restore`. */
function captureConsole() {
  const lines: string[] = [];
  const saved = CONSOLE_METHODS.map((m) => [m, console[m]] as const);
  // Dev mode sends logs and EMF through the global console; it would also switch metrics off, unless told.
  const env = { POWERTOOLS_DEV: 'true', POWERTOOLS_METRICS_DISABLED: 'false' } as const;
  const savedEnv = Object.keys(env).map((k) => [k, process.env[k]] as const);
  Object.assign(process.env, env);
  for (const m of CONSOLE_METHODS) {
    console[m] = (...args: unknown[]) => {
      lines.push(args.map((a) => (typeof a === 'string' ? a : safeJson(a))).join(' '));
    };
  }
  return {
    lines,
    restore() {
      for (const [m, fn] of saved) console[m] = fn;
      for (const [k, v] of savedEnv) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    },
  };
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)) ?? String(v);
  } catch {
    return String(v);
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}\n${err.stack ?? ''}` : String(err);
}

/** Collects the markers it finds, once per (marker, location). */
class Scanner {
  readonly leaks: Leak[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly book: MarkerBook) {}

  text(sink: Sink, location: string, text: string): void {
    for (const marker of this.book.find(text)) {
      const id = `${marker.value}\u0000${location}`;
      if (this.seen.has(id)) continue;
      this.seen.add(id);
      const quarantine =
        location.startsWith('quarantine:') || location.startsWith('duckdb-cache/quarantine/');
      this.leaks.push({ marker, sink, location, quarantine });
    }
  }

  /** Walks a decoded value (row, JSON), naming the path of each hit. */
  value(sink: Sink, location: string, v: unknown, depth = 0): void {
    if (v === null || v === undefined) return;
    if (typeof v === 'string') this.text(sink, location, v);
    else if (typeof v === 'number' || typeof v === 'bigint') this.text(sink, location, String(v));
    else if (depth > 20) this.text(sink, location, safeJson(v));
    else if (Array.isArray(v)) {
      for (const [i, x] of v.entries()) this.value(sink, `${location}[${i}]`, x, depth + 1);
    } else if (v instanceof Uint8Array) this.bytes(sink, location, v);
    else if (typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        this.text(sink, `${location} (key)`, k);
        this.value(sink, `${location}.${k}`, x, depth + 1);
      }
    }
  }

  /**
   * Each string column of each session's rows, across a zone's current objects, joined in seq order: a
   * value kept one character per row (key names of printable keys) spells its marker again.
   */
  joined(location: string, rows: readonly Record<string, unknown>[]): void {
    const bySession = new Map<unknown, Map<unknown, Record<string, unknown>>>();
    for (const r of rows) {
      const seq = r.seq ?? r.first_seq;
      if (r.session_id === undefined || seq === undefined) continue;
      const session = bySession.get(r.session_id) ?? new Map<unknown, Record<string, unknown>>();
      // One copy per event or action (retries and redeliveries overwrite or repeat rows).
      session.set(r.event_id ?? r.action_id ?? `${seq}`, r);
      bySession.set(r.session_id, session);
    }
    for (const session of bySession.values()) {
      const list = [...session.values()].sort(
        (a, b) => Number(a.seq ?? a.first_seq) - Number(b.seq ?? b.first_seq),
      );
      for (const column of Object.keys(list[0] ?? {})) {
        const text = list.map((r) => (typeof r[column] === 'string' ? r[column] : '')).join('');
        this.text('zone', `${location} column ${column} joined over a session's rows`, text);
      }
    }
  }

  bytes(sink: Sink, location: string, b: Uint8Array): void {
    const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    this.text(sink, `${location} (raw)`, buf.toString('latin1'));
  }

  /** An object as stored: raw bytes, then its decoded rows or lines. */
  object(sink: Sink, location: string, key: string, body: Uint8Array): void {
    this.bytes(sink, location, body);
    if (key.endsWith('.parquet')) {
      try {
        const rows = decodeParquet(body);
        for (const [i, row] of rows.entries()) this.value(sink, `${location}#${i}`, row);
      } catch (err) {
        this.text(sink, `${location} (undecodable)`, errorText(err));
      }
      return;
    }
    Buffer.from(body)
      .toString('utf8')
      .split('\n')
      .forEach((line, i) => {
        if (line.trim() === '') return;
        try {
          this.value(sink, `${location}:${i + 1}`, JSON.parse(line));
        } catch {
          this.text(sink, `${location}:${i + 1}`, line);
        }
      });
  }
}

function walkFiles(dir: string): string[] {
  const out: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walkFiles(p));
    else out.push(p);
  }
  return out;
}

/** Runs one plan end to end and returns every marker found and where. */
export async function runPipeline(plan: Plan): Promise<RunResult> {
  const { scenario, book } = await materialise(plan, () => new MarkerBook(plan.nonce, scrubberIgnores));
  const zones = {
    events: new MemoryObjectStore('events'),
    quarantine: new MemoryObjectStore('quarantine'),
    curated: new MemoryObjectStore('curated'),
  };
  const flaky = { events: new FlakyStore(zones.events), quarantine: new FlakyStore(zones.quarantine) };
  const stats: RunStats = {
    userRecords: scenario.userRecords.length,
    kinesisRecords: scenario.payloads.length,
    invocations: 0,
    freshContainers: 0,
    failedInvocations: 0,
    redeliveries: 0,
    objectsWritten: 0,
    viewRows: 0,
    consoleLines: 0,
    metricLines: 0,
    validateLines: 0,
    freeMarkersSeen: 0,
  };
  const errors: string[] = [];
  const answers: string[] = [];
  const viewRows: { view: string; rows: Record<string, unknown>[] }[] = [];
  const validateOut: string[] = [];
  const work = mkdtempSync(join(tmpdir(), 'wt-privacy-fuzz-'));
  const inputs = mkdtempSync(join(tmpdir(), 'wt-privacy-input-'));
  const captured = captureConsole();
  try {
    // Opt-outs through the registry (pseudonyms only), as `worktrace optout add` writes them.
    await writeOptOuts(
      zones,
      scenario.optedOutUserIds.map((id) => pseudonyms.of('user', id)),
      BASE_TS,
    );

    const { malformedEvery, batchSizes, invocations } = plan.delivery;
    const records: KinesisStreamRecord[] = [];
    const malformed = new Set<string>();
    const add = (data: Buffer, partitionKey: string) => {
      const i = records.length;
      records.push(
        kinesisRecord(new Uint8Array(data), {
          partitionKey,
          sequenceNumber: (SEQUENCE_BASE + BigInt(i)).toString(),
          arrivalSeconds: (BASE_TS + i * 50) / 1000,
        }),
      );
      return records[i] as KinesisStreamRecord;
    };
    for (const [i, p] of scenario.payloads.entries()) {
      add(p.data, p.partitionKey);
      // An extra, malformed event-source record (not a bad payload): its data is not a base64 string.
      if (malformedEvery > 0 && i % malformedEvery === malformedEvery - 1) {
        const bad = add(Buffer.from('{}'), p.partitionKey);
        (bad.kinesis as { data: unknown }).data = 42;
        malformed.add(bad.kinesis.sequenceNumber);
      }
    }
    stats.kinesisRecords = records.length;

    const newContainer = () => {
      const t = devTelemetry('redact');
      const app = createRedactHandler({
        stores: flaky,
        keyProvider,
        policy: FUZZ_POLICY,
        optOuts: new StoredOptOutRegistry(zones.events, 60_000),
        logger: t.logger,
        metrics: t.metrics,
        onBatch: (r) => answers.push(`report ${safeJson(r)}`),
      });
      return withTelemetry(app, t);
    };
    let handler = newContainer();
    const invoke = async (batch: KinesisStreamRecord[]): Promise<KinesisStreamBatchResponse> => {
      stats.invocations += 1;
      try {
        const r = await handler(kinesisEvent(batch), lambdaContext('worktrace-redact', stats.invocations));
        answers.push(`answer ${safeJson(r)}`);
        return r;
      } catch (err) {
        // A function error: the runtime logs it and the whole batch is retried.
        errors.push(`redact handler threw: ${errorText(err)}`);
        return { batchItemFailures: [{ itemIdentifier: batch[0]?.kinesis.sequenceNumber ?? '' }] };
      }
    };

    let pos = 0;
    let turn = 0;
    let sizeTurn = 0;
    let attempts = 0;
    while (pos < records.length) {
      const knob = invocations[turn++ % invocations.length];
      const size = batchSizes[sizeTurn % batchSizes.length] as number;
      const batch = records.slice(pos, pos + size);
      if (knob?.fresh) {
        handler = newContainer();
        stats.freshContainers += 1;
      }
      // Writes fail on a batch's first attempt only, so every retry can succeed and nothing is lost to the
      // on-failure destination (a lost focus or secure-field event would change what the oracle can ask).
      if (knob && knob.failPuts > 0 && attempts === 0) flaky[knob.failZone].failNext(knob.failPuts);
      const response = await invoke(batch);
      flaky.events.failNext(0);
      flaky.quarantine.failNext(0);
      const failed = response.batchItemFailures[0]?.itemIdentifier;
      if (failed === undefined) {
        if (knob?.redeliver) {
          stats.redeliveries += 1;
          await invoke(batch);
        }
        pos += batch.length;
        sizeTurn += 1;
        attempts = 0;
        continue;
      }
      stats.failedInvocations += 1;
      attempts += 1;
      // Kinesis resumes from the failed record (the response's checkpoint).
      const at = Math.max(
        0,
        batch.findIndex((r) => r.kinesis.sequenceNumber === failed),
      );
      if (attempts < MAX_ATTEMPTS) {
        pos += at;
        if (at > 0) attempts = 0;
      } else {
        // Retries exhausted. Bisection isolates a malformed record, which alone goes to the on-failure
        // destination; anything else (a handler that throws) loses the batch.
        pos += malformed.has(failed) ? at + 1 : batch.length;
        sizeTurn += 1;
        attempts = 0;
      }
    }

    // The sequencer over every closed window after 09:00, as the schedule would run it.
    try {
      await writeWatermark(zones.curated, BASE_TS);
      const t = devTelemetry('sequence');
      const sequence = withTelemetry(
        createSequenceHandler({
          eventsStore: zones.events,
          curatedStore: zones.curated,
          clock: { now: () => BASE_TS + 4 * HOUR },
          config: {
            WINDOW_MINUTES: 60,
            LATE_ARRIVAL_MS: 600_000,
            LOOK_BACK_MS: 6 * HOUR,
            MAX_EPISODE_MS: 1_800_000,
            MAX_WINDOWS_PER_RUN: 24,
          },
          logger: t.logger,
          metrics: t.metrics,
        }),
        t,
      );
      answers.push(`sequence ${safeJson(await sequence(undefined, lambdaContext('worktrace-sequence', 0)))}`);
    } catch (err) {
      errors.push(`sequencer threw: ${errorText(err)}`);
    }

    // Every training view, on DuckDB over the zones.
    try {
      const lake = await LocalLake.open({
        stores: zones,
        cacheDir: join(work, 'duckdb-cache'),
        params: VIEW_PARAMS,
      });
      try {
        for (const view of VIEWS)
          viewRows.push({ view: view.id, rows: (await lake.query(`SELECT * FROM ${view.id}`)).rows });
      } finally {
        lake.close();
      }
    } catch (err) {
      errors.push(`views threw: ${errorText(err)}`);
    }

    // `worktrace validate` over the agent's NDJSON (every user record, one per line).
    try {
      // The agent's own file: an input, not something the pipeline wrote, so it lives outside `work`.
      const file = join(inputs, 'events.ndjson');
      writeFileSync(file, Buffer.concat(scenario.userRecords.flatMap((r) => [r.data, Buffer.from('\n')])));
      const summary = await validateFile(file, (line, path, message) =>
        validateOut.push(`line ${line}: ${path}: ${message}`),
      );
      validateOut.push(formatSummary(summary));
    } catch (err) {
      errors.push(`validate threw: ${errorText(err)}`);
    }
  } finally {
    captured.restore();
  }

  const scan = new Scanner(book);
  for (const [zone, store] of Object.entries(zones)) {
    for (const w of store.writes) {
      stats.objectsWritten += 1;
      scan.object('zone', `${zone}:${w.key}`, w.key, w.body);
    }
    for (const prefix of ['events/', 'actions/', 'episodes/']) {
      const rows: Record<string, unknown>[] = [];
      for (const [key, o] of store.objects) {
        if (key.startsWith(prefix) && key.endsWith('.parquet')) rows.push(...decodeParquet(o.body));
      }
      if (rows.length > 0) scan.joined(`${zone}:${prefix}`, rows);
    }
  }
  for (const file of walkFiles(work)) scan.bytes('mirror', file.slice(work.length + 1), readFileSync(file));
  rmSync(work, { recursive: true, force: true });
  rmSync(inputs, { recursive: true, force: true });
  for (const { view, rows } of viewRows) {
    stats.viewRows += rows.length;
    for (const [i, row] of rows.entries()) scan.value('view', `view ${view}#${i}`, row);
  }
  stats.consoleLines = captured.lines.length;
  stats.metricLines = captured.lines.filter((l) => l.includes('"_aws"')).length;
  for (const [i, line] of captured.lines.entries()) scan.text('console', `console line ${i + 1}`, line);
  for (const [i, a] of answers.entries()) scan.text('answer', `answer ${i + 1}`, a);
  stats.validateLines = validateOut.length;
  for (const [i, line] of validateOut.entries()) scan.text('validate', `validate output ${i + 1}`, line);
  for (const [i, e] of errors.entries()) scan.text('console', `uncaught error ${i + 1}`, e);
  stats.freeMarkersSeen = new Set(
    scan.leaks
      .filter((l) => l.marker.tags.length === 0 && (l.sink === 'zone' || l.sink === 'view'))
      .map((l) => l.marker),
  ).size;
  return { leaks: scan.leaks, errors, stats, scenario, markers: book.all() };
}
