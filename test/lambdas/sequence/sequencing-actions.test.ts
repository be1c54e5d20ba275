/**
 * The sequence function driven as the sequencing state machine drives it: `plan-due`, the Distributed
 * Map's items each invoked with `shard-windows` until `done` (the item loop), then `commit`. The curated
 * zone must end byte for byte where the in-process run (`runSequencing`, the local pool) leaves it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FileObjectStore } from '#adapters/file-object-store.js';
import { readProgress, WATERMARK_KEY } from '#core/sequence/late.js';
import { runSequencing, SEQUENCE_RUN_PREFIX } from '#core/sequence/runs.js';
import { WindowError, writeWatermark } from '#core/sequence/sequencer.js';
import {
  type CommitResponse,
  createSequenceHandler,
  type DuePlanResponse,
  SequenceRequestError,
  type ShardWindowsResponse,
} from '../../../lambdas/sequence/app.js';
import { SequenceEnvSchema } from '../../../lambdas/sequence/env.js';
import { objectBytes, writeBackfillEvents, writeBackfillOptOuts } from '../../fixtures/backfill-lake.js';
import { ROW_BASE_TS } from '../../fixtures/event-rows.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const root = mkdtempSync(join(tmpdir(), 'wt-seq-run-'));
const events = new FileObjectStore(join(root, 'events'));
// Three invocations' worth of windows per item at most: the loop must go round.
const config = SequenceEnvSchema.parse({
  EVENTS_BUCKET: 'ev',
  CURATED_BUCKET: 'worktrace-test-curated',
  MAX_WINDOWS_PER_RUN: '96',
  MAX_WINDOWS_PER_INVOCATION: '3',
  SEQUENCE_SHARDS: '3',
});
const START = ROW_BASE_TS - HOUR;
const NOW = ROW_BASE_TS + 6 * HOUR;

async function curatedStore(name: string): Promise<FileObjectStore> {
  const store = new FileObjectStore(join(root, name));
  await writeBackfillOptOuts(store);
  await writeWatermark(store, START);
  return store;
}

beforeAll(async () => {
  await writeBackfillEvents(events);
});

/** Runs one execution as the state machine would; returns what each step answered. */
async function execute(curated: FileObjectStore) {
  const handler = createSequenceHandler({
    eventsStore: events,
    curatedStore: curated,
    curatedBucket: config.CURATED_BUCKET,
    clock: { now: () => NOW },
    config,
  });
  const plan = (await handler({ action: 'plan-due' })) as DuePlanResponse;
  if (plan.jobs === 0) return { plan, invocations: [] as ShardWindowsResponse[], commit: undefined };
  const items = JSON.parse(Buffer.from((await curated.get(plan.key)) ?? []).toString('utf8')) as {
    shard: number;
    from: string;
    to: string;
  }[];
  const invocations: ShardWindowsResponse[] = [];
  for (const item of items) {
    let r: ShardWindowsResponse;
    let from = item.from;
    do {
      r = (await handler({ action: 'shard-windows', ...item, from })) as ShardWindowsResponse;
      invocations.push(r);
      from = r.from;
    } while (!r.done);
  }
  const commit = (await handler({ action: 'commit', plan: plan.plan })) as CommitResponse;
  return { plan, items, invocations, commit };
}

describe('the sequencing state machine over the sequence function', () => {
  let viaMachine: FileObjectStore;
  let run: Awaited<ReturnType<typeof execute>>;

  beforeAll(async () => {
    viaMachine = await curatedStore('machine');
    run = await execute(viaMachine);
  });

  it('plans one item per shard over the due windows, under the run prefix', () => {
    expect(run.plan.jobs).toBe(3);
    expect(run.plan.key.startsWith(SEQUENCE_RUN_PREFIX)).toBe(true);
    expect(run.plan.plan.startsWith(SEQUENCE_RUN_PREFIX)).toBe(true);
    expect(run.items?.map((i) => i.shard)).toEqual([0, 1, 2]);
    expect(new Set(run.items?.map((i) => `${i.from}/${i.to}`)).size).toBe(1);
  });

  it('each item goes round the loop: at most MAX_WINDOWS_PER_INVOCATION windows an invocation, until done', () => {
    const perItem = run.plan.windows;
    expect(perItem).toBeGreaterThan(6);
    for (const r of run.invocations) expect(r.windows).toBeLessThanOrEqual(3);
    expect(run.invocations.filter((r) => r.done)).toHaveLength(3);
    expect(run.invocations.length).toBe(3 * Math.ceil(perItem / 3));
    expect(run.invocations.reduce((n, r) => n + r.windows, 0)).toBe(3 * perItem);
  });

  it('writes what the local pool writes, byte for byte, and commits the watermark', async () => {
    const local = await curatedStore('local');
    await runSequencing({
      eventsStore: events,
      curatedStore: local,
      now: NOW,
      windowMinutes: config.WINDOW_MINUTES,
      lateArrivalMs: config.LATE_ARRIVAL_MS,
      lookBackMs: config.LOOK_BACK_MS,
      episodes: { maxDurationMs: config.MAX_EPISODE_MS },
      maxWindows: config.MAX_WINDOWS_PER_RUN,
      shards: 3,
      concurrency: 3,
    });
    const strip = (m: Map<string, string>) =>
      new Map([...m].filter(([k]) => !k.startsWith(SEQUENCE_RUN_PREFIX)));
    expect(strip(await objectBytes(viaMachine))).toEqual(strip(await objectBytes(local)));
    expect(run.commit?.watermark).toBe(
      new Date((await readProgress(viaMachine)).closed ?? Number.NaN).toISOString(),
    );
    expect((await objectBytes(viaMachine, 'episodes/')).size).toBeGreaterThan(0);
  });

  it('a second execution right after finds nothing due and changes nothing', async () => {
    const before = await objectBytes(viaMachine);
    const again = await execute(viaMachine);
    expect(again.plan.jobs).toBe(0);
    expect(again.plan.to).toBeNull();
    const after = await objectBytes(viaMachine);
    expect(after.get(WATERMARK_KEY)).toBe(before.get(WATERMARK_KEY));
    for (const [k, b] of before) if (!k.startsWith(SEQUENCE_RUN_PREFIX)) expect(after.get(k), k).toBe(b);
  });

  it('refuses malformed steps: unknown plan, shard beyond SEQUENCE_SHARDS, extra fields', async () => {
    const handler = createSequenceHandler({
      eventsStore: events,
      curatedStore: viaMachine,
      clock: { now: () => NOW },
      config,
    });
    await expect(handler({ action: 'commit', plan: 'opt_outs/registry.jsonl' })).rejects.toThrow(WindowError);
    const window = { from: new Date(START).toISOString(), to: new Date(START + HOUR).toISOString() };
    await expect(handler({ action: 'shard-windows', shard: 3, ...window })).rejects.toThrow(WindowError);
    await expect(handler({ action: 'shard-windows', shard: 0, ...window, extra: 1 })).rejects.toThrow(
      SequenceRequestError,
    );
  });
});
