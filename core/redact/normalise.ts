/**
 * Text normalisation before detection: NFKC (full-width digits and letters, `＠`, ligatures), invisible
 * format characters removed (zero-width space and joiners, word joiner, BOM, soft hyphen, bidi marks,
 * variation selectors: Unicode's default-ignorable code points), every Unicode space made an ASCII space
 * and hyphen-like dashes made `-`. Detectors run on the normalised text; an offset map sends each
 * normalised span back to the original characters it came from, so the scrubber replaces spans of the
 * original and leaves everything else byte-identical.
 */

/** A normalised field and the way back to the original. */
export interface Normalised {
  /** The normalised text detectors run on. */
  readonly text: string;
  /**
   * `[start, end)` in the original for a `[start, end)` span of the normalised text. The original span
   * covers every character that contributed to the normalised one, invisible characters inside it
   * included; a span that starts or ends inside an expansion (`ﬁ` → `fi`) widens to the whole source.
   */
  readonly toOriginal: (start: number, end: number) => [number, number];
}

// Characters that are removed outright, turned into a space, or into '-'.
const IGNORABLE = /^\p{Default_Ignorable_Code_Point}$/u;
const SPACE = /^[\p{Zs}\u2028\u2029]$/u;
const DASHES = new Set([0x2010, 0x2011, 0x2012, 0x2013, 0x2212, 0xfe63, 0xff0d]);
const MARK = /^\p{M}$/u;
/** A character that normalisation could change (ASCII never changes). */
const MAY_CHANGE = /[\u0080-\uffff]/;
/** Any character removed, made a space or made '-' (the ASCII space excepted). */
const SPECIAL = /(?! )[\p{Default_Ignorable_Code_Point}\p{Zs}\u2028\u2029\u2010-\u2013\u2212\ufe63\uff0d]/u;

/**
 * Normalises `text`, or returns undefined when nothing would change (the hot path: ASCII text, or text
 * whose every character is already in normal form).
 */
export function normalise(text: string): Normalised | undefined {
  if (!MAY_CHANGE.test(text)) return undefined;
  if (!needsWork(text)) return undefined;
  // Each source segment is one code point with the combining marks after it, normalised on its own so
  // that the map stays exact: `starts[i]`/`ends[i]` are the original span of normalised char i.
  let out = '';
  const starts: number[] = [];
  const ends: number[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c < 0x80 && (i + 1 === text.length || text.charCodeAt(i + 1) < 0x80)) {
      out += text[i];
      starts.push(i);
      ends.push(i + 1);
      i++;
      continue;
    }
    const cp = text.codePointAt(i) as number;
    let j = i + (cp > 0xffff ? 2 : 1);
    while (j < text.length) {
      const next = text.codePointAt(j) as number;
      // combining marks start at U+0300
      if (next < 0x300) break;
      const ch = String.fromCodePoint(next);
      if (!MARK.test(ch) || IGNORABLE.test(ch)) break;
      j += next > 0xffff ? 2 : 1;
    }
    const seg = text.slice(i, j);
    const first = String.fromCodePoint(cp);
    let norm: string;
    // the common cases without a call into ICU: full-width ASCII, and Latin-1 letters (already NFKC)
    if (j === i + 1 && cp >= 0xff01 && cp <= 0xff5e) norm = String.fromCharCode(cp - 0xfee0);
    else if (j === i + 1 && cp >= 0xc0 && cp <= 0xff) norm = seg;
    else if (IGNORABLE.test(first)) norm = seg.slice(first.length).normalize('NFKC');
    else if (SPACE.test(first)) norm = ` ${seg.slice(first.length).normalize('NFKC')}`;
    else if (DASHES.has(cp)) norm = `-${seg.slice(first.length).normalize('NFKC')}`;
    else norm = seg.normalize('NFKC');
    out += norm;
    for (let k = 0; k < norm.length; k++) {
      starts.push(i);
      ends.push(j);
    }
    i = j;
  }
  const n = out.length;
  return {
    text: out,
    toOriginal: (start, end) => {
      if (n === 0) return [0, 0];
      const s = start >= n ? text.length : (starts[start] as number);
      const e = end <= 0 ? s : (ends[Math.min(end, n) - 1] as number);
      return [s, Math.max(s, e)];
    },
  };
}

/** Whether any character of a non-ASCII text would change. */
function needsWork(text: string): boolean {
  return SPECIAL.test(text) || text.normalize('NFKC') !== text;
}
