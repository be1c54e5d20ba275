/**
 * What one sequencing job costs (issue 18's scale model, docs/sequencing.md "Scale model"): a lake written
 * by the real redact handler from the agent simulator (20 users × 60 min, in-memory buckets), then every window
 * sequenced incrementally as shard jobs (`runSequencing`, 4 shards, one job at a time). Reports the CPU per
 * event sequenced (listing, decoding, reducing, cutting, writing, checkpoints), how often each event is
 * decoded, the heap a decoded row takes, the checkpoint bytes per live session and the events per
 * user-second the simulator sends: the measured inputs of `core/cost/sequencing-scale.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { FileObjectStore } from '#adapters/file-object-store.js';
import { decodeParquet } from '#core/lake/parquet.js';
import type { ObjectStore } from '#core/ports.js';
import { runSequencing } from '#core/sequence/runs.js';
import { CHECKPOINT_PREFIX, type WindowResult, writeWatermark } from '#core/sequence/sequencer.js';
import { simulate } from '../../agent/simulator/simulate.js';
import { createRedactHandler } from '../../lambdas/redact/app.js';
import { kinesisEvent, kinesisRecord } from '../../test/fixtures/events.js';
import { TEST_KEY, testPolicy } from '../../test/fixtures/redact.js';
import { VersionedMemoryStore } from '../../test/governance/versioned-store.js';
import type { RunCase } from '../harness.js';

const USERS = 20;
const MINUTES = 60;
const SHARDS = 4;
const T0 = Date.UTC(2026, 10, 2, 9, 0, 0);

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap bytes one decoded events row holds, from decoding every object of a prefix and keeping the rows. */
async function decodedBytesPerRow(store: ObjectStore): Promise<number> {
  const objects = (await store.list('events/')).slice(0, 40);
  gc();
  const before = process.memoryUsage().heapUsed;
  const kept: unknown[][] = [];
  for (const o of objects) {
    const bytes = await store.get(o.key);
    if (bytes) kept.push(decodeParquet(bytes));
  }
  gc();
  const rows = kept.reduce((n, r) => n + r.length, 0);
  return (process.memoryUsage().heapUsed - before) / rows;
}

export const sequenceScaleCase: RunCase = {
  kind: 'run',
  name: 'sequence-scale',
  description: `incremental shard jobs over a redacted lake of ${USERS} users × ${MINUTES} min: per-event cost`,
  async measure() {
    const root = mkdtempSync(join(tmpdir(), 'wt-bench-seqscale-'));
    try {
      // In-memory buckets: listing and reading cost about what S3 requests cost a Lambda in CPU (a file
      // store hashes every object it lists, which would be most of the figure).
      const events = new VersionedMemoryStore('events');
      const curated = new VersionedMemoryStore('curated');
      let written = 0;
      const handler = createRedactHandler({
        stores: { events, quarantine: new FileObjectStore(join(root, 'quarantine')) },
        keyProvider: { getKey: async () => TEST_KEY },
        policy: testPolicy(),
        sequenceShards: SHARDS,
        onBatch: (r) => {
          written += r.rowsWritten;
        },
      });
      const sim = simulate({ users: USERS, minutes: MINUTES, seed: 7, startMs: T0 });
      for (let i = 0; i < sim.events.length; i += 500) {
        const batch = sim.events
          .slice(i, i + 500)
          .map((e) => kinesisRecord(e, { partitionKey: e.sessionId }));
        await handler(kinesisEvent(batch));
      }
      await writeWatermark(curated, T0);
      const results: WindowResult[] = [];
      gc();
      const cpu = process.cpuUsage();
      const t0 = performance.now();
      await runSequencing({
        eventsStore: events,
        curatedStore: curated,
        now: T0 + (MINUTES + 120) * 60_000,
        windowMinutes: 15,
        lateArrivalMs: 10 * 60_000,
        maxWindows: 96,
        shards: SHARDS,
        concurrency: 1,
        onWindow: (r) => results.push(r),
      });
      const seconds = (performance.now() - t0) / 1000;
      const used = process.cpuUsage(cpu);
      const cpuSeconds = (used.user + used.system) / 1e6;
      const read = results.reduce((n, r) => n + r.events, 0);
      const peakJobRows = Math.max(...results.map((r) => r.events));
      let checkpointBytes = 0;
      let sessions = 0;
      for (const o of await curated.list(CHECKPOINT_PREFIX)) {
        const body = await curated.get(o.key);
        if (!body) continue;
        const cp = JSON.parse(Buffer.from(body).toString('utf8')) as { state: { sessions: unknown[] } };
        if (cp.state.sessions.length === 0) continue;
        checkpointBytes += body.byteLength;
        sessions += cp.state.sessions.length;
      }
      const perRow = await decodedBytesPerRow(events);
      return {
        events: written,
        seconds,
        extras: {
          'events written': written,
          'events per user-second': Number((written / (USERS * MINUTES * 60)).toFixed(2)),
          'window × shard jobs': results.length,
          'CPU µs per event written': Number(((cpuSeconds / written) * 1e6).toFixed(1)),
          'rows fed per event written': Number((read / written).toFixed(2)),
          'peak rows fed in one job': peakJobRows,
          'decoded heap bytes per row': Math.round(perRow),
          'checkpoint bytes per live session': sessions === 0 ? 0 : Math.round(checkpointBytes / sessions),
        },
      };
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  },
};
