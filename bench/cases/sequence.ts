/** The sequencing pure path: a realistic desktop recording (mostly mouse moves) to actions and episodes. */
import { sequenceRows } from '#core/sequence/sequencer.js';
import { desktopRecording } from '../../test/fixtures/desktop-recording.js';
import type { MicroCase } from '../harness.js';

// Ten sessions of two minutes each: thousands of 60-120 Hz mouse moves, clicks, scroll bursts, typing.
const rows = Array.from({ length: 10 }, (_, i) => desktopRecording(100 + i, 120, `bench-${i}`).rows).flat();
const moves = rows.filter((r) => r.event_type === 'mouse_move').length;

export const sequenceCase: MicroCase = {
  kind: 'micro',
  name: 'sequence',
  description: 'reduce + cut raw events-zone rows (mostly mouse moves) into actions and episodes',
  events: rows.length,
  targetRatio: 1,
  run() {
    return sequenceRows(rows).actions.length;
  },
  extras() {
    const out = sequenceRows(rows);
    return {
      'mouse-move share': Number((moves / rows.length).toFixed(3)),
      'events per action': Number((rows.length / out.actions.length).toFixed(1)),
    };
  },
};
