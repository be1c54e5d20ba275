/**
 * What the redactor remembers of each capture session between batches of one container: whether it knows
 * the session's focus, what that focus excludes, and the focused field. Kept fail-closed: a batch works on
 * a draft, and the draft becomes the container's state only once the batch's output was written
 * (`commit`); a failed write discards it, so the retry sees the state the first attempt saw. A session the
 * container never saw, or forgot (the least recently used go first at the cap), has an unknown focus, and
 * text in it without context of its own is dropped.
 */
import type { ExclusionReason } from './policy.js';

/** Sessions one container remembers. */
export const SESSION_STATE_LIMIT = 10_000;

/** The focused field, as far as the redactor knows it. */
export interface FieldState {
  readonly role: string | null;
  readonly name: string | null;
  readonly secure: boolean;
}

/** No field focused yet (after a focus change). */
export const NO_FIELD: FieldState = { role: null, name: null, secure: false };

/** A field whose announcement could not be read: treated as secure until the next field or focus. */
export const UNKNOWN_FIELD: FieldState = { role: null, name: null, secure: true };

/** What survives a batch of one session. */
export interface SessionContext {
  /** True once a focus event of the session was read: its exclusion is then known. */
  readonly focusKnown: boolean;
  /** What the focused app or domain excludes, or null while it is allowed. */
  readonly excludedBy: ExclusionReason | null;
  readonly field: FieldState;
  /** The highest event seq of the session this context has seen. */
  readonly lastSeq?: number;
  /**
   * The context before the last committed batch of the session and the lowest seq that batch held: a batch
   * delivered again (a crash after the write, before the checkpoint) starts from it, not from its own end.
   */
  readonly previous?: { readonly fromSeq: number; readonly context: SessionContext };
}

/** A session's state while a batch is transformed; `Run` is the batch's open typing run. */
export interface SessionState<Run> {
  focusKnown: boolean;
  excludedBy: ExclusionReason | null;
  field: FieldState;
  run: Run | null;
}

const UNKNOWN: SessionContext = { focusKnown: false, excludedBy: null, field: NO_FIELD };

/** Where a session's draft started and the seqs the batch held of it. */
interface DraftSpan {
  readonly start: SessionContext;
  minSeq: number;
  maxSeq: number;
}

/** One batch's working copy of the sessions it touches; reads fall through to the committed states. */
export class SessionDraft<Run> {
  private readonly touched = new Map<string, SessionState<Run>>();
  private readonly spans = new Map<string, DraftSpan>();

  constructor(private readonly committed: ReadonlyMap<string, SessionContext>) {}

  /**
   * The working state of one session, copied from what the container knows (or unknown); `seq` is the
   * event's, so a batch delivered again starts from the state before its first delivery.
   */
  get(sessionKey: string, seq?: number): SessionState<Run> {
    let s = this.touched.get(sessionKey);
    if (s === undefined) {
      const start = this.startOf(sessionKey, seq);
      s = { focusKnown: start.focusKnown, excludedBy: start.excludedBy, field: start.field, run: null };
      this.touched.set(sessionKey, s);
      this.spans.set(sessionKey, { start, minSeq: seq ?? Infinity, maxSeq: seq ?? -Infinity });
    } else if (seq !== undefined) {
      const span = this.spans.get(sessionKey) as DraftSpan;
      if (seq < span.minSeq) span.minSeq = seq;
      if (seq > span.maxSeq) span.maxSeq = seq;
    }
    return s;
  }

  private startOf(sessionKey: string, seq: number | undefined): SessionContext {
    const known = this.committed.get(sessionKey);
    if (known === undefined) return UNKNOWN;
    if (seq === undefined || known.lastSeq === undefined || seq > known.lastSeq) return known;
    // Redelivered: this container already applied the event. Start where its first delivery started, or,
    // when that is no longer remembered, from nothing (fail closed).
    const previous = known.previous;
    return previous !== undefined && seq >= previous.fromSeq ? previous.context : UNKNOWN;
  }

  /** Where a touched session's draft started and the seqs seen of it (for {@link SessionStates.commit}). */
  spanOf(sessionKey: string): DraftSpan | undefined {
    return this.spans.get(sessionKey);
  }

  /** Sessions with an open typing run. */
  withOpenRuns(): SessionState<Run>[] {
    return [...this.touched.values()].filter((s) => s.run !== null);
  }

  /** The sessions this batch touched, in first-touch order. */
  entries(): IterableIterator<[string, SessionState<Run>]> {
    return this.touched.entries();
  }
}

/** Bounded per-container session state (sessions are pinned to shards by partition key). */
export class SessionStates {
  private readonly map = new Map<string, SessionContext>();

  /** @param limit sessions remembered; the least recently used are forgotten beyond it. */
  constructor(readonly limit = SESSION_STATE_LIMIT) {}

  /** A working copy for one batch; nothing in it counts until {@link commit}. */
  draft<Run>(): SessionDraft<Run> {
    return new SessionDraft<Run>(this.map);
  }

  /** Makes a batch's draft the container's state (call only after the batch's write succeeded). */
  commit<Run>(draft: SessionDraft<Run>): void {
    for (const [key, s] of draft.entries()) {
      const span = draft.spanOf(key);
      const start = span?.start ?? UNKNOWN;
      const sawSeq = span !== undefined && Number.isFinite(span.minSeq);
      const lastSeq = sawSeq ? Math.max(span.maxSeq, start.lastSeq ?? -Infinity) : start.lastSeq;
      const before: SessionContext = {
        focusKnown: start.focusKnown,
        excludedBy: start.excludedBy,
        field: start.field,
        ...(start.lastSeq !== undefined ? { lastSeq: start.lastSeq } : {}),
      };
      const next: SessionContext = {
        focusKnown: s.focusKnown,
        excludedBy: s.excludedBy,
        field: s.field,
        ...(lastSeq !== undefined ? { lastSeq } : {}),
        ...(sawSeq
          ? { previous: { fromSeq: span.minSeq, context: before } }
          : start.previous !== undefined
            ? { previous: start.previous }
            : {}),
      };
      // Re-inserting moves the session to the young end: Map order is the recency order.
      this.map.delete(key);
      this.map.set(key, next);
    }
    for (const key of this.map.keys()) {
      if (this.map.size <= this.limit) break;
      this.map.delete(key);
    }
  }

  /** Sessions remembered. */
  get size(): number {
    return this.map.size;
  }
}
