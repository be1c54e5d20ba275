import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventRow } from '#core/lake/schema.js';
import { sequenceRows } from '#core/sequence/sequencer.js';
import { SessionScript } from '../../fixtures/event-rows.js';

/** One scripted user step. */
const arbOp = fc.oneof(
  fc.record({
    k: fc.constant('move' as const),
    x: fc.integer({ min: 0, max: 999 }),
    y: fc.integer({ min: 0, max: 499 }),
  }),
  fc.record({ k: fc.constant('click' as const), button: fc.constantFrom('left', 'left', 'right', 'middle') }),
  fc.record({ k: fc.constant('down' as const) }),
  fc.record({ k: fc.constant('up' as const) }),
  fc.record({ k: fc.constant('wheel' as const), dy: fc.constantFrom(-120, 120, 40) }),
  fc.record({
    k: fc.constant('text' as const),
    field: fc.constantFrom('a', 'b'),
    text: fc.string({ maxLength: 6 }),
  }),
  fc.record({
    k: fc.constant('key' as const),
    name: fc.constantFrom('Enter', 'Backspace', 'ArrowUp', 'Escape'),
  }),
  fc.record({
    k: fc.constant('hotkey' as const),
    mods: fc.constantFrom('ctrl', 'ctrl+shift', 'meta'),
    key: fc.constantFrom('z', 'c', 't'),
  }),
  fc.record({ k: fc.constant('focus' as const), app: fc.constantFrom('editor', 'browser', 'sheet') }),
  fc.record({ k: fc.constant('element' as const), role: fc.constantFrom('button', 'menuitem') }),
  fc.record({ k: fc.constant('marker' as const), marker: fc.constantFrom('start' as const, 'end' as const) }),
  fc.record({ k: fc.constant('dialog' as const) }),
  fc.record({ k: fc.constant('pause' as const), ms: fc.constantFrom(5, 80, 300, 4000, 70_000) }),
);
type Op = typeof arbOp extends fc.Arbitrary<infer T> ? T : never;

/** Plays ops into rows for a session. */
function play(ops: readonly Op[], session: string): EventRow[] {
  const s = new SessionScript(session).screen(1000, 500).focus('editor');
  let x = 10;
  let y = 10;
  for (const op of ops) {
    switch (op.k) {
      case 'move':
        x = op.x;
        y = op.y;
        s.move(x, y, 8);
        break;
      case 'click':
        s.click(x, y, op.button).wait(40);
        break;
      case 'down':
        s.down(x, y).wait(30);
        break;
      case 'up':
        s.up(x, y).wait(30);
        break;
      case 'wheel':
        s.wheel(op.dy).wait(40);
        break;
      case 'text':
        s.text(op.field, op.text);
        break;
      case 'key':
        s.key(
          op.name,
          op.name === 'Enter' ? 'enter' : op.name.startsWith('Arrow') ? 'arrow' : op.name.toLowerCase(),
        );
        break;
      case 'hotkey':
        s.hotkey(op.mods, op.key);
        break;
      case 'focus':
        s.focus(op.app);
        break;
      case 'element':
        s.element(op.role, 'Thing');
        break;
      case 'marker':
        s.task(op.marker);
        break;
      case 'dialog':
        s.dialog();
        break;
      case 'pause':
        s.wait(op.ms);
        break;
    }
  }
  return s.rows;
}

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
