/**
 * Person names: titled names (`Dr. Jane Roe`) and a lexicon given name followed by a capitalised word.
 */
import { FIRST_NAMES, STREET_SUFFIXES } from '../lexicon.js';
import { collect, copyPatterns, type DetectorLayer, type Enabled, freezePatterns } from './common.js';

/** Named regexes, exported so the ReDoS test can analyse every one. Frozen: layers run copies. */
export const NAME_PATTERNS = freezePatterns({
  personTitle: /\b(?:Mr|Mrs|Ms|Miss|Dr|Prof)\.? [A-Z][a-z]{1,30}(?: [A-Z][a-z]{1,30})?/g,
  /** Words that start with a capital. */
  capitalWord: /(?<![\p{L}\p{N}_'-])\p{Lu}[\p{L}\p{N}_'-]*/gu,
} as const);
const CAPITALISED = /^\p{Lu}\p{Ll}+$/u;

/** The person-name layer, with its own regex copies. */
export function nameLayer(on: Enabled): DetectorLayer {
  const P = copyPatterns(NAME_PATTERNS);
  return (out, text, f) => {
    if (!on('PERSON') || !f.hasUpper) return;
    collect(out, P.personTitle, text, 'PERSON', 38, 0, (v) => v.toLowerCase());
    // a known given name followed by a capitalised word is a person
    let prev = '';
    let prevStart = -1;
    let prevEnd = -2;
    let prevIsFirstName = false;
    const re = P.capitalWord;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const w = m[0];
      const start = m.index;
      const end = start + w.length;
      if (prevIsFirstName && start === prevEnd + 1 && CAPITALISED.test(w) && !STREET_SUFFIXES.has(w)) {
        out.push({ type: 'PERSON', start: prevStart, end, priority: 35, norm: `${prev} ${w}`.toLowerCase() });
      }
      prevIsFirstName = FIRST_NAMES.has(w);
      prev = w;
      prevStart = start;
      prevEnd = end;
    }
  };
}
