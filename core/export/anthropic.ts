/**
 * Anthropic computer tool (`computer_20250124`) transcripts: one record per episode,
 * `{ episode_id, tools, messages }`, Messages API content. The first user message states the task (the
 * task label, or a generic instruction naming the apps); then every step is one assistant message (its
 * `tool_use` blocks, or a text block for a fallback) and one user message (the matching `tool_result`
 * blocks, or a text block), whose text names the app and window in focus after the step. There are no
 * screenshots. Ids are deterministic: `toolu_<sha256(episode_id)[:16]>_<step>_<n>`.
 *
 * Coordinates are integer pixels of the episode's display (the first step screen size; tool
 * `display_width_px`/`display_height_px`): `round(x * width)` clamped to 0..width-1. A step on a screen of
 * another size is scaled, since canonical positions are fractions of the step's own screen.
 *
 * | canonical | computer_20250124 input |
 * | --- | --- |
 * | click (button left) | `left_click` + coordinate |
 * | click (button right / middle) | `right_click` / `middle_click` + coordinate |
 * | double_click, triple_click | `double_click`, `triple_click` + coordinate |
 * | right_click, middle_click | `right_click`, `middle_click` + coordinate |
 * | drag (left) | `left_click_drag` + start_coordinate (x, y) + coordinate (to_x, to_y) |
 * | scroll | `scroll` + scroll_direction + scroll_amount (wheel units / 3, rounded, ≥ 1) + coordinate |
 * | type | `type` + text |
 * | key, hotkey | `key` + text: xdotool chord (`Return`, `ctrl+shift+t`, `super+l`); repeat n → n tool_use blocks in one assistant message |
 * | wait | `wait` + duration (seconds) |
 *
 * xdotool key names: enter `Return`, escape `Escape`, backspace `BackSpace`, tab `Tab`, delete `Delete`,
 * arrows `Left`/`Right`/`Up`/`Down`, pageup/pagedown `Page_Up`/`Page_Down`, home `Home`, end `End`, space
 * `space`, f1..f24 `F1`..`F24`, media keys `XF86Audio…`; modifiers `ctrl`, `alt`, `shift`, meta `super`;
 * printable punctuation by keysym name (`\` → `backslash`, `+` → `plus`), letters and digits as they are.
 *
 * Fallbacks (counted as `anthropic:<reason>`; the step still yields one assistant and one user message):
 *
 * | reason | when | output |
 * | --- | --- | --- |
 * | `switch_app` | switch_app (no tool equivalent) | assistant text "Switch to the application …" |
 * | `focus_window` | focus_window (no tool equivalent) | assistant text "Bring the window … to the front" |
 * | `type_secure` | type with text null (secure field, never kept) | assistant text saying a secret is typed |
 * | `key_unnamed` | key/hotkey whose key name was not kept (only its class) | assistant text naming the class |
 * | `key_unmapped` | key name with no xdotool entry | `key` with the name as given |
 * | `fn_modifier` | chord holding fn (xdotool has no fn) | `key` without fn |
 * | `click_button` | click with button back/forward | assistant text |
 * | `multi_click_button` | double/triple click with a non-left button | the left-button action |
 * | `drag_button` | drag with a non-left button | assistant text |
 * | `no_screen` | pointer action on a step without screen size | action without coordinate (at the cursor); drag: text |
 * | `no_position` | pointer action without x/y | as `no_screen` |
 * | `no_display` | episode with no screen size at all (per episode) | tool declares 1920×1080 |
 */
import type { CanonicalAction } from '../sequence/action-json.js';
import {
  DEFAULT_SCREEN,
  type ExportEpisode,
  episodeScreen,
  type FallbackCounter,
  idStem,
  noToolEquivalent,
  type ParsedStep,
  parseSteps,
  type Screen,
  taskInstruction,
  toPixel,
} from './episode.js';
import { type Chord, functionKeys, parseChord, targetKey } from './keys.js';
import { seconds, wheelClicks } from './units.js';

/** Format name, the prefix of this adapter's fallback counts. */
export const ANTHROPIC_FORMAT = 'anthropic';

/** The computer tool version the transcripts are written for. */
export const ANTHROPIC_TOOL_TYPE = 'computer_20250124';

/** A `computer_20250124` tool input (the published input schema, @ai-sdk/anthropic). */
export interface AnthropicComputerInput {
  readonly action:
    | 'key'
    | 'type'
    | 'left_click'
    | 'left_click_drag'
    | 'right_click'
    | 'middle_click'
    | 'double_click'
    | 'triple_click'
    | 'scroll'
    | 'wait';
  readonly coordinate?: [number, number];
  readonly start_coordinate?: [number, number];
  readonly text?: string;
  readonly scroll_direction?: 'up' | 'down' | 'left' | 'right';
  readonly scroll_amount?: number;
  readonly duration?: number;
}

/** A Messages API text block. */
export interface TextBlock {
  readonly type: 'text';
  readonly text: string;
}

/** A Messages API tool_use block. */
export interface ToolUseBlock {
  readonly type: 'tool_use';
  readonly id: string;
  readonly name: 'computer';
  readonly input: AnthropicComputerInput;
}

/** A Messages API tool_result block. */
export interface ToolResultBlock {
  readonly type: 'tool_result';
  readonly tool_use_id: string;
  readonly content: TextBlock[];
}

/** One Messages API message. */
export interface AnthropicMessage {
  readonly role: 'user' | 'assistant';
  readonly content: (TextBlock | ToolUseBlock | ToolResultBlock)[];
}

/** One episode as a computer-tool transcript. */
export interface AnthropicRecord {
  readonly episode_id: string;
  readonly tools: [
    {
      readonly type: typeof ANTHROPIC_TOOL_TYPE;
      readonly name: 'computer';
      readonly display_width_px: number;
      readonly display_height_px: number;
    },
  ];
  readonly messages: AnthropicMessage[];
}

/** What one canonical action becomes: tool inputs, or a text block for an action the tool cannot express. */
export type AnthropicMapped =
  | { readonly kind: 'tool'; readonly inputs: AnthropicComputerInput[] }
  | { readonly kind: 'text'; readonly text: string };

/** xdotool keysym names of the named keys (core/export/keys.ts ids). */
export const XDOTOOL_KEYS: Readonly<Record<string, string>> = {
  enter: 'Return',
  escape: 'Escape',
  backspace: 'BackSpace',
  tab: 'Tab',
  delete: 'Delete',
  insert: 'Insert',
  home: 'Home',
  end: 'End',
  pageup: 'Page_Up',
  pagedown: 'Page_Down',
  left: 'Left',
  right: 'Right',
  up: 'Up',
  down: 'Down',
  space: 'space',
  capslock: 'Caps_Lock',
  numlock: 'Num_Lock',
  scrolllock: 'Scroll_Lock',
  printscreen: 'Print',
  pause: 'Pause',
  contextmenu: 'Menu',
  volumeup: 'XF86AudioRaiseVolume',
  volumedown: 'XF86AudioLowerVolume',
  volumemute: 'XF86AudioMute',
  playpause: 'XF86AudioPlay',
  nexttrack: 'XF86AudioNext',
  prevtrack: 'XF86AudioPrev',
  stop: 'XF86AudioStop',
  ctrl: 'Control_L',
  alt: 'Alt_L',
  shift: 'Shift_L',
  meta: 'Super_L',
  ...functionKeys((n) => `F${n}`),
};

/** xdotool modifier names in a chord (fn has none). */
const XDOTOOL_MODIFIERS: Readonly<Record<string, string>> = {
  ctrl: 'ctrl',
  alt: 'alt',
  shift: 'shift',
  meta: 'super',
};

/** X keysym names of printable ASCII punctuation (xdotool does not take the bare character). */
const XDOTOOL_PUNCTUATION: Readonly<Record<string, string>> = {
  '!': 'exclam',
  '"': 'quotedbl',
  '#': 'numbersign',
  $: 'dollar',
  '%': 'percent',
  '&': 'ampersand',
  "'": 'apostrophe',
  '(': 'parenleft',
  ')': 'parenright',
  '*': 'asterisk',
  '+': 'plus',
  ',': 'comma',
  '-': 'minus',
  '.': 'period',
  '/': 'slash',
  ':': 'colon',
  ';': 'semicolon',
  '<': 'less',
  '=': 'equal',
  '>': 'greater',
  '?': 'question',
  '@': 'at',
  '[': 'bracketleft',
  '\\': 'backslash',
  ']': 'bracketright',
  '^': 'asciicircum',
  _: 'underscore',
  '`': 'grave',
  '{': 'braceleft',
  '|': 'bar',
  '}': 'braceright',
  '~': 'asciitilde',
};

/** The xdotool chord of a parsed chord (`ctrl+shift+t`, `Return`); counts what it cannot name. */
export function xdotoolChord(chord: Chord, fallback: (reason: string) => void): string {
  if (chord.modifiers.includes('fn')) fallback('fn_modifier');
  const key = targetKey(chord, XDOTOOL_KEYS, (c) => XDOTOOL_PUNCTUATION[c] ?? c);
  if (!key.mapped) fallback('key_unmapped');
  const mods = chord.modifiers.flatMap((m) => XDOTOOL_MODIFIERS[m] ?? []);
  return [...mods, key.name].join('+');
}

/** Where a pointer action happens, in display pixels; undefined (and counted) when it cannot be known. */
function coordinate(
  x: number | undefined,
  y: number | undefined,
  display: Screen | null,
  fallback: (reason: string) => void,
): [number, number] | undefined {
  if (display === null) {
    fallback('no_screen');
    return undefined;
  }
  if (x === undefined || y === undefined) {
    fallback('no_position');
    return undefined;
  }
  return [toPixel(x, display.width), toPixel(y, display.height)];
}

/** A pointer action's input, with a coordinate when one is known. */
function at(
  action: AnthropicComputerInput['action'],
  a: CanonicalAction,
  display: Screen | null,
  fallback: (reason: string) => void,
): AnthropicComputerInput {
  const c = coordinate(a.x, a.y, display, fallback);
  return c === undefined ? { action } : { action, coordinate: c };
}

/** Fractions of the screen as text, for fallbacks that describe a pointer action. */
function where(x: number | undefined, y: number | undefined): string {
  return x === undefined || y === undefined ? 'the pointer position' : `(${x}, ${y}) of the screen`;
}

/** A click: the button picks the tool action; back/forward have none. */
function click(a: CanonicalAction, display: Screen | null, fb: (r: string) => void): AnthropicMapped {
  const button = a.button ?? 'left';
  const action =
    button === 'left'
      ? 'left_click'
      : button === 'right'
        ? 'right_click'
        : button === 'middle'
          ? 'middle_click'
          : null;
  if (action === null) {
    fb('click_button');
    return { kind: 'text', text: `Click the ${button} mouse button at ${where(a.x, a.y)}.` };
  }
  return { kind: 'tool', inputs: [at(action, a, display, fb)] };
}

/** A double or triple click (the tool clicks with the left button only). */
function multiClick(a: CanonicalAction, display: Screen | null, fb: (r: string) => void): AnthropicMapped {
  if (a.button !== undefined && a.button !== 'left') fb('multi_click_button');
  return { kind: 'tool', inputs: [at(a.action as 'double_click' | 'triple_click', a, display, fb)] };
}

/** A left-button drag between two known points; anything else in words. */
function drag(a: CanonicalAction, display: Screen | null, fb: (r: string) => void): AnthropicMapped {
  const button = a.button ?? 'left';
  const text = `Drag with the ${button} mouse button from ${where(a.x, a.y)} to ${where(a.to_x, a.to_y)}.`;
  if (button !== 'left') {
    fb('drag_button');
    return { kind: 'text', text };
  }
  const hasPositions = [a.x, a.y, a.to_x, a.to_y].every((v) => v !== undefined);
  if (display === null || !hasPositions) {
    fb(display === null ? 'no_screen' : 'no_position');
    return { kind: 'text', text };
  }
  const start = coordinate(a.x, a.y, display, fb) as [number, number];
  const end = coordinate(a.to_x, a.to_y, display, fb) as [number, number];
  return { kind: 'tool', inputs: [{ action: 'left_click_drag', start_coordinate: start, coordinate: end }] };
}

/** A scroll in wheel clicks. */
function scroll(a: CanonicalAction, display: Screen | null, fb: (r: string) => void): AnthropicMapped {
  return {
    kind: 'tool',
    inputs: [
      {
        ...at('scroll', a, display, fb),
        scroll_direction: a.direction ?? 'down',
        scroll_amount: wheelClicks(a.amount),
      },
    ],
  };
}

/** A key or chord as xdotool key presses, one per repeat. */
function key(a: CanonicalAction, fb: (r: string) => void): AnthropicMapped {
  const chord = parseChord(a.keys ?? 'unknown');
  if (chord.kind === 'unnamed') {
    fb('key_unnamed');
    const times = (a.repeat ?? 1) > 1 ? ` ${a.repeat} times` : '';
    return { kind: 'text', text: `Press a key of kind "${chord.key}"${times} (which key was not recorded).` };
  }
  const text = xdotoolChord(chord, fb);
  return { kind: 'tool', inputs: Array.from({ length: a.repeat ?? 1 }, () => ({ action: 'key', text })) };
}

/** The computer-tool inputs of one canonical action on a step with display `display` (null: unknown). */
export function anthropicAction(
  a: CanonicalAction,
  display: Screen | null,
  fallback: (reason: string) => void,
): AnthropicMapped {
  switch (a.action) {
    case 'click':
      return click(a, display, fallback);
    case 'double_click':
    case 'triple_click':
      return multiClick(a, display, fallback);
    case 'right_click':
    case 'middle_click':
      return { kind: 'tool', inputs: [at(a.action, a, display, fallback)] };
    case 'drag':
      return drag(a, display, fallback);
    case 'scroll':
      return scroll(a, display, fallback);
    case 'type':
      if (typeof a.text === 'string') return { kind: 'tool', inputs: [{ action: 'type', text: a.text }] };
      return noToolEquivalent(a, fallback);
    case 'key':
    case 'hotkey':
      return key(a, fallback);
    case 'wait':
      return { kind: 'tool', inputs: [{ action: 'wait', duration: seconds(a.duration_ms) }] };
    case 'switch_app':
    case 'focus_window':
      return noToolEquivalent(a, fallback);
  }
}

/** What the user turn after step `i` reports: the app and window in focus after it (the next step's). */
export function resultText(steps: readonly ParsedStep[], i: number): string {
  const after = steps[i + 1] ?? steps[i];
  const app = after?.appId ?? null;
  const title = after?.windowTitle ?? null;
  if (app === null && title === null) return 'Done.';
  const parts = [app !== null ? `app ${app}` : null, title !== null ? `window "${title}"` : null];
  return `Done. In focus: ${parts.filter((p) => p !== null).join(', ')}.`;
}

/** The two messages of one step: the assistant's action and the user's result. */
function stepMessages(
  stem: string,
  step: ParsedStep,
  mapped: AnthropicMapped,
  result: string,
): [AnthropicMessage, AnthropicMessage] {
  if (mapped.kind === 'text')
    return [
      { role: 'assistant', content: [{ type: 'text', text: mapped.text }] },
      { role: 'user', content: [{ type: 'text', text: result }] },
    ];
  const uses: ToolUseBlock[] = mapped.inputs.map((input, n) => ({
    type: 'tool_use',
    id: `toolu_${stem}_${step.index}_${n}`,
    name: 'computer',
    input,
  }));
  return [
    { role: 'assistant', content: uses },
    {
      role: 'user',
      content: uses.map((u) => ({
        type: 'tool_result',
        tool_use_id: u.id,
        content: [{ type: 'text', text: result }],
      })),
    },
  ];
}

/** One episode as a `computer_20250124` transcript; lossy mappings are counted in `fallbacks`. */
export function anthropicRecord(ep: ExportEpisode, fallbacks: FallbackCounter): AnthropicRecord {
  const fb = (reason: string) => fallbacks.count(ANTHROPIC_FORMAT, reason);
  const steps = parseSteps(ep);
  const found = episodeScreen(steps);
  if (found === null) fb('no_display');
  const display = found ?? DEFAULT_SCREEN;
  const stem = idStem(ep.episode_id);
  const messages: AnthropicMessage[] = [
    { role: 'user', content: [{ type: 'text', text: taskInstruction(ep) }] },
  ];
  steps.forEach((step, i) => {
    const mapped = anthropicAction(step.action, step.screen === null ? null : display, fb);
    messages.push(...stepMessages(stem, step, mapped, resultText(steps, i)));
  });
  return {
    episode_id: ep.episode_id,
    tools: [
      {
        type: ANTHROPIC_TOOL_TYPE,
        name: 'computer',
        display_width_px: display.width,
        display_height_px: display.height,
      },
    ],
    messages,
  };
}
