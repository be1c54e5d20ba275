import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventRow } from '#core/lake/schema.js';
import { sequenceRows } from '#core/sequence/sequencer.js';
import { arbOp, play } from '../../fixtures/session-ops.js';

const arbSessions = fc.array(fc.array(arbOp, { maxLength: 60 }), { minLength: 1, maxLength: 3 });

/** Splits rows into `cuts`-delimited files, orders the files by `order`, and concatenates them. */
function resplit(rows: readonly EventRow[], cuts: readonly number[], order: readonly number[]): EventRow[] {
  const points = [...new Set(cuts.map((c) => c % (rows.length + 1)))].sort((a, b) => a - b);
  const files: EventRow[][] = [];
  let prev = 0;
  for (const p of [...points, rows.length]) {
    files.push(rows.slice(prev, p));
    prev = p;
  }
  const keyed = files.map((f, i) => ({ f, k: order[i % order.length] ?? 0, i }));
  keyed.sort((a, b) => a.k - b.k || a.i - b.i);
  return keyed.flatMap((e) => e.f);
}

describe('sequencing is independent of how events were split and duplicated', () => {
  it('re-splitting the events across files and batches (keeping seq) never changes the output', () => {
    fc.assert(
      fc.property(
        arbSessions,
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
        (sessions, cuts, order) => {
          const rows = sessions.flatMap((ops, i) => play(ops, `s${i}`));
          const base = sequenceRows(rows);
          const again = sequenceRows(resplit(rows, cuts, order));
          expect(again.actions).toEqual(base.actions);
          expect(again.episodes).toEqual(base.episodes);
          expect(again.anomalies).toEqual(base.anomalies);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('duplicated events never change the output', () => {
    fc.assert(
      fc.property(arbSessions, fc.array(fc.nat(), { minLength: 1, maxLength: 30 }), (sessions, picks) => {
        const rows = sessions.flatMap((ops, i) => play(ops, `s${i}`));
        const base = sequenceRows(rows);
        const dups = picks.map((p) => rows[p % rows.length] as EventRow).map((r) => ({ ...r }));
        const again = sequenceRows([...dups, ...rows, ...dups]);
        expect(again.actions).toEqual(base.actions);
        expect(again.episodes).toEqual(base.episodes);
        const { duplicate_event: _a, ...restAgain } = again.anomalies;
        const { duplicate_event: _b, ...restBase } = base.anomalies;
        expect(restAgain).toEqual(restBase);
      }),
      { numRuns: 150 },
    );
  });

  it('every action gets a valid episode step, and steps mirror the actions', () => {
    fc.assert(
      fc.property(arbSessions, (sessions) => {
        const rows = sessions.flatMap((ops, i) => play(ops, `s${i}`));
        const { actions, episodes } = sequenceRows(rows);
        for (const e of episodes) {
          const mine = actions.filter((a) => a.episode_id === e.episode_id);
          expect(mine.map((a) => a.step_index)).toEqual(e.steps.map((_, i) => i));
          expect(e.step_count).toBe(mine.length);
          expect(e.end_ts).toBeGreaterThanOrEqual(e.start_ts);
        }
        for (const a of actions) if (a.episode_id === null) expect(a.action_type).toBe('wait');
        expect(new Set(actions.map((a) => a.action_id)).size).toBe(actions.length);
      }),
      { numRuns: 150 },
    );
  });
});
