/**
 * Late events, end to end through the real redact handler and the real sequencing run: a batch that lands
 * after its window × shard was sequenced is counted, queued, and re-sequenced with the windows after it,
 * so that the curated zone ends up exactly as if the batch had been on time; nothing else is rewritten.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FileObjectStore } from '#adapters/file-object-store.js';
import type { WorktraceEventInput } from '#core/contract/event-contract.js';
import { decodeParquet } from '#core/lake/parquet.js';
import type { KeyProvider, ObjectStore, PutOptions } from '#core/ports.js';
import { Pseudonymizer } from '#core/redact/pseudonym.js';
import { feedingWindow, listResequence, RESEQUENCE_PREFIX, readProgress } from '#core/sequence/late.js';
import { runSequencing } from '#core/sequence/runs.js';
import { writeWatermark } from '#core/sequence/sequencer.js';
import { sessionShard } from '#core/sequence/shards.js';
import { simulate } from '../../../agent/simulator/simulate.js';
import { type BatchReport, createRedactHandler } from '../../../lambdas/redact/app.js';
import { kinesisEvent, kinesisRecord } from '../../fixtures/events.js';
import { TEST_KEY, testPolicy } from '../../fixtures/redact.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 2, 9, 0, 0);
const SHARDS = 4;
const SETTINGS = { windowMinutes: 15, lateArrivalMs: 10 * MIN };
const NOW = T0 + 4 * 60 * MIN;
const keyProvider: KeyProvider = { getKey: async () => TEST_KEY };

/** A file store that records the keys written. */
class RecordingStore extends FileObjectStore {
  readonly puts: string[] = [];
  override async put(key: string, body: Uint8Array | string, options?: PutOptions): Promise<void> {
    this.puts.push(key);
    await super.put(key, body, options);
  }
}

interface Lake {
  readonly events: ObjectStore;
  readonly quarantine: ObjectStore;
  readonly curated: RecordingStore;
  readonly reports: BatchReport[];
  deliver(events: readonly WorktraceEventInput[]): Promise<void>;
  sequence(): ReturnType<typeof runSequencing>;
}

async function lake(root: string, name: string): Promise<Lake> {
  const events = new FileObjectStore(join(root, name, 'events'));
  const quarantine = new FileObjectStore(join(root, name, 'quarantine'));
  const curated = new RecordingStore(join(root, name, 'curated'));
  const reports: BatchReport[] = [];
  const handler = createRedactHandler({
    stores: { events, quarantine },
    keyProvider,
    policy: testPolicy(),
    sequenceShards: SHARDS,
    lateEvents: { curated, ...SETTINGS },
    onBatch: (r) => reports.push(r),
  });
  await writeWatermark(curated, T0);
  return {
    events,
    quarantine,
    curated,
    reports,
    async deliver(list) {
      // One Kinesis batch per 400 events, in capture order.
      for (let i = 0; i < list.length; i += 400) {
        const batch = list.slice(i, i + 400).map((e) => kinesisRecord(e, { partitionKey: e.sessionId }));
        const r = await handler(kinesisEvent(batch));
        expect(r.batchItemFailures).toEqual([]);
      }
    },
    sequence: () =>
      runSequencing({
        eventsStore: events,
        curatedStore: curated,
        now: NOW,
        ...SETTINGS,
        maxWindows: 96,
        shards: SHARDS,
        concurrency: 2,
      }),
  };
}

/** Every row of a curated table, in a fixed order (object boundaries do not matter, content does). */
async function tableRows(store: ObjectStore, prefix: string): Promise<string[]> {
  const rows: string[] = [];
  for (const o of await store.list(prefix)) {
    const bytes = await store.get(o.key);
    if (bytes) for (const r of decodeParquet(bytes)) rows.push(JSON.stringify(r));
  }
  return rows.sort();
}

let root: string;
let all: WorktraceEventInput[];
let late: WorktraceEventInput[];
let onTime: Lake;
let delayed: Lake;
let lateReports: BatchReport[];
let firstRun: Awaited<ReturnType<typeof runSequencing>>;
let rowsBeforeResequence: string[];
let putsBeforeResequence: number;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'wt-late-'));
  all = simulate({ users: 6, minutes: 75, seed: 11, startMs: T0 }).events;
  // The late batch: one user's pointer events in the 09:30-09:45 window (held back by a flaky link).
  const victim = all[0]?.sessionId as string;
  late = all.filter(
    (e) =>
      e.sessionId === victim &&
      (e.type === 'mouse_down' || e.type === 'mouse_up' || e.type === 'wheel') &&
      e.ts >= T0 + 30 * MIN &&
      e.ts < T0 + 45 * MIN,
  );
  const lateIds = new Set(late.map((e) => e.eventId));

  // The same batches in the same order (so the redact function writes the same rows), sequenced only after
  // the late batch has landed.
  onTime = await lake(root, 'on-time');
  await onTime.deliver(all.filter((e) => !lateIds.has(e.eventId)));
  await onTime.deliver(late);
  await onTime.sequence();

  delayed = await lake(root, 'delayed');
  await delayed.deliver(all.filter((e) => !lateIds.has(e.eventId)));
  firstRun = await delayed.sequence();
  rowsBeforeResequence = await tableRows(delayed.curated, 'actions/');
  const before = delayed.reports.length;
  await delayed.deliver(late);
  lateReports = delayed.reports.slice(before);
  putsBeforeResequence = delayed.curated.puts.length;
}, 120_000);

describe('a batch landing after its window was sequenced', () => {
  it('is a real late batch: its window and every window after it were sequenced without it', () => {
    expect(late.length).toBeGreaterThanOrEqual(4);
    expect(firstRun.plan.windows).toBeGreaterThan(4);
    expect(firstRun.plan.to).toBeGreaterThan(T0 + 45 * MIN);
  });

  it('is counted, and queued once per window × shard with counts only', async () => {
    expect(lateReports.reduce((n, r) => n + r.lateEvents, 0)).toBe(late.length);
    // The same batch before its window was sequenced is not late.
    expect(onTime.reports.reduce((n, r) => n + r.lateEvents, 0)).toBe(0);
    expect(delayed.reports.slice(0, -lateReports.length).every((r) => r.lateEvents === 0)).toBe(true);
    const session = new Pseudonymizer(TEST_KEY).of('session', late[0]?.sessionId as string);
    const shard = sessionShard(session, SHARDS);
    const queued = await listResequence(delayed.curated);
    const windows = [
      ...new Set(late.map((e) => feedingWindow(e.ts, { windowMs: 15 * MIN, lateArrivalMs: 10 * MIN }))),
    ];
    expect(queued.map((e) => [e.from, e.shard])).toEqual(
      windows.sort((a, b) => a - b).map((w) => [w, shard]),
    );
    for (const e of queued) {
      const body = Buffer.from((await delayed.curated.get(e.key)) ?? []).toString('utf8');
      expect(JSON.parse(body)).toEqual({
        version: 1,
        from: new Date(e.from).toISOString(),
        shard,
        events: expect.any(Number),
      });
      expect(body).not.toContain(session);
    }
  });

  it('without re-sequencing the curated zone misses it (the test can fail)', async () => {
    expect(rowsBeforeResequence).not.toEqual(await tableRows(onTime.curated, 'actions/'));
  });

  it('the next run re-sequences that shard from that window on: the curated zone equals the on-time one', async () => {
    const watermark = (await readProgress(delayed.curated)).closed;
    const again = await delayed.sequence();
    const session = new Pseudonymizer(TEST_KEY).of('session', late[0]?.sessionId as string);
    const shard = sessionShard(session, SHARDS);
    // Only the late shard has a job, from the late window to the watermark; nothing new was due.
    expect(again.plan.windows).toBe(0);
    expect(again.plan.jobs).toEqual([
      { shard, from: Math.min(...again.plan.jobs.map((j) => j.from)), to: watermark },
    ]);
    expect(again.plan.jobs[0]?.from).toBeLessThanOrEqual(T0 + 45 * MIN);
    expect(await tableRows(delayed.curated, 'actions/')).toEqual(await tableRows(onTime.curated, 'actions/'));
    expect(await tableRows(delayed.curated, 'episodes/')).toEqual(
      await tableRows(onTime.curated, 'episodes/'),
    );
    // The re-run rewrote only that shard's outputs and checkpoints (and the watermark), and cleared the queue.
    const written = delayed.curated.puts.slice(putsBeforeResequence);
    expect(written.length).toBeGreaterThan(0);
    for (const key of written) {
      expect(
        key.endsWith(`-shard-0${shard}.parquet`) ||
          key.endsWith(`-shard-0${shard}.json`) ||
          key.startsWith('_state/sequence') ||
          key === '_state/sequencer.json',
        key,
      ).toBe(true);
    }
    expect(await delayed.curated.list(RESEQUENCE_PREFIX)).toEqual([]);
    expect((await readProgress(delayed.curated)).closed).toBe(watermark);
    expect(await delayed.curated.get('_state/sequencer.json')).toEqual(
      await onTime.curated.get('_state/sequencer.json'),
    );
  });
});
