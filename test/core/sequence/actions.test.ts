import { describe, expect, it } from 'vitest';
import { type Action, REDUCE_DEFAULTS, reduceToActions, SessionReducer } from '#core/sequence/actions.js';
import { desktopRecording } from '../../fixtures/desktop-recording.js';
import { SessionScript } from '../../fixtures/event-rows.js';

const types = (actions: readonly Action[]) => actions.map((a) => a.action_type);
const start = () => new SessionScript().screen(1000, 500).focus('editor');

describe('clicks', () => {
  it('normalises the position to the screen and takes the element under the click', () => {
    const s = start().move(100, 100).move(250, 125).element('button', 'Save').click(250, 125);
    const { actions } = reduceToActions(s.rows);
    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({
      action_type: 'click',
      x: 0.25,
      y: 0.25,
      button: 'left',
      element_role: 'button',
      element_name: 'Save',
      app_id: 'editor',
      move_path_px: Math.round(Math.hypot(150, 25) * 10) / 10,
      move_duration_ms: 10,
    });
  });

  it('tells a double click from two single clicks (interval and distance)', () => {
    const double = start().click(100, 100).wait(150).click(102, 101);
    expect(types(reduceToActions(double.rows).actions)).toEqual(['double_click']);
    const slow = start().click(100, 100).wait(700).click(100, 100);
    expect(types(reduceToActions(slow.rows).actions)).toEqual(['click', 'click']);
    const far = start().click(100, 100).wait(150).click(140, 100);
    expect(types(reduceToActions(far.rows).actions)).toEqual(['click', 'click']);
  });

  it('makes a triple click, and starts again after three', () => {
    const s = start();
    for (let i = 0; i < 4; i++) s.click(300, 200).wait(100);
    expect(types(reduceToActions(s.rows).actions)).toEqual(['triple_click', 'click']);
  });

  it('maps right and middle buttons', () => {
    const s = start().click(10, 10, 'right').wait(800).click(10, 10, 'middle');
    expect(reduceToActions(s.rows).actions.map((a) => [a.action_type, a.button])).toEqual([
      ['right_click', 'right'],
      ['middle_click', 'middle'],
    ]);
  });

  it('keeps a click with hand jitter a click, and makes a real move while pressed a drag', () => {
    const jitter = start().down(200, 200).move(202, 201).move(203, 199).up(203, 200);
    expect(types(reduceToActions(jitter.rows).actions)).toEqual(['click']);
    const drag = start().down(200, 100).move(300, 150).move(400, 200).up(400, 200);
    const [a] = reduceToActions(drag.rows).actions;
    expect(a).toMatchObject({ action_type: 'drag', x: 0.2, y: 0.2, to_x: 0.4, to_y: 0.4 });
  });

  it('counts a release without a press and a press never released, and still emits the click', () => {
    const s = start().up(10, 10).wait(100).down(500, 250);
    const { actions, anomalies } = reduceToActions(s.rows);
    expect(types(actions)).toEqual(['click']);
    expect(anomalies.release_without_press).toBe(1);
    expect(anomalies.press_without_release).toBe(1);
  });

  it('reports missing screen geometry and leaves positions null', () => {
    const s = new SessionScript().click(10, 10);
    const { actions, anomalies } = reduceToActions(s.rows);
    expect(actions[0]).toMatchObject({ x: null, y: null });
    expect(anomalies.missing_screen).toBe(1);
  });
});

describe('scroll', () => {
  it('merges a burst of wheel events and splits on direction change and pauses', () => {
    const s = start();
    for (let i = 0; i < 5; i++) s.wheel(120).wait(50);
    s.wheel(-120).wait(50).wheel(-120).wait(1000);
    s.wheel(0, 60).wait(50);
    const { actions } = reduceToActions(s.rows);
    expect(actions.map((a) => [a.action_type, a.scroll_direction, a.scroll_amount, a.event_count])).toEqual([
      ['scroll', 'down', 600, 5],
      ['scroll', 'up', 240, 2],
      ['scroll', 'right', 60, 1],
    ]);
  });

  it('counts a gesture with pauses up to scrollMergeMs, in one direction, near one point, as one scroll', () => {
    const { scrollMergeMs, scrollMergeRadiusPx } = REDUCE_DEFAULTS;
    expect(scrollMergeMs).toBe(1000);
    const s = start();
    // Flick, pause just under the threshold, flick again: one gesture.
    s.wheel(3)
      .wait(scrollMergeMs - 50)
      .wheel(3)
      .wait(scrollMergeMs)
      .wheel(3)
      .wait(scrollMergeMs + 1);
    // A pause over the threshold starts a new scroll.
    s.wheel(3).wait(100);
    // The pointer moved beyond the radius (another pane): a new scroll.
    s.wheel(3, 0, 500 + scrollMergeRadiusPx + 1, 250).wait(100);
    // Within the radius: the same gesture.
    s.wheel(3, 0, 500 + scrollMergeRadiusPx, 250).wait(100);
    const { actions } = reduceToActions(s.rows);
    expect(actions.map((a) => [a.action_type, a.scroll_amount, a.event_count, a.x])).toEqual([
      ['scroll', 9, 3, 0.5],
      ['scroll', 3, 1, 0.5],
      ['scroll', 6, 2, (500 + scrollMergeRadiusPx + 1) / 1000],
    ]);
    // The thresholds are configuration.
    const strict = reduceToActions(s.rows, { scrollMergeMs: 400 });
    expect(strict.actions.filter((a) => a.action_type === 'scroll')).toHaveLength(5);
  });
});

describe('typing', () => {
  it('merges runs in one field and applies later backspaces', () => {
    const s = start().text('f1', 'hello wro').key('Backspace', 'backspace').key('Backspace', 'backspace');
    s.text('f1', 'orld');
    const { actions } = reduceToActions(s.rows);
    expect(actions.map((a) => [a.action_type, a.text, a.field_id, a.key_count])).toEqual([
      ['type', 'hello world', 'f1', 9 + 2 + 4],
    ]);
  });

  it('splits typing by field, and keeps backspaces with nothing to delete as key actions', () => {
    const s = start().text('f1', 'abc').text('f2', 'xyz').wait(3000).key('Backspace', 'backspace');
    expect(reduceToActions(s.rows).actions.map((a) => [a.action_type, a.text ?? a.keys])).toEqual([
      ['type', 'abc'],
      ['type', 'xyz'],
      ['wait', null],
      ['key', 'backspace'],
    ]);
  });

  it('select-and-replace: ctrl+a then typing gives a hotkey and the replacement text', () => {
    const s = start().text('f1', 'old text').wait(500).chord(['ctrl'], 'a').wait(100).text('f1', 'new');
    expect(reduceToActions(s.rows).actions.map((a) => [a.action_type, a.text ?? a.keys])).toEqual([
      ['type', 'old text'],
      ['hotkey', 'ctrl+a'],
      ['type', 'new'],
    ]);
  });

  it('never keeps secure text', () => {
    const s = start().add('text', { field_id: 'pw', text: 'hunter2', secure: true, key_count: 7 });
    expect(reduceToActions(s.rows).actions[0]).toMatchObject({ action_type: 'type', text: null });
  });
});

describe('keys and hotkeys', () => {
  it('orders several modifiers canonically, from key rows and from agent hotkey rows', () => {
    const s = start().chord(['shift', 'meta'], 't').wait(500).hotkey('shift+ctrl+alt', 'Delete');
    expect(reduceToActions(s.rows).actions.map((a) => a.keys)).toEqual([
      'shift+meta+t',
      'ctrl+alt+shift+delete',
    ]);
  });

  it('counts repeats of one special key, including OS auto-repeat', () => {
    const s = start();
    for (let i = 0; i < 3; i++) s.key('ArrowLeft', 'arrow').wait(100);
    s.wait(2000).keyDown('ArrowDown', 'arrow').wait(30).keyDown('ArrowDown', 'arrow').wait(30);
    s.keyDown('ArrowDown', 'arrow').keyUp('ArrowDown', 'arrow');
    expect(reduceToActions(s.rows).actions.map((a) => [a.action_type, a.keys, a.repeat])).toEqual([
      ['key', 'arrowleft', 3],
      ['key', 'arrowdown', 3],
    ]);
  });

  it('handles a key pressed and never released and a release without a press', () => {
    const s = start().keyUp('Escape', 'escape').wait(100).keyDown('Enter', 'enter');
    const { actions, anomalies } = reduceToActions(s.rows);
    expect(types(actions)).toEqual(['key']);
    expect(anomalies.key_release_without_press).toBe(1);
    expect(anomalies.key_never_released).toBe(1);
  });
});

describe('context and time', () => {
  it('emits switch_app, focus_window and wait', () => {
    const s = start().click(1, 1).wait(100).focus('editor', 'other doc').wait(100).focus('browser');
    s.wait(5000).click(1, 1);
    const { actions } = reduceToActions(s.rows);
    expect(types(actions)).toEqual(['click', 'focus_window', 'switch_app', 'wait', 'click']);
    expect(actions[3]?.duration_ms).toBeGreaterThanOrEqual(5000);
    expect(actions[4]?.app_id).toBe('browser');
  });

  it('counts seq gaps, duplicate seqs and clock jumps without failing', () => {
    const s = start().click(1, 1);
    const rows = [...s.rows];
    const last = rows[rows.length - 1];
    if (!last) throw new Error('no rows');
    rows.push({ ...last, event_id: 'gap', seq: last.seq + 10, ts: last.ts - 5000, event_type: 'mouse_move' });
    rows.push({
      ...last,
      event_id: 'dup-seq',
      seq: last.seq + 10,
      ts: last.ts + 7_200_000,
      event_type: 'mouse_move',
    });
    const { anomalies } = reduceToActions(rows);
    expect(anomalies).toMatchObject({
      seq_gap: 1,
      duplicate_seq: 1,
      clock_jump_back: 1,
      clock_jump_forward: 1,
    });
  });

  it('ignores duplicated events and any arrival order', () => {
    const s = start().click(100, 100).wait(150).click(100, 100).text('f', 'abc');
    const base = reduceToActions(s.rows);
    const shuffled = [...s.rows].reverse().concat(s.rows.slice(0, 4));
    const again = reduceToActions(shuffled);
    expect(again.actions).toEqual(base.actions);
    expect(again.anomalies.duplicate_event).toBe(4);
  });

  it('keeps the same copy of a redelivered event whatever the arrival order', () => {
    const s = start().text('f', 'abc');
    const last = s.rows[s.rows.length - 1];
    if (!last) throw new Error('no rows');
    const first = { ...last, sequence_number: '1', text: 'abc' };
    const redelivered = { ...last, sequence_number: '2', text: 'abd' };
    const a = reduceToActions([...s.rows.slice(0, -1), first, redelivered]);
    const b = reduceToActions([redelivered, ...s.rows.slice(0, -1), first]);
    expect(b).toEqual(a);
    expect(a.actions.map((x) => x.text)).toEqual(['abc']);
    expect(a.anomalies.duplicate_event).toBe(1);
  });

  it('gives deterministic action ids', () => {
    const s = start().click(1, 1).wait(800).click(1, 1);
    const [a, b] = reduceToActions(s.rows).actions;
    expect(a?.action_id).toMatch(/^[0-9a-f]{32}$/);
    expect(a?.action_id).not.toBe(b?.action_id);
    expect(reduceToActions(s.rows).actions[0]?.action_id).toBe(a?.action_id);
  });
});

describe('SessionReducer', () => {
  it('fed ordered rows one at a time gives what reduceToActions gives', () => {
    const rows = desktopRecording(2, 10).rows;
    const reducer = new SessionReducer({ idleMs: 1500 });
    for (const row of rows) reducer.add(row);
    expect(reducer.finish()).toEqual(reduceToActions(rows, { idleMs: 1500 }));
  });

  it('removes a whole code point when backspace follows typing', () => {
    const s = start().text('f1', 'ok 👍').key('Backspace', 'backspace');
    expect(reduceToActions(s.rows).actions.map((a) => [a.text, a.key_count])).toEqual([['ok ', 6]]);
  });
});

describe('a 30-second desktop recording', () => {
  it('reduces thousands of raw events to the short, correct action list', () => {
    const rec = desktopRecording(1, 30);
    const moves = rec.rows.filter((r) => r.event_type === 'mouse_move').length;
    expect(moves).toBeGreaterThan(1800);
    expect(rec.durationMs).toBeGreaterThanOrEqual(28_000);
    const { actions, anomalies } = reduceToActions(rec.rows);
    const got = actions.map((a) => {
      if (a.action_type === 'scroll')
        return { type: a.action_type, detail: `${a.scroll_direction}:${a.scroll_amount}` };
      if (a.action_type === 'type') return { type: a.action_type, detail: a.text ?? '' };
      if (a.action_type === 'key') return { type: a.action_type, detail: `${a.keys}:${a.repeat}` };
      if (a.action_type === 'hotkey') return { type: a.action_type, detail: a.keys ?? '' };
      return { type: a.action_type };
    });
    expect(got).toEqual(rec.expected);
    expect(rec.expected.filter((e) => e.type.endsWith('click')).length).toBeGreaterThanOrEqual(20);
    expect(actions.length).toBeLessThan(rec.rows.length / 20);
    expect(Object.values(anomalies).every((n) => n === 0)).toBe(true);
    expect(actions.every((a) => a.move_path_px >= 0 && (a.x === null || (a.x >= 0 && a.x <= 1)))).toBe(true);
  });
});
