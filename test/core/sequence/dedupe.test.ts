import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventRow } from '#core/lake/schema.js';
import { dedupeByEventId } from '#core/sequence/dedupe.js';
import { eventRow } from '../../fixtures/event-rows.js';

const copy = (seq: number, fields: Partial<EventRow> = {}): EventRow => ({
  ...eventRow('s', 1, 1000, 'mouse_move'),
  event_id: 'e1',
  seq,
  ...fields,
});

describe('dedupeByEventId', () => {
  it('keeps the copy with the lowest seq, then the lowest Kinesis sequence number', () => {
    const a = copy(5, { sequence_number: '200' });
    const b = copy(4, { sequence_number: '300' });
    const c = copy(4, { sequence_number: '100' });
    for (const rows of [
      [a, b, c],
      [c, b, a],
      [b, a, c],
    ])
      expect(dedupeByEventId(rows)).toEqual([c]);
    // No sequence number (a file of rows from `worktrace redact`) counts as the lowest.
    expect(dedupeByEventId([c, copy(4)])).toEqual([copy(4)]);
  });

  it('decides between copies that agree on seq, sequence number and shard by their other columns', () => {
    const a = copy(4, { sequence_number: '1', shard_id: 'x', x: 10 });
    const b = copy(4, { sequence_number: '1', shard_id: 'x', x: 20 });
    expect(dedupeByEventId([a, b])).toEqual(dedupeByEventId([b, a]));
  });

  it('keeps first-seen order and returns the input itself when no id repeats', () => {
    const rows = [copy(2, { event_id: 'b' }), copy(1, { event_id: 'a' })];
    expect(dedupeByEventId(rows)).toBe(rows);
    const twice = [...rows, copy(0, { event_id: 'b' })];
    expect(dedupeByEventId(twice).map((r) => [r.event_id, r.seq])).toEqual([
      ['b', 0],
      ['a', 1],
    ]);
  });

  it('depends only on the set of rows, never on their order or repetition', () => {
    const arbRow = fc.record({
      event_id: fc.constantFrom('e1', 'e2', 'e3', 'e4'),
      seq: fc.integer({ min: 1, max: 3 }),
      sequence_number: fc.option(fc.constantFrom('10', '11', '9')),
      shard_id: fc.option(fc.constantFrom('shard-a', 'shard-b')),
      x: fc.option(fc.integer({ min: 0, max: 2 })),
      text: fc.option(fc.constantFrom('a', 'b')),
      secure: fc.option(fc.boolean()),
    });
    fc.assert(
      fc.property(
        fc.array(arbRow, { minLength: 1, maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.nat(),
        (specs, picks, seed) => {
          const rows = specs.map((s) => ({ ...eventRow('s', s.seq, 1000, 'mouse_move'), ...s }));
          const byId = (rs: readonly EventRow[]) =>
            [...rs].sort((a, b) => (a.event_id < b.event_id ? -1 : 1));
          const base = byId(dedupeByEventId(rows));
          const shuffled = [...rows, ...picks.map((p) => ({ ...(rows[p % rows.length] as EventRow) }))]
            .map((r, i) => ({ r, k: (i * 7919 + seed) % 101 }))
            .sort((a, b) => a.k - b.k)
            .map((e) => e.r);
          expect(byId(dedupeByEventId(shuffled))).toEqual(base);
          expect(base).toHaveLength(new Set(rows.map((r) => r.event_id)).size);
        },
      ),
      { numRuns: 300 },
    );
  });
});
