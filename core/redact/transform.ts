/**
 * Event transformation: a batch of raw records becomes redacted events-zone rows and scrubbed quarantine
 * rows. Policy drops happen first, per-key printable characters are coalesced into text runs, secure text
 * is removed, every free-text field is scrubbed and every id pseudonymised. Pure apart from the opt-out
 * registry port.
 */
import { createHash } from 'node:crypto';
import { isTypingKey, type WorktraceEvent } from '../contract/event-contract.js';
import { parseEvent } from '../contract/validate.js';
import type { EventRow } from '../lake/schema.js';
import type { OptOutRegistry } from '../ports.js';
import { exclusionsOf, type Policy } from './policy.js';
import type { Pseudonymizer } from './pseudonym.js';
import { buildQuarantineRow, type QuarantineRow } from './quarantine.js';
import type { Scrubber } from './scrub-types.js';

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

/** Typing runs longer apart than this are separate runs. */
const RUN_IDLE_MS = 5_000;
const SESSION_STATE_LIMIT = 10_000;

interface FieldState {
  role: string | null;
  name: string | null;
  secure: boolean;
}

interface TypingRun {
  text: string[];
  firstEventId: string;
  firstTs: number;
  lastTs: number;
  lastSeq: number;
  keyCount: number;
  pendingBackspaceUps: number;
  field: FieldState;
  base: WorktraceEvent;
  source: number;
}

interface SessionState {
  excludedBy: DropReason | null;
  field: FieldState;
  run: TypingRun | null;
}

/** Bounded per-container map of session state (sessions are pinned to shards by partition key). */
export class SessionStates {
  private readonly map = new Map<string, SessionState>();

  get(sessionKey: string): SessionState {
    let s = this.map.get(sessionKey);
    if (s === undefined) {
      if (this.map.size >= SESSION_STATE_LIMIT) {
        const oldest = this.map.keys().next().value;
        if (oldest !== undefined) this.map.delete(oldest);
      }
      s = { excludedBy: null, field: { role: null, name: null, secure: false }, run: null };
      this.map.set(sessionKey, s);
    }
    return s;
  }

  /** Sessions with an open typing run. */
  withOpenRuns(): SessionState[] {
    return [...this.map.values()].filter((s) => s.run !== null);
  }
}

const MODIFIER_ORDER = ['ctrl', 'alt', 'shift', 'meta', 'fn'] as const;

/** Canonical "+"-joined modifiers, or null when none. */
export function joinModifiers(mods: readonly string[] | undefined): string | null {
  if (!mods || mods.length === 0) return null;
  return MODIFIER_ORDER.filter((m) => mods.includes(m)).join('+') || null;
}

const HOUR_MS = 3_600_000;
let lastHour = Number.NaN;
let lastParts: { dt: string; hour: string } = { dt: '', hour: '' };

/** UTC date and hour of an epoch-ms time. Consecutive events share an hour, so the last one is reused. */
function utcParts(ms: number): { dt: string; hour: string } {
  const hour = Math.floor(ms / HOUR_MS);
  if (hour !== lastHour) {
    const iso = new Date(hour * HOUR_MS).toISOString();
    lastParts = { dt: iso.slice(0, 10), hour: iso.slice(11, 13) };
    lastHour = hour;
  }
  return lastParts;
}

/** Partition values of a row or quarantine entry (UTC). */
export const partitionOf = utcParts;

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

/** Transforms one batch of records. Never throws for bad input: bad records become quarantine rows. */
export async function redactBatch(
  records: readonly SourceRecord[],
  ctx: RedactContext,
): Promise<RedactOutcome> {
  const { policy, pseudonymizer: pz, scrubber } = ctx;
  const sessions = ctx.sessions ?? new SessionStates();
  const counts = emptyCounts();
  const findings: Record<string, number> = {};
  const rows: EventRow[] = [];
  const rowSources: number[] = [];
  const quarantine: QuarantineRow[] = [];
  const quarantineSources: number[] = [];
  const policyOptOuts = new Set(policy.optedOutUsers.map((u) => pz.of('user', u)));
  const exclusions = exclusionsOf(policy);
  const registryCache = new Map<string, boolean>();
  const sampleCache = new Map<string, boolean>();

  const scrub = (value: string | undefined | null, rowFindings: Record<string, number>): string | null => {
    if (value === undefined || value === null) return null;
    if (value === '') return '';
    const r = scrubber.scrub(value);
    for (const f of r.findings) {
      rowFindings[f.type] = (rowFindings[f.type] ?? 0) + 1;
      findings[f.type] = (findings[f.type] ?? 0) + 1;
    }
    return r.text;
  };
  const quantise = (ts: number) => Math.floor(ts / policy.keystrokeQuantumMs) * policy.keystrokeQuantumMs;

  const baseRow = (
    e: WorktraceEvent,
    source: SourceRecord,
    rowFindings: Record<string, number>,
  ): EventRow => ({
    event_id: e.eventId,
    schema_version: e.schemaVersion,
    event_type: e.type,
    user_pseudonym: pz.of('user', e.userId),
    device_pseudonym: pz.of('device', e.deviceId),
    host_pseudonym: e.hostName === undefined ? null : pz.of('host', e.hostName),
    session_id: pz.of('session', e.sessionId),
    seq: e.seq,
    ts: e.ts,
    org_role: scrub(e.org?.role, rowFindings),
    org_department: scrub(e.org?.department, rowFindings),
    policy_version: policy.version,
    key_version: pz.keyVersion,
    redactor_version: ctx.redactorVersion,
    shard_id: source.shardId,
    sequence_number: source.sequenceNumber,
    arrival_ts: source.arrivalMs,
  });

  const emit = (row: EventRow, rowFindings: Record<string, number>, source: number) => {
    row.findings = Object.keys(rowFindings).length > 0 ? JSON.stringify(rowFindings) : null;
    rows.push(row);
    rowSources.push(source);
  };

  const flushRun = (st: SessionState) => {
    const run = st.run;
    st.run = null;
    if (!run || run.keyCount === 0) return;
    const rowFindings: Record<string, number> = {};
    const source = records[run.source] as SourceRecord;
    const text = run.text.join('');
    const secure = run.field.secure;
    if (secure && text !== '') counts.secureTextRemoved += 1;
    const row = baseRow(run.base, source, rowFindings);
    row.event_id = `kc-${createHash('sha256').update(run.firstEventId).digest('hex').slice(0, 32)}`;
    row.event_type = 'text';
    row.seq = run.lastSeq;
    row.ts = quantise(run.firstTs);
    row.text = secure ? null : scrub(text, rowFindings);
    row.field_role = run.field.role;
    row.field_name = scrub(run.field.name, rowFindings);
    row.secure = secure;
    row.key_count = run.keyCount;
    row.duration_ms = quantise(run.lastTs) - quantise(run.firstTs);
    counts.textRuns += 1;
    emit(row, rowFindings, run.source);
  };

  for (let i = 0; i < records.length; i++) {
    const source = records[i] as SourceRecord;
    const parsed = parseEvent(source.data);
    if (!parsed.ok) {
      const q = buildQuarantineRow(source, parsed, {
        scrubber,
        pseudonymizer: pz,
        policyVersion: policy.version,
        redactorVersion: ctx.redactorVersion,
      });
      for (const [t, n] of Object.entries(q.findingCounts)) findings[t] = (findings[t] ?? 0) + n;
      quarantine.push(q.row);
      quarantineSources.push(i);
      counts.quarantined += 1;
      continue;
    }
    const e = parsed.event;
    const userP = pz.of('user', e.userId);

    let optedOut = policyOptOuts.has(userP);
    if (!optedOut && ctx.optOuts) {
      let cached = registryCache.get(userP);
      if (cached === undefined) {
        cached = await ctx.optOuts.isOptedOut(userP);
        registryCache.set(userP, cached);
      }
      optedOut = cached;
    }
    if (optedOut) {
      counts.dropped.opted_out += 1;
      continue;
    }
    if (exclusions.roleExcluded(e.org?.role)) {
      counts.dropped.excluded_role += 1;
      continue;
    }
    if (policy.samplingRate < 1) {
      const day = utcParts(e.ts).dt;
      const label = `${userP}:${day}`;
      let keep = sampleCache.get(label);
      if (keep === undefined) {
        keep = pz.unit(label) < policy.samplingRate;
        sampleCache.set(label, keep);
      }
      if (!keep) {
        counts.dropped.sampled_out += 1;
        continue;
      }
    }

    const st = sessions.get(`${userP}:${e.sessionId}`);
    if (e.type === 'focus') {
      flushRun(st);
      st.excludedBy = exclusions.focusExclusion(e.appId, e.processName, e.url);
      st.field = { role: null, name: null, secure: false };
    }
    if (st.excludedBy !== null) {
      counts.dropped[st.excludedBy] += 1;
      continue;
    }

    // Printable keys: coalesce into the session's typing run; nothing per key is kept.
    if ((e.type === 'key_down' || e.type === 'key_up') && isTypingKey(e)) {
      if (st.run && (e.ts - st.run.lastTs > RUN_IDLE_MS || st.run.field !== st.field)) flushRun(st);
      if (e.type === 'key_down') {
        if (!st.run) {
          st.run = {
            text: [],
            firstEventId: e.eventId,
            firstTs: e.ts,
            lastTs: e.ts,
            lastSeq: e.seq,
            keyCount: 0,
            pendingBackspaceUps: 0,
            field: st.field,
            base: e,
            source: i,
          };
        }
        st.run.text.push(e.char ?? (e.keyClass === 'space' ? ' ' : ''));
        st.run.keyCount += 1;
        st.run.lastTs = e.ts;
        st.run.lastSeq = Math.max(st.run.lastSeq, e.seq);
      }
      counts.coalesced += 1;
      continue;
    }
    if ((e.type === 'key_down' || e.type === 'key_up') && e.keyClass === 'backspace' && st.run) {
      if (e.type === 'key_down' && st.run.text.length > 0) {
        st.run.text.pop();
        st.run.keyCount += 1;
        st.run.pendingBackspaceUps += 1;
        st.run.lastTs = e.ts;
        st.run.lastSeq = Math.max(st.run.lastSeq, e.seq);
        counts.coalesced += 1;
        continue;
      }
      if (e.type === 'key_up' && st.run.pendingBackspaceUps > 0) {
        st.run.pendingBackspaceUps -= 1;
        counts.coalesced += 1;
        continue;
      }
    }
    const endsRun =
      e.type === 'key_down' ||
      e.type === 'mouse_down' ||
      e.type === 'ui_element' ||
      e.type === 'text' ||
      e.type === 'hotkey' ||
      e.type === 'task_marker' ||
      e.type === 'error_dialog' ||
      e.type === 'clipboard';
    if (endsRun) flushRun(st);

    const rowFindings: Record<string, number> = {};
    const row = baseRow(e, source, rowFindings);
    switch (e.type) {
      case 'key_down':
      case 'key_up':
        row.ts = quantise(e.ts);
        row.key_class = e.keyClass;
        // printable keys only reach here with ctrl/alt/meta held: a shortcut, so its key name is kept
        row.key_name = scrub(e.key, rowFindings);
        row.modifiers = joinModifiers(e.modifiers);
        break;
      case 'hotkey':
        row.ts = quantise(e.ts);
        row.key_name = scrub(e.key, rowFindings);
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
        if (secure && e.text !== '') counts.secureTextRemoved += 1;
        row.text = secure ? null : scrub(e.text, rowFindings);
        row.field_id = scrub(e.field.id, rowFindings);
        row.field_role = e.field.role ?? null;
        row.field_name = scrub(e.field.name, rowFindings);
        row.key_count = e.keyCount ?? null;
        row.duration_ms = e.durationMs === undefined ? null : quantise(e.durationMs);
        break;
      }
      case 'focus':
        row.app_id = scrub(e.appId, rowFindings);
        row.process_name = scrub(e.processName, rowFindings);
        row.window_title = scrub(e.windowTitle, rowFindings);
        row.url = scrub(e.url, rowFindings);
        break;
      case 'ui_element':
        st.field = { role: e.role, name: e.name ?? null, secure: e.secure };
        row.element_role = scrub(e.role, rowFindings);
        row.element_name = scrub(e.name, rowFindings);
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
        row.label = scrub(e.label, rowFindings);
        row.task_id = scrub(e.taskId, rowFindings);
        break;
      case 'clipboard':
        row.clipboard_op = e.op;
        row.clipboard_size = e.size;
        row.clipboard_type = e.contentType ?? null;
        break;
      case 'error_dialog':
        row.dialog_title = scrub(e.title, rowFindings);
        row.dialog_text = scrub(e.text, rowFindings);
        row.app_id = scrub(e.appId, rowFindings);
        break;
    }
    counts.written += 1;
    emit(row, rowFindings, i);
  }
  // A batch boundary ends every open run: the next batch starts its own text row for that field.
  for (const st of sessions.withOpenRuns()) flushRun(st);
  return { rows, quarantine, counts, findings, rowSources, quarantineSources };
}
