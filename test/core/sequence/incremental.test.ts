import { describe, expect, it } from 'vitest';
import type { EventRow } from '#core/lake/schema.js';
import { type Anomalies, addAnomalies, emptyAnomalies } from '#core/sequence/actions.js';
import type { Episode, PlacedAction } from '#core/sequence/episodes.js';
import {
  CHECKPOINT_VERSION,
  type CheckpointDocument,
  CheckpointError,
  parseCheckpoint,
  sequenceIncrement,
  sequenceIncrements,
  serializeCheckpoint,
} from '#core/sequence/incremental.js';
import { sequenceRows } from '#core/sequence/sequencer.js';
import { desktopRecording } from '../../fixtures/desktop-recording.js';
import { eventRow, ROW_BASE_TS, SessionScript } from '../../fixtures/event-rows.js';

interface Run {
  readonly docs: CheckpointDocument[];
  readonly actions: PlacedAction[];
  readonly episodes: Episode[];
  readonly anomalies: Anomalies;
  /** Episodes emitted by each increment (the final flush last). */
  readonly episodesPerCall: number[];
}

/** Delivers the rows before each horizon in turn (no late rows), through JSON between calls, then ends. */
function byHorizons(rows: readonly EventRow[], horizons: readonly number[]): Run {
  const docs: CheckpointDocument[] = [];
  const actions: PlacedAction[] = [];
  const episodes: Episode[] = [];
  const anomalies = emptyAnomalies();
  const episodesPerCall: number[] = [];
  let doc: CheckpointDocument | null = null;
  let from = Number.NEGATIVE_INFINITY;
  for (const h of [...horizons, Number.POSITIVE_INFINITY]) {
    const batch = rows.filter((r) => r.ts >= from && r.ts < h);
    const r = sequenceIncrements(doc, batch, Number.isFinite(h) ? { horizonTs: h } : { end: true });
    actions.push(...r.actions);
    episodes.push(...r.episodes);
    addAnomalies(anomalies, r.anomalies);
    episodesPerCall.push(r.episodes.length);
    doc = parseCheckpoint(serializeCheckpoint(r.document));
    docs.push(doc);
    from = h;
  }
  return { docs, actions, episodes, anomalies, episodesPerCall };
}

function expectSinglePass(run: Run, rows: readonly EventRow[]): ReturnType<typeof sequenceRows> {
  const once = sequenceRows(rows);
  expect(run.actions).toEqual(once.actions);
  expect(run.episodes).toEqual(once.episodes);
  expect(run.anomalies).toEqual(once.anomalies);
  return once;
}

const live = (doc: CheckpointDocument | undefined) => doc?.sessions[0];

describe('incremental sequencing across window boundaries', () => {
  it('a double click whose second press lands in the next window stays one double click', () => {
    const s = new SessionScript().screen().focus('editor').move(100, 100).click(100, 100).wait(90);
    const boundary = s.ts;
    s.click(101, 100).wait(2000).key('Enter', 'enter');
    const run = byHorizons(s.rows, [boundary]);
    // The first click is still open to the upgrade when the window ends.
    expect(live(run.docs[0])?.reducer.actions.map((a) => a.action_type)).toEqual(['click']);
    const once = expectSinglePass(run, s.rows);
    expect(once.actions.map((a) => a.action_type)).toEqual(['double_click', 'key']);
  });

  it('a key held across a boundary (with auto-repeat) is one key action released in the next window', () => {
    const s = new SessionScript().screen().focus('editor').keyDown('ArrowDown', 'arrow');
    for (let i = 0; i < 20; i++) s.wait(50).keyDown('ArrowDown', 'arrow');
    const boundary = s.ts - 400;
    s.wait(30).keyUp('ArrowDown', 'arrow');
    const run = byHorizons(s.rows, [boundary]);
    expect(live(run.docs[0])?.reducer.held).toEqual(['arrowdown']);
    const once = expectSinglePass(run, s.rows);
    expect(once.actions).toHaveLength(1);
    expect(once.actions[0]).toMatchObject({ action_type: 'key', repeat: 21 });
  });

  it('a typing run (with a correction) merges across windows', () => {
    const s = new SessionScript().screen().focus('editor').text('f', 'hello').wait(300);
    const first = s.ts;
    s.text('f', ' wordl').key('Backspace', 'backspace').key('Backspace', 'backspace').wait(200);
    const second = s.ts;
    s.text('f', 'ld');
    const run = byHorizons(s.rows, [first, second]);
    expect(live(run.docs[0])?.reducer.actions[0]?.text).toBe('hello');
    const once = expectSinglePass(run, s.rows);
    expect(once.actions.map((a) => a.text)).toEqual(['hello world']);
  });

  it('a press held across a boundary and never released becomes the click finish() makes', () => {
    const s = new SessionScript().screen().focus('editor').move(40, 40).down(40, 40).wait(100);
    const boundary = s.ts;
    s.key('Tab', 'tab');
    const run = byHorizons(s.rows, [boundary]);
    expect(live(run.docs[0])?.reducer.presses).toHaveLength(1);
    const once = expectSinglePass(run, s.rows);
    expect(once.actions.map((a) => a.action_type)).toEqual(['click', 'key']);
  });

  it('a task end after a wait marks the last non-wait action from an earlier window', () => {
    const s = new SessionScript().screen().focus('editor').task('start').hotkey('ctrl', 's').wait(5000);
    s.down(10, 10); // input after silence: a wait, and the press stays open
    const boundary = s.ts + 1;
    s.wait(10).task('end').up(10, 10);
    const run = byHorizons(s.rows, [boundary]);
    const once = expectSinglePass(run, s.rows);
    expect(once.actions.find((a) => a.action_type === 'hotkey')).toMatchObject({ task_end: true });
  });

  it('rows repeating the last seq across a boundary keep the wait-first order', () => {
    const session = 'dup-seq';
    const t = ROW_BASE_TS;
    const rows = [
      eventRow(session, 1, t, 'screen', { screen_width: 1000, screen_height: 500 }),
      eventRow(session, 2, t, 'wheel', { dx: 0, dy: 120, x: 5, y: 5 }),
      eventRow(session, 2, t + 10, 'key_down', {
        event_id: `${session}-x1`,
        key_name: 'Tab',
        key_class: 'tab',
      }),
      eventRow(session, 2, t + 9000, 'key_down', {
        event_id: `${session}-x2`,
        key_name: 'Tab',
        key_class: 'tab',
      }),
    ];
    const run = byHorizons(rows, [t + 100]);
    const once = expectSinglePass(run, rows);
    expect(once.actions.map((a) => a.action_type)).toEqual(['wait', 'scroll', 'key', 'key']);
  });

  it('an episode open across many windows is emitted once, when it closes', () => {
    const s = new SessionScript().screen().focus('editor').task('start', 'Long task', 'task-9');
    const horizons: number[] = [];
    for (let i = 0; i < 30; i++) {
      s.move(100 + i, 100)
        .click(100 + i * 10, 100)
        .wait(20_000);
      horizons.push(s.ts - 10_000);
    }
    s.task('end').wait(120_000).hotkey('ctrl', 'c');
    horizons.push(s.ts - 60_000);
    const run = byHorizons(s.rows, horizons);
    const once = expectSinglePass(run, s.rows);
    expect(once.episodes.map((e) => e.cut_reason)).toEqual(['task_end', 'session_end']);
    // Nothing closed while the task ran; the open episode grew in the checkpoint.
    expect(run.episodesPerCall.slice(0, 29).every((n) => n === 0)).toBe(true);
    expect(live(run.docs[28])?.episode.actions.rows.length).toBeGreaterThan(20);
    expect(live(run.docs[28])?.episode.inTask).toBe(true);
  });
});

describe('checkpoint document', () => {
  it('is versioned, holds sessions in id order, and refuses another version', () => {
    const rows = ['b', 'a', '10', '9'].flatMap((id) => new SessionScript(id).screen().focus('x').rows);
    const r = sequenceIncrements(null, rows, { horizonTs: ROW_BASE_TS + 1 });
    expect(r.document.version).toBe(CHECKPOINT_VERSION);
    expect(r.document.sessions.map((s) => s.session_id)).toEqual(['10', '9', 'a', 'b']);
    const text = serializeCheckpoint(r.document);
    expect(serializeCheckpoint(parseCheckpoint(text))).toBe(text);
    expect(() => parseCheckpoint(text.replace(CHECKPOINT_VERSION, 'sequencer-1+checkpoint-1'))).toThrow(
      CheckpointError,
    );
    expect(() => sequenceIncrement(null, rows, {})).toThrow(CheckpointError);
  });

  it('ends a session idle for endIdleSessionsAfterMs and drops it from the document', () => {
    const s = new SessionScript('idle').screen().focus('editor').click(5, 5);
    const r = sequenceIncrements(null, s.rows, { horizonTs: s.ts + 1, endIdleSessionsAfterMs: 60_000 });
    expect(r.document.sessions).toHaveLength(1);
    const later = sequenceIncrements(r.document, [], {
      horizonTs: s.ts + 60_000,
      endIdleSessionsAfterMs: 60_000,
    });
    expect(later.document.sessions).toHaveLength(0);
    expect(later.endedSessions).toBe(1);
    expect([...r.actions, ...later.actions]).toEqual(sequenceRows(s.rows).actions);
  });

  it('stays small for a desktop recording cut at 15-minute windows with a 10-minute allowance', () => {
    const { rows } = desktopRecording(11, 3600, 'desk-size');
    const window = 15 * 60_000;
    const late = 10 * 60_000;
    let doc: CheckpointDocument | null = null;
    const actions: PlacedAction[] = [];
    for (let k = 1; k <= 5; k++) {
      // Reread mode: the tail the horizon holds back comes again from the events zone, not the checkpoint.
      const from = doc?.sessions[0]?.reread_from_ts ?? Number.NEGATIVE_INFINITY;
      const end = ROW_BASE_TS + k * window;
      const batch = rows.filter((r) => r.ts >= from && r.ts < end);
      const r = sequenceIncrements(doc, batch, { horizonTs: end - late, pending: 'reread' });
      actions.push(...r.actions);
      doc = parseCheckpoint(serializeCheckpoint(r.document));
      const s = live(doc);
      expect(s?.pending).toEqual([]);
      expect(JSON.stringify({ ...s?.reducer, actions: [] }).length).toBeLessThan(4_000);
      // About 0.4 kB per open-episode action (packed column-wise): ~730 kB at a busy episode's 30-min cap.
      expect(serializeCheckpoint(doc).length).toBeLessThan(1_000_000);
    }
    actions.push(...sequenceIncrements(doc, [], { end: true }).actions);
    expect(actions).toEqual(sequenceRows(rows).actions);
  });
});
