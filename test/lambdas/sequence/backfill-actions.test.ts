import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FileObjectStore } from '#adapters/file-object-store.js';
import { sequenceWindow, WATERMARK_KEY, WindowError, writeWatermark } from '#core/sequence/sequencer.js';
import { ShardError } from '#core/sequence/shards.js';
import {
  type BackfillPlanResponse,
  createSequenceHandler,
  SequenceRequestError,
  type WindowResponse,
} from '../../../lambdas/sequence/app.js';
import { SequenceEnvSchema } from '../../../lambdas/sequence/env.js';
import { objectBytes, writeBackfillEvents, writeBackfillOptOuts } from '../../fixtures/backfill-lake.js';
import { ROW_BASE_TS } from '../../fixtures/event-rows.js';

const MIN = 60_000;
const root = mkdtempSync(join(tmpdir(), 'wt-seq-actions-'));
const events = new FileObjectStore(join(root, 'events'));
const curated = new FileObjectStore(join(root, 'curated'));
const config = SequenceEnvSchema.parse({ EVENTS_BUCKET: 'ev', CURATED_BUCKET: 'worktrace-test-curated' });
const WATERMARK = ROW_BASE_TS - 60 * MIN;
const iso = (ms: number) => new Date(ms).toISOString();

const handler = createSequenceHandler({
  eventsStore: events,
  curatedStore: curated,
  curatedBucket: config.CURATED_BUCKET,
  clock: { now: () => ROW_BASE_TS },
  config,
});

beforeAll(async () => {
  await writeBackfillEvents(events);
  await writeBackfillOptOuts(curated);
  await writeWatermark(curated, WATERMARK);
});

async function watermarkBytes(): Promise<string> {
  return Buffer.from((await curated.get(WATERMARK_KEY)) ?? []).toString('utf8');
}

describe('sequence function: plan-backfill', () => {
  it('writes one shard job per shard over the whole range (checkpoints recomputed in order) and answers where', async () => {
    const before = await watermarkBytes();
    const from = '2026-11-02T00:00:00.000Z';
    const to = '2026-11-04T00:00:00.000Z';
    const r = (await handler({
      action: 'plan-backfill',
      from,
      to,
      windowMinutes: 15,
    })) as BackfillPlanResponse;
    expect(r).toEqual({
      bucket: 'worktrace-test-curated',
      key: '_state/backfill/20261102T000000Z_20261104T000000Z_15.json',
      windows: 192,
      jobs: 4,
    });
    const list = JSON.parse(Buffer.from((await curated.get(r.key)) ?? []).toString('utf8'));
    expect(list).toEqual([0, 1, 2, 3].map((shard) => ({ shard, from, to })));
    expect(await watermarkBytes()).toBe(before);
  });

  it("refuses a window size other than the function's (its outputs would sit beside the scheduled ones)", async () => {
    await expect(
      handler({
        action: 'plan-backfill',
        from: iso(ROW_BASE_TS),
        to: iso(ROW_BASE_TS + 60 * MIN),
        windowMinutes: 60,
      }),
    ).rejects.toThrow(WindowError);
  });

  it('refuses misaligned or empty ranges', async () => {
    const plan = (from: number, to: number) =>
      handler({ action: 'plan-backfill', from: iso(from), to: iso(to), windowMinutes: 15 });
    await expect(plan(ROW_BASE_TS + MIN, ROW_BASE_TS + 60 * MIN)).rejects.toThrow(WindowError);
    await expect(plan(ROW_BASE_TS, ROW_BASE_TS)).rejects.toThrow(WindowError);
    await expect(plan(ROW_BASE_TS + 60 * MIN, ROW_BASE_TS)).rejects.toThrow(WindowError);
  });
});

describe('sequence function: window', () => {
  it('re-sequences one window exactly as the scheduled run would, and leaves the watermark alone', async () => {
    const before = await watermarkBytes();
    const r = (await handler({
      action: 'window',
      from: iso(ROW_BASE_TS),
      to: iso(ROW_BASE_TS + 15 * MIN),
    })) as WindowResponse;
    expect(r).toMatchObject({ from: iso(ROW_BASE_TS), to: iso(ROW_BASE_TS + 15 * MIN) });
    expect(r.episodes).toBeGreaterThan(0);
    expect(r.actions).toBeGreaterThan(r.episodes);
    expect(Object.values(r).every((v) => typeof v === 'string' || typeof v === 'number')).toBe(true);
    expect(await watermarkBytes()).toBe(before);
    // The same window through the sequencer with the function's settings, into another store: same bytes.
    const reference = new FileObjectStore(join(root, 'reference'));
    await writeBackfillOptOuts(reference);
    await sequenceWindow({
      eventsStore: events,
      curatedStore: reference,
      from: ROW_BASE_TS,
      to: ROW_BASE_TS + 15 * MIN,
      lateArrivalMs: config.LATE_ARRIVAL_MS,
      lookBackMs: config.LOOK_BACK_MS,
      episodes: { maxDurationMs: config.MAX_EPISODE_MS },
    });
    const written = await objectBytes(curated, 'episodes/');
    const expected = await objectBytes(reference, 'episodes/');
    expect([...written.keys()]).toEqual([...expected.keys()]);
    for (const [k, b] of expected) expect(written.get(k), k).toBe(b);
    expect(await objectBytes(curated, 'actions/')).toEqual(await objectBytes(reference, 'actions/'));
  });

  it('runs one shard job of a window when asked (shard of SEQUENCE_SHARDS), under its own keys', async () => {
    const sharded = new FileObjectStore(join(root, 'sharded'));
    await writeBackfillOptOuts(sharded);
    const shardHandler = createSequenceHandler({
      eventsStore: events,
      curatedStore: sharded,
      clock: { now: () => ROW_BASE_TS },
      config: { ...config, SEQUENCE_SHARDS: 2 },
    });
    const window = { action: 'window' as const, from: iso(ROW_BASE_TS), to: iso(ROW_BASE_TS + 15 * MIN) };
    const whole = (await handler(window)) as WindowResponse;
    const parts = [];
    for (const shard of [0, 1]) parts.push((await shardHandler({ ...window, shard })) as WindowResponse);
    expect(parts.reduce((n, p) => n + p.episodes, 0)).toBe(whole.episodes);
    expect(parts.reduce((n, p) => n + p.actions, 0)).toBe(whole.actions);
    expect([...(await objectBytes(sharded, 'episodes/')).keys()]).toEqual([
      'episodes/dt=2026-11-02/window-20261102T0900-20261102T0915-shard-00.parquet',
      'episodes/dt=2026-11-02/window-20261102T0900-20261102T0915-shard-01.parquet',
    ]);
    await expect(shardHandler({ ...window, shard: 2 })).rejects.toThrow(ShardError);
  });

  it('refuses a window that is misaligned or of another size than WINDOW_MINUTES', async () => {
    const run = (from: number, to: number) => handler({ action: 'window', from: iso(from), to: iso(to) });
    await expect(run(ROW_BASE_TS + MIN, ROW_BASE_TS + 16 * MIN)).rejects.toThrow(WindowError);
    await expect(run(ROW_BASE_TS, ROW_BASE_TS + 30 * MIN)).rejects.toThrow(WindowError);
  });
});

describe('sequence function: requests', () => {
  it('rejects malformed requests naming the fields, never their values', async () => {
    const secret = 'jane.doe@example.org';
    const bad = [
      { action: 'window', from: secret, to: iso(ROW_BASE_TS) },
      { action: 'window', from: iso(ROW_BASE_TS), to: iso(ROW_BASE_TS + 15 * MIN), user: secret },
      {
        action: 'plan-backfill',
        from: iso(ROW_BASE_TS),
        to: iso(ROW_BASE_TS + 15 * MIN),
        windowMinutes: '15',
      },
      { action: secret },
    ];
    for (const request of bad) {
      const err = (await handler(request).catch((e: unknown) => e)) as Error;
      expect(err).toBeInstanceOf(SequenceRequestError);
      expect(err.message).not.toContain(secret);
    }
    const err = (await handler(bad[0]).catch((e: unknown) => e)) as Error;
    expect(err.message).toBe('invalid sequence request: from');
  });

  it('runs the schedule for an EventBridge event (no action): windows after the watermark, watermark moved', async () => {
    const scheduled = createSequenceHandler({
      eventsStore: events,
      curatedStore: curated,
      clock: { now: () => ROW_BASE_TS + 2 * 60 * MIN },
      config,
    });
    const r = await scheduled({
      version: '0',
      id: 'e',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '1',
      time: iso(ROW_BASE_TS),
      region: 'eu-west-1',
      resources: [],
      detail: {},
    });
    expect(r.windows).toBeGreaterThan(0);
    expect(r.watermark).not.toBeNull();
    expect(await watermarkBytes()).toContain(r.watermark as string);
  });
});
