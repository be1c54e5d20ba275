/**
 * Action reducer: one capture session's redacted events-zone rows become actions in one canonical,
 * PyAutoGUI-style vocabulary (docs/sequencing.md). Pure and deterministic: the same set of rows gives the
 * same actions whatever order or duplication they arrive in (rows are sorted by seq and deduplicated).
 */
import { createHash } from 'node:crypto';
import { hasCommandModifier, type Modifier, orderModifiers } from '../contract/event-contract.js';
import { deleteLastCodePoint } from '../contract/typing-run.js';
import type { ActionRow, EventRow } from '../lake/schema.js';
import { canonicalActionJson } from './action-json.js';
import { dedupeByEventId } from './dedupe.js';

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
  /**
   * Max pause between wheel events of one scroll gesture, ms. Computer-use datasets count a gesture in
   * one direction with pauses under about a second as one scroll.
   */
  readonly scrollMergeMs: number;
  /** Max pointer distance from where a scroll gesture started for a wheel event to join it, px. */
  readonly scrollMergeRadiusPx: number;
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
  scrollMergeMs: 1000,
  scrollMergeRadiusPx: 24,
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

/**
 * One action: the ACTIONS_TABLE row (types derived from its columns) minus episode_id, step_index and
 * sequencer_version, which the episode cutter assigns; `action_type` narrowed to the vocabulary.
 */
export type Action = Omit<ActionRow, 'episode_id' | 'step_index' | 'sequencer_version' | 'action_type'> & {
  action_type: ActionType;
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

/** A row's modifiers, lower case, in canonical order (MODIFIER_ORDER, from the contract schema). */
function canonicalModifiers(mods: string | null | undefined): Modifier[] {
  if (!mods) return [];
  return orderModifiers(mods.toLowerCase().split('+').filter(Boolean));
}

/** The lower-case key name of a key row (its class when the name was not kept). */
function keyNameOf(row: EventRow): string {
  return (row.key_name ?? row.key_class ?? 'unknown').toLowerCase();
}

/** True for event types that are user input (they end idle time). */
function isInput(type: string): boolean {
  return (
    type === 'mouse_move' ||
    type === 'mouse_down' ||
    type === 'mouse_up' ||
    type === 'wheel' ||
    type === 'key_down' ||
    type === 'key_up' ||
    type === 'text' ||
    type === 'hotkey'
  );
}

/** Rows in (seq, event_id) order; already ordered input (the usual case) is returned as is. */
function inSeqOrder(rows: readonly EventRow[]): readonly EventRow[] {
  for (let i = 1; i < rows.length; i++) {
    const a = rows[i - 1] as EventRow;
    const b = rows[i] as EventRow;
    if (a.seq > b.seq || (a.seq === b.seq && a.event_id > b.event_id)) {
      return [...rows].sort(
        (x, y) => x.seq - y.seq || (x.event_id < y.event_id ? -1 : x.event_id > y.event_id ? 1 : 0),
      );
    }
  }
  return rows;
}

/** Orders actions as the reducer outputs them: by first seq, a wait before the action it precedes. */
function byFirstSeq(a: Action, b: Action): number {
  return a.first_seq - b.first_seq || (a.action_type === 'wait' ? -1 : b.action_type === 'wait' ? 1 : 0);
}

/** The fields of a row an action is stamped with (all a press keeps of the row that opened its seq). */
type RowStamp = Pick<EventRow, 'session_id' | 'seq' | 'policy_version' | 'key_version'>;

/** The pseudonymous identity every action of a session carries. */
type SessionIdentity = Pick<EventRow, 'session_id' | 'user_pseudonym' | 'device_pseudonym'>;

function stampOf(row: RowStamp): RowStamp {
  return {
    session_id: row.session_id,
    seq: row.seq,
    policy_version: row.policy_version,
    key_version: row.key_version,
  };
}

/** A time that may be -Infinity (never happened) as JSON, and back. */
const timeOut = (t: number): number | null => (Number.isFinite(t) ? t : null);
const timeIn = (t: number | null): number => t ?? Number.NEGATIVE_INFINITY;

/** A held button as a checkpoint holds it. */
export interface PressCheckpoint {
  readonly button: string;
  readonly x: number;
  readonly y: number;
  readonly ts: number;
  readonly seq: number;
  readonly seqRow: RowStamp;
  readonly maxDist: number;
  readonly events: number;
  readonly element: { readonly role: string | null; readonly name: string | null } | null;
}

/**
 * A SessionReducer's complete state between two rows, as plain JSON data (`-Infinity` times as null).
 * `actions` are the actions not yet drained as final: those later rows may still change or precede.
 * Strings it carries beyond pseudonyms and versions are those the rows already held: the typed text of
 * an open type action, app/window/url context, element role and name, task ids and labels, key names.
 */
export interface ReducerCheckpoint {
  readonly identity: SessionIdentity | null;
  readonly anomalies: Anomalies;
  readonly actions: Action[];
  readonly appId: string | null;
  readonly processName: string | null;
  readonly windowTitle: string | null;
  readonly url: string | null;
  readonly screenW: number;
  readonly screenH: number;
  readonly element: { readonly role: string | null; readonly name: string | null } | null;
  readonly afterDialog: boolean;
  readonly taskStart: { readonly id: string | null; readonly label: string | null } | null;
  readonly px: number | null;
  readonly py: number | null;
  readonly movePath: number;
  readonly moveStart: number;
  readonly moveEnd: number;
  readonly presses: PressCheckpoint[];
  readonly held: string[];
  readonly lastTs: number | null;
  readonly lastSeq: number;
  readonly firstOfSeq: RowStamp | null;
  readonly lastInputTs: number | null;
  readonly lastWheelTs: number | null;
  readonly scrollX: number;
  readonly scrollY: number;
  readonly lastKeyTs: number | null;
  readonly lastTextEnd: number | null;
  readonly lastClickUpTs: number | null;
  readonly lastSeqOfClick: number;
  readonly lastClickX: number;
  readonly lastClickY: number;
}

/** The UI element last reported under the pointer. */
interface ElementRef {
  readonly role: string | null;
  readonly name: string | null;
}

/** A mouse button held down. */
interface PendingPress {
  readonly button: string;
  readonly x: number;
  readonly y: number;
  readonly ts: number;
  readonly seq: number;
  /** The first row of the press's seq: it stamps the click if the session ends with the button still down. */
  readonly seqRow: RowStamp;
  maxDist: number;
  events: number;
  readonly element: ElementRef | null;
}

/**
 * Reduces one session's rows, fed in (seq, event_id) order without repeated event ids, to actions. State
 * is the context carried onto actions (focus, screen, element, task, dialog), the pointer and its move
 * summary, held buttons and keys, and the timing of the last action of each kind that later events may
 * merge into (double clicks, scroll bursts, typing runs, key repeats).
 */
export class SessionReducer {
  private anomalies: Anomalies = emptyAnomalies();
  private actions: Action[] = [];
  private first: SessionIdentity | undefined;

  // Context carried onto every action.
  private appId: string | null = null;
  private processName: string | null = null;
  private windowTitle: string | null = null;
  private url: string | null = null;
  private screenW = 0;
  private screenH = 0;
  private element: ElementRef | null = null;
  private afterDialog = false;
  private taskStart: { id: string | null; label: string | null } | null = null;

  // Pointer state and the move summary for the next action.
  private px: number | null = null;
  private py: number | null = null;
  private movePath = 0;
  private moveStart = -1;
  private moveEnd = -1;

  private readonly presses = new Map<string, PendingPress>();
  private readonly held = new Set<string>();

  // Timing and ordering checks.
  private lastTs = Number.NEGATIVE_INFINITY;
  private lastSeq = -1;
  private firstOfSeq: RowStamp | undefined;
  private lastInputTs = Number.NEGATIVE_INFINITY;
  // Merge windows: scroll, type and key actions stay open to merges until another action is emitted.
  private lastWheelTs = Number.NEGATIVE_INFINITY;
  private scrollX = 0;
  private scrollY = 0;
  private lastKeyTs = Number.NEGATIVE_INFINITY;
  private lastTextEnd = Number.NEGATIVE_INFINITY;
  // The last click, which the next press may turn into a double or triple click.
  private lastClickUpTs = Number.NEGATIVE_INFINITY;
  private lastSeqOfClick = -1;
  private lastClickX = 0;
  private lastClickY = 0;

  private readonly cfg: ReduceConfig;

  constructor(config: Partial<ReduceConfig> = {}) {
    this.cfg = { ...REDUCE_DEFAULTS, ...config };
  }

  /** Counts copies of events that were dropped before feeding (dedupeByEventId). */
  countDuplicates(dropped: number): void {
    this.anomalies.duplicate_event += dropped;
  }

  /** Feeds the next row. */
  add(row: EventRow): void {
    if (!this.first) this.first = row;
    const ts = this.checkOrder(row);
    if (isInput(row.event_type)) this.noteInput(row, ts);
    switch (row.event_type) {
      case 'mouse_move':
        this.mouseMove(row, ts);
        break;
      case 'mouse_down':
        this.mouseDown(row, ts);
        break;
      case 'mouse_up':
        this.mouseUp(row, ts);
        break;
      case 'wheel':
        this.wheel(row, ts);
        break;
      case 'text':
        this.text(row, ts);
        break;
      case 'hotkey':
        this.hotkey(row, ts);
        break;
      case 'key_down':
        this.keyDown(row, ts);
        break;
      case 'key_up':
        this.keyUp(row, ts);
        break;
      case 'focus':
        this.focus(row, ts);
        break;
      case 'ui_element':
        this.element = { role: row.element_role ?? null, name: row.element_name ?? null };
        break;
      case 'screen':
        this.screenW = row.screen_width ?? 0;
        this.screenH = row.screen_height ?? 0;
        break;
      case 'error_dialog':
        this.afterDialog = true;
        break;
      case 'task_marker':
        this.taskMarker(row);
        break;
      case 'clipboard':
        break;
      default:
        this.anomalies.unknown_event_type += 1;
    }
  }

  /**
   * Ends the session: presses never released become clicks at the press point, keys never released are
   * counted. Returns the actions in first_seq order (a wait before the action it precedes).
   */
  finish(): Reduction {
    for (const p of [...this.presses.values()].sort((a, b) => a.seq - b.seq)) {
      this.anomalies.press_without_release += 1;
      this.finishPress(p, p.seqRow, p.x, p.y, p.ts);
    }
    this.presses.clear();
    this.anomalies.key_never_released += this.held.size;
    this.held.clear();
    this.actions.sort(byFirstSeq);
    // Merges may change an action until the session ends: its canonical JSON is written last.
    for (const a of this.actions) a.action = canonicalActionJson(a);
    return { actions: this.actions, anomalies: this.anomalies };
  }

  /**
   * Removes and returns, in output order, the actions no later row can change or precede: every action
   * before the first one that is still open to merges (the last action, and the last non-wait one, which
   * a task end marks), or that a later action may sort before (from the lowest held press's seq, or the
   * last seq, which a later row may repeat). Concatenating the drains and `finish()` gives exactly what
   * `finish()` alone would return.
   */
  drainFinal(): Action[] {
    let bound = this.lastSeq;
    for (const p of this.presses.values()) if (p.seq < bound) bound = p.seq;
    const open = new Set<Action>();
    const last = this.last();
    if (last) open.add(last);
    const lastStep = this.actions.findLast((a) => a.action_type !== 'wait');
    if (lastStep) open.add(lastStep);
    const out: Action[] = [];
    for (const a of [...this.actions].sort(byFirstSeq)) {
      if (a.first_seq >= bound || open.has(a)) break;
      out.push(a);
    }
    if (out.length === 0) return out;
    const done = new Set(out);
    this.actions = this.actions.filter((a) => !done.has(a));
    for (const a of out) a.action = canonicalActionJson(a);
    return out;
  }

  /** A copy of the anomalies counted so far. */
  get anomalyCounts(): Anomalies {
    return { ...this.anomalies };
  }

  /** Time of the last row fed (clamped), or null before any row. */
  get lastRowTs(): number | null {
    return timeOut(this.lastTs);
  }

  /** The reducer's state as plain JSON data; `fromCheckpoint` continues from it exactly. */
  toCheckpoint(): ReducerCheckpoint {
    return structuredClone({
      identity: this.first
        ? {
            session_id: this.first.session_id,
            user_pseudonym: this.first.user_pseudonym,
            device_pseudonym: this.first.device_pseudonym,
          }
        : null,
      anomalies: this.anomalies,
      actions: this.actions,
      appId: this.appId,
      processName: this.processName,
      windowTitle: this.windowTitle,
      url: this.url,
      screenW: this.screenW,
      screenH: this.screenH,
      element: this.element,
      afterDialog: this.afterDialog,
      taskStart: this.taskStart,
      px: this.px,
      py: this.py,
      movePath: this.movePath,
      moveStart: this.moveStart,
      moveEnd: this.moveEnd,
      presses: [...this.presses.values()].map((p) => ({
        button: p.button,
        x: p.x,
        y: p.y,
        ts: p.ts,
        seq: p.seq,
        seqRow: stampOf(p.seqRow),
        maxDist: p.maxDist,
        events: p.events,
        element: p.element,
      })),
      held: [...this.held],
      lastTs: timeOut(this.lastTs),
      lastSeq: this.lastSeq,
      firstOfSeq: this.firstOfSeq ? stampOf(this.firstOfSeq) : null,
      lastInputTs: timeOut(this.lastInputTs),
      lastWheelTs: timeOut(this.lastWheelTs),
      scrollX: this.scrollX,
      scrollY: this.scrollY,
      lastKeyTs: timeOut(this.lastKeyTs),
      lastTextEnd: timeOut(this.lastTextEnd),
      lastClickUpTs: timeOut(this.lastClickUpTs),
      lastSeqOfClick: this.lastSeqOfClick,
      lastClickX: this.lastClickX,
      lastClickY: this.lastClickY,
    });
  }

  /** A reducer continuing from a checkpoint (the checkpoint is copied, never shared). */
  static fromCheckpoint(checkpoint: ReducerCheckpoint, config: Partial<ReduceConfig> = {}): SessionReducer {
    const cp = structuredClone(checkpoint);
    const r = new SessionReducer(config);
    r.first = cp.identity ?? undefined;
    r.anomalies = { ...emptyAnomalies(), ...cp.anomalies };
    r.actions = cp.actions;
    r.appId = cp.appId;
    r.processName = cp.processName;
    r.windowTitle = cp.windowTitle;
    r.url = cp.url;
    r.screenW = cp.screenW;
    r.screenH = cp.screenH;
    r.element = cp.element;
    r.afterDialog = cp.afterDialog;
    r.taskStart = cp.taskStart;
    r.px = cp.px;
    r.py = cp.py;
    r.movePath = cp.movePath;
    r.moveStart = cp.moveStart;
    r.moveEnd = cp.moveEnd;
    for (const p of cp.presses) r.presses.set(p.button, { ...p });
    for (const k of cp.held) r.held.add(k);
    r.lastTs = timeIn(cp.lastTs);
    r.lastSeq = cp.lastSeq;
    r.firstOfSeq = cp.firstOfSeq ?? undefined;
    r.lastInputTs = timeIn(cp.lastInputTs);
    r.lastWheelTs = timeIn(cp.lastWheelTs);
    r.scrollX = cp.scrollX;
    r.scrollY = cp.scrollY;
    r.lastKeyTs = timeIn(cp.lastKeyTs);
    r.lastTextEnd = timeIn(cp.lastTextEnd);
    r.lastClickUpTs = timeIn(cp.lastClickUpTs);
    r.lastSeqOfClick = cp.lastSeqOfClick;
    r.lastClickX = cp.lastClickX;
    r.lastClickY = cp.lastClickY;
    return r;
  }

  /** Counts seq and clock anomalies; returns the row's time clamped so it never runs backwards. */
  private checkOrder(row: EventRow): number {
    if (this.firstOfSeq === undefined || row.seq !== this.firstOfSeq.seq) this.firstOfSeq = row;
    if (this.lastSeq >= 0) {
      if (row.seq === this.lastSeq) this.anomalies.duplicate_seq += 1;
      else if (row.seq > this.lastSeq + 1) {
        // A text row stands for its whole key run (down and up per key): gaps it covers are expected.
        const covered = row.event_type === 'text' ? 2 * Math.max(1, row.key_count ?? 1) : 1;
        if (row.seq - this.lastSeq > covered) this.anomalies.seq_gap += 1;
      }
    }
    this.lastSeq = row.seq;
    let ts = row.ts;
    if (ts < this.lastTs) {
      this.anomalies.clock_jump_back += 1;
      ts = this.lastTs; // clamp: time never runs backwards inside a session
    } else if (this.lastTs > Number.NEGATIVE_INFINITY && ts - this.lastTs >= this.cfg.clockJumpMs) {
      this.anomalies.clock_jump_forward += 1;
    }
    this.lastTs = ts;
    return ts;
  }

  /** Input after a long silence (no button held) is preceded by a wait action. */
  private noteInput(row: EventRow, ts: number): void {
    const since = Math.max(this.lastInputTs, this.lastActionEnd());
    if (this.presses.size === 0 && Number.isFinite(since) && ts - since >= this.cfg.idleMs) {
      this.emit(row, 'wait', since, { duration_ms: ts - since, event_count: 0 });
    }
    this.lastInputTs = ts;
  }

  private mouseMove(row: EventRow, ts: number): void {
    const x: number = row.x ?? this.px ?? 0;
    const y: number = row.y ?? this.py ?? 0;
    if (this.px !== null && this.py !== null) {
      this.movePath += Math.hypot(x - this.px, y - this.py);
      for (const p of this.presses.values()) {
        const dist = Math.hypot(x - p.x, y - p.y);
        if (dist > p.maxDist) p.maxDist = dist;
        p.events += 1;
      }
    }
    if (this.moveStart < 0) this.moveStart = ts;
    this.moveEnd = ts;
    this.px = x;
    this.py = y;
  }

  private mouseDown(row: EventRow, ts: number): void {
    const button = row.button ?? 'left';
    const x: number = row.x ?? this.px ?? 0;
    const y: number = row.y ?? this.py ?? 0;
    const open = this.presses.get(button);
    if (open) {
      this.anomalies.press_without_release += 1;
      this.presses.delete(button);
      this.finishPress(open, row, open.x, open.y, open.ts);
    }
    const seqRow = this.firstOfSeq ?? row;
    this.presses.set(button, {
      button,
      x,
      y,
      ts,
      seq: row.seq,
      seqRow,
      maxDist: 0,
      events: 1,
      element: this.element,
    });
    this.element = null;
    this.px = x;
    this.py = y;
  }

  private mouseUp(row: EventRow, ts: number): void {
    const button = row.button ?? 'left';
    const p = this.presses.get(button);
    const x: number = row.x ?? this.px ?? 0;
    const y: number = row.y ?? this.py ?? 0;
    if (!p) {
      this.anomalies.release_without_press += 1;
      return;
    }
    this.presses.delete(button);
    p.events += 1;
    const dist = Math.hypot(x - p.x, y - p.y);
    if (dist > p.maxDist) p.maxDist = dist;
    this.finishPress(p, row, x, y, ts);
    this.px = x;
    this.py = y;
  }

  private wheel(row: EventRow, ts: number): void {
    const dx = row.dx ?? 0;
    const dy = row.dy ?? 0;
    const vertical = Math.abs(dy) >= Math.abs(dx);
    const amount = vertical ? Math.abs(dy) : Math.abs(dx);
    const direction = vertical ? (dy >= 0 ? 'down' : 'up') : dx >= 0 ? 'right' : 'left';
    const prev = this.last();
    const wx = row.x ?? this.px ?? 0;
    const wy = row.y ?? this.py ?? 0;
    if (
      prev &&
      prev.action_type === 'scroll' &&
      prev.scroll_direction === direction &&
      ts - this.lastWheelTs <= this.cfg.scrollMergeMs &&
      Math.hypot(wx - this.scrollX, wy - this.scrollY) <= this.cfg.scrollMergeRadiusPx
    ) {
      prev.scroll_amount = (prev.scroll_amount ?? 0) + amount;
      this.extend(prev, row, ts);
    } else {
      this.ensureScreen();
      this.emit(row, 'scroll', ts, {
        x: this.norm(row.x ?? this.px, this.screenW),
        y: this.norm(row.y ?? this.py, this.screenH),
        scroll_direction: direction,
        scroll_amount: amount,
      });
      this.scrollX = wx;
      this.scrollY = wy;
    }
    this.lastWheelTs = ts;
  }

  private text(row: EventRow, ts: number): void {
    const prev = this.last();
    const field = row.field_id ?? null;
    const text = row.secure ? null : (row.text ?? '');
    const keyCount = row.key_count ?? text?.length ?? 0;
    if (
      prev &&
      prev.action_type === 'type' &&
      prev.field_id === field &&
      ts - this.lastTextEnd <= this.cfg.typeMergeMs &&
      prev.text !== null &&
      text !== null
    ) {
      prev.text += text;
      prev.key_count = (prev.key_count ?? 0) + keyCount;
      this.extend(prev, row, ts);
    } else {
      // The row's seq and ts are the run's last key; it started duration_ms earlier.
      const start = Math.min(ts, Math.max(ts - (row.duration_ms ?? 0), this.lastActionEnd()));
      this.emit(row, 'type', start, { text, field_id: field, key_count: keyCount, duration_ms: ts - start });
    }
    this.lastTextEnd = ts;
  }

  private hotkey(row: EventRow, ts: number): void {
    const mods = canonicalModifiers(row.modifiers);
    this.emit(row, 'hotkey', ts, { keys: [...mods, keyNameOf(row)].join('+') });
  }

  private keyDown(row: EventRow, ts: number): void {
    const keyName = keyNameOf(row);
    const cls = row.key_class ?? 'other';
    const heldBefore = this.held.has(keyName);
    this.held.add(keyName);
    if (cls === 'modifier') return; // modifiers alone are not actions; they qualify the next key
    const mods = canonicalModifiers(row.modifiers);
    const prev = this.last();
    if (hasCommandModifier({ modifiers: mods }) || (mods.length > 0 && cls !== 'char')) {
      const keys = [...mods, keyName].join('+');
      if (heldBefore && prev?.action_type === 'hotkey' && prev.keys === keys) {
        // OS auto-repeat of a held chord.
        prev.repeat = (prev.repeat ?? 1) + 1;
        prev.last_seq = row.seq;
        prev.event_count += 1;
        return;
      }
      this.emit(row, 'hotkey', ts, { keys });
      return;
    }
    if (
      (cls === 'backspace' || cls === 'delete') &&
      prev?.action_type === 'type' &&
      prev.text !== null &&
      prev.text.length > 0 &&
      ts - this.lastTextEnd <= this.cfg.typeMergeMs
    ) {
      // Backspace right after typing edits the typed text.
      if (cls === 'backspace') prev.text = deleteLastCodePoint(prev.text);
      prev.key_count = (prev.key_count ?? 0) + 1;
      this.extend(prev, row, ts);
      this.lastTextEnd = ts;
      return;
    }
    if (
      prev?.action_type === 'key' &&
      prev.keys === keyName &&
      (heldBefore || ts - this.lastKeyTs <= this.cfg.keyRepeatMs)
    ) {
      prev.repeat = (prev.repeat ?? 1) + 1;
      this.extend(prev, row, ts);
    } else {
      this.emit(row, 'key', ts, { keys: keyName, repeat: 1 });
    }
    this.lastKeyTs = ts;
  }

  private keyUp(row: EventRow, ts: number): void {
    const keyName = keyNameOf(row);
    if (!this.held.delete(keyName)) this.anomalies.key_release_without_press += 1;
    const prev = this.last();
    if (
      prev &&
      (prev.action_type === 'key' || prev.action_type === 'hotkey') &&
      prev.keys?.endsWith(keyName)
    ) {
      prev.last_seq = row.seq;
      prev.event_count += 1;
      prev.duration_ms = Math.max(prev.duration_ms, ts - prev.ts);
    }
  }

  private focus(row: EventRow, ts: number): void {
    const nextApp = row.app_id ?? null;
    const nextTitle = row.window_title ?? null;
    const nextUrl = row.url ?? null;
    const hadContext = this.appId !== null;
    const appChanged = nextApp !== this.appId;
    const windowChanged = nextTitle !== this.windowTitle || nextUrl !== this.url;
    this.appId = nextApp;
    this.processName = row.process_name ?? null;
    this.windowTitle = nextTitle;
    this.url = nextUrl;
    if (hadContext && appChanged) this.emit(row, 'switch_app', ts, {});
    else if (hadContext && windowChanged) this.emit(row, 'focus_window', ts, {});
  }

  private taskMarker(row: EventRow): void {
    if (row.marker === 'start') {
      this.taskStart = { id: row.task_id ?? null, label: row.label ?? null };
      return;
    }
    const prev = this.actions.findLast((a) => a.action_type !== 'wait');
    if (prev && !this.taskStart) {
      prev.task_end = true;
      prev.task_id ??= row.task_id ?? null;
      prev.task_label ??= row.label ?? null;
    }
  }

  /** Turns a released (or abandoned) press into a drag, a click, or the next step of a double click. */
  private finishPress(p: PendingPress, row: RowStamp, upX: number, upY: number, upTs: number): void {
    const saved = this.element;
    this.element = p.element;
    this.ensureScreen();
    if (p.maxDist > this.cfg.dragDistancePx) {
      this.emit(row, 'drag', p.ts, {
        first_seq: p.seq,
        action_id: stableId(row.session_id, 'drag', p.seq),
        duration_ms: upTs - p.ts,
        x: this.norm(p.x, this.screenW),
        y: this.norm(p.y, this.screenH),
        to_x: this.norm(upX, this.screenW),
        to_y: this.norm(upY, this.screenH),
        button: p.button,
        event_count: p.events,
      });
      this.element = saved;
      return;
    }
    const prev = this.last();
    const multi =
      p.button === 'left' &&
      prev !== undefined &&
      (prev.action_type === 'click' || prev.action_type === 'double_click') &&
      prev.button === 'left' &&
      p.ts - this.lastClickUpTs <= this.cfg.doubleClickMs &&
      prev.last_seq === this.lastSeqOfClick &&
      Math.hypot(p.x - this.lastClickX, p.y - this.lastClickY) <= this.cfg.doubleClickDistancePx;
    if (multi && prev) {
      prev.action_type = prev.action_type === 'click' ? 'double_click' : 'triple_click';
      prev.action_id = stableId(row.session_id, prev.action_type, prev.first_seq);
      prev.duration_ms = upTs - prev.ts;
      prev.last_seq = row.seq;
      prev.event_count += p.events;
      prev.move_path_px = Math.round((prev.move_path_px + this.movePath) * 10) / 10;
      this.resetMove();
    } else {
      const type: ActionType =
        p.button === 'right' ? 'right_click' : p.button === 'middle' ? 'middle_click' : 'click';
      this.emit(row, type, p.ts, {
        first_seq: p.seq,
        action_id: stableId(row.session_id, type, p.seq),
        duration_ms: upTs - p.ts,
        x: this.norm(p.x, this.screenW),
        y: this.norm(p.y, this.screenH),
        button: p.button,
        event_count: p.events,
      });
    }
    this.element = saved;
    this.lastClickUpTs = upTs;
    this.lastSeqOfClick = row.seq;
    this.lastClickX = p.x;
    this.lastClickY = p.y;
  }

  /**
   * Appends an action stamped with the session, the focus context and `row`'s seq and versions. Every
   * action but a wait also takes the pending element, move summary, dialog and task-start flags.
   */
  private emit(row: RowStamp, type: ActionType, ts: number, fields: Partial<Action>): Action {
    const base = this.first as SessionIdentity;
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
      app_id: this.appId,
      window_title: this.windowTitle,
      process_name: this.processName,
      url: this.url,
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
      screen_width: this.screenW > 0 ? this.screenW : null,
      screen_height: this.screenH > 0 ? this.screenH : null,
      action: '',
      ...fields,
    };
    if (type !== 'wait') {
      if (this.element && a.element_role === null) {
        a.element_role = this.element.role;
        a.element_name = this.element.name;
      }
      this.element = null;
      a.move_path_px = Math.round(this.movePath * 10) / 10;
      a.move_duration_ms = this.moveStart >= 0 ? Math.max(0, this.moveEnd - this.moveStart) : 0;
      this.resetMove();
      if (this.afterDialog) a.after_error_dialog = true;
      this.afterDialog = false;
      if (this.taskStart) {
        a.task_start = true;
        a.task_id = this.taskStart.id;
        a.task_label = this.taskStart.label;
        this.taskStart = null;
      }
    }
    this.actions.push(a);
    return a;
  }

  /** Merges `row` into the open action `prev`: it now ends at `ts` and covers one more event. */
  private extend(prev: Action, row: RowStamp, ts: number): void {
    prev.duration_ms = ts - prev.ts;
    prev.last_seq = row.seq;
    prev.event_count += 1;
  }

  private resetMove(): void {
    this.movePath = 0;
    this.moveStart = -1;
    this.moveEnd = -1;
  }

  private last(): Action | undefined {
    return this.actions[this.actions.length - 1];
  }

  private lastActionEnd(): number {
    const a = this.last();
    return a ? a.ts + a.duration_ms : Number.NEGATIVE_INFINITY;
  }

  private ensureScreen(): void {
    if (this.screenW <= 0 || this.screenH <= 0) this.anomalies.missing_screen += 1;
  }

  /** A screen coordinate as a fraction of the screen (0..1), or null without a position or screen size. */
  private norm(v: number | null | undefined, size: number): number | null {
    if (v === null || v === undefined || size <= 0) return null;
    return Math.min(1, Math.max(0, v / size));
  }
}

/** Reduces one session's rows (any order, duplicates allowed) to actions and anomaly counts. */
export function reduceToActions(rows: readonly EventRow[], config: Partial<ReduceConfig> = {}): Reduction {
  const unique = dedupeByEventId(rows);
  const reducer = new SessionReducer(config);
  reducer.countDuplicates(rows.length - unique.length);
  for (const row of inSeqOrder(unique)) reducer.add(row);
  return reducer.finish();
}
