import { describe, expect, it } from 'vitest';
import { reduceToActions } from '#core/sequence/actions.js';
import { cutEpisodes } from '#core/sequence/episodes.js';
import { SessionScript } from '../../fixtures/event-rows.js';

const cut = (s: SessionScript, config = {}) => cutEpisodes(reduceToActions(s.rows).actions, config);
const start = () => new SessionScript().screen(1000, 500).focus('editor');

describe('cutting', () => {
  it('cuts on task markers and marks the closed task completed', () => {
    const s = start().click(1, 1).wait(500).task('start', 'Fix invoice', 't-9').click(5, 5).wait(100);
    s.focus('browser').wait(100).text('f', 'abc').task('end', 'Fix invoice', 't-9').wait(500).click(9, 9);
    const { episodes, actions } = cut(s);
    expect(episodes.map((e) => [e.step_count, e.cut_reason, e.completed, e.task_label])).toEqual([
      [1, 'task_start', false, null],
      [3, 'task_end', true, 'Fix invoice'],
      [1, 'session_end', false, null],
    ]);
    // Inside a task an app switch does not cut.
    expect(episodes[1]?.apps).toEqual(['editor', 'browser']);
    expect(episodes[1]?.labels).toContain('completed');
    expect(episodes[1]?.task_id).toBe('t-9');
    expect(actions.map((a) => a.step_index)).toEqual([0, 0, 1, 2, 0]);
  });

  it('cuts on long idle gaps (the wait stays outside any episode) and on app switches', () => {
    const s = start().click(1, 1).wait(90_000).click(2, 2).wait(100).focus('browser').click(3, 3);
    const { episodes, actions } = cut(s);
    expect(episodes.map((e) => [e.step_count, e.cut_reason])).toEqual([
      [1, 'idle'],
      [1, 'context_change'],
      [2, 'session_end'],
    ]);
    const wait = actions.find((a) => a.action_type === 'wait');
    expect(wait).toMatchObject({ episode_id: null, step_index: null });
  });

  it('caps the duration', () => {
    const s = start();
    for (let i = 0; i < 10; i++) s.click(i * 10, 1).wait(2000);
    const { episodes } = cut(s, { maxDurationMs: 7000 });
    expect(episodes.map((e) => e.step_count)).toEqual([4, 4, 2]);
    expect(episodes.every((e) => e.duration_ms <= 7000)).toBe(true);
    expect(episodes[0]?.cut_reason).toBe('max_duration');
  });

  it('gives deterministic, distinct episode ids and the steps as compact structs', () => {
    const s = start().click(1, 1).wait(90_000).click(2, 2);
    const a = cut(s);
    const b = cut(s);
    expect(a.episodes.map((e) => e.episode_id)).toEqual(b.episodes.map((e) => e.episode_id));
    expect(new Set(a.episodes.map((e) => e.episode_id)).size).toBe(2);
    expect(Object.keys(a.episodes[0]?.steps[0] ?? {})).toContain('action_type');
    expect(a.episodes[0]?.steps[0]).not.toHaveProperty('session_id');
  });
});

describe('labels', () => {
  it('error_recovery: undo', () => {
    const s = start()
      .text('f', 'oops')
      .wait(300)
      .hotkey('ctrl', 'z')
      .hotkey('ctrl', 'z')
      .wait(300)
      .text('f', 'ok');
    const [e] = cut(s).episodes;
    expect(e).toMatchObject({ error_recovery: true, recovery_start_step: 1, recovery_end_step: 2 });
  });

  it('error_recovery: escape after an error dialog', () => {
    const s = start().click(1, 1).wait(200).dialog().wait(100).key('Escape', 'escape').wait(300).click(2, 2);
    expect(cut(s).episodes[0]).toMatchObject({
      error_recovery: true,
      recovery_start_step: 1,
      recovery_end_step: 1,
    });
    const noDialog = start().click(1, 1).wait(300).key('Escape', 'escape');
    expect(cut(noDialog).episodes[0]?.error_recovery).toBe(false);
  });

  it('error_recovery: delete-and-retype bursts, as key rows or inside a text run', () => {
    const s = start().click(1, 1).wait(3500);
    for (let i = 0; i < 4; i++) s.key('Backspace', 'backspace').wait(60);
    s.text('f', 'fixed');
    const [e] = cut(s).episodes;
    expect(e).toMatchObject({ error_recovery: true, recovery_start_step: 2, recovery_end_step: 3 });
    const inRun = start().text('f', 'hello', 5 + 8);
    expect(cut(inRun).episodes[0]).toMatchObject({ error_recovery: true, recovery_start_step: 0 });
    const fine = start().text('f', 'hello', 6);
    expect(cut(fine).episodes[0]?.error_recovery).toBe(false);
  });

  it('error_recovery: repeated identical attempts', () => {
    const s = start().text('f', 'x');
    for (let i = 0; i < 3; i++) s.wait(1500).element('button', 'Submit').click(500, 250);
    expect(cut(s).episodes[0]).toMatchObject({
      error_recovery: true,
      recovery_start_step: 1,
      recovery_end_step: 3,
    });
    const two = start();
    for (let i = 0; i < 2; i++) two.wait(1500).element('button', 'Submit').click(500, 250);
    expect(cut(two).episodes[0]?.error_recovery).toBe(false);
  });

  it('shortcut versus menu use, and context switching', () => {
    const shortcuts = start()
      .hotkey('ctrl', 'c')
      .wait(200)
      .hotkey('ctrl', 'v')
      .wait(200)
      .element('menuitem', 'Paste')
      .click(1, 1);
    expect(cut(shortcuts).episodes[0]).toMatchObject({
      shortcut_count: 2,
      menu_count: 1,
      labels: ['shortcut_heavy'],
    });
    const menus = start();
    for (let i = 0; i < 2; i++)
      menus
        .wait(800)
        .element('menuitem', `Item ${i}`)
        .click(i * 50, 1);
    expect(cut(menus).episodes[0]?.labels).toEqual(['menu_heavy']);
    const switching = start()
      .task('start', 'Copy data')
      .click(1, 1)
      .focus('sheet')
      .click(2, 2)
      .focus('editor');
    switching.click(3, 3).focus('editor', 'other').task('end');
    expect(cut(switching).episodes[0]).toMatchObject({
      context_switches: 3,
      labels: ['context_switching', 'completed'],
    });
  });
});
