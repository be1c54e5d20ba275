import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { afterAll, describe, expect, it } from 'vitest';
import { toSourceRecords } from '#adapters/kinesis-records.js';
import { decodeParquet } from '#core/lake/parquet.js';
import type { KeyProvider, ObjectStore } from '#core/ports.js';
import { parsePolicy } from '#core/redact/policy.js';
import { Pseudonymizer } from '#core/redact/pseudonym.js';
import { type RunningEmulator, startS3Emulator } from '../../local/emulators.js';
import { type KinesisHandler, lambdaRecordOf } from '../../local/poller.js';
import { renderReport } from '../../local/report.js';
import {
  type LocalRunStats,
  type LocalStack,
  LocalStartError,
  onFailureEventIds,
  type RunOptions,
  runLocalPipeline,
  startLocalStack,
} from '../../local/runtime.js';
import { simulatedWorkload, type WorkloadSource } from '../../local/workload.js';
import { TEST_KEY } from '../fixtures/redact.js';

const START = Date.UTC(2026, 10, 2, 9, 0, 0);
const USERS = 3;
const MINUTES = 4;
const keyProvider: KeyProvider = { getKey: async () => TEST_KEY };
const basePolicy = JSON.parse(readFileSync('config/policy.default.json', 'utf8'));
const POISON = 'poison-event-0001';

const json = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));

/** Every object of every zone, by bucket and key. */
async function everyObject(stack: LocalStack): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for (const [zone, store] of Object.entries(stack.stores)) {
    for (const o of await store.list('')) out.set(`${zone}/${o.key}`, (await store.get(o.key)) as Uint8Array);
  }
  return out;
}

async function parquetRows(store: ObjectStore, prefix: string): Promise<Map<string, unknown[]>> {
  const out = new Map<string, unknown[]>();
  for (const o of await store.list(prefix)) {
    if (o.key.endsWith('.parquet')) out.set(o.key, decodeParquet((await store.get(o.key)) as Uint8Array));
  }
  return out;
}

/** Curated actions and episodes, decoded, in key order. */
async function curated(stack: LocalStack): Promise<string> {
  const rows = [
    ...(await parquetRows(stack.stores.curated, 'actions/')),
    ...(await parquetRows(stack.stores.curated, 'episodes/')),
  ].sort(([a], [b]) => a.localeCompare(b));
  return json(rows);
}

/** Event ids per outcome, read back from the zones, the on-failure file and the stream. */
async function outcomesById(stack: LocalStack) {
  const written: string[] = [];
  for (const rows of (await parquetRows(stack.stores.events, 'events/')).values()) {
    for (const r of rows as { event_id: string }[]) written.push(r.event_id);
  }
  const quarantined: string[] = [];
  for (const o of await stack.stores.quarantine.list('quarantine/')) {
    const text = Buffer.from((await stack.stores.quarantine.get(o.key)) as Uint8Array).toString('utf8');
    for (const line of text.trim().split('\n')) {
      const row = JSON.parse(line) as { scrubbed_payload: string };
      quarantined.push((JSON.parse(row.scrubbed_payload) as { eventId: string }).eventId);
    }
  }
  const onFailure = await onFailureEventIds(stack);
  return { written, quarantined, onFailure };
}

/** Every event that reached the stream (all shards, KPL records de-aggregated): id and raw user id. */
async function streamEvents(stack: LocalStack): Promise<{ id: string; userId: string }[]> {
  const out: { id: string; userId: string }[] = [];
  const shards = await stack.kinesisClient.send(new ListShardsCommand({ StreamName: stack.streamName }));
  for (const shard of shards.Shards ?? []) {
    const it = await stack.kinesisClient.send(
      new GetShardIteratorCommand({
        StreamName: stack.streamName,
        ShardId: shard.ShardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    let iterator = it.ShardIterator;
    while (iterator) {
      const page = await stack.kinesisClient.send(new GetRecordsCommand({ ShardIterator: iterator }));
      if ((page.Records ?? []).length === 0) break;
      for (const r of page.Records ?? []) {
        for (const src of toSourceRecords(lambdaRecordOf(shard.ShardId ?? '', r))) {
          const e = JSON.parse(Buffer.from(src.data).toString('utf8')) as { eventId: string; userId: string };
          out.push({ id: e.eventId, userId: e.userId });
        }
      }
      iterator = page.NextShardIterator;
    }
  }
  return out;
}

function withPoison(inner: WorkloadSource): WorkloadSource {
  return {
    ...inner,
    minute(m) {
      const events = inner.minute(m);
      if (m !== 2) return events;
      const poison = {
        schemaVersion: 1,
        eventId: POISON,
        userId: 'poison@corp.example.com',
        deviceId: 'LAPTOP-POISON',
        sessionId: 'sess-poison',
        seq: 0,
        ts: START + 2 * 60_000 + 30_000,
        type: 'hotkey',
        modifiers: ['ctrl'],
        key: 'p',
      };
      return [...events.slice(0, 10), poison, ...events.slice(10)] as typeof events;
    },
  };
}

describe('worktrace local pipeline on the real emulators', () => {
  const root = mkdtempSync(join(tmpdir(), 'wt-local-'));
  const stacks: LocalStack[] = [];
  const extra: RunningEmulator[] = [];
  let clean: { stats: LocalRunStats; curated: string } | undefined;

  afterAll(async () => {
    for (const s of stacks) await s.stop();
    for (const e of extra) await e.stop();
  });

  async function run(
    name: string,
    optionsFor: (stack: LocalStack) => Partial<RunOptions> = () => ({}),
  ): Promise<{ stack: LocalStack; stats: LocalRunStats; workload: WorkloadSource }> {
    const stack = await startLocalStack({ dataDir: join(root, name) });
    stacks.push(stack);
    const options = optionsFor(stack);
    const workload =
      options.workload ?? simulatedWorkload({ users: USERS, minutes: MINUTES, startMs: START });
    const policy = parsePolicy(basePolicy);
    const stats = await runLocalPipeline(stack, {
      serverOptOutUsers: workload.userIds.slice(0, 1),
      users: USERS,
      minutes: MINUTES,
      startMs: START,
      policy,
      keyProvider,
      poller: { batchSize: 20, retryBaseDelayMs: 5 },
      ...options,
      workload,
    });
    return { stack, stats, workload };
  }

  it('reconciles every event id and stores no planted value in any byte of any bucket', async () => {
    const { stack, stats, workload } = await run('clean');
    const sent = await streamEvents(stack);
    const ids = await outcomesById(stack);
    const optedOut = workload.userIds[0];
    const dropped = sent.filter((e) => e.userId === optedOut).map((e) => e.id);
    // The zones keep event ids as keyed hashes; the stream and the on-failure file hold the agent's ids.
    const pz = new Pseudonymizer(await keyProvider.getKey());
    const stored = (id: string) => pz.of('event', id);
    const all = [
      ...ids.written,
      ...ids.quarantined,
      ...ids.onFailure.map(stored),
      ...dropped.map(stored),
    ].sort();
    expect(all).toEqual(sent.map((e) => stored(e.id)).sort()); // each sent id lands in exactly one outcome
    expect(ids.written.some((id) => sent.some((e) => e.id === id))).toBe(false); // no agent id is stored
    expect(new Set(all).size).toBe(all.length);
    expect(ids.onFailure).toEqual([]);
    const droppedCount = Object.values(stats.dropped).reduce((a, b) => a + b, 0);
    expect(stats.dropped.opted_out).toBe(dropped.length);
    expect(droppedCount).toBe(dropped.length);
    expect(stats.sent).toBe(sent.length);
    expect(stats.written + stats.coalesced + stats.quarantined + droppedCount + stats.onFailure).toBe(
      stats.sent,
    );
    expect(dropped.length).toBeGreaterThan(0);
    expect(stats.droppedOnDevice.excluded_app ?? 0).toBeGreaterThanOrEqual(0);
    expect(stats.generated).toBeGreaterThan(stats.sent);
    expect(stats.episodes).toBeGreaterThan(0);
    expect(stats.views.sft_examples).toBeGreaterThan(0);
    expect(stats.samples).toHaveLength(3);

    const objects = await everyObject(stack);
    expect(objects.size).toBeGreaterThan(5);
    for (const [key, bytes] of objects) {
      const views = [Buffer.from(bytes).toString('latin1')];
      if (key.endsWith('.parquet')) views.push(json(decodeParquet(bytes)));
      for (const view of views) {
        for (const planted of workload.neverStored) {
          if (view.includes(planted)) throw new Error(`planted value found in ${key}`);
        }
      }
    }
    const report = renderReport(stats);
    expect(report.markdown).toContain('reconciles exactly');
    expect(report.html).toContain('<svg');
    expect(report.html).not.toMatch(/(src|href)="http/);
    clean = { stats, curated: await curated(stack) };
    expect(clean.curated.length).toBeGreaterThan(1000);
  });

  it('ends with the clean curated content after the S3 emulator fails for a while', async () => {
    let calls = 0;
    let failures = 0;
    const { stack, stats } = await run('s3-outage', (current) => ({
      wrapHandler: (handler: KinesisHandler) => async (event) => {
        calls += 1;
        if (calls === 4) await current.s3.stop();
        const response = await handler(event);
        if (calls >= 4 && response?.batchItemFailures.length) failures += 1;
        if (failures === 3 && calls < 100) {
          calls = 100; // restart once, same port and data
          const dir = join(current.dataDir, 'emulators', 's3');
          extra.push(await startS3Emulator({ dir, port: current.s3.port }));
        }
        return response;
      },
    }));
    expect(failures).toBe(3);
    expect(stats.onFailure).toBe(0);
    expect(await curated(stack)).toBe(clean?.curated);
  });

  it('ends with the clean curated content when the handler crashes on one poison record', async () => {
    const workload = withPoison(simulatedWorkload({ users: USERS, minutes: MINUTES, startMs: START }));
    const { stack, stats } = await run('poison', () => ({
      workload,
      poller: { batchSize: 20, retryBaseDelayMs: 1, maximumRetryAttempts: 2 },
      wrapHandler: (handler: KinesisHandler) => async (event) => {
        for (const r of event.Records) {
          if (Buffer.from(r.kinesis.data, 'base64').includes(POISON)) throw new Error('poison');
        }
        return handler(event);
      },
    }));
    expect(stats.onFailure).toBe(1);
    const ids = await outcomesById(stack);
    expect(ids.onFailure).toEqual([POISON]);
    expect(await curated(stack)).toBe(clean?.curated);
  });

  it('ends with the clean curated content when the poller is killed and restarted mid-stream', async () => {
    let calls = 0;
    const { stack, stats } = await run('kill', () => ({
      wrapHandler: (handler: KinesisHandler, control) => async (event) => {
        const response = await handler(event);
        calls += 1;
        if (calls === 2 || calls === 4) control.killPoller();
        return response;
      },
    }));
    expect(stats.pollerRestarts).toBe(2);
    const ids = await outcomesById(stack);
    expect(new Set(ids.written).size).toBe(ids.written.length); // replayed batches overwrote their objects
    expect(await curated(stack)).toBe(clean?.curated);
  });

  it('gives a one-line cause when the stack cannot start', async () => {
    await expect(startLocalStack({ dataDir: '/dev/null/worktrace' })).rejects.toThrow(
      new LocalStartError('data dir /dev/null/worktrace is not writable (ENOTDIR)'),
    );
    const taken = stacks[0] as LocalStack;
    await expect(
      startLocalStack({ dataDir: join(root, 'port'), kinesisPort: taken.kinesis.port }),
    ).rejects.toThrow(`Kinesis emulator port ${taken.kinesis.port} is already in use`);
    const busy = join(root, 'busy');
    mkdirSync(busy, { recursive: true });
    writeFileSync(join(busy, 'local.lock'), String(process.ppid));
    await expect(startLocalStack({ dataDir: busy })).rejects.toThrow(
      `data dir ${busy} is in use by another worktrace local (pid ${process.ppid})`,
    );
  });
});
