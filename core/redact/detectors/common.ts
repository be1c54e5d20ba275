/**
 * What every detector layer shares: the candidate shape, the cheap field facts that let a layer skip a
 * field, frozen pattern definitions with per-instance copies, and the regex collector with validation.
 */
import type { EntityType } from '../scrub-types.js';

/**
 * A candidate hit. `priority` breaks overlaps (higher wins); `norm` is the value the token is keyed on;
 * `score` is the detector's confidence in [0, 1] (absent = 1: a validated pattern), compared with the
 * policy's per-type threshold before overlaps are resolved.
 */
export interface Candidate {
  type: EntityType;
  start: number;
  end: number;
  priority: number;
  norm: string;
  score?: number;
  /** Remove the span instead of replacing it with a placeholder (URL userinfo). */
  drop?: boolean;
}

/** Cheap facts about a field, computed once, used to skip detectors that cannot match. */
export interface FieldFacts {
  readonly digits: number;
  readonly hasAt: boolean;
  readonly hasColon: boolean;
  readonly hasUpper: boolean;
  readonly hasScheme: boolean;
  readonly hasEquals: boolean;
  /**
   * The field in lower case, same length and offsets as the field (for context cues); computed on first
   * use, once per field.
   */
  readonly lower: string;
}

/** Lower case with offsets kept: a character whose lower case is longer (`İ`) stays as it is. */
export function lowerSameLength(text: string): string {
  const lower = text.toLowerCase();
  if (lower.length === text.length) return lower;
  let out = '';
  for (const ch of text) {
    const l = ch.toLowerCase();
    out += l.length === ch.length ? l : ch;
  }
  return out;
}

/** FieldFacts of one text; the lower-cased copy is made on first use. */
class Facts implements FieldFacts {
  private lowered: string | undefined;
  constructor(
    private readonly text: string,
    readonly digits: number,
    readonly hasAt: boolean,
    readonly hasColon: boolean,
    readonly hasUpper: boolean,
    readonly hasScheme: boolean,
    readonly hasEquals: boolean,
  ) {}

  get lower(): string {
    this.lowered ??= lowerSameLength(this.text);
    return this.lowered;
  }
}

/** Computes FieldFacts in one pass. */
export function factsOf(text: string): FieldFacts {
  let digits = 0;
  let hasAt = false;
  let hasColon = false;
  let hasUpper = false;
  let hasEquals = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c === 64) hasAt = true;
    else if (c === 58) hasColon = true;
    else if (c === 61) hasEquals = true;
    else if ((c >= 65 && c <= 90) || (c > 127 && text[i] !== text[i]?.toLowerCase())) hasUpper = true;
  }
  return new Facts(text, digits, hasAt, hasColon, hasUpper, hasColon && text.includes('://'), hasEquals);
}

/** Whether an entity type is switched on (policy `disabledDetectors`). */
export type Enabled = (t: EntityType) => boolean;

/** One detector layer, bound to its own regex copies: appends its candidates to `out`. */
export type DetectorLayer = (out: Candidate[], text: string, facts: FieldFacts) => void;

/** Freezes each definition, so running a shared one (which would write its `lastIndex`) throws. */
export function freezePatterns<T extends Record<string, RegExp>>(patterns: T): Readonly<T> {
  for (const re of Object.values(patterns)) Object.freeze(re);
  return Object.freeze(patterns);
}

/** A fresh, runnable copy of each named pattern. */
export function copyPatterns<T extends Record<string, RegExp>>(
  patterns: T,
): { readonly [K in keyof T]: RegExp } {
  const out: Partial<Record<keyof T, RegExp>> = {};
  for (const k of Object.keys(patterns) as (keyof T)[]) {
    const re = patterns[k] as RegExp;
    out[k] = new RegExp(re.source, re.flags);
  }
  return out as { readonly [K in keyof T]: RegExp };
}

/**
 * Runs a global regex and reports matches (or capture group `group`) as candidates. When a validator
 * rejects a match that contains separators, shorter prefixes ending at a separator are tried (a greedy
 * match may have eaten the next word: "DE89 3704 0044 0532 0130 00 next").
 */
export function collect(
  out: Candidate[],
  re: RegExp,
  text: string,
  type: EntityType,
  priority: number,
  group = 0,
  validate?: (value: string) => string | undefined,
): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    let value = m[group];
    if (value === undefined || value === '') continue;
    const start = group === 0 ? m.index : m.index + m[0].lastIndexOf(value);
    let norm = validate ? validate(value) : value;
    for (let tries = 0; norm === undefined && validate && tries < 3; tries++) {
      const cut = Math.max(value.lastIndexOf(' '), value.lastIndexOf('-'));
      if (cut <= 0) break;
      value = value.slice(0, cut);
      norm = validate(value);
    }
    if (norm !== undefined) out.push({ type, start, end: start + value.length, priority, norm });
  }
}

/** The digits of a string. */
export const digitsOnly = (s: string): string => s.replace(/\D/g, '');

/** Shannon entropy in bits per character. */
export function shannonEntropy(s: string): number {
  const n = s.length;
  if (n === 0) return 0;
  // tokens are ASCII almost always: count in a small typed array, fall back to a map otherwise
  const counts = n < 256 ? new Uint8Array(128) : new Uint32Array(128);
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c > 127) return entropyOfAny(s);
    counts[c] = (counts[c] as number) + 1;
  }
  // each distinct character once: read its count and clear it
  let h = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    const k = counts[c] as number;
    if (k === 0) continue;
    counts[c] = 0;
    const p = k / n;
    h -= p * Math.log2(p);
  }
  return h;
}

/** Shannon entropy over UTF-16 code units of any text. */
function entropyOfAny(s: string): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < s.length; i++) counts.set(s.charCodeAt(i), (counts.get(s.charCodeAt(i)) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}
