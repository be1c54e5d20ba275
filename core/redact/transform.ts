/**
 * Event transformation: a batch of raw records becomes redacted events-zone rows and quarantine rows.
 * Policy drops happen first, per-key printable characters are coalesced into text runs (the rule of
 * `core/contract/typing-run.ts` with SERVER_TYPING_RUN), secure text is removed, text whose session
 * context is unknown is dropped (fail closed), every free-text field is scrubbed and every id
 * pseudonymised. Invalid records pass the same policy checks before the quarantine keeps their structure.
 * Session state changes stay in a draft until the caller commits them after a successful write. Pure apart
 * from the opt-out registry port.
 */
import {
  type EventOf,
  type EventType,
  isCommandChord,
  isTypingKey,
  orderModifiers,
  producesCharacter,
  TS_RANGE,
  type WorktraceEvent,
} from '../contract/event-contract.js';
import { isRunBackspace, type KeyEvent, SERVER_TYPING_RUN, TypingRun } from '../contract/typing-run.js';
import { parseEvent, type ValidationResult } from '../contract/validate.js';
import type { EventRow } from '../lake/schema.js';
import type { OptOutRegistry } from '../ports.js';
import { type ExclusionReason, exclusionsOf, type Policy, policyOptOuts } from './policy.js';
import type { Pseudonymizer } from './pseudonym.js';
import { buildQuarantineRow, invalidRecordFacts, type QuarantineRow } from './quarantine.js';
import type { Scrubber } from './scrub-types.js';
import {
  type SessionState as DraftState,
  type FieldState,
  NO_FIELD,
  type SessionDraft,
  SessionStates,
  UNKNOWN_FIELD,
} from './session-states.js';
import { UtcPartitions } from './utc-partitions.js';

export { SESSION_STATE_LIMIT, SessionStates } from './session-states.js';

/** One Kinesis user record (after KPL de-aggregation), as the redactor sees it. */
export interface SourceRecord {
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly subSequenceNumber?: number;
  /** Approximate arrival at Kinesis, epoch ms. */
  readonly arrivalMs: number;
  readonly data: Uint8Array;
}

/**
 * Why an event was dropped before anything was written. `unknown_context`: text (or a printable key) of a
 * session whose focus the redactor does not know (a new container, a forgotten session), without context
 * of its own.
 */
export type DropReason =
  | 'opted_out'
  | 'excluded_role'
  | 'excluded_app'
  | 'excluded_domain'
  | 'sampled_out'
  | 'unknown_context';

/** Per-event outcome counts; every input event lands in exactly one of these. */
export interface RedactCounts {
  /** Events written as their own row. */
  written: number;
  /** Printable key events merged into a text row (their text is kept only in that row). */
  coalesced: number;
  quarantined: number;
  dropped: Record<DropReason, number>;
  /** Text rows made from coalesced keys. */
  textRuns: number;
  /**
   * Rows written without their free text (element name, dialog texts, task label and id) because the
   * session's focus was unknown: what they showed might belong to an excluded app.
   */
  contentWithheld: number;
  /** Text removed from secure fields (the event is kept without it). */
  secureTextRemoved: number;
}

/** What a batch became. */
export interface RedactOutcome {
  readonly rows: EventRow[];
  readonly quarantine: QuarantineRow[];
  readonly counts: RedactCounts;
  /** Findings per entity type across rows and quarantine. */
  readonly findings: Record<string, number>;
  /** For each row, the index of the source record it came from (for partial-failure checkpoints). */
  readonly rowSources: number[];
  readonly quarantineSources: number[];
  /**
   * Makes the batch's session changes the container's state. Call it only once the batch's output was
   * written: after a failed write the changes are discarded, so the retry starts from the same state.
   */
  commit(): void;
}

/** Version of the redactor code, stamped on every row (the Lambda and the CLI use the same). */
export const REDACTOR_VERSION = 'redact-1.1.0';

/** Everything the transformation needs. */
export interface RedactContext {
  readonly policy: Policy;
  readonly pseudonymizer: Pseudonymizer;
  readonly scrubber: Scrubber;
  readonly redactorVersion: string;
  readonly optOuts?: OptOutRegistry;
  /** Per-session state kept across batches of one container (focus exclusions, focused field). */
  readonly sessions?: SessionStates;
}

/** Where a server-side run came from: its first key (the row's envelope) and that key's source record. */
interface RunOrigin {
  readonly event: EventOf<'key_down'>;
  readonly source: number;
}

type SessionState = DraftState<TypingRun<FieldState, RunOrigin>>;

/** Canonical "+"-joined modifiers (the contract's order), or null when none. */
export function joinModifiers(mods: readonly string[] | undefined): string | null {
  if (!mods || mods.length === 0) return null;
  return orderModifiers(mods).join('+') || null;
}

/** All-zero counts (a batch's start, or a running total). */
export function emptyCounts(): RedactCounts {
  return {
    written: 0,
    coalesced: 0,
    quarantined: 0,
    dropped: {
      opted_out: 0,
      excluded_role: 0,
      excluded_app: 0,
      excluded_domain: 0,
      sampled_out: 0,
      unknown_context: 0,
    },
    textRuns: 0,
    contentWithheld: 0,
    secureTextRemoved: 0,
  };
}

/**
 * True when a key row may keep the key's name: never in a secure field, never for a key of class `other`,
 * and for a key that types a character (char or space class, or one that reports a printable character)
 * only as part of a command chord (ctrl+c, cmd+s), not with AltGr or alt/option, which type characters.
 */
export function keepsKeyName(
  e: {
    readonly keyClass?: string;
    readonly key: string;
    readonly char?: string;
    readonly modifiers: EventOf<'hotkey'>['modifiers'];
  },
  secureField: boolean,
): boolean {
  if (secureField) return false;
  if (e.keyClass === 'other') return false;
  // a hotkey has no class: a one-character key name is a printable key
  const printable =
    e.keyClass === undefined
      ? Array.from(e.key).length === 1
      : e.keyClass === 'char' || e.keyClass === 'space' || producesCharacter(e);
  return !printable || isCommandChord(e);
}

/**
 * Event kinds whose free text may show what the focused app holds (typed text, element names, dialog
 * texts, task labels typed while it has focus). With the session's focus unknown and no context of their
 * own, text is dropped (`unknown_context`) and the others are written without their free text.
 */
function showsAppContent(type: string): boolean {
  return type === 'text' || type === 'ui_element' || type === 'error_dialog' || type === 'task_marker';
}

/** Event kinds that end a session's typing run before their own row. */
function endsRun(type: EventType): boolean {
  switch (type) {
    case 'key_down':
    case 'mouse_down':
    case 'ui_element':
    case 'text':
    case 'hotkey':
    case 'task_marker':
    case 'error_dialog':
    case 'clipboard':
      return true;
    default:
      return false;
  }
}

/** Transforms one batch of records. Never throws for bad input: bad records become quarantine rows. */
export async function redactBatch(
  records: readonly SourceRecord[],
  ctx: RedactContext,
): Promise<RedactOutcome> {
  return new BatchRedactor(records, ctx).run();
}

/** What a key event did to the session's typing run. */
type KeyOutcome = 'coalesced' | 'unknown_context' | 'row';

/** One batch's transformation: the batch's outputs and caches as fields, one method per step. */
class BatchRedactor {
  private readonly policy: Policy;
  private readonly pz: Pseudonymizer;
  private readonly scrubber: Scrubber;
  private readonly sessions: SessionStates;
  private readonly draft: SessionDraft<TypingRun<FieldState, RunOrigin>>;
  private readonly exclusions: ReturnType<typeof exclusionsOf>;
  private readonly policyOptOuts: ReadonlySet<string>;
  private readonly quantum: number;
  private readonly registryCache = new Map<string, boolean>();
  private readonly sampleCache = new Map<string, boolean>();
  private readonly partitions = new UtcPartitions();
  private readonly counts = emptyCounts();
  private readonly findings: Record<string, number> = {};
  private readonly rows: EventRow[] = [];
  private readonly rowSources: number[] = [];
  private readonly quarantine: QuarantineRow[] = [];
  private readonly quarantineSources: number[] = [];

  constructor(
    private readonly records: readonly SourceRecord[],
    private readonly ctx: RedactContext,
  ) {
    this.policy = ctx.policy;
    this.pz = ctx.pseudonymizer;
    this.scrubber = ctx.scrubber;
    this.sessions = ctx.sessions ?? new SessionStates();
    this.draft = this.sessions.draft();
    this.exclusions = exclusionsOf(ctx.policy);
    this.policyOptOuts = policyOptOuts(ctx.policy);
    this.quantum = ctx.policy.keystrokeQuantumMs;
  }

  async run(): Promise<RedactOutcome> {
    const { records } = this;
    for (let i = 0; i < records.length; i++) {
      const source = records[i] as SourceRecord;
      const parsed = parseEvent(source.data);
      if (!parsed.ok) {
        await this.invalidRecord(source, parsed, i);
        continue;
      }
      const e = parsed.event;
      const userP = this.pz.of('user', e.userId);
      if (await this.optedOut(userP)) {
        this.counts.dropped.opted_out += 1;
        continue;
      }
      const dropped = this.policyDrop(e.org?.role, e.ts, userP);
      if (dropped !== null) {
        this.counts.dropped[dropped] += 1;
        continue;
      }
      this.event(e, userP, source, i);
    }
    // A batch boundary ends every open run: the next batch starts its own text row for that field.
    for (const st of this.draft.withOpenRuns()) this.flushRun(st);
    const { rows, quarantine, counts, findings, rowSources, quarantineSources, sessions, draft } = this;
    return {
      rows,
      quarantine,
      counts,
      findings,
      rowSources,
      quarantineSources,
      commit: () => sessions.commit(draft),
    };
  }

  /** Opted out by policy or registry; only an uncached registry lookup waits. */
  private async optedOut(userP: string): Promise<boolean> {
    return this.cachedOptOut(userP) ?? (await this.lookUpOptOut(userP));
  }

  /**
   * An invalid record passes the valid path's policy checks before its structure is quarantined: a record
   * the valid path would drop is dropped (and counted); free text is kept, scrubbed, only where the valid
   * path would have written it. An unreadable focus or field announcement makes the session's focus
   * unknown or its field secure, so later text fails closed.
   */
  private async invalidRecord(
    source: SourceRecord,
    invalid: Extract<ValidationResult, { ok: false }>,
    i: number,
  ): Promise<void> {
    const facts = invalidRecordFacts(source.data, this.pz);
    const userP = facts.userPseudonym;
    if (userP !== null && (await this.optedOut(userP))) {
      this.counts.dropped.opted_out += 1;
      return;
    }
    if (this.exclusions.roleExcluded(facts.role)) {
      this.counts.dropped.excluded_role += 1;
      return;
    }
    // Without a readable user and session there is nothing to check the event against: keep no text.
    const st = userP !== null && facts.sessionId !== undefined ? this.session(userP, facts.sessionId) : null;
    // only focus and text carry an app of their own in the contract
    const own = facts.type === 'focus' || facts.type === 'text' ? this.ownContext(facts) : undefined;
    if (st !== null && facts.type === 'focus') {
      // A focus the redactor cannot trust leaves the session excluded (when readable as such) or unknown.
      this.flushRun(st);
      st.focusKnown = own !== undefined && own !== null;
      st.excludedBy = own ?? null;
      st.field = NO_FIELD;
    }
    // focus and text carry their own app: an excluded one is dropped whatever the session knows
    const excludedBy = ((facts.type === 'focus' || facts.type === 'text') && own) || st?.excludedBy;
    if (excludedBy) {
      this.counts.dropped[excludedBy] += 1;
      return;
    }
    if (st !== null && facts.type === 'ui_element') {
      this.flushRun(st);
      st.field = UNKNOWN_FIELD;
    }
    // sampling needs a plausible time (the contract's range); without one only an unsampled policy keeps text
    const sampled =
      facts.ts !== undefined && facts.ts >= TS_RANGE.min && facts.ts <= TS_RANGE.max && userP !== null
        ? this.sampledIn(facts.ts, userP)
        : this.policy.samplingRate >= 1;
    let keepText = st !== null && sampled;
    // a focus is judged on its own app; text on its own context, else the session's, and never when secure
    if (facts.type === 'focus') keepText &&= own === null;
    if (facts.type !== undefined && showsAppContent(facts.type))
      keepText &&= own === null || st?.focusKnown === true;
    if (facts.type === 'text') keepText &&= facts.secure === false && st?.field.secure === false;
    const q = buildQuarantineRow(source, invalid, facts, {
      scrubber: this.scrubber,
      pseudonymizer: this.pz,
      policyVersion: this.policy.version,
      redactorVersion: this.ctx.redactorVersion,
      keepText,
    });
    for (const [t, n] of Object.entries(q.findingCounts)) this.findings[t] = (this.findings[t] ?? 0) + n;
    this.quarantine.push(q.row);
    this.quarantineSources.push(i);
    this.counts.quarantined += 1;
  }

  /** The exclusion a text event's own context implies: null when allowed, undefined when it carries none. */
  private ownContext(e: {
    readonly appId?: string | undefined;
    readonly processName?: string | undefined;
    readonly url?: string | undefined;
  }): ExclusionReason | null | undefined {
    if (e.appId === undefined || e.processName === undefined) return undefined;
    return this.exclusions.focusExclusion(e.appId, e.processName, e.url);
  }

  private session(userP: string, sessionId: string, seq?: number): SessionState {
    return this.draft.get(`${userP}:${sessionId}`, seq);
  }

  /** The opt-out answer known without waiting: policy list, then this batch's registry answers. */
  private cachedOptOut(userP: string): boolean | undefined {
    if (this.policyOptOuts.has(userP)) return true;
    if (!this.ctx.optOuts) return false;
    return this.registryCache.get(userP);
  }

  private async lookUpOptOut(userP: string): Promise<boolean> {
    const optedOut = (await this.ctx.optOuts?.isOptedOut(userP)) ?? false;
    this.registryCache.set(userP, optedOut);
    return optedOut;
  }

  /** True unless the user-day is sampled out. */
  private sampledIn(ts: number, userP: string): boolean {
    if (this.policy.samplingRate >= 1) return true;
    const label = `${userP}:${this.partitions.of(ts).dt}`;
    let keep = this.sampleCache.get(label);
    if (keep === undefined) {
      keep = this.pz.unit(label) < this.policy.samplingRate;
      this.sampleCache.set(label, keep);
    }
    return keep;
  }

  /** Per-event policy drops that need no session state: excluded roles, sampled-out user-days. */
  private policyDrop(role: string | undefined, ts: number, userP: string): DropReason | null {
    if (this.exclusions.roleExcluded(role)) return 'excluded_role';
    if (!this.sampledIn(ts, userP)) return 'sampled_out';
    return null;
  }

  /** One admitted event: session context, typing runs, then its own row. */
  private event(e: WorktraceEvent, userP: string, source: SourceRecord, i: number): void {
    const st = this.session(userP, e.sessionId, e.seq);
    if (e.type === 'focus') this.focus(st, e);
    if (st.excludedBy !== null) {
      this.counts.dropped[st.excludedBy] += 1;
      return;
    }
    if (e.type === 'key_down' || e.type === 'key_up') {
      const outcome = this.coalesceKey(st, e, i);
      if (outcome !== 'row') {
        if (outcome === 'coalesced') this.counts.coalesced += 1;
        else this.counts.dropped.unknown_context += 1;
        return;
      }
    }
    // Fail closed: text is judged on its own context when it carries one, else on the session's focus;
    // when neither is known it is dropped.
    const own = e.type === 'text' ? this.ownContext(e) : undefined;
    if (own) {
      this.counts.dropped[own] += 1;
      return;
    }
    if (e.type === 'text' && own === undefined && !st.focusKnown) {
      this.counts.dropped.unknown_context += 1;
      return;
    }
    if (endsRun(e.type)) this.flushRun(st);
    if (e.type === 'ui_element') st.field = { role: e.role, name: e.name ?? null, secure: e.secure };
    const rowFindings: Record<string, number> = {};
    const row = this.baseRow(e, source, rowFindings);
    // Other events that show what the focused app holds keep their structure in the dark, not their text.
    const withhold = !st.focusKnown && showsAppContent(e.type);
    this.fill(row, e, st, rowFindings, withhold);
    if (withhold) this.counts.contentWithheld += 1;
    this.counts.written += 1;
    this.emit(row, rowFindings, i);
  }

  /** Focus ends the run and the field, and decides whether the session is excluded until the next focus. */
  private focus(st: SessionState, e: EventOf<'focus'>): void {
    this.flushRun(st);
    st.focusKnown = true;
    st.excludedBy = this.exclusions.focusExclusion(e.appId, e.processName, e.url);
    st.field = NO_FIELD;
  }

  /**
   * Printable keys and the backspaces that edit them join the session's run. A printable key of a session
   * whose focus is unknown is dropped: its text could belong to an excluded app.
   */
  private coalesceKey(st: SessionState, e: KeyEvent, i: number): KeyOutcome {
    const typing = isTypingKey(e);
    const backspace = !typing && isRunBackspace(e);
    if (!typing && !backspace) return 'row';
    if (typing && !st.focusKnown) return 'unknown_context';
    if (st.run?.closesBefore(e.ts, st.field)) this.flushRun(st);
    if (typing) {
      // Nothing per key is kept: a key_down adds its text to the run, a key_up is absorbed.
      if (e.type === 'key_down') {
        if (st.run) st.run.type(e);
        else st.run = TypingRun.start(SERVER_TYPING_RUN, st.field, { event: e, source: i }, e);
        if (st.run.full) this.flushRun(st);
      }
      return 'coalesced';
    }
    if (!st.run) return 'row';
    const absorbed = e.type === 'key_down' ? st.run.backspaceDown(e) : st.run.backspaceUp();
    return absorbed ? 'coalesced' : 'row';
  }

  /** Ends the session's run, writing it as one text row. */
  private flushRun(st: SessionState): void {
    const run = st.run;
    if (run === null) return;
    st.run = null;
    const rowFindings: Record<string, number> = {};
    const { event, source } = run.origin;
    const text = run.text;
    const secure = run.field.secure;
    if (secure && text !== '') this.counts.secureTextRemoved += 1;
    const row = this.baseRow(event, this.records[source] as SourceRecord, rowFindings);
    // A keyed id of its own, derived from the first key's: deterministic, so a retry deduplicates.
    row.event_id = this.pz.of('event', `text-run:${event.eventId}`);
    row.event_type = 'text';
    row.seq = run.lastSeq;
    row.ts = this.quantise(run.firstTs);
    row.text = secure ? null : this.scrub(text, rowFindings);
    row.field_role = this.scrub(run.field.role, rowFindings);
    row.field_name = this.scrub(run.field.name, rowFindings);
    row.secure = secure;
    row.key_count = run.keyCount;
    row.duration_ms = this.quantise(run.lastTs) - this.quantise(run.firstTs);
    this.counts.textRuns += 1;
    this.emit(row, rowFindings, source);
  }

  private scrub(value: string | undefined | null, rowFindings: Record<string, number>): string | null {
    if (value === undefined || value === null) return null;
    if (value === '') return '';
    const r = this.scrubber.scrub(value);
    for (const f of r.findings) {
      rowFindings[f.type] = (rowFindings[f.type] ?? 0) + 1;
      this.findings[f.type] = (this.findings[f.type] ?? 0) + 1;
    }
    return r.text;
  }

  private quantise(ts: number): number {
    return Math.floor(ts / this.quantum) * this.quantum;
  }

  /** The envelope columns every row has: pseudonyms, provenance, scrubbed org attributes. */
  private baseRow(e: WorktraceEvent, source: SourceRecord, rowFindings: Record<string, number>): EventRow {
    const { pz } = this;
    return {
      event_id: pz.of('event', e.eventId),
      schema_version: e.schemaVersion,
      event_type: e.type,
      user_pseudonym: pz.of('user', e.userId),
      device_pseudonym: pz.of('device', e.deviceId),
      host_pseudonym: e.hostName === undefined ? null : pz.of('host', e.hostName),
      session_id: pz.of('session', e.sessionId),
      seq: e.seq,
      ts: e.ts,
      org_role: this.scrub(e.org?.role, rowFindings),
      org_department: this.scrub(e.org?.department, rowFindings),
      policy_version: this.policy.version,
      key_version: pz.keyVersion,
      redactor_version: this.ctx.redactorVersion,
      shard_id: source.shardId,
      sequence_number: source.sequenceNumber,
      arrival_ts: source.arrivalMs,
    };
  }

  /** The columns of each event kind, free text scrubbed (or withheld: left null). */
  private fill(
    row: EventRow,
    e: WorktraceEvent,
    st: SessionState,
    f: Record<string, number>,
    withhold: boolean,
  ): void {
    const shown = (v: string | undefined) => (withhold ? null : this.scrub(v, f));
    switch (e.type) {
      case 'key_down':
      case 'key_up':
        row.ts = this.quantise(e.ts);
        row.key_class = e.keyClass;
        row.key_name = keepsKeyName(e, st.field.secure) ? this.scrub(e.key, f) : null;
        row.modifiers = joinModifiers(e.modifiers);
        break;
      case 'hotkey':
        row.ts = this.quantise(e.ts);
        row.key_name = keepsKeyName(e, st.field.secure) ? this.scrub(e.key, f) : null;
        row.modifiers = joinModifiers(e.modifiers);
        break;
      case 'mouse_move':
        row.x = e.x;
        row.y = e.y;
        break;
      case 'mouse_down':
      case 'mouse_up':
        row.button = e.button;
        row.x = e.x;
        row.y = e.y;
        row.modifiers = joinModifiers(e.modifiers);
        break;
      case 'wheel':
        row.dx = e.dx;
        row.dy = e.dy;
        row.x = e.x ?? null;
        row.y = e.y ?? null;
        row.modifiers = joinModifiers(e.modifiers);
        break;
      case 'text': {
        const secure = e.secure || st.field.secure;
        row.secure = secure;
        if (secure && e.text !== '') this.counts.secureTextRemoved += 1;
        row.text = secure ? null : this.scrub(e.text, f);
        row.field_id = this.pz.of('field', e.field.id);
        row.field_role = this.scrub(e.field.role, f);
        row.field_name = this.scrub(e.field.name, f);
        row.key_count = e.keyCount ?? null;
        row.duration_ms = e.durationMs === undefined ? null : this.quantise(e.durationMs);
        break;
      }
      case 'focus':
        row.app_id = this.scrub(e.appId, f);
        row.process_name = this.scrub(e.processName, f);
        row.window_title = this.scrub(e.windowTitle, f);
        row.url = this.scrub(e.url, f);
        break;
      case 'ui_element':
        row.element_role = shown(e.role); // roles are free strings in the contract: withheld like names
        row.element_name = shown(e.name);
        row.secure = e.secure;
        row.element_x = e.bounds?.x ?? null;
        row.element_y = e.bounds?.y ?? null;
        row.element_width = e.bounds?.width ?? null;
        row.element_height = e.bounds?.height ?? null;
        break;
      case 'screen':
        row.screen_width = e.width;
        row.screen_height = e.height;
        row.screen_scale = e.scale ?? null;
        break;
      case 'task_marker':
        row.marker = e.marker;
        row.label = shown(e.label);
        row.task_id = shown(e.taskId);
        break;
      case 'clipboard':
        row.clipboard_op = e.op;
        row.clipboard_size = e.size;
        row.clipboard_type = e.contentType ?? null;
        break;
      case 'error_dialog':
        row.dialog_title = shown(e.title);
        row.dialog_text = shown(e.text);
        row.app_id = shown(e.appId);
        break;
    }
  }

  private emit(row: EventRow, rowFindings: Record<string, number>, source: number): void {
    row.findings = Object.keys(rowFindings).length > 0 ? JSON.stringify(rowFindings) : null;
    this.rows.push(row);
    this.rowSources.push(source);
  }
}
