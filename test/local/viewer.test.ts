import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { canonicalActionJson } from '#core/sequence/action-json.js';
import type { ActionType } from '#core/sequence/actions.js';
import { sequenceRows } from '#core/sequence/sequencer.js';
import { isPositioned, renderEpisode, type ViewerEpisode, type ViewerStep } from '../../local/viewer.js';
import { desktopRecording } from '../fixtures/desktop-recording.js';
import { ROW_BASE_TS, SessionScript } from '../fixtures/event-rows.js';

const HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>';

/** A step with every column, the canonical action computed as the sequencer does. */
function step(
  index: number,
  type: ActionType,
  fields: Partial<Omit<ViewerStep, 'action_type'>> = {},
): ViewerStep {
  const base = {
    step_index: index,
    ts: ROW_BASE_TS + index * 1000,
    duration_ms: 120,
    x: null,
    y: null,
    to_x: null,
    to_y: null,
    button: null,
    scroll_direction: null,
    scroll_amount: null,
    text: null,
    keys: null,
    repeat: null,
    app_id: 'com.example.desk',
    window_title: 'Service Desk',
    element_role: null,
    element_name: null,
    screen_width: 1920,
    screen_height: 1080,
    ...fields,
    action_type: type,
  };
  return { ...base, action: canonicalActionJson({ ...base, duration_ms: 120, repeat: null }) };
}

/** An episode of every kind of step, a hostile window title and text, and a recovery span over 4..6. */
const handMade: ViewerEpisode = {
  episode_id: '0123456789abcdef0123456789abcdef',
  start_ts: ROW_BASE_TS,
  duration_ms: 12_000,
  apps: ['com.example.desk'],
  labels: ['error_recovery', 'shortcut_heavy'],
  task_label: 'Resolve ticket',
  completed: false,
  cut_reason: 'idle',
  error_recovery: true,
  recovery_start_step: 4,
  recovery_end_step: 6,
  steps: [
    step(0, 'click', { x: 0.5, y: 0.5, button: 'left', element_role: 'button', element_name: 'Save' }),
    step(1, 'double_click', { x: 0.2, y: 0.3, button: 'left' }),
    step(2, 'type', { text: HOSTILE, window_title: HOSTILE }),
    step(3, 'hotkey', { keys: 'ctrl+s' }),
    step(4, 'right_click', { x: 0.7, y: 0.2, button: 'right' }),
    step(5, 'drag', { x: 0.1, y: 0.8, to_x: 0.4, to_y: 0.6, button: 'left' }),
    step(6, 'key', { keys: 'enter', repeat: 3 }),
    step(7, 'scroll', { x: 0.5, y: 0.5, scroll_direction: 'up', scroll_amount: 3 }),
    step(8, 'triple_click', { x: 0.9, y: 0.9, button: 'left' }),
    step(9, 'type', { text: null }),
    step(10, 'wait', { duration_ms: 4000 }),
  ],
};

const parse = (html: string) => parseHTML(html).document;
/** The part of a parsed element the tests read. */
type Parsed = { getAttribute(name: string): string | null; querySelector(s: string): Parsed | null };
const stepsOf = (nodes: Iterable<Parsed>) => [...nodes].map((n) => Number(n.getAttribute('data-step')));

describe('renderEpisode', () => {
  const html = renderEpisode(handMade);
  const doc = parse(html);

  it('lists every step once and draws one mark per positioned step, with matching indexes', () => {
    expect(stepsOf(doc.querySelectorAll('#steps > li'))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(stepsOf(doc.querySelectorAll('#screen [data-step]'))).toEqual([0, 1, 4, 5, 7, 8]);
  });

  it('draws click kinds, drags and scrolls distinguishably', () => {
    const mark = (i: number) =>
      doc.querySelector(`#screen [data-step="${i}"]`) as NonNullable<ReturnType<typeof doc.querySelector>>;
    expect(mark(0).querySelectorAll('circle')).toHaveLength(1);
    expect(mark(1).querySelectorAll('circle')).toHaveLength(2);
    expect(mark(8).querySelectorAll('circle')).toHaveLength(3);
    expect(mark(4).querySelector('rect')).not.toBeNull();
    expect(mark(5).querySelector('line')?.getAttribute('marker-end')).toMatch(/^url\(#ahr?\)$/);
    expect(mark(7).querySelector('path')?.getAttribute('transform')).toBe('rotate(180)');
  });

  it('highlights the recovery span exactly, in the list and on the screen', () => {
    expect(stepsOf(doc.querySelectorAll('#steps > li.rec'))).toEqual([4, 5, 6]);
    expect(stepsOf(doc.querySelectorAll('#screen .rec[data-step]'))).toEqual([4, 5]);
    expect(doc.body.textContent).toContain('Recovery span: steps 4–6');
  });

  it('shows the labels as badges and marks the first step current', () => {
    expect([...doc.querySelectorAll('.badge')].map((b) => b.textContent)).toEqual([
      'error_recovery',
      'shortcut_heavy',
    ]);
    expect(stepsOf(doc.querySelectorAll('li:has(> button[aria-current="step"])'))).toEqual([0]);
  });

  it('has the SVG in the aspect ratio of the screen, and a default when no step knows it', () => {
    expect(doc.querySelector('#screen')?.getAttribute('viewBox')).toBe('0 0 1000 562.5');
    const unknown = renderEpisode({
      ...handMade,
      steps: handMade.steps.map((s) => ({ ...s, screen_width: null, screen_height: null })),
    });
    expect(parse(unknown).querySelector('#screen')?.getAttribute('viewBox')).toBe('0 0 1000 562.5');
    const portrait = renderEpisode({
      ...handMade,
      steps: handMade.steps.map((s) => ({ ...s, screen_width: 1000, screen_height: 2000 })),
    });
    expect(parse(portrait).querySelector('#screen')?.getAttribute('viewBox')).toBe('0 0 1000 2000');
  });

  it('renders hostile text as text: no element comes from a window title or typed text', () => {
    expect(doc.querySelectorAll('script')).toHaveLength(1);
    expect(doc.querySelectorAll('img')).toHaveLength(0);
    expect(doc.querySelectorAll('[onerror]')).toHaveLength(0);
    expect(doc.querySelector('#steps > li[data-step="2"]')?.textContent).toContain(HOSTILE);
    expect(html).not.toContain('<img');
  });

  it('is self-contained: no external reference of any kind, and a CSP that forbids fetching', () => {
    for (const bad of [
      '<script src',
      '<link',
      'url(http',
      '@import',
      'http://',
      'https://',
      '<img',
      '<iframe',
    ]) {
      expect(html).not.toContain(bad);
    }
    expect(doc.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content')).toMatch(
      /^default-src 'none'; style-src 'sha256-[^']+'; script-src 'sha256-[^']+'/,
    );
  });

  it('moves the current step with the keyboard and with clicks on marks, in the list and on the screen', () => {
    const { document, window } = parseHTML(html);
    const w = window as unknown as {
      Event: new (type: string) => { key?: string };
      HTMLElement: { prototype: Record<string, unknown> };
    };
    w.HTMLElement.prototype.scrollIntoView = () => {};
    w.HTMLElement.prototype.focus = () => {};
    new Function('document', document.querySelector('script')?.textContent ?? '')(document);
    const current = () => [
      document.querySelector('#steps button[aria-current="step"]')?.parentElement?.getAttribute('data-step'),
      document.querySelector('#screen .cur')?.getAttribute('data-step'),
      document.querySelector('#note')?.textContent,
    ];
    const press = (key: string) => {
      const e = new w.Event('keydown');
      e.key = key;
      document.dispatchEvent(e as never);
    };
    expect(current()).toEqual(['0', '0', '']);
    press('ArrowDown');
    expect(current()).toEqual(['1', '1', '']);
    press('j');
    expect(current()).toEqual(['2', undefined, 'Step 2 (type) has no screen position: list only.']);
    press('End');
    expect(current()[0]).toBe('10');
    press('k');
    expect(current()[0]).toBe('9');
    press('Home');
    press('ArrowUp');
    expect(current()).toEqual(['0', '0', '']);
    document.querySelector('#screen [data-step="5"]')?.dispatchEvent(new w.Event('click') as never);
    expect(current()).toEqual(['5', '5', '']);
    expect(document.querySelectorAll('#steps button[tabindex="0"]')).toHaveLength(1);
  });

  it('renders episodes of the real reducer and cutter, under 200 KB for a long one', () => {
    const { episodes } = sequenceRows(desktopRecording(11, 220, 'desk-view').rows, {
      episodes: { maxDurationMs: 3_600_000, idleCutMs: 3_600_000 },
    });
    const longest = [...episodes].sort((a, b) => b.step_count - a.step_count)[0] as ViewerEpisode;
    expect(longest.steps.length).toBeGreaterThanOrEqual(200);
    const page = renderEpisode(longest);
    const d = parse(page);
    expect(stepsOf(d.querySelectorAll('#steps > li'))).toEqual(longest.steps.map((_, i) => i));
    expect(stepsOf(d.querySelectorAll('#screen [data-step]'))).toEqual(
      longest.steps.flatMap((s, i) => (isPositioned(s) ? [i] : [])),
    );
    expect(Buffer.byteLength(page)).toBeLessThan(200_000);
  });

  it('marks the recovery span of a real error-recovery episode', () => {
    const s = new SessionScript('rec', ROW_BASE_TS).screen().focus('editor');
    s.wait(500).element('button', 'Save').click(100, 100);
    s.wait(400).text('f1', 'quarterly numbers');
    s.wait(300).hotkey('ctrl', 'z').wait(200).hotkey('ctrl', 'z');
    const episode = sequenceRows(s.rows).episodes[0] as ViewerEpisode;
    expect(episode.recovery_start_step).not.toBeNull();
    const d = parse(renderEpisode(episode));
    const span: number[] = [];
    for (let i = Number(episode.recovery_start_step); i <= Number(episode.recovery_end_step); i++)
      span.push(i);
    expect(stepsOf(d.querySelectorAll('#steps > li.rec'))).toEqual(span);
  });
});
