/**
 * Canonical key chords, split and normalised for the adapters. A canonical `keys` value is lower case,
 * '+'-joined, modifiers first in ctrl+alt+shift+meta+fn order (core/contract/event-contract.ts); the last
 * part is the key, named as the OS reported it, lower-cased (`enter`, `arrowleft`, `pageup`, `f5`, `c`),
 * or its key class when the name was not kept (`arrow`, `navigation`, `function`, `char`, ...).
 * `ctrl++` is ctrl with the plus key.
 */
import { MODIFIER_ORDER, type Modifier } from '../contract/event-contract.js';

/** A chord: its modifiers in canonical order and its one key (a {@link KEY_IDS} id or a single character). */
export interface Chord {
  readonly modifiers: readonly Modifier[];
  /** Normalised key: a named-key id, a single character, or the name as given when unknown. */
  readonly key: string;
  /** What kind of key it is. */
  readonly kind: 'named' | 'char' | 'unnamed' | 'unknown';
}

/**
 * Named-key ids and the OS names (lower case) that mean them. Names come from browsers' KeyboardEvent.key,
 * Windows, macOS and X11 spellings.
 */
const KEY_ALIASES: Readonly<Record<string, readonly string[]>> = {
  enter: ['enter', 'return', 'numpadenter'],
  escape: ['escape', 'esc'],
  backspace: ['backspace', 'back'],
  tab: ['tab'],
  delete: ['delete', 'del'],
  insert: ['insert', 'ins'],
  home: ['home'],
  end: ['end'],
  pageup: ['pageup', 'page_up', 'prior', 'pgup'],
  pagedown: ['pagedown', 'page_down', 'next', 'pgdn'],
  left: ['arrowleft', 'left'],
  right: ['arrowright', 'right'],
  up: ['arrowup', 'up'],
  down: ['arrowdown', 'down'],
  space: ['space', ' ', 'spacebar'],
  capslock: ['capslock', 'caps_lock'],
  numlock: ['numlock', 'num_lock'],
  scrolllock: ['scrolllock', 'scroll_lock'],
  printscreen: ['printscreen', 'print', 'prtsc', 'snapshot'],
  pause: ['pause', 'break'],
  contextmenu: ['contextmenu', 'menu', 'apps'],
  volumeup: ['audiovolumeup', 'volumeup'],
  volumedown: ['audiovolumedown', 'volumedown'],
  volumemute: ['audiovolumemute', 'volumemute'],
  playpause: ['mediaplaypause', 'playpause'],
  nexttrack: ['mediatracknext', 'nexttrack'],
  prevtrack: ['mediatrackprevious', 'prevtrack'],
  stop: ['mediastop'],
  ctrl: ['ctrl', 'control', 'controlleft', 'controlright'],
  alt: ['alt', 'option', 'altleft', 'altright', 'altgraph'],
  shift: ['shift', 'shiftleft', 'shiftright'],
  meta: ['meta', 'cmd', 'command', 'win', 'super', 'os', 'metaleft', 'metaright'],
  fn: ['fn'],
  ...Object.fromEntries(Array.from({ length: 24 }, (_, i) => [`f${i + 1}`, [`f${i + 1}`]])),
};

/** Every named-key id. */
export const KEY_IDS: readonly string[] = Object.keys(KEY_ALIASES);

const ALIAS_TO_ID: ReadonlyMap<string, string> = new Map(
  Object.entries(KEY_ALIASES).flatMap(([id, names]) => names.map((n) => [n, id] as const)),
);

/**
 * Key classes the sequencer writes in place of a key name it did not keep (secure field, class `other`):
 * they say what kind of key it was, not which one.
 */
export const UNNAMED_KEYS: readonly string[] = [
  'char',
  'arrow',
  'navigation',
  'function',
  'media',
  'modifier',
  'other',
  'unknown',
];

const MODIFIERS: readonly string[] = MODIFIER_ORDER;

/** The key id of one OS key name. */
function normaliseKey(name: string): Pick<Chord, 'key' | 'kind'> {
  const lower = name.toLowerCase();
  const id = ALIAS_TO_ID.get(lower);
  if (id !== undefined) return { key: id, kind: 'named' };
  if (UNNAMED_KEYS.includes(lower)) return { key: lower, kind: 'unnamed' };
  if (Array.from(name).length === 1) return { key: lower, kind: 'char' };
  return { key: lower, kind: 'unknown' };
}

/** Splits a canonical `keys` value into modifiers and key (`ctrl+shift+t`, `ctrl++`, `enter`). */
export function parseChord(keys: string): Chord {
  const parts = keys.split('+');
  const modifiers: Modifier[] = [];
  let i = 0;
  // a trailing modifier is the key itself (shift pressed with ctrl: `ctrl+shift`)
  while (i < parts.length - 1 && MODIFIERS.includes(parts[i] as string)) {
    const m = parts[i] as Modifier;
    if (!modifiers.includes(m)) modifiers.push(m);
    i += 1;
  }
  const rest = parts.slice(i).join('+');
  return { modifiers: MODIFIER_ORDER.filter((m) => modifiers.includes(m)), ...normaliseKey(rest) };
}

/** A key in one target's naming: the name, and whether the table had it (false: passed through). */
export interface TargetKey {
  readonly name: string;
  readonly mapped: boolean;
}

/** Names a chord's key with a target table; single characters go through `char`, unknown names as given. */
export function targetKey(
  chord: Chord,
  table: Readonly<Record<string, string>>,
  char: (c: string) => string,
): TargetKey {
  if (chord.kind === 'named') {
    const name = table[chord.key];
    return name !== undefined ? { name, mapped: true } : { name: chord.key, mapped: false };
  }
  if (chord.kind === 'char') return { name: char(chord.key), mapped: true };
  return { name: chord.key, mapped: false };
}

/** F1..F24 for a table: `f5` → `F5` (xdotool), `f5` (pyautogui), ... */
export function functionKeys(name: (n: number) => string): Record<string, string> {
  return Object.fromEntries(Array.from({ length: 24 }, (_, i) => [`f${i + 1}`, name(i + 1)]));
}
