/**
 * Entity detection in layers, as Presidio does it: structured PII with validation (`detectors/pii.ts`),
 * secrets (`detectors/secrets.ts`), street addresses (`detectors/addresses.ts`), person names
 * (`detectors/names.ts`) and the organisation's own term lists (here). Each layer is linear in the field
 * length: regexes are bounded and unambiguous (a test runs recheck over every one in DETECTOR_PATTERNS),
 * and the risky shapes (emails, PEM blocks, IPv6, high-entropy tokens) are scanned procedurally. Global
 * regexes keep `lastIndex` between calls, so modules only hold frozen definitions and every `Detectors`
 * instance runs its own copies. Candidates carry a confidence; those under the policy's threshold for
 * their type are dropped before overlaps are resolved.
 */

import { ADDRESS_PATTERNS, addressLayer } from './detectors/addresses.js';
import {
  type Candidate,
  copyPatterns,
  type DetectorLayer,
  type FieldFacts,
  factsOf,
  freezePatterns,
} from './detectors/common.js';
import { NAME_PATTERNS, nameLayer } from './detectors/names.js';
import { PII_PATTERNS, piiLayer } from './detectors/pii.js';
import { SECRET_PATTERNS, secretLayer } from './detectors/secrets.js';
import type { EntityType } from './scrub-types.js';

export { type Candidate, type FieldFacts, factsOf, shannonEntropy } from './detectors/common.js';
export { ibanValid, luhnValid, withLuhnDigit } from './detectors/pii.js';

/** The scrubber's own pattern: placeholders it wrote, protected from detection on later passes. */
const OWN_PATTERNS = freezePatterns({
  placeholder: /<[A-Z][A-Z0-9_]{1,30}(?::[0-9a-f]{6})?>/g,
  word: /[\p{L}\p{N}_'-]+/gu,
  /** One character: a letter or digit. */
  letterOrDigit: /[\p{L}\p{N}]/u,
  /** One character that name grammars read as a name's: a capital, a caseless letter (CJK), a digit. */
  nameCharacter: /[\p{Lu}\p{Lt}\p{Lo}\p{N}]/u,
} as const);

/** Every named regex of every layer, for the ReDoS analysis test. */
export const DETECTOR_PATTERNS: Readonly<Record<string, RegExp>> & typeof OWN_PATTERNS = Object.freeze({
  ...SECRET_PATTERNS,
  ...PII_PATTERNS,
  ...ADDRESS_PATTERNS,
  ...NAME_PATTERNS,
  ...OWN_PATTERNS,
});

/** Word-list matches (deny terms, org names, first-name + surname) on word boundaries, case-insensitive. */
export interface WordLists {
  /** First word (lower case) to the full terms (lower case) starting with it. */
  readonly denyTerms: ReadonlyMap<string, readonly string[]>;
  readonly names: ReadonlyMap<string, readonly string[]>;
}

/** Indexes terms by their first word for a linear scan. */
export function indexTerms(terms: readonly string[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const raw of terms) {
    const term = raw.trim().toLowerCase();
    if (term === '') continue;
    const first = term.split(/\s+/)[0] as string;
    const list = map.get(first) ?? [];
    list.push(term);
    list.sort((a, b) => b.length - a.length);
    map.set(first, list);
  }
  return map;
}

const WORD_CHAR = /[\p{L}\p{N}_]/u;

/** Adds the longest term of `map` that starts at this word and ends on a word boundary. */
function termMatch(
  out: Candidate[],
  map: ReadonlyMap<string, readonly string[]>,
  key: string,
  lower: string,
  text: string,
  start: number,
  type: EntityType,
  priority: number,
): void {
  for (const term of map.get(key) ?? []) {
    const end = start + term.length;
    if (lower.startsWith(term, start) && !WORD_CHAR.test(text[end] ?? ' ')) {
      out.push({ type, start, end, priority, norm: term });
      return;
    }
  }
}

/** Organisation term lists (policy `denyTerms` and `names`), one word scan for both. */
function termLayer(lists: WordLists, word: RegExp): DetectorLayer {
  const { denyTerms, names } = lists;
  return (out, text) => {
    if (denyTerms.size === 0 && names.size === 0) return;
    const lower = text.toLowerCase();
    word.lastIndex = 0;
    for (let m = word.exec(text); m !== null; m = word.exec(text)) {
      const key = m[0].toLowerCase();
      if (denyTerms.size > 0) termMatch(out, denyTerms, key, lower, text, m.index, 'DENY_TERM', 70);
      if (names.size > 0) termMatch(out, names, key, lower, text, m.index, 'PERSON', 40);
    }
  };
}

/** How detection is configured: switched-off types, org term lists, per-type confidence thresholds. */
export interface DetectorOptions {
  readonly enabled: (t: EntityType) => boolean;
  readonly lists: WordLists;
  /** Minimum score per type; a candidate below it is dropped. @default DEFAULT_MIN_SCORE */
  readonly minScore?: Partial<Record<EntityType, number>>;
}

/** The confidence a candidate needs when the policy sets no threshold for its type. */
export const DEFAULT_MIN_SCORE = 0.5;

/** Every enabled layer, with its own copies of the global regexes. */
export class Detectors {
  private readonly layers: readonly DetectorLayer[];
  private readonly minScore: Partial<Record<EntityType, number>>;

  constructor(options: DetectorOptions) {
    const on = options.enabled;
    const none = new Map<string, string[]>();
    const own = copyPatterns(OWN_PATTERNS);
    this.minScore = options.minScore ?? {};
    this.layers = [
      secretLayer(on),
      piiLayer(on),
      addressLayer(on),
      nameLayer(on),
      termLayer(
        {
          denyTerms: on('DENY_TERM') ? options.lists.denyTerms : none,
          names: on('PERSON') ? options.lists.names : none,
        },
        own.word,
      ),
    ];
  }

  /**
   * Runs every enabled layer over a field and keeps the candidates that reach their type's threshold.
   * `facts` may be computed on less than the whole text (the scrubber leaves out placeholders, whose
   * candidates it discards anyway): they only skip layers. Candidates under their threshold go to `below`
   * when it is given (the scrubber asks whether a replacement nearby could change their context).
   */
  detect(text: string, facts: FieldFacts = factsOf(text), below?: Candidate[]): Candidate[] {
    const out: Candidate[] = [];
    for (const layer of this.layers) layer(out, text, facts);
    let kept = 0;
    for (const c of out) {
      if ((c.score ?? 1) >= (this.minScore[c.type] ?? DEFAULT_MIN_SCORE)) out[kept++] = c;
      else below?.push(c);
    }
    out.length = kept;
    return out;
  }
}
