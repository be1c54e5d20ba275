/**
 * Action reducer: one capture session's redacted events-zone rows become actions in one canonical,
 * PyAutoGUI-style vocabulary (docs/sequencing.md). Pure and deterministic: the same set of rows gives the
 * same actions whatever order or duplication they arrive in (rows are sorted by seq and deduplicated).
 */
import { createHash } from 'node:crypto';
import type { EventRow } from '../lake/schema.js';

/** The action vocabulary. */
export const ACTION_TYPES = [
  'click',
  'double_click',
  'triple_click',
  'right_click',
  'middle_click',
  'drag',
  'scroll',
  'type',
  'hotkey',
  'key',
  'switch_app',
  'focus_window',
  'wait',
] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

/** Reducer thresholds; every field has a documented default (REDUCE_DEFAULTS). */
export interface ReduceConfig {
  /** Max time from one click's release to the next press for a double/triple click, ms. */
  readonly doubleClickMs: number;
  /** Max distance between the presses of a double/triple click, px. */
  readonly doubleClickDistancePx: number;
  /** Pointer travel while a button is held above which a press/release is a drag, not a click, px. */
  readonly dragDistancePx: number;
  /** Max gap between wheel events merged into one scroll, ms. */
  readonly scrollMergeMs: number;
  /** Max gap between presses of the same special key counted as one key action with a repeat, ms. */
  readonly keyRepeatMs: number;
  /** Max gap between text runs in the same field merged into one type action, ms. */
  readonly typeMergeMs: number;
  /** Input silence at or above which a wait action is emitted, ms. */
  readonly idleMs: number;
  /** A forward clock step at or above this is counted as a clock jump, ms. */
  readonly clockJumpMs: number;
}

/** Default reducer thresholds. */
export const REDUCE_DEFAULTS: ReduceConfig = {
  doubleClickMs: 500,
  doubleClickDistancePx: 5,
  dragDistancePx: 8,
  scrollMergeMs: 400,
  keyRepeatMs: 1000,
  typeMergeMs: 2000,
  idleMs: 3000,
  clockJumpMs: 3_600_000,
};

/** Anomalies the reducer handles (never fatal) and counts. */
export const ANOMALY_KINDS = [
  'duplicate_event',
  'duplicate_seq',
  'seq_gap',
  'clock_jump_back',
  'clock_jump_forward',
  'press_without_release',
  'release_without_press',
  'key_never_released',
  'key_release_without_press',
  'missing_screen',
  'unknown_event_type',
] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];
export type Anomalies = Record<AnomalyKind, number>;

/** One action: the ACTIONS_TABLE row minus episode_id/step_index, which the episode cutter assigns. */
export type Action = {
  action_id: string;
  session_id: string;
  user_pseudonym: string;
  device_pseudonym: string;
  action_type: ActionType;
  /** Epoch ms. */
  ts: number;
  duration_ms: number;
  x: number | null;
  y: number | null;
  to_x: number | null;
  to_y: number | null;
  button: string | null;
  scroll_direction: string | null;
  scroll_amount: number | null;
  text: string | null;
  keys: string | null;
  repeat: number | null;
  app_id: string | null;
  window_title: string | null;
  process_name: string | null;
  url: string | null;
  element_role: string | null;
  element_name: string | null;
  field_id: string | null;
  key_count: number | null;
  move_path_px: number;
  move_duration_ms: number;
  first_seq: number;
  last_seq: number;
  event_count: number;
  task_start: boolean;
  task_end: boolean;
  task_id: string | null;
  task_label: string | null;
  after_error_dialog: boolean;
  policy_version: string;
  key_version: string;
};

/** The reducer's output. */
export interface Reduction {
  readonly actions: Action[];
  readonly anomalies: Anomalies;
}

/** A fresh all-zero anomaly count. */
export function emptyAnomalies(): Anomalies {
  return Object.fromEntries(ANOMALY_KINDS.map((k) => [k, 0])) as Anomalies;
}

/** Adds `b` into `a` (summaries over many sessions). */
export function addAnomalies(a: Anomalies, b: Anomalies): void {
  for (const k of ANOMALY_KINDS) a[k] += b[k];
}

/** Deterministic id: sha256 of the parts, 32 hex characters. */
export function stableId(...parts: readonly (string | number)[]): string {
  return createHash('sha256').update(parts.join('\u001f')).digest('hex').slice(0, 32);
}

const MODIFIER_ORDER = ['ctrl', 'alt', 'shift', 'meta', 'fn'] as const;
const CHORD_MODIFIERS = new Set(['ctrl', 'alt', 'meta']);

/** Canonical "+"-joined modifier list (ctrl+alt+shift+meta+fn order), lower case. */
function canonicalModifiers(mods: string | null | undefined): string[] {
  if (!mods) return [];
  const set = new Set(mods.toLowerCase().split('+').filter(Boolean));
  return MODIFIER_ORDER.filter((m) => set.has(m));
}

/** Sorts rows by (seq, event_id) and drops repeated event ids, counting what it drops. */
function orderRows(rows: readonly EventRow[], anomalies: Anomalies): EventRow[] {
  let sorted = true;
  for (let i = 1; i < rows.length; i++) {
    const a = rows[i - 1] as EventRow;
    const b = rows[i] as EventRow;
    if (a.seq > b.seq || (a.seq === b.seq && a.event_id > b.event_id)) {
      sorted = false;
      break;
    }
  }
  const ordered = sorted
    ? rows
    : [...rows].sort(
        (a, b) => a.seq - b.seq || (a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : 0),
      );
  const out: EventRow[] = [];
  const seen = new Set<string>();
  for (const row of ordered) {
    if (seen.has(row.event_id)) {
      anomalies.duplicate_event += 1;
      continue;
    }
    seen.add(row.event_id);
    out.push(row);
  }
  return out;
}

interface PendingPress {
  button: string;
  x: number;
  y: number;
  ts: number;
  seq: number;
  maxDist: number;
  events: number;
  element: { role: string | null; name: string | null } | null;
}

interface HeldKey {
  seq: number;
}

/** Reduces one session's rows (any order, duplicates allowed) to actions and anomaly counts. */
export function reduceToActions(rows: readonly EventRow[], config: Partial<ReduceConfig> = {}): Reduction {
  const cfg: ReduceConfig = { ...REDUCE_DEFAULTS, ...config };
  const anomalies = emptyAnomalies();
  const events = orderRows(rows, anomalies);
  const actions: Action[] = [];

  // Context carried onto every action.
  let appId: string | null = null;
  let processName: string | null = null;
  let windowTitle: string | null = null;
  let url: string | null = null;
  let screenW = 0;
  let screenH = 0;
  let element: { role: string | null; name: string | null } | null = null;
  let afterDialog = false;
  let taskStart: { id: string | null; label: string | null } | null = null;

  // Pointer state and the move summary for the next action.
  let px: number | null = null;
  let py: number | null = null;
  let movePath = 0;
  let moveStart = -1;
  let moveEnd = -1;

  const presses = new Map<string, PendingPress>();
  const held = new Map<string, HeldKey>();

  // Timing and ordering checks.
  let lastTs = Number.NEGATIVE_INFINITY;
  let lastSeq = -1;
  let lastInputTs = Number.NEGATIVE_INFINITY;
  // Last merge target: scroll, type or key actions stay open to merges until another action is emitted.
  let lastWheelTs = Number.NEGATIVE_INFINITY;
  let lastKeyTs = Number.NEGATIVE_INFINITY;
  let lastClickUpTs = Number.NEGATIVE_INFINITY;
  let lastTextEnd = Number.NEGATIVE_INFINITY;

  let first: EventRow | undefined;
  const norm = (v: number | null | undefined, size: number): number | null => {
    if (v === null || v === undefined || size <= 0) return null;
    return Math.min(1, Math.max(0, v / size));
  };

  const emit = (row: EventRow, type: ActionType, ts: number, fields: Partial<Action>): Action => {
    const base = first as EventRow;
    const a: Action = {
      action_id: stableId(base.session_id, type, row.seq),
      session_id: base.session_id,
      user_pseudonym: base.user_pseudonym,
      device_pseudonym: base.device_pseudonym,
      action_type: type,
      ts,
      duration_ms: 0,
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
      app_id: appId,
      window_title: windowTitle,
      process_name: processName,
      url,
      element_role: null,
      element_name: null,
      field_id: null,
      key_count: null,
      move_path_px: 0,
      move_duration_ms: 0,
      first_seq: row.seq,
      last_seq: row.seq,
      event_count: 1,
      task_start: false,
      task_end: false,
      task_id: null,
      task_label: null,
      after_error_dialog: false,
      policy_version: row.policy_version,
      key_version: row.key_version,
      ...fields,
    };
    if (type !== 'wait') {
      if (element && a.element_role === null) {
        a.element_role = element.role;
        a.element_name = element.name;
      }
      element = null;
      a.move_path_px = Math.round(movePath * 10) / 10;
      a.move_duration_ms = moveStart >= 0 ? Math.max(0, moveEnd - moveStart) : 0;
      movePath = 0;
      moveStart = -1;
      moveEnd = -1;
      if (afterDialog) a.after_error_dialog = true;
      afterDialog = false;
      if (taskStart) {
        a.task_start = true;
        a.task_id = taskStart.id;
        a.task_label = taskStart.label;
        taskStart = null;
      }
    }
    actions.push(a);
    return a;
  };
  const last = (): Action | undefined => actions[actions.length - 1];
  const lastActionEnd = (): number => {
    const a = last();
    return a ? a.ts + a.duration_ms : Number.NEGATIVE_INFINITY;
  };
  const ensureScreen = (): void => {
    if (screenW <= 0 || screenH <= 0) anomalies.missing_screen += 1;
  };

  const finishPress = (p: PendingPress, row: EventRow, upX: number, upY: number, upTs: number): void => {
    const saved = element;
    element = p.element;
    ensureScreen();
    if (p.maxDist > cfg.dragDistancePx) {
      emit(row, 'drag', p.ts, {
        first_seq: p.seq,
        action_id: stableId(row.session_id, 'drag', p.seq),
        duration_ms: upTs - p.ts,
        x: norm(p.x, screenW),
        y: norm(p.y, screenH),
        to_x: norm(upX, screenW),
        to_y: norm(upY, screenH),
        button: p.button,
        event_count: p.events,
      });
      element = saved;
      return;
    }
    const prev = last();
    const multi =
      p.button === 'left' &&
      prev !== undefined &&
      (prev.action_type === 'click' || prev.action_type === 'double_click') &&
      prev.button === 'left' &&
      p.ts - lastClickUpTs <= cfg.doubleClickMs &&
      prev.last_seq === lastSeqOfClick &&
      Math.hypot(p.x - lastClickX, p.y - lastClickY) <= cfg.doubleClickDistancePx;
    if (multi && prev) {
      prev.action_type = prev.action_type === 'click' ? 'double_click' : 'triple_click';
      prev.action_id = stableId(row.session_id, prev.action_type, prev.first_seq);
      prev.duration_ms = upTs - prev.ts;
      prev.last_seq = row.seq;
      prev.event_count += p.events;
      prev.move_path_px = Math.round((prev.move_path_px + movePath) * 10) / 10;
      movePath = 0;
      moveStart = -1;
      moveEnd = -1;
      element = saved;
    } else {
      const type: ActionType =
        p.button === 'right' ? 'right_click' : p.button === 'middle' ? 'middle_click' : 'click';
      emit(row, type, p.ts, {
        first_seq: p.seq,
        action_id: stableId(row.session_id, type, p.seq),
        duration_ms: upTs - p.ts,
        x: norm(p.x, screenW),
        y: norm(p.y, screenH),
        button: p.button,
        event_count: p.events,
      });
      element = saved;
    }
    lastClickUpTs = upTs;
    lastSeqOfClick = row.seq;
    lastClickX = p.x;
    lastClickY = p.y;
  };
  let lastSeqOfClick = -1;
  let lastClickX = 0;
  let lastClickY = 0;

  for (const row of events) {
    if (!first) first = row;
    // Sequence and clock checks.
    if (lastSeq >= 0) {
      if (row.seq === lastSeq) anomalies.duplicate_seq += 1;
      else if (row.seq > lastSeq + 1) {
        // A text row stands for its whole key run (down and up per key): gaps it covers are expected.
        const covered = row.event_type === 'text' ? 2 * Math.max(1, row.key_count ?? 1) : 1;
        if (row.seq - lastSeq > covered) anomalies.seq_gap += 1;
      }
    }
    lastSeq = row.seq;
    let ts = row.ts;
    if (ts < lastTs) {
      anomalies.clock_jump_back += 1;
      ts = lastTs; // clamp: time never runs backwards inside a session
    } else if (lastTs > Number.NEGATIVE_INFINITY && ts - lastTs >= cfg.clockJumpMs) {
      anomalies.clock_jump_forward += 1;
    }
    lastTs = ts;

    const type = row.event_type;
    const isInput =
      type === 'mouse_move' ||
      type === 'mouse_down' ||
      type === 'mouse_up' ||
      type === 'wheel' ||
      type === 'key_down' ||
      type === 'key_up' ||
      type === 'text' ||
      type === 'hotkey';
    if (isInput) {
      const since = Math.max(lastInputTs, lastActionEnd());
      if (presses.size === 0 && Number.isFinite(since) && ts - since >= cfg.idleMs) {
        const w = emit(row, 'wait', since, { duration_ms: ts - since, event_count: 0 });
        w.first_seq = row.seq;
        w.last_seq = row.seq;
      }
      lastInputTs = ts;
    }

    switch (type) {
      case 'mouse_move': {
        const x: number = row.x ?? px ?? 0;
        const y: number = row.y ?? py ?? 0;
        if (px !== null && py !== null) {
          const d = Math.hypot(x - px, y - py);
          movePath += d;
          for (const p of presses.values()) {
            const dist = Math.hypot(x - p.x, y - p.y);
            if (dist > p.maxDist) p.maxDist = dist;
            p.events += 1;
          }
        }
        if (moveStart < 0) moveStart = ts;
        moveEnd = ts;
        px = x;
        py = y;
        break;
      }
      case 'mouse_down': {
        const button = row.button ?? 'left';
        const x: number = row.x ?? px ?? 0;
        const y: number = row.y ?? py ?? 0;
        const open = presses.get(button);
        if (open) {
          anomalies.press_without_release += 1;
          presses.delete(button);
          finishPress(open, row, open.x, open.y, open.ts);
        }
        presses.set(button, { button, x, y, ts, seq: row.seq, maxDist: 0, events: 1, element });
        element = null;
        px = x;
        py = y;
        break;
      }
      case 'mouse_up': {
        const button = row.button ?? 'left';
        const p = presses.get(button);
        const x: number = row.x ?? px ?? 0;
        const y: number = row.y ?? py ?? 0;
        if (!p) {
          anomalies.release_without_press += 1;
          break;
        }
        presses.delete(button);
        p.events += 1;
        const dist = Math.hypot(x - p.x, y - p.y);
        if (dist > p.maxDist) p.maxDist = dist;
        finishPress(p, row, x, y, ts);
        px = x;
        py = y;
        break;
      }
      case 'wheel': {
        const dx = row.dx ?? 0;
        const dy = row.dy ?? 0;
        const vertical = Math.abs(dy) >= Math.abs(dx);
        const amount = vertical ? Math.abs(dy) : Math.abs(dx);
        const direction = vertical ? (dy >= 0 ? 'down' : 'up') : dx >= 0 ? 'right' : 'left';
        const prev = last();
        if (
          prev &&
          prev.action_type === 'scroll' &&
          prev.scroll_direction === direction &&
          ts - lastWheelTs <= cfg.scrollMergeMs
        ) {
          prev.scroll_amount = (prev.scroll_amount ?? 0) + amount;
          prev.duration_ms = ts - prev.ts;
          prev.last_seq = row.seq;
          prev.event_count += 1;
        } else {
          ensureScreen();
          emit(row, 'scroll', ts, {
            x: norm(row.x ?? px, screenW),
            y: norm(row.y ?? py, screenH),
            scroll_direction: direction,
            scroll_amount: amount,
          });
        }
        lastWheelTs = ts;
        break;
      }
      case 'text': {
        const prev = last();
        const field = row.field_id ?? null;
        const text = row.secure ? null : (row.text ?? '');
        const keyCount = row.key_count ?? text?.length ?? 0;
        if (
          prev &&
          prev.action_type === 'type' &&
          prev.field_id === field &&
          ts - lastTextEnd <= cfg.typeMergeMs &&
          prev.text !== null &&
          text !== null
        ) {
          prev.text += text;
          prev.key_count = (prev.key_count ?? 0) + keyCount;
          prev.duration_ms = ts - prev.ts;
          prev.last_seq = row.seq;
          prev.event_count += 1;
        } else {
          // The row's seq and ts are the run's last key; it started duration_ms earlier.
          const start = Math.min(ts, Math.max(ts - (row.duration_ms ?? 0), lastActionEnd()));
          emit(row, 'type', start, {
            text,
            field_id: field,
            key_count: keyCount,
            duration_ms: ts - start,
          });
        }
        lastTextEnd = ts;
        break;
      }
      case 'hotkey': {
        const mods = canonicalModifiers(row.modifiers);
        const key = (row.key_name ?? row.key_class ?? 'unknown').toLowerCase();
        emit(row, 'hotkey', ts, { keys: [...mods, key].join('+') });
        break;
      }
      case 'key_down': {
        const keyName = (row.key_name ?? row.key_class ?? 'unknown').toLowerCase();
        const cls = row.key_class ?? 'other';
        const heldBefore = held.has(keyName);
        held.set(keyName, { seq: row.seq });
        if (cls === 'modifier') break; // modifiers alone are not actions; they qualify the next key
        const mods = canonicalModifiers(row.modifiers);
        const prev = last();
        if (mods.some((m) => CHORD_MODIFIERS.has(m)) || (mods.length > 0 && cls !== 'char')) {
          if (heldBefore && prev?.action_type === 'hotkey' && prev.keys === [...mods, keyName].join('+')) {
            prev.repeat = (prev.repeat ?? 1) + 1;
            prev.last_seq = row.seq;
            prev.event_count += 1;
            break;
          }
          emit(row, 'hotkey', ts, { keys: [...mods, keyName].join('+') });
          break;
        }
        if (
          (cls === 'backspace' || cls === 'delete') &&
          prev?.action_type === 'type' &&
          prev.text !== null &&
          prev.text.length > 0 &&
          ts - lastTextEnd <= cfg.typeMergeMs
        ) {
          // Backspace right after typing edits the typed text (by code point).
          if (cls === 'backspace') prev.text = Array.from(prev.text).slice(0, -1).join('');
          prev.key_count = (prev.key_count ?? 0) + 1;
          prev.duration_ms = ts - prev.ts;
          prev.last_seq = row.seq;
          prev.event_count += 1;
          lastTextEnd = ts;
          break;
        }
        if (
          prev?.action_type === 'key' &&
          prev.keys === keyName &&
          (heldBefore || ts - lastKeyTs <= cfg.keyRepeatMs)
        ) {
          prev.repeat = (prev.repeat ?? 1) + 1;
          prev.duration_ms = ts - prev.ts;
          prev.last_seq = row.seq;
          prev.event_count += 1;
        } else {
          emit(row, 'key', ts, { keys: keyName, repeat: 1 });
        }
        lastKeyTs = ts;
        break;
      }
      case 'key_up': {
        const keyName = (row.key_name ?? row.key_class ?? 'unknown').toLowerCase();
        if (!held.delete(keyName)) anomalies.key_release_without_press += 1;
        const prev = last();
        if (
          prev &&
          (prev.action_type === 'key' || prev.action_type === 'hotkey') &&
          prev.keys?.endsWith(keyName)
        ) {
          prev.last_seq = row.seq;
          prev.event_count += 1;
          prev.duration_ms = Math.max(prev.duration_ms, ts - prev.ts);
        }
        break;
      }
      case 'focus': {
        const nextApp = row.app_id ?? null;
        const nextTitle = row.window_title ?? null;
        const nextUrl = row.url ?? null;
        const hadContext = appId !== null;
        const appChanged = nextApp !== appId;
        const windowChanged = nextTitle !== windowTitle || nextUrl !== url;
        appId = nextApp;
        processName = row.process_name ?? null;
        windowTitle = nextTitle;
        url = nextUrl;
        if (hadContext && appChanged) emit(row, 'switch_app', ts, {});
        else if (hadContext && windowChanged) emit(row, 'focus_window', ts, {});
        break;
      }
      case 'ui_element':
        element = { role: row.element_role ?? null, name: row.element_name ?? null };
        break;
      case 'screen':
        screenW = row.screen_width ?? 0;
        screenH = row.screen_height ?? 0;
        break;
      case 'error_dialog':
        afterDialog = true;
        break;
      case 'task_marker':
        if (row.marker === 'start') taskStart = { id: row.task_id ?? null, label: row.label ?? null };
        else {
          const prev = actions.findLast((a) => a.action_type !== 'wait');
          if (prev && !taskStart) {
            prev.task_end = true;
            prev.task_id ??= row.task_id ?? null;
            prev.task_label ??= row.label ?? null;
          }
        }
        break;
      case 'clipboard':
        break;
      default:
        anomalies.unknown_event_type += 1;
    }
  }

  // Session end: presses never released become clicks at the press point; keys never released are counted.
  for (const p of [...presses.values()].sort((a, b) => a.seq - b.seq)) {
    anomalies.press_without_release += 1;
    const row = events.find((e) => e.seq === p.seq) as EventRow;
    finishPress(p, row, p.x, p.y, p.ts);
  }
  anomalies.key_never_released += held.size;
  actions.sort(
    (a, b) => a.first_seq - b.first_seq || (a.action_type === 'wait' ? -1 : b.action_type === 'wait' ? 1 : 0),
  );
  return { actions, anomalies };
}
