/**
 * OpenAI computer use (Responses API, `computer_use_preview` tool) transcripts: one record per episode,
 * `{ episode_id, tools, input, output }`. `input` is the user's task message (the task label, or a generic
 * instruction naming the apps); `output` holds, per step in order, its `computer_call` items (or one
 * assistant `message` item for a fallback). No `computer_call_output` items: the API's only call output is a
 * screenshot, and worktrace records none, so an output item would be invented. Ids are deterministic:
 * `cu_<sha256(episode_id)[:16]>_<step>_<n>` (call_id `call_…`, fallback messages `msg_…_<step>`).
 * Shapes are declared here (no runtime dependency on the `openai` package); the tests check them against its
 * `ResponseComputerToolCall` types.
 *
 * Coordinates are integer pixels of the episode's display (the first step screen size), `round(x * width)`
 * clamped to 0..width-1. Scroll distances are pixels: wheel units / 3 = wheel clicks (rounded, ≥ 1), × 100 px.
 * Key names follow OpenAI's CUA sample app: upper-case names (`CTRL`, `ALT`, `SHIFT`, `CMD` for meta, `ENTER`,
 * `ESC`, `ARROWLEFT`, `PAGEDOWN`, `F5`, `SPACE`), printable keys as the character (`c`, `/`).
 *
 * | canonical | computer_call action |
 * | --- | --- |
 * | click (button left/right/middle/back/forward) | `click` {button left/right/wheel/back/forward, x, y} |
 * | right_click, middle_click | `click` {button right / wheel, x, y} |
 * | double_click | `double_click` {x, y, keys: null} |
 * | triple_click | `double_click` then `click` left at the same point (counted `triple_click`) |
 * | drag | `drag` {path: [start, end]} |
 * | scroll | `scroll` {x, y, scroll_x, scroll_y}: down/right positive, up/left negative |
 * | type | `type` {text} |
 * | key, hotkey | `keypress` {keys: [modifiers…, key]}; repeat n → n calls |
 * | wait | `wait` (the API's wait has no duration: counted `wait_duration`) |
 * | — | `move`, `screenshot`: never produced (no pointer paths or screenshots are exported) |
 *
 * Fallbacks (counted as `openai:<reason>`; a fallback is one assistant message item with the step in words):
 *
 * | reason | when | output |
 * | --- | --- | --- |
 * | `switch_app`, `focus_window` | no computer action switches apps or windows | message |
 * | `type_secure` | type with text null (secure field) | message |
 * | `key_unnamed` | key name not kept, only its class | message |
 * | `key_unmapped` | key name without an entry in the table | keypress with the name upper-cased |
 * | `fn_modifier` | chord holding fn | keypress without fn |
 * | `triple_click` | triple click | double_click + click |
 * | `multi_click_button` | double/triple click with a non-left button | left double_click |
 * | `drag_button` | drag with a non-left button | drag (the API's drag has no button) |
 * | `wait_duration` | every wait | wait without its duration |
 * | `no_screen`, `no_position` | pointer action without screen size or x/y | message |
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
import { wheelPixels } from './units.js';

/** Format name, the prefix of this adapter's fallback counts. */
export const OPENAI_FORMAT = 'openai';

/** Computer environments the tool declares. */
export type OpenAIEnvironment = 'windows' | 'mac' | 'linux' | 'ubuntu' | 'browser';

/** Adapter options. */
export interface OpenAIOptions {
  /**
   * The environment the tool declares; worktrace does not record the operating system.
   * @default 'windows'
   */
  readonly environment?: OpenAIEnvironment;
}

/** A pixel point. */
export interface OpenAIPoint {
  readonly x: number;
  readonly y: number;
}

/** The computer actions this adapter writes (a subset of `ResponseComputerToolCall['action']`). */
export type OpenAIComputerAction =
  | {
      readonly type: 'click';
      readonly button: 'left' | 'right' | 'wheel' | 'back' | 'forward';
      x: number;
      y: number;
    }
  | { readonly type: 'double_click'; readonly x: number; readonly y: number; readonly keys: null }
  | { readonly type: 'drag'; readonly path: OpenAIPoint[] }
  | { readonly type: 'keypress'; readonly keys: string[] }
  | {
      readonly type: 'scroll';
      readonly x: number;
      readonly y: number;
      readonly scroll_x: number;
      readonly scroll_y: number;
    }
  | { readonly type: 'type'; readonly text: string }
  | { readonly type: 'wait' };

/** A `computer_call` output item. */
export interface OpenAIComputerCall {
  readonly type: 'computer_call';
  readonly id: string;
  readonly call_id: string;
  readonly action: OpenAIComputerAction;
  readonly pending_safety_checks: [];
  readonly status: 'completed';
}

/** An assistant message output item (fallbacks). */
export interface OpenAIMessage {
  readonly type: 'message';
  readonly id: string;
  readonly role: 'assistant';
  readonly status: 'completed';
  readonly content: [{ readonly type: 'output_text'; readonly text: string; readonly annotations: [] }];
}

/** One episode as a computer-use transcript. */
export interface OpenAIRecord {
  readonly episode_id: string;
  readonly tools: [
    {
      readonly type: 'computer_use_preview';
      readonly display_width: number;
      readonly display_height: number;
      readonly environment: OpenAIEnvironment;
    },
  ];
  readonly input: [{ readonly type: 'message'; readonly role: 'user'; readonly content: string }];
  readonly output: (OpenAIComputerCall | OpenAIMessage)[];
}

/** What one canonical action becomes: computer actions, or words for one the tool cannot express. */
export type OpenAIMapped =
  | { readonly kind: 'calls'; readonly actions: OpenAIComputerAction[] }
  | { readonly kind: 'text'; readonly text: string };

/** OpenAI CUA key names of the named keys (core/export/keys.ts ids). */
export const OPENAI_KEYS: Readonly<Record<string, string>> = {
  enter: 'ENTER',
  escape: 'ESC',
  backspace: 'BACKSPACE',
  tab: 'TAB',
  delete: 'DELETE',
  insert: 'INSERT',
  home: 'HOME',
  end: 'END',
  pageup: 'PAGEUP',
  pagedown: 'PAGEDOWN',
  left: 'ARROWLEFT',
  right: 'ARROWRIGHT',
  up: 'ARROWUP',
  down: 'ARROWDOWN',
  space: 'SPACE',
  capslock: 'CAPSLOCK',
  ctrl: 'CTRL',
  alt: 'ALT',
  shift: 'SHIFT',
  meta: 'CMD',
  ...functionKeys((n) => `F${n}`),
};

/** The keypress keys of a chord; counts what the table cannot name. */
export function openaiKeys(chord: Chord, fallback: (reason: string) => void): string[] {
  if (chord.modifiers.includes('fn')) fallback('fn_modifier');
  const key = targetKey(chord, OPENAI_KEYS, (c) => c);
  if (!key.mapped) fallback('key_unmapped');
  const mods = chord.modifiers.flatMap((m) => OPENAI_KEYS[m] ?? []);
  return [...mods, key.mapped ? key.name : key.name.toUpperCase()];
}

/** A pixel point, or null (counted) when the step's screen or the position is unknown. */
function point(
  x: number | undefined,
  y: number | undefined,
  display: Screen | null,
  fallback: (reason: string) => void,
): OpenAIPoint | null {
  if (display === null) {
    fallback('no_screen');
    return null;
  }
  if (x === undefined || y === undefined) {
    fallback('no_position');
    return null;
  }
  return { x: toPixel(x, display.width), y: toPixel(y, display.height) };
}

/** The action in words, for fallbacks: its canonical JSON, which names every field it has. */
function inWords(a: CanonicalAction, why: string): string {
  return `${why}: ${JSON.stringify(a)}`;
}

/** Canonical mouse buttons as the API names them (the middle button is `wheel`). */
const CLICK_BUTTONS: Readonly<Record<string, 'left' | 'right' | 'wheel' | 'back' | 'forward'>> = {
  left: 'left',
  right: 'right',
  middle: 'wheel',
  back: 'back',
  forward: 'forward',
};

/** Clicks and scrolls at a known point; without one, the action in words. */
function pointer(a: CanonicalAction, display: Screen | null, fb: (r: string) => void): OpenAIMapped {
  const p = point(a.x, a.y, display, fb);
  if (p === null) return { kind: 'text', text: inWords(a, 'Pointer action at an unrecorded position') };
  switch (a.action) {
    case 'double_click':
    case 'triple_click': {
      if (a.button !== undefined && a.button !== 'left') fb('multi_click_button');
      const double: OpenAIComputerAction = { type: 'double_click', ...p, keys: null };
      if (a.action === 'double_click') return { kind: 'calls', actions: [double] };
      fb('triple_click');
      return { kind: 'calls', actions: [double, { type: 'click', button: 'left', ...p }] };
    }
    case 'scroll': {
      const px = wheelPixels(a.amount);
      const dir = a.direction ?? 'down';
      const scroll_x = dir === 'right' ? px : dir === 'left' ? -px : 0;
      const scroll_y = dir === 'down' ? px : dir === 'up' ? -px : 0;
      return { kind: 'calls', actions: [{ type: 'scroll', ...p, scroll_x, scroll_y }] };
    }
    default: {
      const name = a.action === 'right_click' ? 'right' : a.action === 'middle_click' ? 'middle' : a.button;
      return {
        kind: 'calls',
        actions: [{ type: 'click', button: CLICK_BUTTONS[name ?? 'left'] ?? 'left', ...p }],
      };
    }
  }
}

/** A drag along the two known points (the API drag has no button). */
function drag(a: CanonicalAction, display: Screen | null, fb: (r: string) => void): OpenAIMapped {
  const start = point(a.x, a.y, display, fb);
  const end = start === null ? null : point(a.to_x, a.to_y, display, fb);
  if (start === null || end === null)
    return { kind: 'text', text: inWords(a, 'Drag between unrecorded positions') };
  if (a.button !== undefined && a.button !== 'left') fb('drag_button');
  return { kind: 'calls', actions: [{ type: 'drag', path: [start, end] }] };
}

/** A key or chord as keypress calls, one per repeat. */
function keypress(a: CanonicalAction, fb: (r: string) => void): OpenAIMapped {
  const chord = parseChord(a.keys ?? 'unknown');
  if (chord.kind === 'unnamed') {
    fb('key_unnamed');
    return { kind: 'text', text: inWords(a, 'Press a key that was not recorded by name') };
  }
  const keys = openaiKeys(chord, fb);
  return {
    kind: 'calls',
    actions: Array.from({ length: a.repeat ?? 1 }, () => ({ type: 'keypress', keys })),
  };
}

/** The computer actions of one canonical action on a step with display `display` (null: unknown). */
export function openaiAction(
  a: CanonicalAction,
  display: Screen | null,
  fallback: (reason: string) => void,
): OpenAIMapped {
  switch (a.action) {
    case 'click':
    case 'double_click':
    case 'triple_click':
    case 'right_click':
    case 'middle_click':
    case 'scroll':
      return pointer(a, display, fallback);
    case 'drag':
      return drag(a, display, fallback);
    case 'type':
      if (typeof a.text === 'string') return { kind: 'calls', actions: [{ type: 'type', text: a.text }] };
      return noToolEquivalent(a, fallback);
    case 'key':
    case 'hotkey':
      return keypress(a, fallback);
    case 'wait':
      fallback('wait_duration');
      return { kind: 'calls', actions: [{ type: 'wait' }] };
    case 'switch_app':
    case 'focus_window':
      return noToolEquivalent(a, fallback);
  }
}

/** The output items of one step. */
function stepItems(
  stem: string,
  step: ParsedStep,
  mapped: OpenAIMapped,
): (OpenAIComputerCall | OpenAIMessage)[] {
  if (mapped.kind === 'text')
    return [
      {
        type: 'message',
        id: `msg_${stem}_${step.index}`,
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'output_text', text: mapped.text, annotations: [] }],
      },
    ];
  return mapped.actions.map((action, n) => ({
    type: 'computer_call',
    id: `cu_${stem}_${step.index}_${n}`,
    call_id: `call_${stem}_${step.index}_${n}`,
    action,
    pending_safety_checks: [],
    status: 'completed',
  }));
}

/** One episode as a Responses API computer-use transcript; lossy mappings are counted in `fallbacks`. */
export function openaiRecord(
  ep: ExportEpisode,
  fallbacks: FallbackCounter,
  options: OpenAIOptions = {},
): OpenAIRecord {
  const fb = (reason: string) => fallbacks.count(OPENAI_FORMAT, reason);
  const steps = parseSteps(ep);
  const found = episodeScreen(steps);
  if (found === null) fb('no_display');
  const display = found ?? DEFAULT_SCREEN;
  const stem = idStem(ep.episode_id);
  const output = steps.flatMap((step) =>
    stepItems(stem, step, openaiAction(step.action, step.screen === null ? null : display, fb)),
  );
  return {
    episode_id: ep.episode_id,
    tools: [
      {
        type: 'computer_use_preview',
        display_width: display.width,
        display_height: display.height,
        environment: options.environment ?? 'windows',
      },
    ],
    input: [{ type: 'message', role: 'user', content: taskInstruction(ep) }],
    output,
  };
}
