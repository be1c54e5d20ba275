/**
 * Typing runs: how printable keys coalesce into field-level text. One rule for the agent (on device)
 * and the redactor (server side, for old agents that still send keys one by one):
 *
 * - A run belongs to one field of one session. It starts at a printable key down (`isTypingKey`) and
 *   each further printable key down appends that key's text.
 * - A plain backspace down (no ctrl/alt/meta: those delete words or lines, which a run cannot replay)
 *   removes the last key's text, if the run has any, and counts as a key of the run; the key up of a
 *   backspace the run took is swallowed with it. Any other backspace is an ordinary key.
 * - Before a printable key or a plain backspace (down or up) is applied, the run closes if the key lands
 *   in another field or comes `idleMs` or more after the run's last key down (`gap >= idleMs`, the same
 *   comparison on the device and in the redactor); a run also closes once its text reaches `maxChars`
 *   UTF-16 units.
 *
 * Callers close runs on everything else that ends typing (a click, a focus change, a non-printable key
 * down) and build the text event or row from the closed run. The thresholds are named configuration:
 * {@link AGENT_TYPING_RUN} on the device, {@link SERVER_TYPING_RUN} in the redactor.
 */
import { type EventOf, hasCommandModifier, LIMITS } from './event-contract.js';

/** A raw key event. */
export type KeyEvent = EventOf<'key_down'> | EventOf<'key_up'>;

/** Thresholds of a typing run. */
export interface TypingRunConfig {
  /** A key this long after the run's last key (ms) or later starts a new run: `gap >= idleMs`. */
  readonly idleMs: number;
  /** A run whose text reaches this many UTF-16 units closes (`Infinity`: never). */
  readonly maxChars: number;
}

/**
 * The agent's runs: a 2 s pause ends the run, so typed text waits on the device (in memory, unspooled)
 * only briefly (the producer's `flush` sends idle runs), and a run never exceeds the contract's `text`
 * limit.
 */
export const AGENT_TYPING_RUN = {
  idleMs: 2_000,
  maxChars: LIMITS.maxTextChars,
} as const satisfies TypingRunConfig;

/**
 * The redactor's best-effort runs for old agents: it sees a batch's keys at once, so there is no wait to
 * bound and a longer 5 s pause keeps hesitations within one field in one row; every batch boundary ends a
 * run anyway. No length cap: a row is not bound by the event contract's `text` limit.
 */
export const SERVER_TYPING_RUN = {
  idleMs: 5_000,
  maxChars: Number.POSITIVE_INFINITY,
} as const satisfies TypingRunConfig;

/** The text one printable key adds: its character, a space for the space class, else nothing. */
export function typedText(e: KeyEvent): string {
  return e.char ?? (e.keyClass === 'space' ? ' ' : '');
}

/** True for a backspace that may edit a run: no ctrl/alt/meta held. */
export function isRunBackspace(e: KeyEvent): boolean {
  return e.keyClass === 'backspace' && !hasCommandModifier(e);
}

/** The text after one backspace: the last code point removed (never half a surrogate pair). */
export function deleteLastCodePoint(text: string): string {
  return Array.from(text).slice(0, -1).join('');
}

/**
 * One open typing run. `Field` is the caller's field identity (compared with `===`), `Origin` whatever
 * the caller needs to build the closed run's event or row (its first key, its source record).
 */
export class TypingRun<Field, Origin> {
  /** Text per key, so a backspace removes exactly what its key added. */
  private readonly keys: string[] = [];
  private chars = 0;
  private pendingBackspaceUps = 0;
  private pressed = 0;
  private lastKeyTs: number;
  private highestSeq: number;
  readonly firstTs: number;

  private constructor(
    private readonly config: TypingRunConfig,
    readonly field: Field,
    readonly origin: Origin,
    first: EventOf<'key_down'>,
  ) {
    this.firstTs = first.ts;
    this.lastKeyTs = first.ts;
    this.highestSeq = first.seq;
  }

  /** Starts a run at a printable key down, which is its first key. */
  static start<Field, Origin>(
    config: TypingRunConfig,
    field: Field,
    origin: Origin,
    first: EventOf<'key_down'>,
  ): TypingRun<Field, Origin> {
    const run = new TypingRun(config, field, origin, first);
    run.type(first);
    return run;
  }

  /** True when a key at `ts` in `field` cannot join this run: another field, or an idle gap. */
  closesBefore(ts: number, field: Field): boolean {
    return field !== this.field || this.idleAt(ts);
  }

  /** True when `ts` is `idleMs` or more after the run's last key. */
  idleAt(ts: number): boolean {
    return ts - this.lastKeyTs >= this.config.idleMs;
  }

  /** Appends a printable key down. */
  type(e: EventOf<'key_down'>): void {
    const text = typedText(e);
    this.keys.push(text);
    this.chars += text.length;
    this.touch(e);
  }

  /** A plain backspace down: removes the last key's text and returns true, or false when there is none. */
  backspaceDown(e: EventOf<'key_down'>): boolean {
    const removed = this.keys.pop();
    if (removed === undefined) return false;
    this.chars -= removed.length;
    this.pendingBackspaceUps += 1;
    this.touch(e);
    return true;
  }

  /** A plain backspace up: true (swallow it) when it releases a backspace this run took. */
  backspaceUp(): boolean {
    if (this.pendingBackspaceUps === 0) return false;
    this.pendingBackspaceUps -= 1;
    return true;
  }

  /** True once the text has reached `maxChars`. */
  get full(): boolean {
    return this.chars >= this.config.maxChars;
  }

  /** The run's text, backspaces applied. */
  get text(): string {
    return this.keys.join('');
  }

  /** Keys pressed in the run, backspaces included. */
  get keyCount(): number {
    return this.pressed;
  }

  /** Time of the run's last key. */
  get lastTs(): number {
    return this.lastKeyTs;
  }

  /** Highest seq among the run's keys. */
  get lastSeq(): number {
    return this.highestSeq;
  }

  private touch(e: EventOf<'key_down'>): void {
    this.pressed += 1;
    this.lastKeyTs = e.ts;
    if (e.seq > this.highestSeq) this.highestSeq = e.seq;
  }
}
