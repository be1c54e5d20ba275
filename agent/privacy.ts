/**
 * On-device privacy: what the agent does before anything leaves the machine. Applies the policy's
 * opt-outs, role exclusions and app/domain exclusions (the rules shared with the redactor), drops text
 * from secure fields, and coalesces printable keys into one field-level `text` event per typing run, so
 * characters never travel one key at a time.
 */
import { createHash } from 'node:crypto';
import { type EventOf, isTypingKey, LIMITS, type WorktraceEvent } from '#core/contract/event-contract.js';
import { type ExclusionReason, exclusionsOf, type Policy } from '#core/redact/policy.js';

/** Why the agent kept an event (or its text) on the device. */
export type DeviceDropReason = 'opted_out' | ExclusionReason | 'secure_text';

/** Coalescing settings. */
export interface CoalesceOptions {
  /** A typing pause this long ends the run, ms. @default 2000 */
  readonly idleMs?: number;
  /** A run this long (UTF-16 units) is sent and a new one started. @default LIMITS.maxTextChars */
  readonly maxChars?: number;
}

interface Field {
  readonly id: string;
  readonly role: string | undefined;
  readonly name: string | undefined;
  readonly secure: boolean;
}

interface Run {
  readonly field: Field;
  readonly first: EventOf<'key_down'>;
  last: EventOf<'key_down'>;
  chars: string[];
  keyCount: number;
}

interface SessionState {
  field: Field;
  excludedBy: ExclusionReason | null;
  run: Run | null;
}

const NO_FIELD: Field = { id: 'unknown', role: undefined, name: undefined, secure: false };

/** Field identity from the UI element under the caret: role and name hashed (the name itself is sent once, as `name`). */
function fieldOf(e: EventOf<'ui_element'>): Field {
  const id = `f${createHash('sha256')
    .update(`${e.role}\u001f${e.name ?? ''}`)
    .digest('hex')
    .slice(0, 24)}`;
  return { id, role: e.role, name: e.name, secure: e.secure };
}

/** Stateful per-session filter; `accept` returns the events to send now (possibly none). */
export class DevicePrivacy {
  private readonly sessions = new Map<string, SessionState>();
  private readonly exclusions;
  private readonly optedOut: ReadonlySet<string>;
  private readonly idleMs: number;
  private readonly maxChars: number;
  /** Events (or typed keys) kept on the device, per reason. */
  readonly dropped: Record<DeviceDropReason, number> = {
    opted_out: 0,
    excluded_role: 0,
    excluded_app: 0,
    excluded_domain: 0,
    secure_text: 0,
  };

  constructor(policy: Policy, options: CoalesceOptions = {}) {
    this.exclusions = exclusionsOf(policy);
    this.optedOut = new Set(policy.optedOutUsers);
    this.idleMs = options.idleMs ?? 2000;
    this.maxChars = options.maxChars ?? LIMITS.maxTextChars;
  }

  private state(e: WorktraceEvent): SessionState {
    const key = `${e.userId}\u001f${e.sessionId}`;
    let s = this.sessions.get(key);
    if (!s) {
      s = { field: NO_FIELD, excludedBy: null, run: null };
      this.sessions.set(key, s);
    }
    return s;
  }

  /** Filters and coalesces one validated event. */
  accept(e: WorktraceEvent): WorktraceEvent[] {
    if (this.optedOut.has(e.userId)) {
      this.dropped.opted_out += 1;
      return [];
    }
    if (this.exclusions.roleExcluded(e.org?.role)) {
      this.dropped.excluded_role += 1;
      return [];
    }
    const s = this.state(e);
    const out: WorktraceEvent[] = [];
    // An idle gap closes the open run before anything else happens.
    if (s.run && e.ts - s.run.last.ts >= this.idleMs) this.close(s, out);
    if (e.type === 'focus') {
      this.close(s, out);
      s.field = NO_FIELD;
      s.excludedBy = this.exclusions.focusExclusion(e.appId, e.processName, e.url);
    }
    if (s.excludedBy !== null) {
      this.dropped[s.excludedBy] += 1;
      return out;
    }
    switch (e.type) {
      case 'ui_element': {
        const field = fieldOf(e);
        if (field.id !== s.field.id) this.close(s, out);
        s.field = field;
        out.push(e);
        return out;
      }
      case 'mouse_down':
        this.close(s, out);
        out.push(e);
        return out;
      case 'text':
        if (e.secure || s.field.secure) {
          this.dropped.secure_text += 1;
          return out;
        }
        this.close(s, out);
        out.push(e);
        return out;
      case 'key_down':
      case 'key_up':
        return this.key(e, s, out);
      default:
        out.push(e);
        return out;
    }
  }

  private key(e: EventOf<'key_down'> | EventOf<'key_up'>, s: SessionState, out: WorktraceEvent[]) {
    if (isTypingKey(e)) {
      // Printable keys never leave one by one: a key_up is swallowed, a key_down joins the run.
      if (e.type === 'key_up') return out;
      if (s.run && s.run.field !== s.field) this.close(s, out);
      if (!s.run) s.run = { field: s.field, first: e, last: e, chars: [], keyCount: 0 };
      const run = s.run;
      run.last = e;
      run.keyCount += 1;
      run.chars.push(e.char ?? (e.keyClass === 'space' ? ' ' : ''));
      if (run.chars.join('').length >= this.maxChars) this.close(s, out);
      return out;
    }
    const plain = !e.modifiers.some((m) => m === 'ctrl' || m === 'alt' || m === 'meta');
    if (plain && e.keyClass === 'backspace' && s.run && s.run.field === s.field) {
      // Backspace inside a run edits the run (by code point); its up event is swallowed with it.
      if (e.type === 'key_down') {
        s.run.chars.pop();
        s.run.keyCount += 1;
        s.run.last = { ...s.run.last, ts: e.ts, seq: e.seq };
      }
      return out;
    }
    // Any other key (enter, tab, arrows, shortcuts) ends the run first, then travels without its
    // character: the key name says what a shortcut was, the character is never sent.
    if (e.type === 'key_down') this.close(s, out);
    if (e.type === 'key_down' && e.char !== undefined) {
      const { char: _char, ...rest } = e;
      out.push(rest);
    } else out.push(e);
    return out;
  }

  /** Closes every run whose last key is older than the idle time at `now` (epoch ms). */
  drain(now: number): WorktraceEvent[] {
    const out: WorktraceEvent[] = [];
    for (const s of this.sessions.values())
      if (s.run && now - s.run.last.ts >= this.idleMs) this.close(s, out);
    return out;
  }

  /** Closes every open run (flush and close). */
  drainAll(): WorktraceEvent[] {
    const out: WorktraceEvent[] = [];
    for (const s of this.sessions.values()) this.close(s, out);
    return out;
  }

  private close(s: SessionState, out: WorktraceEvent[]): void {
    const run = s.run;
    s.run = null;
    if (!run) return;
    if (run.field.secure) {
      this.dropped.secure_text += run.keyCount;
      return;
    }
    const text = run.chars.join('');
    const { first, last } = run;
    const field: EventOf<'text'>['field'] = { id: run.field.id };
    if (run.field.role !== undefined) field.role = run.field.role;
    if (run.field.name !== undefined) field.name = run.field.name;
    const event: EventOf<'text'> = {
      schemaVersion: 1,
      type: 'text',
      eventId: `t${createHash('sha256').update(first.eventId).digest('hex').slice(0, 31)}`,
      userId: first.userId,
      deviceId: first.deviceId,
      sessionId: first.sessionId,
      // The run stands for its keys: it carries the last key's seq and time, and its duration.
      seq: last.seq,
      ts: last.ts,
      field,
      text,
      secure: false,
      keyCount: run.keyCount,
      durationMs: Math.max(0, last.ts - first.ts),
    };
    if (first.hostName !== undefined) event.hostName = first.hostName;
    if (first.org !== undefined) event.org = first.org;
    out.push(event);
  }
}
