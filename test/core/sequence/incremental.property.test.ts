import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeParquet } from '#core/lake/parquet.js';
import { ACTIONS_TABLE, EPISODES_TABLE, type EventRow } from '#core/lake/schema.js';
import { type Anomalies, addAnomalies, emptyAnomalies } from '#core/sequence/actions.js';
import type { Episode, PlacedAction } from '#core/sequence/episodes.js';
import {
  type CheckpointDocument,
  parseCheckpoint,
  sequenceIncrements,
  serializeCheckpoint,
} from '#core/sequence/incremental.js';
import { sequenceRows } from '#core/sequence/sequencer.js';
import { desktopRecording } from '../../fixtures/desktop-recording.js';
import { arbOp, play } from '../../fixtures/session-ops.js';

/** How a session's rows reach the incremental sequencer. */
interface Delivery {
  readonly windowMs: number;
  readonly allowanceMs: number;
  /** Where the first window starts before the first row. */
  readonly offset: number;
  /** Per-row arrival delay (taken modulo allowance + 1). */
  readonly delays: readonly number[];
  /** Rows delivered twice, and how late the copy arrives (it may be later than the allowance). */
  readonly dups: readonly { readonly pick: number; readonly delay: number }[];
  /** Order of rows inside a window's delivery, and where it is cut into files/batches. */
  readonly order: readonly number[];
  readonly cuts: readonly number[];
  /** Rows held back by the horizon: kept in the checkpoint, or re-read by the caller next time. */
  readonly pending: 'hold' | 'reread';
}

/** The output of a run, per session in the order it was produced. */
interface Output {
  readonly actions: PlacedAction[];
  readonly episodes: Episode[];
  readonly anomalies: Anomalies;
  readonly calls: number;
  /** Every row delivered, duplicates included (what a single pass over the data reads). */
  readonly delivered: EventRow[];
}

/**
 * Feeds rows increment by increment as a scheduled sequencer would: a row arrives `delay` after its ts;
 * increment k gets the rows that arrived in its window, shuffled and cut into batches; every batch but
 * the last may only use the previous window's horizon (its rows are not all there yet), the last uses
 * window end − allowance. The checkpoint goes through JSON between every call; a final call ends all.
 */
function feed(rows: readonly EventRow[], d: Delivery): Output {
  const t0 = Math.min(...rows.map((r) => r.ts)) - d.offset;
  const allowance = d.allowanceMs;
  const arrivals: { row: EventRow; at: number }[] = rows.map((row, i) => ({
    row,
    at: row.ts + ((d.delays[i % Math.max(1, d.delays.length)] ?? 0) % (allowance + 1)),
  }));
  for (const { pick, delay } of d.dups) {
    const row = rows[pick % rows.length] as EventRow;
    arrivals.push({ row: { ...row }, at: row.ts + (delay % (2 * allowance + d.windowMs + 1)) });
  }
  const byWindow = new Map<number, EventRow[]>();
  for (const { row, at } of arrivals) {
    const k = Math.floor((at - t0) / d.windowMs);
    const list = byWindow.get(k) ?? [];
    list.push(row);
    byWindow.set(k, list);
  }
  const last = Math.max(...byWindow.keys());
  const windows = last + 1 <= 150 ? [...Array(last + 1).keys()] : [...byWindow.keys()].sort((a, b) => a - b);

  const actions: PlacedAction[] = [];
  const episodes: Episode[] = [];
  const anomalies = emptyAnomalies();
  let doc: CheckpointDocument | null = null;
  let calls = 0;
  // In reread mode the caller keeps what arrived and re-delivers each session's rows from reread_from_ts.
  let arrived: EventRow[] = [];
  const call = (batch: readonly EventRow[], options: { horizonTs?: number; end?: boolean }): void => {
    let rows = batch;
    if (d.pending === 'reread') {
      const from = new Map((doc?.sessions ?? []).map((s) => [s.session_id, s.reread_from_ts ?? 0]));
      rows = [
        ...arrived.filter((r) => r.ts >= (from.get(r.session_id) ?? Number.POSITIVE_INFINITY)),
        ...batch,
      ];
      arrived = [...arrived, ...batch];
    }
    const r = sequenceIncrements(doc, rows, { ...options, pending: d.pending });
    actions.push(...r.actions);
    episodes.push(...r.episodes);
    addAnomalies(anomalies, r.anomalies);
    doc = parseCheckpoint(serializeCheckpoint(r.document));
    calls += 1;
  };
  for (const k of windows) {
    const delivered = (byWindow.get(k) ?? [])
      .map((row, i) => ({ row, key: d.order[i % d.order.length] ?? 0, i }))
      .sort((a, b) => a.key - b.key || a.i - b.i)
      .map((e) => e.row);
    const points = [...new Set(d.cuts.map((c) => c % (delivered.length + 1)))].sort((a, b) => a - b);
    const batches: EventRow[][] = [];
    let prev = 0;
    for (const p of [...points, delivered.length]) {
      batches.push(delivered.slice(prev, p));
      prev = p;
    }
    const horizon = t0 + (k + 1) * d.windowMs - allowance;
    batches.forEach((b, i) => {
      call(b, { horizonTs: i === batches.length - 1 ? horizon : horizon - d.windowMs });
    });
  }
  call([], { end: true });
  expect(doc).toEqual({ version: expect.any(String), sessions: [] });
  // Each session's output, in session order (calls interleave sessions; each session's own order holds).
  const bySession = <T extends { session_id: string }>(items: T[]): T[] =>
    [...new Set(items.map((i) => i.session_id))]
      .sort()
      .flatMap((id) => items.filter((i) => i.session_id === id));
  return {
    actions: bySession(actions),
    episodes: bySession(episodes),
    anomalies,
    calls,
    delivered: arrivals.map((a) => a.row),
  };
}

const arbDelivery: fc.Arbitrary<Delivery> = fc.record({
  windowMs: fc.constantFrom(1000, 5000, 30_000, 120_000),
  allowanceMs: fc.constantFrom(0, 200, 3000, 20_000),
  offset: fc.nat({ max: 120_000 }),
  delays: fc.array(fc.nat(), { maxLength: 40 }),
  dups: fc.array(fc.record({ pick: fc.nat(), delay: fc.nat() }), { maxLength: 12 }),
  order: fc.array(fc.nat(), { minLength: 1, maxLength: 10 }),
  cuts: fc.array(fc.nat(), { maxLength: 4 }),
  pending: fc.constantFrom('hold' as const, 'reread' as const),
});

/** Sessions: scripted ones, sometimes with a short desktop recording beside them. */
const arbRows = fc
  .tuple(
    fc.array(fc.array(arbOp, { maxLength: 60 }), { minLength: 1, maxLength: 3 }),
    fc.option(fc.integer({ min: 1, max: 1000 }), { freq: 4 }),
  )
  .map(([sessions, seed]) => [
    ...sessions.flatMap((ops, i) => play(ops, `s${i}`)),
    ...(seed === null ? [] : desktopRecording(seed, 6, `desk-${seed}`).rows),
  ]);

describe('incremental sequencing gives the single-pass result', () => {
  it('for random sessions cut into windows, files and batches, with duplicates and late rows', () => {
    fc.assert(
      fc.property(arbRows, arbDelivery, (rows, delivery) => {
        const inc = feed(rows, delivery);
        const once = sequenceRows(inc.delivered);
        expect(inc.actions).toEqual(once.actions);
        expect(inc.episodes).toEqual(once.episodes);
        expect(inc.anomalies).toEqual(once.anomalies);
        expect(encodeParquet(ACTIONS_TABLE.columns, inc.actions)).toEqual(
          encodeParquet(ACTIONS_TABLE.columns, once.actions),
        );
        expect(encodeParquet(EPISODES_TABLE.columns, inc.episodes)).toEqual(
          encodeParquet(EPISODES_TABLE.columns, once.episodes),
        );
      }),
      { numRuns: Number(process.env.WORKTRACE_PROPERTY_RUNS ?? 100) },
    );
  });
});
