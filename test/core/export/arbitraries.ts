/**
 * Test inputs for the action-space adapters: canonical actions built by the sequencer's own
 * canonicalActionJson (so the adapters read exactly what the lake holds), hand-made steps and episodes, and
 * fast-check arbitraries over all of them, nasty strings included.
 */
import fc from 'fast-check';
import type { ExportEpisode, ExportStep } from '#core/export/episode.js';
import { type ActionFields, canonicalActionJson } from '#core/sequence/action-json.js';
import { ACTION_TYPES, type ActionType } from '#core/sequence/actions.js';

/** Strings that break naive quoting: quotes, backslashes, CR/LF, controls, emoji, RTL, lone surrogates. */
export const NASTY_STRINGS: readonly string[] = [
  "it's",
  'say "hi"',
  'C:\\Users\\x\\new',
  'ctrl+\\',
  '\'\'\'"""',
  'line1\r\nline2\nline3\r',
  'tab\there\u000b\u000c',
  'nul\u0000bell\u0007del\u007f',
  '👍🏽 family 👨‍👩‍👧 flag 🇩🇪',
  'שלום עולם مرحبا',
  'rtl override \u202Eevil\u202C done',
  'zero\u200Bwidth\uFEFF',
  'sep\u2028para\u2029',
  'lone \ud800 surrogate \udfff',
  '\\x41 \\u0041 \\N{DASH}',
  "f'{x}' and %s",
  '',
];

/** A string that is nasty more often than not. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...NASTY_STRINGS),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({
    unit: fc.constantFrom('\\', "'", '"', '\n', '\r', '+', 'é', '😀', '\u202E', '\ud800'),
    maxLength: 20,
  }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
);

/** Every column the canonical action is built from, null (type: click). */
const EMPTY_FIELDS: ActionFields = {
  action_type: 'click',
  x: null,
  y: null,
  to_x: null,
  to_y: null,
  button: null,
  scroll_direction: null,
  scroll_amount: null,
  keys: null,
  repeat: null,
  text: null,
  duration_ms: 0,
  app_id: null,
  window_title: null,
};

/** A step whose `action` is the canonical JSON of `fields`, on a 1920×1080 screen unless overridden. */
export function step(
  fields: Partial<ActionFields> & { action_type: ActionType },
  extra: Partial<ExportStep> = {},
): ExportStep {
  const f = { ...EMPTY_FIELDS, ...fields };
  return {
    action_type: f.action_type,
    action: canonicalActionJson(f),
    duration_ms: f.duration_ms,
    screen_width: 1920,
    screen_height: 1080,
    app_id: f.app_id ?? 'com.microsoft.Excel',
    window_title: f.window_title ?? 'Budget.xlsx',
    element_role: null,
    element_name: null,
    ...extra,
  };
}

/** An episode of `steps`, indexed in order. */
export function episode(steps: readonly ExportStep[], extra: Partial<ExportEpisode> = {}): ExportEpisode {
  return {
    episode_id: 'ep-1',
    user_pseudonym: 'u-1',
    task_label: 'Update the budget',
    apps: ['com.microsoft.Excel'],
    labels: [],
    steps: steps.map((s, i) => ({ ...s, step_index: i })),
    ...extra,
  };
}

/** One hand-made example of every action type and of every fallback the adapters document. */
export const ALL_KINDS: readonly ExportStep[] = [
  step({ action_type: 'click', x: 0.5123, y: 0.3104, button: 'left' }),
  step({ action_type: 'click', x: 0.25, y: 0.75, button: 'right' }),
  step({ action_type: 'click', x: 0.25, y: 0.75, button: 'back' }),
  step({ action_type: 'double_click', x: 0.1, y: 0.2, button: 'left' }),
  step({ action_type: 'triple_click', x: 0.1, y: 0.2, button: 'left' }),
  step({ action_type: 'right_click', x: 0.9, y: 0.9, button: 'right' }),
  step({ action_type: 'middle_click', x: 1, y: 1, button: 'middle' }),
  step({ action_type: 'drag', x: 0.1, y: 0.2, to_x: 0.4, to_y: 0.2, button: 'left' }),
  step({ action_type: 'drag', x: 0.1, y: 0.2, to_x: 0.4, to_y: 0.2, button: 'right' }),
  step({ action_type: 'scroll', x: 0.5, y: 0.5, scroll_direction: 'down', scroll_amount: 9 }),
  step({ action_type: 'scroll', x: 0.5, y: 0.5, scroll_direction: 'left', scroll_amount: 3 }),
  step({ action_type: 'type', text: 'Quarterly report' }),
  step({ action_type: 'type', text: null }),
  step({ action_type: 'hotkey', keys: 'ctrl+s' }),
  step({ action_type: 'hotkey', keys: 'ctrl+shift+t' }),
  step({ action_type: 'hotkey', keys: 'meta+fn+l' }),
  step({ action_type: 'hotkey', keys: 'ctrl+\\' }),
  step({ action_type: 'key', keys: 'enter', repeat: 3 }),
  step({ action_type: 'key', keys: 'arrowleft' }),
  step({ action_type: 'key', keys: 'arrow' }),
  step({ action_type: 'key', keys: 'launchmail' }),
  step({ action_type: 'switch_app', app_id: 'com.microsoft.Outlook' }),
  step({ action_type: 'focus_window', window_title: 'Inbox — "Q3"' }),
  step({ action_type: 'wait', duration_ms: 4200 }),
  step({ action_type: 'click', x: 0.5, y: 0.5, button: 'left' }, { screen_width: null, screen_height: null }),
  step({ action_type: 'click', button: 'left' }),
];

const pos = fc.option(fc.double({ min: -0.1, max: 1.1, noNaN: true }), { nil: null, freq: 8 });
const BUTTONS = ['left', 'right', 'middle', 'back', 'forward'];
const KEY_NAMES = [
  'enter',
  'escape',
  'backspace',
  'tab',
  'delete',
  'arrowleft',
  'arrowup',
  'pageup',
  'pagedown',
  'home',
  'end',
  'f5',
  'f12',
  'space',
  ' ',
  'c',
  's',
  '\\',
  '+',
  "'",
  'é',
  'arrow',
  'navigation',
  'function',
  'char',
  'audiovolumeup',
  'contextmenu',
  'launchmail',
];
const chord = fc
  .tuple(fc.subarray(['ctrl', 'alt', 'shift', 'meta', 'fn']), fc.constantFrom(...KEY_NAMES))
  .map(([mods, key]) => [...mods, key].join('+'));

/** Action columns of any action type, positions sometimes missing or slightly off-screen. */
export const actionFields: fc.Arbitrary<ActionFields> = fc.record({
  action_type: fc.constantFrom(...ACTION_TYPES),
  x: pos,
  y: pos,
  to_x: pos,
  to_y: pos,
  button: fc.option(fc.constantFrom(...BUTTONS), { nil: null }),
  scroll_direction: fc.constantFrom('up', 'down', 'left', 'right'),
  scroll_amount: fc.option(fc.integer({ min: 1, max: 400 }), { nil: null }),
  keys: chord,
  repeat: fc.option(fc.integer({ min: 1, max: 6 }), { nil: null }),
  text: fc.option(nastyString, { nil: null, freq: 6 }),
  duration_ms: fc.nat({ max: 600_000 }),
  app_id: fc.option(nastyString, { nil: null, freq: 6 }),
  window_title: fc.option(nastyString, { nil: null, freq: 6 }),
});

const screenSide = fc.option(fc.integer({ min: 1, max: 7680 }), { nil: null, freq: 10 });

/** A step of any action, its screen size sometimes unknown. */
export const exportStep: fc.Arbitrary<ExportStep> = fc
  .tuple(actionFields, screenSide, screenSide)
  .map(([f, w, h]) => step(f, { screen_width: w, screen_height: h }));

/** An episode of 0..12 generated steps with a nasty id and label. */
export const exportEpisode: fc.Arbitrary<ExportEpisode> = fc
  .tuple(fc.array(exportStep, { maxLength: 12 }), nastyString, fc.option(nastyString, { nil: null }))
  .map(([steps, id, label]) => episode(steps, { episode_id: `ep-${id}`, task_label: label }));
