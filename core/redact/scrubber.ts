/**
 * The scrubbing engine: finds PII, secrets, URL parts and organisation terms in free text and replaces
 * each hit with a typed placeholder, `<EMAIL:3f9a1c>` (keyed token: same value, same token, across the
 * whole dataset) or `<EMAIL>` (mask). Pure, synchronous, linear in the field length. Detection runs on
 * the normalised field (`normalise.ts`: NFKC, invisible characters removed, spaces unified) and the spans
 * it finds are replaced in the original, whose other characters stay byte-identical. Results are cached
 * per distinct short field, so repeated window titles and labels are scrubbed once.
 */
import { createHmac } from 'node:crypto';
import {
  type Candidate,
  DETECTOR_PATTERNS,
  Detectors,
  type FieldFacts,
  factsOf,
  indexTerms,
} from './detectors.js';
import { normalise } from './normalise.js';
import type { EntityAction, EntityType, Finding, Scrubber, ScrubResult } from './scrub-types.js';

/** How a scrubber is configured (the policy maps onto this). */
export interface ScrubberOptions {
  /** HMAC key for placeholder tokens (the pseudonym key). */
  readonly key: Uint8Array;
  /** Per-entity replacement; anything not listed is tokenised. */
  readonly actions?: Partial<Record<EntityType, EntityAction>>;
  /** Organisation deny-list terms (client names, project code names); whole words, any case. */
  readonly denyTerms?: readonly string[];
  /** Organisation person names (employees, customers) to treat as PERSON; whole words, any case. */
  readonly names?: readonly string[];
  /** Detectors switched off by policy. */
  readonly disabled?: readonly EntityType[];
  /** Minimum confidence per entity type (0-1); candidates below it are left in the text. */
  readonly minScore?: Partial<Record<EntityType, number>>;
  /** Characters scrubbed per field; the rest is dropped and replaced by `<TRUNCATED>`. @default 16384 */
  readonly maxFieldChars?: number;
}

/** Default cap on characters scrubbed per field (the contract allows 4,096; quarantine payloads more). */
export const DEFAULT_MAX_FIELD_CHARS = 16_384;
const TRUNCATED = '<TRUNCATED>';
const TOKEN_CACHE_LIMIT = 50_000;
/** Distinct fields per cache generation; a scrubber keeps two (at most 4,096 results). */
const CACHE_GENERATION = 2048;
/** Longest field whose result is cached: titles and labels repeat, typed text and payloads rarely do. */
const CACHE_MAX_CHARS = 256;

/** The named detector regexes (for the ReDoS analysis test); each scrubber runs its own copies. */
export const SCRUBBER_PATTERNS: readonly RegExp[] = Object.freeze(Object.values(DETECTOR_PATTERNS));

/** Resolves overlapping candidates: higher priority, then longer, then earlier wins. */
function resolve(
  candidates: Candidate[],
  length: number,
  protectedSpans: readonly [number, number][],
): Candidate[] {
  if (candidates.length === 0) return candidates;
  const covered = new Uint8Array(length);
  for (const [s, e] of protectedSpans) covered.fill(1, s, e);
  candidates.sort(
    (a, b) => b.priority - a.priority || b.end - b.start - (a.end - a.start) || a.start - b.start,
  );
  const accepted: Candidate[] = [];
  for (const c of candidates) {
    let free = c.end > c.start;
    for (let i = c.start; i < c.end && free; i++) if (covered[i] === 1) free = false;
    if (!free) continue;
    covered.fill(1, c.start, c.end);
    accepted.push(c);
  }
  return accepted.sort((a, b) => a.start - b.start);
}

/** Builds a scrubber. */
export function createScrubber(options: ScrubberOptions): Scrubber {
  const key = Buffer.from(options.key);
  const disabled = new Set(options.disabled ?? []);
  const detectors = new Detectors({
    enabled: (t: EntityType) => !disabled.has(t),
    lists: { denyTerms: indexTerms(options.denyTerms ?? []), names: indexTerms(options.names ?? []) },
    ...(options.minScore ? { minScore: options.minScore } : {}),
  });
  // This scrubber's own copy: a global regex keeps its `lastIndex` between calls.
  const placeholders = new RegExp(DETECTOR_PATTERNS.placeholder);
  const cap = options.maxFieldChars ?? DEFAULT_MAX_FIELD_CHARS;
  const tokens = new Map<string, string>();

  const placeholder = (c: Candidate): string => {
    if (c.drop) return '';
    if ((options.actions?.[c.type] ?? 'tokenise') === 'mask') return `<${c.type}>`;
    const id = `${c.type}:${c.norm}`;
    let token = tokens.get(id);
    if (token === undefined) {
      token = createHmac('sha256', key).update(id).digest('hex').slice(0, 6);
      if (tokens.size >= TOKEN_CACHE_LIMIT) tokens.clear();
      tokens.set(id, token);
    }
    return `<${c.type}:${token}>`;
  };

  /** One pass: replaces the hits it finds and records how output offsets map back to the pass's input. */
  const pass = (text: string): { text: string; hits: Hit[]; pieces: Piece[] } => {
    const protectedSpans: [number, number][] = [];
    if (text.includes('<')) {
      const re = placeholders;
      re.lastIndex = 0;
      for (let m = re.exec(text); m !== null; m = re.exec(text))
        protectedSpans.push([m.index, m.index + m[0].length]);
    }
    // Placeholders are protected (their candidates are dropped), so facts that only they supply -- the
    // digits and capitals of `<EMAIL:3f9a1c>` -- must not wake detectors: compute facts on the text with
    // each placeholder blanked to spaces of the same length (offsets, and the lower-cased field that
    // context cues read, stay aligned with the text).
    let facts: FieldFacts | undefined;
    if (protectedSpans.length > 0) {
      let rest = '';
      let from = 0;
      for (const [s, e] of protectedSpans) {
        rest += text.slice(from, s) + ' '.repeat(e - s);
        from = e;
      }
      facts = factsOf(rest + text.slice(from));
    }
    const accepted = resolve(detectors.detect(text, facts), text.length, protectedSpans);
    if (accepted.length === 0) return { text, hits: [], pieces: [] };
    let out = '';
    let last = 0;
    const hits: Hit[] = [];
    const pieces: Piece[] = [];
    for (const h of accepted) {
      if (h.start > last) pieces.push({ out: out.length, in: last, len: h.start - last, kept: true });
      out += text.slice(last, h.start);
      const ph = placeholder(h);
      pieces.push({ out: out.length, in: h.start, len: ph.length, inLen: h.end - h.start, kept: false });
      out += ph;
      last = h.end;
      hits.push({ type: h.type, start: h.start, end: h.end, ph });
    }
    if (last < text.length) pieces.push({ out: out.length, in: last, len: text.length - last, kept: true });
    out += text.slice(last);
    return { text: out, hits, pieces };
  };

  /**
   * Passes over `text` until nothing new is found. A hit can hide a neighbour that a greedy pattern
   * overlapped ("+1 100 0000000 001-01-0001"); repeating makes the result a fixed point, so scrubbing is
   * idempotent. Hits are returned in offsets of `text`.
   */
  const passes = (input: string): { text: string; hits: Hit[] } => {
    let text = input;
    let hits: Hit[] = [];
    const maps: Piece[][] = [];
    for (let round = 0; round < MAX_PASSES; round++) {
      const r = pass(text);
      if (r.hits.length === 0) break;
      let mapped = r.hits;
      for (let k = maps.length - 1; k >= 0; k--) mapped = mapped.map((f) => mapBack(f, maps[k] as Piece[]));
      hits = hits.concat(mapped);
      maps.push(r.pieces);
      text = r.text;
    }
    hits.sort((a, b) => a.start - b.start || a.end - b.end);
    return { text, hits };
  };

  /** Scrubs one (already capped) field: detection on the normalised text, replacement in the original. */
  const scrubField = (original: string): { text: string; findings: Finding[] } => {
    const norm = normalise(original);
    if (norm === undefined) {
      const r = passes(original);
      return { text: r.text, findings: r.hits.map(({ type, start, end }) => ({ type, start, end })) };
    }
    const r = passes(norm.text);
    // Replace the original characters behind each hit; outer hits win over hits they contain (a dropped
    // userinfo inside a later pass's span).
    const ordered = r.hits.slice().sort((a, b) => a.start - b.start || b.end - a.end);
    let text = '';
    let last = 0;
    const findings: Finding[] = [];
    for (const h of ordered) {
      let [s, e] = norm.toOriginal(h.start, h.end);
      if (e <= last) continue;
      if (s < last) s = last;
      text += original.slice(last, s) + h.ph;
      last = e;
      findings.push({ type: h.type, start: s, end: e });
    }
    text += original.slice(last);
    return { text, findings };
  };

  // Window titles and UI labels repeat across events: results are cached per distinct short field.
  const cache = new ResultCache(CACHE_GENERATION);

  return {
    scrub(input: string): ScrubResult {
      const cacheable = input.length <= CACHE_MAX_CHARS;
      if (cacheable) {
        const hit = cache.get(input);
        if (hit !== undefined) return hit;
      }
      const truncated = input.length > cap;
      const capped = truncated ? input.slice(0, cap) : input;
      let result: ScrubResult;
      if (capped.length < 3) result = { text: truncated ? capped + TRUNCATED : capped, findings: [] };
      else {
        const r = scrubField(capped);
        result = { text: truncated ? r.text + TRUNCATED : r.text, findings: Object.freeze(r.findings) };
      }
      if (cacheable) cache.set(input, result);
      return result;
    },
  };
}

/**
 * Scrub results per input string, in two generations: a full current generation becomes the previous one
 * and the old previous one is dropped, and a hit in the previous generation moves to the current. Recently
 * used fields survive like in an LRU, at O(1) per call (evicting a Map's oldest key one at a time costs
 * microseconds once deletions pile up).
 */
class ResultCache {
  private current = new Map<string, ScrubResult>();
  private previous = new Map<string, ScrubResult>();

  constructor(private readonly generation: number) {}

  get(input: string): ScrubResult | undefined {
    const hit = this.current.get(input);
    if (hit !== undefined) return hit;
    const old = this.previous.get(input);
    if (old !== undefined) this.set(input, old);
    return old;
  }

  set(input: string, result: ScrubResult): void {
    if (this.current.size >= this.generation) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(input, result);
  }
}

/** A hit in some pass's coordinates with the placeholder that replaced it. */
interface Hit extends Finding {
  readonly ph: string;
}

/** A stretch of a pass's output: kept text (offsets shift 1:1) or a placeholder standing for `inLen` chars. */
interface Piece {
  out: number;
  in: number;
  len: number;
  inLen?: number;
  kept: boolean;
}

const MAX_PASSES = 3;

/** Maps a hit on a pass's output back to offsets on that pass's input. */
function mapBack(f: Hit, pieces: readonly Piece[]): Hit {
  const at = (pos: number, isEnd: boolean): number => {
    for (const p of pieces) {
      const outEnd = p.out + p.len;
      if (pos < p.out || pos > outEnd || (pos === outEnd && !isEnd) || (pos === p.out && isEnd && p.len > 0))
        continue;
      if (p.kept) return p.in + (pos - p.out);
      return isEnd ? p.in + (p.inLen ?? 0) : p.in;
    }
    return pos;
  };
  return { type: f.type, start: at(f.start, false), end: at(f.end, true), ph: f.ph };
}

/** Counts findings per entity type (for rows, metrics and summaries). */
export function countFindings(
  findings: Iterable<Finding>,
  into: Record<string, number> = {},
): Record<string, number> {
  for (const f of findings) into[f.type] = (into[f.type] ?? 0) + 1;
  return into;
}
