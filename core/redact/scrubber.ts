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
import { UI_WORD_KEYS } from './lexicon.js';
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
  /**
   * When a pass that replaced something is followed by another: only when the replacements could have
   * uncovered something (`'when-needed'`), or always until nothing is found (`'always'`, the reference
   * the property tests compare against). @default 'when-needed'
   */
  readonly rescan?: 'when-needed' | 'always';
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

/**
 * Characters around a replaced span within which detectors read context: cue windows (40), the names
 * layer's look-around (80). A candidate further away sees the same text in the next pass.
 */
const CONTEXT_REACH = 80;

/** Coverage marks in the resolver's buffer. */
const FREE = 0;
const PROTECTED = 1;
const REPLACED = 2;

/** What one pass keeps, and whether replacing it could let another pass find more. */
interface Resolution {
  readonly accepted: Candidate[];
  readonly again: boolean;
}
const NOTHING: Resolution = Object.freeze({ accepted: [], again: false });

/**
 * Resolves overlapping candidates (higher priority, then longer, then earlier wins) in a coverage buffer
 * kept across calls, and judges whether the replacements could change what a later pass sees. Detection is
 * local: a candidate's score depends on its own text, its neighbours and cue words at most CONTEXT_REACH
 * away. So a later pass can only find something new where a replacement
 *   - cut short a candidate that lost the overlap (its uncovered rest may now stand on its own),
 *   - moved or removed context near a candidate that scored under its threshold, or
 *   - now borders a token that name and address grammars read (a capitalised word, a number, a word in a
 *     script without case, or any word glued to the span: `16 N 6th Street` after the street went), or
 *     took a name or an address out of a run of words those grammars read together (`Grüß dich Rebekka`).
 * Anywhere else the next pass would repeat this one's verdicts, so it is skipped; a property test checks
 * the result equals that of always repeating.
 */
class Resolver {
  private covered = new Uint8Array(256);

  resolve(
    candidates: Candidate[],
    below: readonly Candidate[],
    text: string,
    protectedSpans: readonly [number, number][],
  ): Resolution {
    if (candidates.length === 0) return NOTHING;
    const length = text.length;
    if (this.covered.length < length)
      this.covered = new Uint8Array(Math.max(length, this.covered.length * 2));
    const covered = this.covered;
    covered.fill(FREE, 0, length);
    for (const [s, e] of protectedSpans) covered.fill(PROTECTED, s, e);
    candidates.sort(
      (a, b) => b.priority - a.priority || b.end - b.start - (a.end - a.start) || a.start - b.start,
    );
    const accepted: Candidate[] = [];
    const losers: Candidate[] = [];
    for (const c of candidates) {
      let free = c.end > c.start;
      for (let i = c.start; i < c.end && free; i++) if (covered[i] !== FREE) free = false;
      if (!free) {
        losers.push(c);
        continue;
      }
      covered.fill(REPLACED, c.start, c.end);
      accepted.push(c);
    }
    if (accepted.length === 0) return NOTHING;
    accepted.sort((a, b) => a.start - b.start);
    return { accepted, again: this.mayUncover(text, accepted, losers, below) };
  }

  /** Whether a later pass could find something these replacements uncover (see the class comment). */
  private mayUncover(
    text: string,
    accepted: readonly Candidate[],
    losers: readonly Candidate[],
    below: readonly Candidate[],
  ): boolean {
    const covered = this.covered;
    for (const c of losers) {
      let replaced = false;
      let free = false;
      for (let i = c.start; i < c.end && !(replaced && free); i++) {
        if (covered[i] === REPLACED) replaced = true;
        else if (covered[i] === FREE) free = true;
      }
      if (replaced && free) return true;
    }
    for (const c of below) {
      if (!nearAny(accepted, c.start - CONTEXT_REACH, c.end + CONTEXT_REACH)) continue;
      for (let i = c.start; i < c.end; i++) if (covered[i] === FREE) return true;
    }
    for (const h of accepted) if (bordersGrammarToken(text, h.start, h.end)) return true;
    return false;
  }
}

/** Whether any of the sorted, disjoint spans overlaps `[from, to)` (binary search on their ends). */
function nearAny(spans: readonly Candidate[], from: number, to: number): boolean {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((spans[mid] as Candidate).end <= from) lo = mid + 1;
    else hi = mid;
  }
  return lo < spans.length && (spans[lo] as Candidate).start < to;
}

// single-character tests: they never write `lastIndex`, so the frozen definitions serve
const { letterOrDigit: WORD_CHAR, nameCharacter: CASELESS_OR_UPPER } = DETECTOR_PATTERNS;
/** Longest neighbour token read (a name, house number or glued value is shorter). */
const TOKEN_READ = 40;

const isSpaceAt = (text: string, i: number): boolean => {
  const c = text.charCodeAt(i);
  return c === 32 || (c >= 9 && c <= 13);
};
const isWordAt = (text: string, i: number): boolean => {
  const c = text.charCodeAt(i);
  if (c < 128) return (c >= 48 && c <= 57) || ((c | 0x20) >= 97 && (c | 0x20) <= 122);
  return WORD_CHAR.test(text[i] as string);
};
const isSignificantAt = (text: string, i: number): boolean => {
  const c = text.charCodeAt(i);
  if (c < 128) return (c >= 48 && c <= 57) || (c >= 65 && c <= 90);
  return CASELESS_OR_UPPER.test(text[i] as string);
};

/**
 * Whether a token next to `[start, end)` is one whose reading the replacement changes: one glued to the
 * span (its boundary moved: `a@b.example::1` frees `::1`) holding a letter or digit, or one a space or two
 * away that name and address grammars read: holding a capital, a digit or a caseless letter, or a lower-case
 * word that is no everyday word (`Grüß dich <IBAN>`: a lower-case name run ends at the placeholder).
 */
function bordersGrammarToken(text: string, start: number, end: number): boolean {
  // a glued token holding a letter or digit: its boundary moved
  let i = start - 1;
  for (; i >= 0 && start - 1 - i < TOKEN_READ && !isSpaceAt(text, i); i--) if (isWordAt(text, i)) return true;
  // then the first token with a letter or digit, past spaces and punctuation-only tokens (`- `), on the line
  while (i >= 0 && start - i <= TOKEN_READ && text.charCodeAt(i) !== 10) {
    if (isSpaceAt(text, i)) {
      i--;
      continue;
    }
    let k = i;
    let word = false;
    for (; k >= 0 && i - k < TOKEN_READ && !isSpaceAt(text, k); k--) if (isWordAt(text, k)) word = true;
    if (word) {
      if (readsAsName(text, k + 1, i + 1)) return true;
      break;
    }
    i = k;
  }
  let j = end;
  for (; j < text.length && j - end < TOKEN_READ && !isSpaceAt(text, j); j++)
    if (isWordAt(text, j)) return true;
  while (j < text.length && j - end <= TOKEN_READ && text.charCodeAt(j) !== 10) {
    if (isSpaceAt(text, j)) {
      j++;
      continue;
    }
    let m = j;
    let word = false;
    for (; m < text.length && m - j < TOKEN_READ && !isSpaceAt(text, m); m++)
      if (isWordAt(text, m)) word = true;
    if (word) return readsAsName(text, j, m);
    j = m;
  }
  return false;
}

/**
 * Whether a space-delimited token could take part in a name or address: it holds a capital, a digit or a
 * caseless letter, or it is a lower-case word outside everyday and UI vocabulary.
 */
function readsAsName(text: string, from: number, to: number): boolean {
  let s = -1;
  let e = -1;
  for (let k = from; k < to; k++) {
    if (isSignificantAt(text, k)) return true;
    if (isWordAt(text, k)) {
      if (s === -1) s = k;
      e = k + 1;
    }
  }
  return s !== -1 && !UI_WORD_KEYS.has(text.slice(s, e).toLowerCase());
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
  const resolver = new Resolver();
  const always = options.rescan === 'always';

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
  const pass = (text: string): PassResult => {
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
    const below: Candidate[] = [];
    const candidates = detectors.detect(text, facts, below);
    const { accepted, again } = resolver.resolve(candidates, below, text, protectedSpans);
    if (accepted.length === 0) return { text, hits: [], pieces: [], again: false };
    // the offset map is read only by a later pass's hits
    const mapped = again || always;
    let out = '';
    let last = 0;
    const hits: Hit[] = [];
    const pieces: Piece[] = [];
    for (const h of accepted) {
      if (mapped && h.start > last)
        pieces.push({ out: out.length, in: last, len: h.start - last, kept: true });
      out += text.slice(last, h.start);
      const ph = placeholder(h);
      if (mapped)
        pieces.push({ out: out.length, in: h.start, len: ph.length, inLen: h.end - h.start, kept: false });
      out += ph;
      last = h.end;
      hits.push({ type: h.type, start: h.start, end: h.end, ph });
    }
    if (mapped && last < text.length)
      pieces.push({ out: out.length, in: last, len: text.length - last, kept: true });
    out += text.slice(last);
    return { text: out, hits, pieces, again };
  };

  /**
   * Passes over `text` until nothing new is found. A hit can hide a neighbour that a greedy pattern
   * overlapped ("+1 100 0000000 001-01-0001"); repeating makes the result a fixed point, so scrubbing is
   * idempotent. A pass whose replacements cannot have uncovered anything ends the loop without a repeat
   * that would find nothing (the Resolver says when). Hits are returned in offsets of `text`.
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
      if (!r.again && !always) break;
    }
    // one pass leaves its hits in order already
    if (maps.length > 1) hits.sort((a, b) => a.start - b.start || a.end - b.end);
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

/** One pass's output, its hits, the offset map back to its input, and whether to pass again. */
interface PassResult {
  readonly text: string;
  readonly hits: Hit[];
  readonly pieces: Piece[];
  readonly again: boolean;
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
