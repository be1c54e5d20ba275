import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import type { KinesisStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kinesisClient, s3Client } from '#adapters/aws-clients.js';
import { S3ObjectStore } from '#adapters/s3-object-store.js';
import { decodeParquet } from '#core/lake/parquet.js';
import { defaultBucketName } from '#core/lake/schema.js';
import type { KeyProvider, ObjectStore } from '#core/ports.js';
import { runDueWindows } from '#core/sequence/runs.js';
import { writeWatermark } from '#core/sequence/sequencer.js';
import { createRedactHandler } from '../../lambdas/redact/app.js';
import {
  createActiveStream,
  EMULATOR_CREDENTIALS,
  type RunningEmulator,
  startKinesisEmulator,
  startS3Emulator,
} from '../../local/emulators.js';
import {
  type InvocationReport,
  KinesisPoller,
  PollerKilledError,
  type PollerOptions,
  readOnFailureRecords,
} from '../../local/poller.js';
import { makeEvent } from '../fixtures/events.js';
import { TEST_KEY, testPolicy } from '../fixtures/redact.js';

const BASE = Date.UTC(2026, 10, 2, 9, 0, 0);
const keyProvider: KeyProvider = { getKey: async () => TEST_KEY };
const PLANTED = ['alice@example.com', 'LAPTOP-7F3K2', '4111 1111 1111 1111', 'AKIAIOSFODNN7EXAMPLE'];
const POISON = 'evt-poison-0001';

/** A small workload: 3 sessions, 40 events each, over 40 minutes; some invalid, some with planted PII. */
function workload(): { payloads: (object | string)[]; ids: string[] } {
  const payloads: (object | string)[] = [];
  for (let s = 0; s < 3; s += 1) {
    for (let i = 0; i < 40; i += 1) {
      const env = { eventId: `evt-s${s}-${String(i).padStart(4, '0')}`, sessionId: `sess-${s}`, seq: i };
      const ts = BASE + i * 60_000 + s * 1000;
      const kind = i % 5;
      if (kind === 0)
        payloads.push(makeEvent('focus', { ...env, ts, windowTitle: `Mail to alice@example.com` }));
      else if (kind === 1)
        payloads.push(
          makeEvent('text', { ...env, ts, text: 'card 4111 1111 1111 1111 key AKIAIOSFODNN7EXAMPLE' }),
        );
      else if (kind === 2) payloads.push(makeEvent('mouse_down', { ...env, ts }));
      else if (kind === 3) payloads.push(makeEvent('mouse_up', { ...env, ts: ts + 50 }));
      else if (i === 9)
        payloads.push({ ...makeEvent('hotkey', { ...env, ts }), seq: -1 }); // invalid
      else payloads.push(makeEvent('hotkey', { ...env, ts }));
    }
  }
  return { payloads, ids: payloads.map((p) => (p as { eventId: string }).eventId) };
}

async function putAll(client: KinesisClient, stream: string, payloads: (object | string)[]): Promise<void> {
  for (let i = 0; i < payloads.length; i += 100) {
    const chunk = payloads.slice(i, i + 100);
    const res = await client.send(
      new PutRecordsCommand({
        StreamName: stream,
        Records: chunk.map((p) => ({
          PartitionKey: typeof p === 'string' ? 'raw' : (p as { sessionId: string }).sessionId,
          Data: Buffer.from(typeof p === 'string' ? p : JSON.stringify(p)),
        })),
      }),
    );
    expect(res.FailedRecordCount ?? 0).toBe(0);
  }
}

/** Every object's bytes in a store, by key. */
async function objects(store: ObjectStore, prefix = ''): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for (const o of await store.list(prefix)) out.set(o.key, (await store.get(o.key)) as Uint8Array);
  return out;
}

async function eventIds(store: ObjectStore): Promise<string[]> {
  const ids: string[] = [];
  for (const body of (await objects(store, 'events/')).values()) {
    for (const row of decodeParquet(body)) ids.push(String(row.event_id));
  }
  return ids.sort();
}

/** Curated content: window files decoded, keyed by object key. */
async function curatedContent(events: ObjectStore, curated: ObjectStore): Promise<string> {
  await writeWatermark(curated, BASE);
  await runDueWindows({
    eventsStore: events,
    curatedStore: curated,
    now: BASE + 12 * 3_600_000,
    windowMinutes: 60,
    lateArrivalMs: 600_000,
    maxWindows: 24,
  });
  const out: Record<string, unknown> = {};
  for (const [key, body] of await objects(curated)) {
    if (!key.endsWith('.parquet')) continue;
    out[key] = decodeParquet(body);
  }
  return JSON.stringify(out, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
}

describe('kinesis poller on kinesalite + s3rver, invoking the real redact handler', () => {
  let kinesis: RunningEmulator;
  let s3: RunningEmulator;
  let client: KinesisClient;
  let dir: string;
  let run = 0;
  let clean: { curated: string; ids: string[]; quarantined: number } | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wt-poller-'));
    kinesis = await startKinesisEmulator();
    s3 = await startS3Emulator({ dir: join(dir, 's3') });
    client = kinesisClient({ endpoint: kinesis.endpoint, credentials: EMULATOR_CREDENTIALS, maxAttempts: 1 });
  });
  afterAll(async () => {
    client.destroy();
    await kinesis.stop();
    await s3.stop();
  });

  /** A fresh stream and fresh zone buckets, loaded with the workload (plus extra payloads). */
  async function scenario(extra: (object | string)[] = []) {
    run += 1;
    const stream = `s${run}`;
    await createActiveStream(client, stream, 2);
    const { payloads, ids } = workload();
    await putAll(client, stream, [...payloads.slice(0, 60), ...extra, ...payloads.slice(60)]);
    const s3c = s3Client({ endpoint: s3.endpoint, credentials: EMULATOR_CREDENTIALS, maxAttempts: 1 });
    const { CreateBucketCommand } = await import('@aws-sdk/client-s3');
    const stores = {} as Record<'events' | 'quarantine' | 'curated', S3ObjectStore>;
    for (const zone of ['events', 'quarantine', 'curated'] as const) {
      const bucket = defaultBucketName(`t${run}`, zone);
      await s3c.send(new CreateBucketCommand({ Bucket: bucket }));
      stores[zone] = new S3ObjectStore(s3c, bucket);
    }
    const redact = () =>
      createRedactHandler({
        stores: { events: stores.events, quarantine: stores.quarantine },
        keyProvider,
        policy: testPolicy(),
      });
    const invocations: InvocationReport[] = [];
    const poller = (handler: (e: KinesisStreamEvent) => ReturnType<ReturnType<typeof redact>>, o = {}) =>
      new KinesisPoller({
        client,
        streamName: stream,
        handler,
        stateDir: join(dir, `state-${run}`),
        batchSize: 25,
        retryBaseDelayMs: 1,
        onInvoke: (r) => invocations.push(r),
        ...o,
      } satisfies PollerOptions);
    return { stream, stores, redact, poller, invocations, ids, stateDir: join(dir, `state-${run}`) };
  }

  async function quarantinedCount(store: ObjectStore): Promise<number> {
    let n = 0;
    for (const body of (await objects(store)).values())
      n += Buffer.from(body).toString().trim().split('\n').length;
    return n;
  }

  it('delivers every record once, in per-shard order, in batches of at most batchSize', async () => {
    const sc = await scenario();
    const poller = sc.poller(sc.redact());
    await poller.drain();
    const ids = await eventIds(sc.stores.events);
    expect(new Set(ids).size).toBe(ids.length);
    const quarantined = await quarantinedCount(sc.stores.quarantine);
    expect(quarantined).toBe(3); // one invalid event per session
    expect(ids.length + quarantined).toBe(sc.ids.length);
    for (const inv of sc.invocations) expect(inv.records).toBeLessThanOrEqual(25);
    const byShard = new Map<string, bigint>();
    for (const inv of sc.invocations) {
      const prev = byShard.get(inv.shardId) ?? -1n;
      expect(BigInt(inv.firstSequence) > prev).toBe(true);
      byShard.set(inv.shardId, BigInt(inv.lastSequence));
    }
    expect(new Set(sc.invocations.map((i) => i.shardId)).size).toBe(2);
    expect(Object.values(poller.checkpoints()).every((c) => c !== undefined)).toBe(true);
    for (const bytes of [
      ...(await objects(sc.stores.events)).values(),
      ...(await objects(sc.stores.quarantine)).values(),
    ]) {
      const text = Buffer.from(bytes).toString('latin1');
      for (const planted of PLANTED) expect(text).not.toContain(planted);
    }
    clean = {
      curated: await curatedContent(sc.stores.events, sc.stores.curated),
      ids,
      quarantined,
    };
    expect(clean.curated.length).toBeGreaterThan(100);
    // A second drain finds nothing new: the checkpoints hold.
    const again = sc.poller(sc.redact());
    const before = sc.invocations.length;
    await again.drain();
    expect(sc.invocations.length).toBe(before);
  });

  it('checkpoints before the lowest reported failure and retries from there', async () => {
    const sc = await scenario();
    const handler = sc.redact();
    let failedOnce = false;
    const poller = sc.poller(async (event: KinesisStreamEvent) => {
      const response = await handler(event);
      if (!failedOnce && event.Records.length > 10) {
        failedOnce = true;
        const fifth = event.Records[4]?.kinesis.sequenceNumber as string;
        const ninth = event.Records[8]?.kinesis.sequenceNumber as string;
        return { batchItemFailures: [{ itemIdentifier: ninth }, { itemIdentifier: fifth }] };
      }
      return response;
    });
    await poller.drain();
    const partial = sc.invocations.findIndex((i) => i.outcome === 'partial');
    const failed = sc.invocations[partial] as InvocationReport;
    const retry = sc.invocations.slice(partial + 1).find((i) => i.shardId === failed.shardId);
    expect(retry?.records).toBe(failed.records - 4);
    expect(retry?.attempt).toBe(1);
    expect(await curatedContent(sc.stores.events, sc.stores.curated)).toBe(clean?.curated);
  });

  it('bisects around a poison record, sends only it to the on-failure destination, metadata only', async () => {
    const sc = await scenario([{ ...makeEvent('hotkey', { sessionId: 'sess-9' }), eventId: POISON }]);
    const handler = sc.redact();
    const poller = sc.poller(
      async (event: KinesisStreamEvent) => {
        for (const r of event.Records) {
          if (Buffer.from(r.kinesis.data, 'base64').toString().includes(POISON)) throw new Error('boom');
        }
        return handler(event);
      },
      { maximumRetryAttempts: 2 },
    );
    await poller.drain();
    const failures = readOnFailureRecords(join(sc.stateDir, 'on-failure.jsonl'));
    expect(failures).toHaveLength(1);
    const f = failures[0];
    expect(f?.KinesisBatchInfo.batchSize).toBe(1);
    expect(f?.requestContext).toEqual({ condition: 'RetryAttemptsExhausted', approximateInvokeCount: 3 });
    expect(JSON.stringify(f)).not.toContain(POISON);
    expect(sc.invocations.filter((i) => i.outcome === 'error').length).toBeGreaterThan(3);
    expect(await eventIds(sc.stores.events)).toEqual(clean?.ids);
    expect(await curatedContent(sc.stores.events, sc.stores.curated)).toBe(clean?.curated);
  });

  it('rides out an S3 outage by retrying the batch (no loss, no duplicates)', async () => {
    const sc = await scenario();
    const handler = sc.redact();
    let calls = 0;
    let down: Promise<void> | undefined;
    const port = s3.port;
    const s3dir = join(dir, 's3');
    const poller = sc.poller(async (event: KinesisStreamEvent) => {
      calls += 1;
      if (calls === 3) down = s3.stop();
      if (calls === 6) {
        await down;
        s3 = await startS3Emulator({ dir: s3dir, port });
      }
      return handler(event);
    });
    await poller.drain();
    expect(sc.invocations.filter((i) => i.outcome === 'partial').length).toBeGreaterThanOrEqual(3);
    expect(readOnFailureRecords(join(sc.stateDir, 'on-failure.jsonl'))).toHaveLength(0);
    expect(await eventIds(sc.stores.events)).toEqual(clean?.ids);
    expect(await curatedContent(sc.stores.events, sc.stores.curated)).toBe(clean?.curated);
  });

  it('resumes after a kill from the persisted checkpoint, replaying the batch in flight', async () => {
    const sc = await scenario();
    const handler = sc.redact();
    let calls = 0;
    const first = sc.poller(async (event: KinesisStreamEvent) => {
      const response = await handler(event);
      calls += 1;
      if (calls === 3) first.kill(); // output written, checkpoint not: the crash window
      return response;
    });
    await expect(first.drain()).rejects.toBeInstanceOf(PollerKilledError);
    const keysBefore = [...(await objects(sc.stores.events)).keys()];
    const second = sc.poller(sc.redact());
    await second.drain();
    const keysAfter = [...(await objects(sc.stores.events)).keys()];
    expect(keysAfter).toEqual(expect.arrayContaining(keysBefore));
    expect(await eventIds(sc.stores.events)).toEqual(clean?.ids);
    expect(await curatedContent(sc.stores.events, sc.stores.curated)).toBe(clean?.curated);
  });

  it('resumes after a real SIGKILL of the poller process, with no loss and no duplicate', async () => {
    const sc = await scenario();
    const buckets = [sc.stores.events.name, sc.stores.quarantine.name];
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'test/fixtures/poller-child.ts',
        kinesis.endpoint,
        s3.endpoint,
        sc.stream,
        ...buckets,
        sc.stateDir,
        '3',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    let out = '';
    await new Promise<void>((resolve) => {
      child.stdout?.on('data', (d) => {
        out += d;
        if (out.includes('invoked 3')) resolve();
      });
    });
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const second = sc.poller(sc.redact());
    await second.drain();
    expect(await eventIds(sc.stores.events)).toEqual(clean?.ids);
    expect(await curatedContent(sc.stores.events, sc.stores.curated)).toBe(clean?.curated);
  }, 60_000);

  it('sends records older than the maximum record age to the on-failure destination without invoking', async () => {
    const sc = await scenario();
    const poller = sc.poller(sc.redact(), {
      maximumRecordAgeMs: 60_000,
      clock: { now: () => Date.now() + 3_600_000 },
    });
    await poller.drain();
    expect(sc.invocations).toHaveLength(0);
    const failures = readOnFailureRecords(join(sc.stateDir, 'on-failure.jsonl'));
    expect(failures.every((f) => f.requestContext.condition === 'RecordAgeExceeded')).toBe(true);
    expect(failures.reduce((n, f) => n + f.KinesisBatchInfo.batchSize, 0)).toBe(sc.ids.length);
    expect((await objects(sc.stores.events)).size).toBe(0);
  });

  it('as a service, gathers records for the batching window and stops cleanly', async () => {
    run += 1;
    const stream = `svc${run}`;
    await createActiveStream(client, stream, 1);
    const seen: number[] = [];
    const poller = new KinesisPoller({
      client,
      streamName: stream,
      stateDir: join(dir, `state-svc-${run}`),
      handler: async (event) => {
        seen.push(event.Records.length);
        return { batchItemFailures: [] };
      },
      batchSize: 100,
      maximumBatchingWindowMs: 1500,
      pollIntervalMs: 20,
    });
    poller.start();
    const put = (n: number) =>
      putAll(
        client,
        stream,
        Array.from({ length: n }, (_, i) => makeEvent('hotkey', { seq: i })),
      );
    await put(3);
    await new Promise((r) => setTimeout(r, 100));
    await put(2);
    for (let i = 0; i < 250 && seen.length === 0; i += 1) await new Promise((r) => setTimeout(r, 20));
    expect(seen).toEqual([5]); // both puts fell in one window
    await put(4);
    for (let i = 0; i < 250 && seen.length === 1; i += 1) await new Promise((r) => setTimeout(r, 20));
    await poller.stop();
    expect(seen).toEqual([5, 4]);
  });
});
