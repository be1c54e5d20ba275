/**
 * The canonical action: what a model trained on worktrace data predicts, as one JSON object per action.
 * The sequencer writes it as the `action` column of every action and of every episode step, so views and
 * exporters select it and never format numbers or JSON in SQL (Trino and DuckDB render doubles
 * differently). Keys come in one fixed order and only where the action type uses them; numbers are JSON
 * numbers, positions rounded to 4 decimals; strings are escaped by JSON.stringify.
 *
 *   {"action":"click","x":0.5123,"y":0.3104,"button":"left"}
 *   {"action":"drag","x":0.1,"y":0.2,"to_x":0.4,"to_y":0.2,"button":"left"}
 *   {"action":"scroll","x":0.5,"y":0.5,"direction":"down","amount":9}
 *   {"action":"type","text":"Quarterly report"}       (text null: typed into a secure field)
 *   {"action":"hotkey","keys":"ctrl+s"}   {"action":"key","keys":"enter","repeat":3}
 *   {"action":"switch_app","app":"com.microsoft.Excel"}   {"action":"focus_window","window":"Inbox"}
 *   {"action":"wait","duration_ms":4200}
 */
import type { ActionType } from './actions.js';

/** Scroll directions of the vocabulary. */
export type ScrollDirection = 'up' | 'down' | 'left' | 'right';

/** One canonical action (the parsed `action` column). */
export interface CanonicalAction {
  readonly action: ActionType;
  /** Pointer x, 0..1 of the screen width (clicks, drag start, scroll position). */
  readonly x?: number;
  /** Pointer y, 0..1 of the screen height. */
  readonly y?: number;
  /** Drag end x, 0..1. */
  readonly to_x?: number;
  /** Drag end y, 0..1. */
  readonly to_y?: number;
  /** Mouse button: left, right or middle (clicks and drags). */
  readonly button?: string;
  /** Scroll direction. */
  readonly direction?: ScrollDirection;
  /** Scroll distance in wheel units (the capture agent's wheel deltas, summed). */
  readonly amount?: number;
  /** Key or chord, lower case, '+'-joined, modifiers in ctrl+alt+shift+meta+fn order (key, hotkey). */
  readonly keys?: string;
  /** How often the key or chord was pressed, when more than once. */
  readonly repeat?: number;
  /** Scrubbed typed text; null when it was typed into a secure field and never kept. */
  readonly text?: string | null;
  /** Length of the pause (wait). */
  readonly duration_ms?: number;
  /** The application switched to (switch_app). */
  readonly app?: string;
  /** The scrubbed title of the window focused (focus_window). */
  readonly window?: string;
}

/** Every key a canonical action can have, in the order they are written. */
export const CANONICAL_KEYS = [
  'action',
  'x',
  'y',
  'to_x',
  'to_y',
  'button',
  'direction',
  'amount',
  'keys',
  'repeat',
  'text',
  'duration_ms',
  'app',
  'window',
] as const satisfies readonly (keyof CanonicalAction)[];

/** The action types that happen at a point of the screen (they carry x and y). */
export const POINTER_ACTIONS: ReadonlySet<string> = new Set<ActionType>([
  'click',
  'double_click',
  'triple_click',
  'right_click',
  'middle_click',
  'drag',
  'scroll',
]);

/** The action columns the canonical action is built from. */
export interface ActionFields {
  readonly action_type: ActionType;
  readonly x: number | null;
  readonly y: number | null;
  readonly to_x: number | null;
  readonly to_y: number | null;
  readonly button: string | null;
  readonly scroll_direction: string | null;
  readonly scroll_amount: number | null;
  readonly keys: string | null;
  readonly repeat: number | null;
  readonly text: string | null;
  readonly duration_ms: number;
  readonly app_id: string | null;
  readonly window_title: string | null;
}

/** A position rounded to 4 decimals (0.1 px on a 1920 px screen is 0.00005: below the rounding). */
const pos = (v: number): number => Math.round(v * 10_000) / 10_000;

/** The canonical action of an action row. */
export function canonicalAction(a: ActionFields): CanonicalAction {
  const out: { -readonly [K in keyof CanonicalAction]: CanonicalAction[K] } = { action: a.action_type };
  switch (a.action_type) {
    case 'click':
    case 'double_click':
    case 'triple_click':
    case 'right_click':
    case 'middle_click':
    case 'drag':
    case 'scroll':
      if (a.x !== null) out.x = pos(a.x);
      if (a.y !== null) out.y = pos(a.y);
      if (a.action_type === 'drag') {
        if (a.to_x !== null) out.to_x = pos(a.to_x);
        if (a.to_y !== null) out.to_y = pos(a.to_y);
      }
      if (a.action_type === 'scroll') {
        if (a.scroll_direction !== null) out.direction = a.scroll_direction as ScrollDirection;
        if (a.scroll_amount !== null) out.amount = a.scroll_amount;
      } else if (a.button !== null) out.button = a.button;
      break;
    case 'type':
      out.text = a.text;
      break;
    case 'hotkey':
    case 'key':
      if (a.keys !== null) out.keys = a.keys;
      if (a.repeat !== null && a.repeat > 1) out.repeat = a.repeat;
      break;
    case 'switch_app':
      if (a.app_id !== null) out.app = a.app_id;
      break;
    case 'focus_window':
      if (a.window_title !== null) out.window = a.window_title;
      break;
    case 'wait':
      out.duration_ms = a.duration_ms;
      break;
  }
  return out;
}

/** The canonical action as JSON text: the `action` column. */
export function canonicalActionJson(a: ActionFields): string {
  return JSON.stringify(canonicalAction(a));
}
