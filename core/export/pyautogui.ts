/**
 * pyautogui code, as AgentNet/OpenCUA trajectories write actions: one record per episode,
 * `{ episode_id, instruction, steps: [{ step_index, code }] }`, where `code` is one or more lines, each one
 * Python call. Coordinates are normalised to 0..1 of the screen (OpenCUA's convention), clamped, 4 decimals,
 * always written with a decimal point (`x=1.0`, never `x=1`, which pyautogui would read as a pixel).
 * Strings are single-quoted Python literals: backslash, quote and every control, format, separator or
 * surrogate character escaped, non-BMP characters as `\UXXXXXXXX`.
 *
 * | canonical | code |
 * | --- | --- |
 * | click | `pyautogui.click(x=0.5123, y=0.3104)` (button right/middle: `rightClick` / `middleClick`) |
 * | double_click, triple_click | `pyautogui.doubleClick(x=…, y=…)`, `pyautogui.tripleClick(…)` (+ `button='…'` when not left) |
 * | right_click, middle_click | `pyautogui.rightClick(x=…, y=…)`, `pyautogui.middleClick(…)` |
 * | drag | `pyautogui.moveTo(x=…, y=…)` + `pyautogui.dragTo(x=…, y=…, button='left')` |
 * | scroll up/down | `pyautogui.moveTo(x=…, y=…)` + `pyautogui.scroll(n)`, n = wheel units / 3 (≥ 1), negative is down |
 * | scroll left/right | `pyautogui.moveTo(…)` + `pyautogui.hscroll(n)`, negative is left |
 * | type | `pyautogui.write(message='…')` |
 * | key | `pyautogui.press('enter')`; repeat n: `pyautogui.press('left', presses=3)` |
 * | hotkey | `pyautogui.hotkey('ctrl', 's')`; repeat n: n lines |
 * | wait | `time.sleep(4.2)` (seconds) |
 *
 * Key names are pyautogui's KEYBOARD_KEYS: `enter`, `esc`, `backspace`, `tab`, `delete`, `pageup`, `left`,
 * `f5`, `space`, `apps` (context menu), `volumeup`…; modifiers `ctrl`, `alt`, `shift`, `win` (meta: the
 * canonical action does not say which OS; macOS users of the export may rename it `command`), `fn`.
 *
 * Fallbacks (counted as `pyautogui:<reason>`). An action pyautogui cannot express becomes a pseudo-call in
 * the `computer.` namespace (as OpenCUA writes its non-pyautogui actions), named after the canonical action,
 * with the canonical fields as keyword arguments: `computer.switch_app(app='com.microsoft.Excel')`.
 *
 * | reason | when | code |
 * | --- | --- | --- |
 * | `switch_app`, `focus_window` | no pyautogui equivalent | `computer.switch_app(app=…)`, `computer.focus_window(window=…)` |
 * | `type_secure` | type with text null (secure field, never kept) | `computer.type(text=None)` |
 * | `key_unnamed` | key name not kept, only its class | `computer.key(keys='arrow')` / `computer.hotkey(…)` |
 * | `key_unmapped` | key name not in the table | `press`/`hotkey` with the name as given |
 * | `click_button` | click with button back/forward | `computer.click(x=…, y=…, button='back')` |
 * | `no_position` | pointer action without x/y | the call without coordinates (acts at the cursor); drag: `computer.drag(…)` |
 */
import type { CanonicalAction } from '../sequence/action-json.js';
import { type ExportEpisode, type FallbackCounter, parseSteps, taskInstruction } from './episode.js';
import { type Chord, functionKeys, parseChord, targetKey } from './keys.js';
import { seconds, wheelClicks } from './units.js';

/** Format name, the prefix of this adapter's fallback counts. */
export const PYAUTOGUI_FORMAT = 'pyautogui';

/** One step's code. */
export interface PyautoguiStep {
  readonly step_index: number;
  /** One or more lines, each a single Python call. */
  readonly code: string;
}

/** One episode as pyautogui code. */
export interface PyautoguiRecord {
  readonly episode_id: string;
  readonly instruction: string;
  readonly steps: PyautoguiStep[];
}

/** pyautogui names of the named keys (core/export/keys.ts ids). */
export const PYAUTOGUI_KEYS: Readonly<Record<string, string>> = {
  enter: 'enter',
  escape: 'esc',
  backspace: 'backspace',
  tab: 'tab',
  delete: 'delete',
  insert: 'insert',
  home: 'home',
  end: 'end',
  pageup: 'pageup',
  pagedown: 'pagedown',
  left: 'left',
  right: 'right',
  up: 'up',
  down: 'down',
  space: 'space',
  capslock: 'capslock',
  numlock: 'numlock',
  scrolllock: 'scrolllock',
  printscreen: 'printscreen',
  pause: 'pause',
  contextmenu: 'apps',
  volumeup: 'volumeup',
  volumedown: 'volumedown',
  volumemute: 'volumemute',
  playpause: 'playpause',
  nexttrack: 'nexttrack',
  prevtrack: 'prevtrack',
  stop: 'stop',
  ctrl: 'ctrl',
  alt: 'alt',
  shift: 'shift',
  meta: 'win',
  fn: 'fn',
  ...functionKeys((n) => `f${n}`),
};

/** Characters a Python string literal must escape beyond backslash and quote. */
const NEEDS_ESCAPE = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\p{Co}\p{Cn}]/u;

const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  "'": "\\'",
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/** `cp` as a Python escape: `\xNN`, `\uNNNN` or `\UNNNNNNNN`. */
function hexEscape(cp: number): string {
  if (cp <= 0xff) return `\\x${cp.toString(16).padStart(2, '0')}`;
  if (cp <= 0xffff) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return `\\U${cp.toString(16).padStart(8, '0')}`;
}

/** `s` as a single-quoted Python string literal that decodes to exactly `s` (lone surrogates included). */
export function pythonString(s: string): string {
  let out = "'";
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    const short = SHORT_ESCAPES[ch];
    if (short !== undefined) out += short;
    else if (cp > 0xffff || NEEDS_ESCAPE.test(ch)) out += hexEscape(cp);
    else out += ch;
  }
  return `${out}'`;
}

/** A 0..1 position as a Python float: clamped, 4 decimals, always with a decimal point. */
export function pythonCoord(v: number): string {
  const s = String(Math.round(Math.min(1, Math.max(0, v)) * 10_000) / 10_000);
  return s.includes('.') ? s : `${s}.0`;
}

/** A canonical field value as a Python literal. */
function pythonValue(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'number') return String(v);
  return pythonString(String(v));
}

/** The `computer.<action>(field=value, ...)` pseudo-call of an action pyautogui cannot express. */
export function computerCall(a: CanonicalAction): string {
  const args = Object.entries(a)
    .filter(([k]) => k !== 'action')
    .map(([k, v]) => `${k}=${pythonValue(v)}`);
  return `computer.${a.action}(${args.join(', ')})`;
}

/** `x=…, y=…` of a position, or null when the action has none. */
function xy(x: number | undefined, y: number | undefined): string | null {
  return x === undefined || y === undefined ? null : `x=${pythonCoord(x)}, y=${pythonCoord(y)}`;
}

/** A pointer call at the action's position, or at the cursor (counted) when it has none. */
function pointerCall(fn: string, a: CanonicalAction, fb: (r: string) => void, extra: string[] = []): string {
  const at = xy(a.x, a.y);
  if (at === null) fb('no_position');
  return `pyautogui.${fn}(${[...(at === null ? [] : [at]), ...extra].join(', ')})`;
}

/** A click: the button picks the pyautogui function; back/forward have none. */
function click(a: CanonicalAction, fb: (r: string) => void): string {
  const button = a.button ?? 'left';
  if (button === 'left') return pointerCall('click', a, fb);
  if (button === 'right') return pointerCall('rightClick', a, fb);
  if (button === 'middle') return pointerCall('middleClick', a, fb);
  fb('click_button');
  return computerCall(a);
}

/** A drag as moveTo + dragTo. */
function drag(a: CanonicalAction, fb: (r: string) => void): string {
  const from = xy(a.x, a.y);
  const to = xy(a.to_x, a.to_y);
  if (from === null || to === null) {
    fb('no_position');
    return computerCall(a);
  }
  return `pyautogui.moveTo(${from})\npyautogui.dragTo(${to}, button=${pythonString(a.button ?? 'left')})`;
}

/** A scroll as moveTo + scroll/hscroll clicks. */
function scroll(a: CanonicalAction, fb: (r: string) => void): string {
  const n = wheelClicks(a.amount);
  const dir = a.direction ?? 'down';
  const call =
    dir === 'up' || dir === 'down'
      ? `pyautogui.scroll(${dir === 'down' ? -n : n})`
      : `pyautogui.hscroll(${dir === 'left' ? -n : n})`;
  const at = xy(a.x, a.y);
  if (at === null) {
    fb('no_position');
    return call;
  }
  return `pyautogui.moveTo(${at})\n${call}`;
}

/** The pyautogui names of a chord: modifiers then key; counts a name the table does not have. */
export function pyautoguiKeys(chord: Chord, fallback: (reason: string) => void): string[] {
  const key = targetKey(chord, PYAUTOGUI_KEYS, (c) => c);
  if (!key.mapped) fallback('key_unmapped');
  return [...chord.modifiers.map((m) => PYAUTOGUI_KEYS[m] ?? m), key.name];
}

/** A key as press (presses=n), a chord as hotkey lines, one per repeat. */
function key(a: CanonicalAction, fb: (r: string) => void): string {
  const chord = parseChord(a.keys ?? 'unknown');
  if (chord.kind === 'unnamed') {
    fb('key_unnamed');
    return computerCall(a);
  }
  const names = pyautoguiKeys(chord, fb).map(pythonString);
  const repeat = a.repeat ?? 1;
  if (names.length === 1) return `pyautogui.press(${names[0]}${repeat > 1 ? `, presses=${repeat}` : ''})`;
  return Array.from({ length: repeat }, () => `pyautogui.hotkey(${names.join(', ')})`).join('\n');
}

/** The pyautogui code of one canonical action (one or more lines). */
export function pyautoguiCode(a: CanonicalAction, fallback: (reason: string) => void): string {
  switch (a.action) {
    case 'click':
      return click(a, fallback);
    case 'double_click':
    case 'triple_click': {
      const fn = a.action === 'double_click' ? 'doubleClick' : 'tripleClick';
      const extra = a.button !== undefined && a.button !== 'left' ? [`button=${pythonString(a.button)}`] : [];
      return pointerCall(fn, a, fallback, extra);
    }
    case 'right_click':
      return pointerCall('rightClick', a, fallback);
    case 'middle_click':
      return pointerCall('middleClick', a, fallback);
    case 'drag':
      return drag(a, fallback);
    case 'scroll':
      return scroll(a, fallback);
    case 'type':
      if (typeof a.text === 'string') return `pyautogui.write(message=${pythonString(a.text)})`;
      fallback('type_secure');
      return computerCall(a);
    case 'key':
    case 'hotkey':
      return key(a, fallback);
    case 'wait':
      return `time.sleep(${seconds(a.duration_ms)})`;
    case 'switch_app':
    case 'focus_window':
      fallback(a.action);
      return computerCall(a);
  }
}

/** One episode as pyautogui code; lossy mappings are counted in `fallbacks`. */
export function pyautoguiRecord(ep: ExportEpisode, fallbacks: FallbackCounter): PyautoguiRecord {
  const fb = (reason: string) => fallbacks.count(PYAUTOGUI_FORMAT, reason);
  return {
    episode_id: ep.episode_id,
    instruction: taskInstruction(ep),
    steps: parseSteps(ep).map((s) => ({ step_index: s.index, code: pyautoguiCode(s.action, fb) })),
  };
}
