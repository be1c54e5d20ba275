/**
 * On-device privacy: what the agent does before anything leaves the machine. Applies the policy's
 * opt-outs, role exclusions and app/domain exclusions (the rules shared with the redactor), drops text
 * from secure fields, and coalesces printable keys into one field-level `text` event per typing run, so
 * characters never travel one key at a time. Every `text` event carries the focus it was typed under.
 */
import { createHash } from 'node:crypto';
import { type EventOf, isTypingKey, type WorktraceEvent } from '#core/contract/event-contract.js';
import {
  AGENT_TYPING_RUN,
  isRunBackspace,
  type KeyEvent,
  TypingRun,
  type TypingRunConfig,
} from '#core/contract/typing-run.js';
import { type ExclusionReason, exclusionsOf, type Policy } from '#core/redact/policy.js';

/** Why the agent kept an event (or its text) on the device. */
export type DeviceDropReason = 'opted_out' | ExclusionReason | 'secure_text';

/** Coalescing settings (the rule itself is `core/contract/typing-run.ts`). */
export interface CoalesceOptions {
  /** A key this long after the run's last key (ms) or later starts a new run. @default AGENT_TYPING_RUN.idleMs (2000) */
  readonly idleMs?: number;
  /** A run this long (UTF-16 units) is sent and a new one started. @default AGENT_TYPING_RUN.maxChars (LIMITS.maxTextChars) */
  readonly maxChars?: number;
  /**
   * Users of this device who opted out (raw ids, known only on the device; nothing of theirs is sent).
   * The policy's `optedOutUsers` holds server-side pseudonyms the device cannot compute. @default none
   */
  readonly optedOutUsers?: readonly string[];
}

interface Field {
  readonly id: string;
  readonly role: string | undefined;
  readonly name: string | undefined;
  readonly secure: boolean;
}

/** A run remembers its first key: the text event takes its ids and envelope from it. */
type Run = TypingRun<Field, EventOf<'key_down'>>;

/** The focus text is typed under, stamped on every `text` event (the redactor's context for it). */
interface Focus {
  readonly appId: string;
  readonly processName: string;
  readonly url: string | undefined;
}

interface SessionState {
  field: Field;
  focus: Focus | null;
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

/**
 * A text event stamped with the focus it was typed under, unless it carries a context of its own or the
 * session's focus is not known: a redactor that does not know the session (a new container, a retry)
 * judges the text on this context instead of dropping it.
 */
function withContext(e: EventOf<'text'>, focus: Focus | null): EventOf<'text'> {
  if (focus === null || e.appId !== undefined) return e;
  const stamped: EventOf<'text'> = { ...e, appId: focus.appId, processName: focus.processName };
  if (focus.url !== undefined) stamped.url = focus.url;
  return stamped;
}

/** Stateful per-session filter; `accept` returns the events to send now (possibly none). */
export class DevicePrivacy {
  private readonly sessions = new Map<string, SessionState>();
  private readonly exclusions;
  private readonly optedOut: ReadonlySet<string>;
  private readonly typing: TypingRunConfig;
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
    this.optedOut = new Set(options.optedOutUsers);
    this.typing = {
      idleMs: options.idleMs ?? AGENT_TYPING_RUN.idleMs,
      maxChars: options.maxChars ?? AGENT_TYPING_RUN.maxChars,
    };
  }

  private state(e: WorktraceEvent): SessionState {
    const key = `${e.userId}\u001f${e.sessionId}`;
    let s = this.sessions.get(key);
    if (!s) {
      s = { field: NO_FIELD, focus: null, excludedBy: null, run: null };
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
    if (s.run?.idleAt(e.ts)) this.close(s, out);
    if (e.type === 'focus') {
      this.close(s, out);
      s.field = NO_FIELD;
      s.focus = { appId: e.appId, processName: e.processName, url: e.url };
      s.excludedBy = this.exclusions.focusExclusion(e.appId, e.processName, e.url);
    }
    if (s.excludedBy !== null) {
      this.dropped[s.excludedBy] += 1;
      return out;
    }
    switch (e.type) {
      case 'ui_element': {
        // The same field announced again keeps its run (and its identity, which the run compares).
        const field = fieldOf(e);
        if (field.id !== s.field.id || field.secure !== s.field.secure) {
          this.close(s, out);
          s.field = field;
        }
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
        out.push(withContext(e, s.focus));
        return out;
      case 'key_down':
      case 'key_up':
        return this.key(e, s, out);
      default:
        out.push(e);
        return out;
    }
  }

  private key(e: KeyEvent, s: SessionState, out: WorktraceEvent[]) {
    const typing = isTypingKey(e);
    if ((typing || isRunBackspace(e)) && s.run?.closesBefore(e.ts, s.field)) this.close(s, out);
    if (typing) {
      // Printable keys never leave one by one: a key_up is swallowed, a key_down joins the run.
      if (e.type === 'key_up') return out;
      if (s.run) s.run.type(e);
      else s.run = TypingRun.start(this.typing, s.field, e, e);
      if (s.run.full) this.close(s, out);
      return out;
    }
    if (isRunBackspace(e) && s.run) {
      // A backspace inside a run edits the run; its up event is swallowed with it.
      if (e.type === 'key_down' ? s.run.backspaceDown(e) : s.run.backspaceUp()) return out;
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

  /** Closes every run whose last key is the idle time or more before `now` (epoch ms). */
  drain(now: number): WorktraceEvent[] {
    const out: WorktraceEvent[] = [];
    for (const s of this.sessions.values()) if (s.run?.idleAt(now)) this.close(s, out);
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
    const first = run.origin;
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
      seq: run.lastSeq,
      ts: run.lastTs,
      field,
      text: run.text,
      secure: false,
      keyCount: run.keyCount,
      durationMs: Math.max(0, run.lastTs - run.firstTs),
    };
    if (first.hostName !== undefined) event.hostName = first.hostName;
    if (first.org !== undefined) event.org = first.org;
    out.push(withContext(event, s.focus));
  }
}
