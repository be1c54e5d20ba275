/**
 * Event transformation: a batch of raw records becomes redacted events-zone rows and scrubbed quarantine
 * rows. Policy drops happen first, per-key printable characters are coalesced into text runs (the rule of
 * `core/contract/typing-run.ts` with SERVER_TYPING_RUN), secure text is removed, every free-text field is
 * scrubbed and every id pseudonymised. Pure apart from the opt-out registry port.
 */
import { createHash } from 'node:crypto';
import {
  type EventOf,
  type EventType,
  isTypingKey,
  orderModifiers,
  type WorktraceEvent,
} from '../contract/event-contract.js';
import { isRunBackspace, type KeyEvent, SERVER_TYPING_RUN, TypingRun } from '../contract/typing-run.js';
import { parseEvent, type ValidationResult } from '../contract/validate.js';
import type { EventRow } from '../lake/schema.js';
import type { OptOutRegistry } from '../ports.js';
import { exclusionsOf, type Policy } from './policy.js';
import type { Pseudonymizer } from './pseudonym.js';
import { buildQuarantineRow, type QuarantineRow } from './quarantine.js';
import type { Scrubber } from './scrub-types.js';
import { UtcPartitions } from './utc-partitions.js';

/** One Kinesis user record (after KPL de-aggregation), as the redactor sees it. */
export interface SourceRecord {
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly subSequenceNumber?: number;
  /** Approximate arrival at Kinesis, epoch ms. */
  readonly arrivalMs: number;
  readonly data: Uint8Array;
}

/** Why an event was dropped before anything was written. */
export type DropReason = 'opted_out' | 'excluded_role' | 'excluded_app' | 'excluded_domain' | 'sampled_out';

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
}

/** Version of the redactor code, stamped on every row (the Lambda and the CLI use the same). */
export const REDACTOR_VERSION = 'redact-1.0.0';

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

const SESSION_STATE_LIMIT = 10_000;

interface FieldState {
  readonly role: string | null;
  readonly name: string | null;
  readonly secure: boolean;
}

/** Where a server-side run came from: its first key (the row's envelope) and that key's source record. */
interface RunOrigin {
  readonly event: EventOf<'key_down'>;
  readonly source: number;
}

interface SessionState {
  excludedBy: DropReason | null;
  field: FieldState;
  run: TypingRun<FieldState, RunOrigin> | null;
}

const NO_FIELD: FieldState = { role: null, name: null, secure: false };

/** Bounded per-container map of session state (sessions are pinned to shards by partition key). */
export class SessionStates {
  private readonly map = new Map<string, SessionState>();

  /** The state of one session, made on first use (the oldest session is forgotten at the limit). */
  get(sessionKey: string): SessionState {
    let s = this.map.get(sessionKey);
    if (s === undefined) {
      if (this.map.size >= SESSION_STATE_LIMIT) {
        const oldest = this.map.keys().next().value;
        if (oldest !== undefined) this.map.delete(oldest);
      }
      s = { excludedBy: null, field: NO_FIELD, run: null };
      this.map.set(sessionKey, s);
    }
    return s;
  }

  /** Sessions with an open typing run. */
  withOpenRuns(): SessionState[] {
    return [...this.map.values()].filter((s) => s.run !== null);
  }
}

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
    dropped: { opted_out: 0, excluded_role: 0, excluded_app: 0, excluded_domain: 0, sampled_out: 0 },
    textRuns: 0,
    secureTextRemoved: 0,
  };
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

/** One batch's transformation: the batch's outputs and caches as fields, one method per step. */
class BatchRedactor {
  private readonly policy: Policy;
  private readonly pz: Pseudonymizer;
  private readonly scrubber: Scrubber;
  private readonly sessions: SessionStates;
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
    this.exclusions = exclusionsOf(ctx.policy);
    this.policyOptOuts = new Set(ctx.policy.optedOutUsers.map((u) => this.pz.of('user', u)));
    this.quantum = ctx.policy.keystrokeQuantumMs;
  }

  async run(): Promise<RedactOutcome> {
    const { records } = this;
    for (let i = 0; i < records.length; i++) {
      const source = records[i] as SourceRecord;
      const parsed = parseEvent(source.data);
      if (!parsed.ok) {
        this.quarantineRecord(source, parsed, i);
        continue;
      }
      const e = parsed.event;
      const userP = this.pz.of('user', e.userId);
      // Only an uncached registry lookup waits: the common path stays synchronous.
      const optedOut = this.cachedOptOut(userP) ?? (await this.lookUpOptOut(userP));
      if (optedOut) {
        this.counts.dropped.opted_out += 1;
        continue;
      }
      const dropped = this.policyDrop(e, userP);
      if (dropped !== null) {
        this.counts.dropped[dropped] += 1;
        continue;
      }
      this.event(e, userP, source, i);
    }
    // A batch boundary ends every open run: the next batch starts its own text row for that field.
    for (const st of this.sessions.withOpenRuns()) this.flushRun(st);
    const { rows, quarantine, counts, findings, rowSources, quarantineSources } = this;
    return { rows, quarantine, counts, findings, rowSources, quarantineSources };
  }

  private quarantineRecord(
    source: SourceRecord,
    invalid: Extract<ValidationResult, { ok: false }>,
    i: number,
  ): void {
    const q = buildQuarantineRow(source, invalid, {
      scrubber: this.scrubber,
      pseudonymizer: this.pz,
      policyVersion: this.policy.version,
      redactorVersion: this.ctx.redactorVersion,
    });
    for (const [t, n] of Object.entries(q.findingCounts)) this.findings[t] = (this.findings[t] ?? 0) + n;
    this.quarantine.push(q.row);
    this.quarantineSources.push(i);
    this.counts.quarantined += 1;
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

  /** Per-event policy drops that need no session state: excluded roles, sampled-out user-days. */
  private policyDrop(e: WorktraceEvent, userP: string): DropReason | null {
    if (this.exclusions.roleExcluded(e.org?.role)) return 'excluded_role';
    if (this.policy.samplingRate < 1) {
      const label = `${userP}:${this.partitions.of(e.ts).dt}`;
      let keep = this.sampleCache.get(label);
      if (keep === undefined) {
        keep = this.pz.unit(label) < this.policy.samplingRate;
        this.sampleCache.set(label, keep);
      }
      if (!keep) return 'sampled_out';
    }
    return null;
  }

  /** One admitted event: session context, typing runs, then its own row. */
  private event(e: WorktraceEvent, userP: string, source: SourceRecord, i: number): void {
    const st = this.sessions.get(`${userP}:${e.sessionId}`);
    if (e.type === 'focus') this.focus(st, e);
    if (st.excludedBy !== null) {
      this.counts.dropped[st.excludedBy] += 1;
      return;
    }
    if ((e.type === 'key_down' || e.type === 'key_up') && this.coalesceKey(st, e, i)) {
      this.counts.coalesced += 1;
      return;
    }
    if (endsRun(e.type)) this.flushRun(st);
    if (e.type === 'ui_element') st.field = { role: e.role, name: e.name ?? null, secure: e.secure };
    const rowFindings: Record<string, number> = {};
    const row = this.baseRow(e, source, rowFindings);
    this.fill(row, e, st, rowFindings);
    this.counts.written += 1;
    this.emit(row, rowFindings, i);
  }

  /** Focus ends the run and the field, and decides whether the session is excluded until the next focus. */
  private focus(st: SessionState, e: EventOf<'focus'>): void {
    this.flushRun(st);
    st.excludedBy = this.exclusions.focusExclusion(e.appId, e.processName, e.url);
    st.field = NO_FIELD;
  }

  /** Printable keys and the backspaces that edit them join the session's run; true when the key was absorbed. */
  private coalesceKey(st: SessionState, e: KeyEvent, i: number): boolean {
    const typing = isTypingKey(e);
    const backspace = !typing && isRunBackspace(e);
    if (!typing && !backspace) return false;
    if (st.run?.closesBefore(e.ts, st.field)) this.flushRun(st);
    if (typing) {
      // Nothing per key is kept: a key_down adds its text to the run, a key_up is absorbed.
      if (e.type === 'key_down') {
        if (st.run) st.run.type(e);
        else st.run = TypingRun.start(SERVER_TYPING_RUN, st.field, { event: e, source: i }, e);
        if (st.run.full) this.flushRun(st);
      }
      return true;
    }
    if (!st.run) return false;
    return e.type === 'key_down' ? st.run.backspaceDown(e) : st.run.backspaceUp();
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
    row.event_id = `kc-${createHash('sha256').update(event.eventId).digest('hex').slice(0, 32)}`;
    row.event_type = 'text';
    row.seq = run.lastSeq;
    row.ts = this.quantise(run.firstTs);
    row.text = secure ? null : this.scrub(text, rowFindings);
    row.field_role = run.field.role;
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
      event_id: e.eventId,
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

  /** The columns of each event kind, free text scrubbed. */
  private fill(row: EventRow, e: WorktraceEvent, st: SessionState, f: Record<string, number>): void {
    switch (e.type) {
      case 'key_down':
      case 'key_up':
        row.ts = this.quantise(e.ts);
        row.key_class = e.keyClass;
        // printable keys only reach here with ctrl/alt/meta held: a shortcut, so its key name is kept
        row.key_name = this.scrub(e.key, f);
        row.modifiers = joinModifiers(e.modifiers);
        break;
      case 'hotkey':
        row.ts = this.quantise(e.ts);
        row.key_name = this.scrub(e.key, f);
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
        row.field_id = this.scrub(e.field.id, f);
        row.field_role = e.field.role ?? null;
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
        row.element_role = this.scrub(e.role, f);
        row.element_name = this.scrub(e.name, f);
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
        row.label = this.scrub(e.label, f);
        row.task_id = this.scrub(e.taskId, f);
        break;
      case 'clipboard':
        row.clipboard_op = e.op;
        row.clipboard_size = e.size;
        row.clipboard_type = e.contentType ?? null;
        break;
      case 'error_dialog':
        row.dialog_title = this.scrub(e.title, f);
        row.dialog_text = this.scrub(e.text, f);
        row.app_id = this.scrub(e.appId, f);
        break;
    }
  }

  private emit(row: EventRow, rowFindings: Record<string, number>, source: number): void {
    row.findings = Object.keys(rowFindings).length > 0 ? JSON.stringify(rowFindings) : null;
    this.rows.push(row);
    this.rowSources.push(source);
  }
}
