/**
 * Street addresses, by grammar rather than by list: a street-type word (`Street`, `Rua`, `utca`, `ул.`) or
 * a compound street ending (`-straße`, `-katu`, `-gatan`), a house number before or after the street, and
 * then whatever follows that an address is made of: unit (`Apt 4B`, `3º B`, `2. th.`), postcode shapes of
 * many countries with their city, US/AU/CA regions. PO boxes, US military (PSC/APO/FPO) and
 * cue-led addresses (`Address:`, `Osoite`, `Anschrift`) too. A postcode alone is not an address.
 * Parts may be split by commas, line breaks, ` - `, ` · ` or ` | ` (a unit or a postcode and city on the
 * line before the street count too). Labelled forms (`Street: …⏎ZIP / Postcode: …⏎City: …`, tab- or
 * colon-separated, in many languages, one per line or comma-separated) mask each value and keep the
 * labels, once two parts are labelled or a street label holds a name and a number.
 *
 * Cost: `mayHoldAddress` reads the field once, without tokens or strings (word hashes against the anchor
 * vocabulary, compound endings, postcode-shaped digits), and most fields stop there. Only the others are
 * cut into tokens, and every rule looks at a bounded number of tokens around an anchor (extensions are
 * memoised per token), so the layer is linear in the field length; the regexes are the bounded ones
 * below (sticky postcode shapes tried at token starts, single-character classes).
 *
 * Decisions on ambiguous strings: a unit word needs a street (`Room 12 booked` stays); a heading or
 * counter word before the number blocks it (`Chapter 12 Main Street`, `Step 3`); `Route 66` is not a
 * street (French `route` counts only before `de`/`du`); weak English types (`Way`, `Park`, `View`) need
 * the house number before them and no lower-case word after them (`1 Infinite Loop iterations` stays);
 * a city after ` - ` must be followed by more address (`… - Google Maps` ends a window title); form labels
 * need `:` or a tab after them and start a line or follow a separator (`By: Alice` alone is no address).
 */
import {
  ADDRESS_CUES,
  COMPOUND_STREET_ENDINGS,
  compoundEnding,
  ENDING_TAILS,
  FORM_LABEL_PREFIXES,
  FORM_LABELS,
  type FormPart,
  NAME_CONNECTORS,
  NOT_HOUSE_NUMBER_BEFORE,
  NUMBER_MARKERS,
  OTHER_REGIONS,
  PO_BOX_WORDS,
  QUANTITY_AFTER,
  STREET_TYPES,
  type StreetType,
  UNIT_AFTER_NUMBER,
  UNIT_WORDS,
  US_STATES,
} from './address-vocabulary.js';
import { copyPatterns, type DetectorLayer, type Enabled, freezePatterns } from './common.js';

export { isStreetTypeWord, STREET_TYPES } from './address-vocabulary.js';

/** Named regexes, exported so the ReDoS test can analyse every one. Frozen: layers run copies. */
export const ADDRESS_PATTERNS = freezePatterns({
  /** Runs of whitespace (the normalised value a token is keyed on). */
  addressSpace: /\s+/g,
  /** Any non-ASCII character (scripts without case pass the layer's gate). */
  nonAscii: /[\u0080-\uffff]/,
  /** A letter or combining mark (tokeniser, non-ASCII only). */
  addressLetter: /[\p{L}\p{M}]/u,
  /** UK postcode: `SW1A 1AA`, `M1 1AE`. */
  ukPostcode: /(?:[A-Z]{1,2}\d[A-Z\d]?|GIR) ?\d[A-Z]{2}(?![\p{L}\p{N}])/uy,
  /** Canadian postcode: `K1A 0B1`. */
  caPostcode: /[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d(?![\p{L}\p{N}])/uy,
  /** Irish Eircode: `D02 X285`. */
  ieEircode: /(?:[AC-FHKNPRTV-Y]\d{2}|D6W) ?[\dAC-FHKNPRTV-Y]{4}(?![\p{L}\p{N}])/uy,
  /** Dutch postcode: `1012 AB`. */
  nlPostcode: /[1-9]\d{3} ?[A-Z]{2}(?![\p{L}\p{N}])/uy,
  /** Country-prefixed postcode: `D-10115`, `CH-8001`, `F-75002`. */
  prefixedPostcode: /[A-Z]{1,2}-\d{4,5}(?![\p{L}\p{N}])/uy,
  /** Numeric postcodes: `10115`, `1010`, `101000`, `1000-001`, `00-950`, `01310-100`, `100-0001`, ZIP+4. */
  numericPostcode: /(?:\d{4,6}|\d{4}-\d{3}|\d{2}-\d{3}|\d{5}-\d{3,4}|\d{3}-\d{4})(?![\p{L}\p{N}-])/uy,
  /** Czech, Slovak, Swedish, Greek postcode: `110 00`, `114 55`. */
  spacedPostcode: /\d{3} \d{2}(?![\p{L}\p{N}])/uy,
  /** An outward and inward code of letters and digits (`SO79 17Z`, `AB1 2CD`): a postcode only after a city. */
  alnumPostcode: /[A-Z]{1,2}\d{1,2}[A-Z]? \d{1,2}[A-Z]{1,2}(?![\p{L}\p{N}])/uy,
} as const);

enum K {
  Word = 0,
  Num = 1,
  Punct = 2,
  Break = 3,
}

interface Tok {
  readonly k: K;
  readonly s: number;
  readonly e: number;
  readonly raw: string;
  readonly low: string;
  /** A word starting with a capital, or in a script without case. */
  readonly cap: boolean;
  /** Whitespace before the token. */
  readonly gap: boolean;
  /** A tab in the whitespace before the token (a form's label/value separator). */
  readonly tab: boolean;
  /** A cased word or number glued to another one (`NpcFcweG9` in a base64 blob): never part of an address. */
  glued: boolean;
}

/** What follows a street: where the address ends, and whether a unit, city or postcode was part of it. */
interface Extension {
  readonly b: number;
  readonly clear: boolean;
  readonly postcode: boolean;
}

/** A candidate address, in token indexes (`b` exclusive). */
interface Span {
  a: number;
  b: number;
  score: number;
  /** Holds a house number, PO box or military box: an address on its own. */
  complete: boolean;
  /** Holds a postcode, a unit or a city: clearly an address (outranks a phone-shaped part of it). */
  clear: boolean;
}

/** How far before an address a cue still raises its score, in characters. */
const CUE_WINDOW = 40;
const MAX_NAME_WORDS = 4;

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** The address layer, with its own regex copies. */
export function addressLayer(on: Enabled): DetectorLayer {
  const P = copyPatterns(ADDRESS_PATTERNS);
  const isLetter = (text: string, i: number): boolean => {
    const c = text.charCodeAt(i);
    if (c < 128) return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    return P.addressLetter.test(text[i] as string);
  };
  const sticky = (re: RegExp, text: string, at: number): number => {
    re.lastIndex = at;
    const m = re.exec(text);
    return m === null ? -1 : at + m[0].length;
  };

  return (out, text, f) => {
    // every rule needs a number and a capitalised or caseless word
    if (!on('ADDRESS') || f.digits === 0 || (!f.hasUpper && !P.nonAscii.test(text))) return;
    const lower = f.lower;
    if (!mayHoldAddress(text, lower)) return;
    const toks = tokenize(text, lower, isLetter);
    const grammar = new AddressGrammar(toks, (re, at) => sticky(P[re], text, at));
    const spans = grammar.spans();
    if (spans.length === 0) return;
    for (const sp of spans) {
      const first = toks[sp.a] as Tok;
      const last = toks[sp.b - 1] as Tok;
      let score = sp.score;
      if (grammar.cueBefore(first.s)) score = Math.min(1, score + 0.25);
      if (!sp.complete) continue;
      out.push({
        type: 'ADDRESS',
        start: first.s,
        end: last.e,
        priority: sp.clear ? 52 : 45,
        norm: text.slice(first.s, last.e).toLowerCase().replace(P.addressSpace, ' '),
        score,
      });
    }
  };
}

/** Cuts a field into words, numbers (`221B`, `3/5`, `1-1-1`, `123-II`), single punctuation and line breaks. */
function tokenize(text: string, lower: string, isLetter: (text: string, i: number) => boolean): Tok[] {
  const toks: Tok[] = [];
  const n = text.length;
  let gap = false;
  let tab = false;
  const push = (k: K, s: number, e: number): void => {
    const raw = text.slice(s, e);
    const low = lower.slice(s, e);
    const first = raw[0] as string;
    const cap =
      k === K.Word &&
      (first !== first.toLowerCase() || first.toLowerCase() === first.toUpperCase() || elidedCapital(raw));
    toks.push({ k, s, e, raw, low, cap, gap, tab, glued: false });
    gap = false;
    tab = false;
  };
  const letterRun = (i: number): number => {
    let j = i;
    while (j < n && isLetter(text, j)) j++;
    return j;
  };
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) {
      if (toks.length === 0 || (toks[toks.length - 1] as Tok).k !== K.Break) push(K.Break, i, i + 1);
      i++;
      continue;
    }
    if (c <= 32 || c === 0xa0 || c === 0x3000 || (c >= 0x2000 && c <= 0x200b)) {
      gap = true;
      if (c === 9) tab = true;
      i++;
      continue;
    }
    if (isDigit(c)) {
      let j = i;
      while (j < n && isDigit(text.charCodeAt(j))) j++;
      let suffix = letterRun(j);
      if (suffix > j && suffix - j <= 3) j = suffix;
      for (let groups = 0; groups < 4 && j + 1 < n; groups++) {
        const sep = text.charCodeAt(j);
        if (sep !== 45 && sep !== 47) break;
        const next = text.charCodeAt(j + 1);
        if (isDigit(next)) {
          j += 1;
          while (j < n && isDigit(text.charCodeAt(j))) j++;
          suffix = letterRun(j);
          if (suffix > j && suffix - j <= 3) j = suffix;
        } else {
          suffix = letterRun(j + 1);
          if (suffix === j + 1 || suffix - j - 1 > 3) break;
          j = suffix;
        }
      }
      push(K.Num, i, j);
      i = j;
      continue;
    }
    if (isLetter(text, i)) {
      let j = letterRun(i);
      while (j + 1 < n) {
        const sep = text.charCodeAt(j);
        if ((sep === 45 || sep === 39 || sep === 0x2019) && isLetter(text, j + 1)) j = letterRun(j + 1);
        else break;
      }
      push(K.Word, i, j);
      i = j;
      continue;
    }
    push(K.Punct, i, i + 1);
    i++;
  }
  // Latin, Greek and Cyrillic words are spaced from numbers; CJK and Hangul ones are not (`丸の内1-1-1`)
  for (let k = 1; k < toks.length; k++) {
    const a = toks[k - 1] as Tok;
    const b = toks[k] as Tok;
    if (b.gap || a.k > K.Num || b.k > K.Num || caseless(a) || caseless(b)) continue;
    a.glued = true;
    b.glued = true;
  }
  return toks;
}

/** A word in a script without case. */
function caseless(t: Tok): boolean {
  return t.k === K.Word && t.raw.toLowerCase() === t.raw.toUpperCase();
}

type StickyName = keyof typeof ADDRESS_PATTERNS;

/** The grammar over one field's tokens. */
class AddressGrammar {
  private readonly found: Span[] = [];
  /** extendRight results by start index: a street anchor and its house number extend from the same place. */
  private readonly extensions = new Map<number, Extension>();
  /** Where each address cue (`Address:`, `lives at`) ends, in characters. */
  private readonly cueEnds: number[] = [];
  /** Tokens that are form labels (`Street:`, `PLZ`, `City`): never part of an address. */
  private labels: Uint8Array | undefined;

  constructor(
    private readonly t: readonly Tok[],
    private readonly match: (re: StickyName, at: number) => number,
  ) {}

  /** Every address span, overlapping and touching candidates merged. */
  spans(): Span[] {
    const t = this.t;
    this.form();
    for (let i = 0; i < t.length; i++) {
      const tok = t[i] as Tok;
      if (this.isLabel(i)) continue;
      if (tok.k === K.Word) this.atWord(i);
      else if (tok.k === K.Num) this.atNumber(i);
      else if (tok.raw === '〒') this.japanesePostcode(i);
    }
    return this.merge();
  }

  /** Whether an address cue ends within CUE_WINDOW characters before `start`. */
  cueBefore(start: number): boolean {
    for (const e of this.cueEnds) if (e <= start && start - e <= CUE_WINDOW) return true;
    return false;
  }

  private tok(i: number): Tok | undefined {
    return this.t[i];
  }

  private isLabel(i: number): boolean {
    return this.labels !== undefined && this.labels[i] === 1;
  }

  /**
   * Labelled form fields, one per line or separated by commas, semicolons, bars or middle dots
   * (`Street: …`, `PLZ⇥10115`, `ZIP / Postcode: …`, `City: …`): when two parts of an address are labelled,
   * or a street label holds a name and a number, each value is an address part of its own (the labels
   * between them stay).
   */
  private form(): void {
    const t = this.t;
    const fields: { part: FormPart; a: number; b: number }[] = [];
    let i = 0;
    while (i < t.length) {
      const label =
        i === 0 || (t[i - 1] as Tok).k === K.Break || this.isFieldSeparator(i - 1)
          ? this.labelAt(i)
          : undefined;
      if (label === undefined) {
        i++;
        continue;
      }
      this.labels ??= new Uint8Array(t.length);
      this.labels.fill(1, i, label.value);
      let b = label.value;
      while (
        b < t.length &&
        (t[b] as Tok).k !== K.Break &&
        !(this.isFieldSeparator(b) && this.labelAt(b + 1) !== undefined)
      )
        b++;
      let e = b;
      while (e > label.value && (t[e - 1] as Tok).k === K.Punct) e--;
      if (e > label.value && e - label.value <= 12) fields.push({ part: label.part, a: label.value, b: e });
      i = b + 1;
    }
    if (fields.length === 0) return;
    const parts = new Set<FormPart>();
    for (const f of fields) if (f.part !== 'region' && this.formValue(f.part, f.a, f.b)) parts.add(f.part);
    const street = fields.find((f) => f.part === 'street');
    const streetWithNumber =
      street !== undefined &&
      this.hasKind(street.a, street.b, K.Num) &&
      this.hasKind(street.a, street.b, K.Word);
    if (parts.size < 2 && !streetWithNumber) return;
    // a state or province counts beside a street or postcode (`State: IL`)
    const withRegion = parts.has('street') || parts.has('postcode');
    for (const f of fields)
      if (this.formValue(f.part, f.a, f.b) && (f.part !== 'region' || withRegion))
        this.found.push({ a: f.a, b: f.b, score: 0.85, complete: true, clear: true });
  }

  /** A separator between labelled fields on one line: `,`, `;`, `|`, `·`. */
  private isFieldSeparator(i: number): boolean {
    const x = this.t[i];
    return (
      x !== undefined && x.k === K.Punct && (x.raw === ',' || x.raw === ';' || x.raw === '|' || x.raw === '·')
    );
  }

  /** A form label at `i`: its part and where its value starts, or undefined. */
  private labelAt(i: number): { part: FormPart; value: number } | undefined {
    const t = this.t;
    let part: FormPart | undefined;
    let key = '';
    for (let j = i, words = 0; j < t.length && words < 6; j++) {
      const x = t[j] as Tok;
      if (x.k !== K.Word || (j > i && x.tab)) return undefined;
      key = key === '' ? x.low : `${key} ${x.low}`;
      if (!FORM_LABEL_PREFIXES.has(key)) return undefined;
      words++;
      const p = FORM_LABELS.get(key);
      if (p === undefined || (part !== undefined && p !== part)) continue;
      let k = j + 1;
      if (this.isPunct(k, '.') && !(t[k] as Tok).gap) k++;
      const next = t[k];
      if (next === undefined || next.k === K.Break) return undefined;
      if (next.raw === ':' || next.raw === '：') {
        k++;
        while (this.isPunct(k, ':') || this.isPunct(k, '-')) k++;
        const value = t[k];
        return value !== undefined && value.k !== K.Break ? { part: p, value: k } : undefined;
      }
      if (next.tab) return { part: p, value: k };
      if (next.raw === '/') {
        part = p;
        key = '';
        j = k;
      }
    }
    return undefined;
  }

  /** Whether tokens [a, b) hold a token of kind `k`. */
  private hasKind(a: number, b: number, k: K): boolean {
    for (let j = a; j < b; j++) if ((this.t[j] as Tok).k === k) return true;
    return false;
  }

  /** Whether a labelled value has the shape of its part (a postcode holds digits, a city words). */
  private formValue(part: FormPart, a: number, b: number): boolean {
    const first = this.t[a] as Tok;
    switch (part) {
      case 'street':
        return this.hasKind(a, b, K.Word) || this.hasKind(a, b, K.Num);
      case 'house':
      case 'unit':
        return b - a <= 4 && this.hasKind(a, b, K.Num);
      case 'postcode': {
        if (b - a > 4 || !this.hasKind(a, b, K.Num)) return false;
        for (let j = a; j < b; j++) {
          const x = this.t[j] as Tok;
          if (x.k === K.Word && (x.raw.length > 3 || x.raw !== x.raw.toUpperCase())) return false;
        }
        return true;
      }
      case 'city':
        return b - a <= 6 && first.k === K.Word && first.cap;
      case 'place':
        return b - a <= 6 && this.hasKind(a, b, K.Num) && this.hasKind(a, b, K.Word);
      case 'region':
        return b - a <= 4 && first.k === K.Word && first.cap && !this.hasKind(a, b, K.Num);
      default:
        return false;
    }
  }

  private isPunct(i: number, ch: string): boolean {
    const x = this.t[i];
    return x !== undefined && x.k === K.Punct && x.raw === ch;
  }

  private isWord(i: number): boolean {
    return this.t[i]?.k === K.Word;
  }

  /** The street-type word at `i` and how many tokens it takes (with its dot, or `C/`). */
  private streetTypeAt(i: number): { type: StreetType; len: number } | undefined {
    const x = this.t[i];
    if (x === undefined || x.k !== K.Word || x.glued) return undefined;
    const dot = this.isPunct(i + 1, '.') && !(this.t[i + 1] as Tok).gap;
    if (x.low === 'c' && this.isPunct(i + 1, '/')) return { type: SPANISH_C, len: 2 };
    let type = STREET_TYPES.get(x.low);
    if (type === undefined && x.low.endsWith('s')) {
      const singular = STREET_TYPES.get(x.low.slice(0, -1));
      if (singular?.numberBefore) type = WEAK_ENGLISH;
    }
    if (type === undefined || (type.needsDot && !dot)) return undefined;
    return { type, len: dot ? 2 : 1 };
  }

  private isNameWord(i: number): boolean {
    const x = this.t[i];
    if (x === undefined || x.glued || this.isLabel(i)) return false;
    if (x.k === K.Num) return ORDINAL.has(x.low.slice(leadDigits(x.raw)));
    if (x.k !== K.Word || !(x.cap || NAME_CONNECTORS.has(x.low))) return false;
    if (NUMBER_MARKERS.has(x.low) || UNIT_WORDS.has(x.low)) {
      const next = this.t[i + 1];
      // `1 N 6th Street`: a marker letter before an ordinal is a direction
      const ordinal = next?.k === K.Num && ORDINAL.has(next.low.slice(leadDigits(next.raw)));
      if (
        next !== undefined &&
        ((next.k === K.Num && !ordinal) || next.raw === '.' || next.raw === ':' || next.raw === '#')
      )
        return false;
    }
    return true;
  }

  /** Name words from `i` on: the index after the last capitalised one (`i` when there is none). */
  private nameForward(i: number): number {
    let end = i;
    for (let j = i, words = 0; j < this.t.length && words < MAX_NAME_WORDS + 2 && this.isNameWord(j); j++) {
      const x = this.t[j] as Tok;
      if (x.k === K.Break) break;
      words++;
      if (x.cap || x.k === K.Num) end = j + 1;
    }
    return end;
  }

  /** Name words before `i`: the index of the first capitalised one (`i` when there is none). */
  private nameBackward(i: number): number {
    let start = i;
    for (let j = i - 1, words = 0; j >= 0 && words < MAX_NAME_WORDS && this.isNameWord(j); j--) {
      const x = this.t[j] as Tok;
      words++;
      if (x.cap || x.k === K.Num) start = j;
    }
    return start;
  }

  /** A house number at `i` (after an optional comma and marker): the index after it, or -1. */
  private numberAfter(i: number, maxDigits: number, dotted: boolean): number {
    let j = i;
    if (this.isPunct(j, ',') || this.isPunct(j, '·')) j++;
    else if (this.tok(j)?.k === K.Break) {
      // `Alameda Vitor⏎203 - Bairro - RS`: the number opens the next line before its district
      const after = this.t[j + 2];
      if (this.tok(j + 1)?.k !== K.Num || after === undefined || !(after.raw === '-' || after.raw === ','))
        return -1;
      j++;
    }
    const m = this.t[j];
    if (m !== undefined && m.k === K.Word && (NUMBER_MARKERS.has(m.low) || m.raw === '№')) {
      j++;
      while (this.isPunct(j, '.') || this.isPunct(j, ':') || this.isPunct(j, '°')) j++;
    } else if (this.isPunct(j, '#')) j++;
    if (!this.isHouseNumber(j, maxDigits)) return -1;
    if (dotted && this.isPunct(j + 1, '.') && !(this.t[j + 1] as Tok).gap) return j + 2;
    return j + 1;
  }

  /** Whether the number token at `i` reads as a house number (not a time, decimal, quantity or year run). */
  private isHouseNumber(i: number, maxDigits: number): boolean {
    const x = this.t[i];
    if (x === undefined || x.k !== K.Num || x.glued) return false;
    if (leadDigits(x.raw) > maxDigits || isDate(x.raw)) return false;
    const next = this.t[i + 1];
    if (next === undefined) return true;
    if (
      next.k === K.Punct &&
      !next.gap &&
      (next.raw === ':' || next.raw === '%' || next.raw === ',' || next.raw === '.')
    ) {
      const after = this.t[i + 2];
      if (after !== undefined && after.k === K.Num && !after.gap) return false;
      if (next.raw === '%') return false;
    }
    if (
      next.k === K.Word &&
      (next.raw === next.low || next.raw.endsWith('B')) &&
      QUANTITY_AFTER.has(next.low) &&
      // `10/12 m. 5`: a unit word and its number, not metres
      !(this.isPunct(i + 2, '.') && this.tok(i + 3)?.k === K.Num)
    )
      return false;
    return true;
  }

  /** Whether the word before the number at `i` makes it a counter or heading (`Chapter 12`). */
  private countedBefore(i: number): boolean {
    const x = this.t[i - 1];
    return x !== undefined && x.k === K.Word && (NOT_HOUSE_NUMBER_BEFORE.has(x.low) || UNIT_WORDS.has(x.low));
  }

  private add(a: number, b: number, score: number, complete: boolean): void {
    const ext = this.extendRight(b);
    const left = complete ? this.placeBefore(this.unitBefore(a)) : a;
    this.found.push({
      a: left,
      b: ext.b,
      score: Math.min(1, score + (ext.clear ? 0.1 : 0)),
      complete,
      clear: ext.clear || left < a,
    });
  }

  private atWord(i: number): void {
    const x = this.t[i] as Tok;
    if (this.military(i) || this.poBox(i) || this.cue(i) || this.eastAsian(i)) return;
    const st = this.streetTypeAt(i);
    if (st !== undefined) {
      if (st.type.side !== 'post') this.preType(i, st.type, st.len);
      if (st.type.side !== 'pre') this.postType(i, st.type, st.len);
      return;
    }
    if (x.glued || compoundEnding(x.low) === undefined) return;
    // a lower-case compound is a type word after the name (`Péter főtér 157.`, `Lilien határút 130.`)
    if (x.cap) this.compound(i);
    else this.postType(i, LOWER_COMPOUND, 1);
  }

  /** `Rua das Flores 210`, `Calle Mayor, 5`, `12 rue de la Paix`, `ул. Тверская, д. 7`. */
  private preType(i: number, type: StreetType, len: number): void {
    let nameStart = i + len;
    const nested = this.streetTypeAt(nameStart);
    if (nested !== undefined && nested.type.side !== 'post') nameStart += nested.len;
    else if (
      this.isWord(nameStart) &&
      this.tok(nameStart)?.cap === false &&
      this.tok(nameStart + 1)?.cap &&
      !type.weak
    )
      nameStart++;
    const first = this.t[nameStart];
    if (first === undefined) return;
    // words common elsewhere take a number after them only behind an article: `Place de la Gare 3`,
    // `Route de Lyon 12`, `Avenue des Arts 5` (not `Place Order 2`, `Avenue Q 2`); `12 Avenue Foch` is fine
    const needsArticle =
      NEEDS_ARTICLE.has((this.t[i] as Tok).low) &&
      !NAME_CONNECTORS.has(first.low) &&
      !elidedCapital(first.raw);
    const nameEnd = this.nameForward(nameStart);
    if (nameEnd === nameStart) return;
    const lowerVia = type.weak && !(this.t[i] as Tok).cap;
    let before = i - 1;
    if (this.isPunct(before, ',')) before--;
    if (BIS.has(this.tok(before)?.low ?? '')) before--;
    if (!lowerVia && this.isHouseNumber(before, 5) && !this.countedBefore(before)) {
      this.add(before, nameEnd, type.weak ? 0.65 : 0.85, true);
      return;
    }
    if (needsArticle) return;
    const after = this.numberAfter(nameEnd, 5, false);
    if (after !== -1 && (!type.weak || this.endsPart(after))) {
      this.add(i, after, lowerVia ? 0.55 : type.weak ? 0.65 : 0.85, true);
      return;
    }
    this.add(i, nameEnd, 0.3, false);
  }

  /** `221B Baker Street`, `Váci u. 47.`, `Atatürk Cad. No: 12`, `Kossuth Lajos utca 12`. */
  private postType(i: number, type: StreetType, len: number): void {
    const nameStart = this.nameBackward(i);
    if (nameStart === i) return;
    let end = i + len;
    const dir = this.t[end];
    if (dir !== undefined && dir.k === K.Word && DIRECTIONS.has(dir.raw)) end++;
    const trailing = this.t[end];
    const endsClause =
      trailing !== undefined && trailing.k === K.Word && !trailing.cap && !NAME_CONNECTORS.has(trailing.low);
    const numBefore = nameStart - 1;
    if (this.isHouseNumber(numBefore, 5) && !this.countedBefore(numBefore)) {
      const lead = this.t[numBefore] as Tok;
      // a date's year or a count is not a house number: `March 2024`, `10 Best Views`
      const score = type.weak ? (endsClause ? 0.3 : type === WEAK_ENGLISH ? 0.45 : 0.6) : 0.85;
      if (!(lead.gap === false && numBefore > 0 && (this.t[numBefore - 1] as Tok).k === K.Num)) {
        this.add(numBefore, end, score, true);
        return;
      }
    }
    if (!type.weak && !type.numberBefore) {
      const after = this.numberAfter(end, 4, type.dottedNumber);
      if (after !== -1) {
        this.add(nameStart, after, 0.85, true);
        return;
      }
    }
    // `1056 Szeglak, Pillangó park 159.`: a weak word with postcode and city before it
    const after = this.numberAfter(end, 4, true);
    if (after !== -1 && this.placeBefore(nameStart) < nameStart) {
      this.add(nameStart, after, 0.8, true);
      return;
    }
    this.add(nameStart, end, 0.3, false);
  }

  /** `Hauptstraße 5a`, `Mannerheimintie 14 B 22`, `Storgatan 7`, `Keizersgracht 123-II`. */
  private compound(i: number): void {
    let end = i + 1;
    if (this.isPunct(end, '.') && !(this.t[end] as Tok).gap && (this.t[i] as Tok).low.endsWith('str')) end++;
    const hungarian = (this.t[i] as Tok).low.endsWith('út') || (this.t[i] as Tok).low.endsWith('utca');
    const after = this.numberAfter(end, 4, hungarian);
    // `de Ruyterlaan 5`, `van Baerlestraat 12`: a lower-case article opening the name
    const article = this.tok(i - 1);
    const start =
      article !== undefined &&
      article.k === K.Word &&
      DUTCH_ARTICLES.has(article.raw) &&
      (i < 2 || !this.isWord(i - 2))
        ? i - 1
        : i;
    if (after !== -1) this.add(start, after, 0.8, true);
    else this.add(start, end, 0.3, false);
  }

  /** A capitalised name then a house number then a postcode with its city: `Ermou 45, 105 63 Athens`. */
  private atNumber(i: number): void {
    if (this.eastAsianNumber(i) || !this.isHouseNumber(i, 4) || this.countedBefore(i)) return;
    // name then number: `Karlova 12/345`, `Escalinata Inés, 141`, `Çiçek No: 12`
    let j = i - 1;
    if (this.isPunct(j, ':') || this.isPunct(j, '.')) j--;
    if (j < i - 1 || this.isPunct(j, '#')) {
      if (!NUMBER_MARKERS.has(this.tok(j)?.low ?? '') && !this.isPunct(j, '#')) return;
      j--;
    }
    if (this.isPunct(j, ',')) j--;
    const nameStart = this.nameBackward(j + 1);
    let b = i + 1;
    if (this.isPunct(b, '.') && !(this.t[b] as Tok).gap && this.tok(b + 1)?.k !== K.Num) b++;
    if (nameStart <= j && !DATE_WORDS.has((this.t[nameStart] as Tok).low)) {
      this.withPlace(nameStart, b);
      return;
    }
    // number then name: `1 Tô Mountains, Phường 14`, `234 Cordie Croft, Rowewell, B3 1GH`
    const nameEnd = this.nameForward(i + 1);
    if (nameEnd > i + 1 && !this.countedBefore(i)) this.withPlace(i, nameEnd);
  }

  /** Keeps a street without a street-type word only when a postcode or admin area comes with it. */
  private withPlace(a: number, b: number): void {
    const ext = this.extendRight(b);
    const before = this.placeBefore(a);
    if (ext.postcode || before < a)
      this.found.push({ a: before, b: ext.b, score: 0.7, complete: true, clear: true });
  }

  /** A postcode and city on the same line before the street (`1056 Budapest, Váci utca 12.`), or `a`. */
  private placeBefore(a: number): number {
    let j = a - 1;
    if (!this.isPunct(j, ',') && !this.isPunct(j, '·') && this.tok(j)?.k !== K.Break) return a;
    j--;
    let cityStart = j + 1;
    for (
      let words = 0;
      j >= 0 && words < MAX_NAME_WORDS && this.isWord(j) && (this.t[j] as Tok).cap;
      j--, words++
    )
      cityStart = j;
    if (cityStart > a - 2) return a;
    const pc = this.t[cityStart - 1];
    if (pc === undefined || pc.k !== K.Num || this.postcodeAt(cityStart - 1).b !== cityStart) return a;
    const before = this.t[cityStart - 2];
    // `Directions to 4126 Szeglak, …`, `· 1021 Szeglak, …`: not after another number or a decimal point
    const opens =
      before === undefined ||
      before.k === K.Break ||
      (before.k === K.Word && !before.glued) ||
      (before.k === K.Punct && before.raw !== '.' && before.raw !== ',' && before.raw !== '-');
    return opens ? cityStart - 1 : a;
  }

  /** `PSC 1234, Box 5678, APO AE 09012`, `Unit 2050 Box 4190, FPO AP 96522`. */
  private military(i: number): boolean {
    const x = this.t[i] as Tok;
    if (x.raw !== 'APO' && x.raw !== 'FPO' && x.raw !== 'DPO') return false;
    const region = this.t[i + 1];
    const zip = this.t[i + 2];
    if (region === undefined || zip === undefined || !MILITARY_REGIONS.has(region.raw) || zip.k !== K.Num)
      return false;
    if (zip.raw.length !== 5 && zip.raw.length !== 10) return false;
    let a = i;
    let j = i - 1;
    if (this.isPunct(j, ',') || this.tok(j)?.k === K.Break) j--;
    if (this.tok(j)?.k === K.Num && this.tok(j - 1)?.low === 'box') {
      a = j - 1;
      j -= 2;
      if (this.isPunct(j, ',')) j--;
      const unit = this.tok(j - 1);
      if (this.tok(j)?.k === K.Num && unit !== undefined && MILITARY_UNITS.has(unit.raw)) a = j - 1;
    } else {
      const ship = this.nameBackward(j + 1);
      if (ship <= j && SHIPS.has(this.tok(ship)?.raw ?? '')) a = ship;
    }
    this.found.push({ a, b: i + 3, score: 0.95, complete: true, clear: true });
    return true;
  }

  /** `PO Box 123`, `P.O. Box 12`, `Postfach 12 34`, `Apartado 45`, `Postbus 123`, `Box 12, 111 22 Stockholm`. */
  private poBox(i: number): boolean {
    const x = this.t[i] as Tok;
    let j = i;
    let needsPlace = false;
    if (x.low === 'po' || x.low === 'pob' || x.low === 'gpo') {
      j++;
    } else if (x.low === 'p' && this.isPunct(i + 1, '.') && this.tok(i + 2)?.low === 'o') {
      j += 3;
      if (this.isPunct(j, '.')) j++;
    } else if (x.low === 'post' && this.tok(i + 1)?.low === 'office') {
      j += 2;
    } else if (PO_BOX_WORDS.has(x.low)) {
      j++;
      const second = this.tok(j)?.low;
      if (second === 'postal' || second === 'postale' || second === 'de') j++;
      if (this.tok(j)?.low === 'correos') j++;
    } else if (x.low === 'box' && x.cap) {
      needsPlace = true;
    } else return false;
    if (x.low !== 'box' && this.tok(j)?.low === 'box') j++;
    if (needsPlace) j = i + 1;
    if (this.isPunct(j, '.')) j++;
    if (!this.isHouseNumber(j, 6) || j === i) return false;
    let b = j + 1;
    // Postfach 12 34
    if (
      this.tok(b)?.k === K.Num &&
      (this.tok(b) as Tok).raw.length === 2 &&
      (this.tok(j) as Tok).raw.length <= 3
    )
      b++;
    const ext = this.extendRight(b);
    if (needsPlace && !ext.postcode) return false;
    this.found.push({ a: i, b: ext.b, score: 0.9, complete: true, clear: true });
    return true;
  }

  /** `Address: 45 Kennedy Way, …`, `Osoite: Ermou 45`, `Adresse : 10115 Berlin`. */
  private cue(i: number): boolean {
    const x = this.t[i] as Tok;
    if (!CUE_FIRST_WORDS.has(x.low)) return false;
    let j = i + 1;
    const nextLow = this.tok(j)?.low;
    if (nextLow !== undefined && CUE_SECOND_WORDS.has(`${x.low} ${nextLow}`)) j++;
    else if (!SINGLE_WORD_CUES.has(x.low)) return false;
    this.cueEnds.push((this.t[j - 1] as Tok).e);
    while (this.isPunct(j, ':') || this.isPunct(j, '-') || this.tok(j)?.k === K.Break) j++;
    const start = j;
    // number + name (`45 Kennedy`) or name + number (`Ermou 45`)
    if (this.isHouseNumber(start, 5)) {
      const nameEnd = this.nameForward(start + 1);
      if (nameEnd > start + 1) {
        this.add(start, nameEnd, 0.8, true);
        return false;
      }
    }
    const nameEnd = this.nameForward(start);
    if (nameEnd > start) {
      const after = this.numberAfter(nameEnd, 5, false);
      if (after !== -1) this.add(start, after, 0.8, true);
      return false;
    }
    const place = this.placeAt(start);
    if (place.b > start && place.postcode)
      this.found.push({ a: start, b: place.b, score: 0.8, complete: true, clear: true });
    return false;
  }

  /** `東京都千代田区丸の内1-1-1`, `北京市朝阳区建国路88号`, `서울특별시 강남구 테헤란로 123`. */
  private eastAsian(i: number): boolean {
    const x = this.t[i] as Tok;
    const num = this.t[i + 1];
    if (num === undefined || num.k !== K.Num) return false;
    const last = x.raw[x.raw.length - 1] as string;
    let a = i;
    let b = i + 2;
    if (HANGUL_STREET.includes(last) && x.raw.length >= 2) {
      a = this.hangulAreasBefore(a, i);
    } else if (
      !num.gap &&
      (hasAny(x.raw, CJK_AREA) || CHINESE_STREET.includes(last) || this.tok(i + 2)?.raw.startsWith('号'))
    ) {
      while (b < this.t.length && b - i < 10) {
        const y = this.t[b] as Tok;
        if (y.gap) break;
        if (y.k === K.Word && onlyOf(y.raw, CJK_NUMBER_WORDS)) b++;
        else if (y.k === K.Num) b++;
        else break;
      }
      if (this.isPunct(a - 2, '〒') || (this.tok(a - 1)?.k === K.Num && this.isPunct(a - 2, '〒'))) a -= 2;
    } else return false;
    this.add(a, b, 0.85, true);
    return true;
  }

  /** Extends a Korean address start over the area words before it (`…구 …동`), at most four tokens before `i`. */
  private hangulAreasBefore(a: number, i: number): number {
    while (
      a > 0 &&
      this.isWord(a - 1) &&
      HANGUL_AREA.includes((this.t[a - 1] as Tok).raw.slice(-1)) &&
      i - a < 4
    )
      a--;
    return a;
  }

  /** A Korean street whose name holds its number (`탑골9길 135`): true when one was added. */
  private eastAsianNumber(i: number): boolean {
    const x = this.t[i] as Tok;
    const next = this.t[i + 1];
    if (!HANGUL_STREET.includes(x.raw.slice(-1)) || next === undefined || next.k !== K.Num) return false;
    let a = i;
    if (!x.gap && this.isWord(i - 1)) a--;
    a = this.hangulAreasBefore(a, i);
    this.add(a, i + 2, 0.85, true);
    return true;
  }

  /** `〒100-0001 東京都千代田区千代田1-1`: the postcode mark starts an address. */
  private japanesePostcode(i: number): void {
    const pc = this.postcodeAt(i);
    if (pc.b <= i) return;
    let b = pc.b;
    while (b < this.t.length && b - pc.b < 6) {
      const y = this.t[b] as Tok;
      if (y.k === K.Word || (y.k === K.Num && !y.gap) || (y.k === K.Punct && y.raw === '-' && !y.gap)) b++;
      else break;
    }
    this.found.push({ a: i, b, score: 0.9, complete: true, clear: true });
  }

  /** A unit before the street: `Flat 3, 12 Baker Street`, `Apt 4B, …`. */
  private unitBefore(a: number): number {
    let j = a - 1;
    if (this.isPunct(j, ',') || this.tok(j)?.k === K.Break) j--;
    const num = this.t[j];
    if (num === undefined || (num.k !== K.Num && !(num.k === K.Word && num.raw.length === 1))) return a;
    let w = j - 1;
    if (this.isPunct(w, '.')) w--;
    const word = this.t[w];
    return word !== undefined && word.k === K.Word && UNIT_WORDS.has(word.low) ? w : a;
  }

  /** A unit at `i`: `Apt. 4B`, `Suite 200`, `#12`, `3º B`, `2. th.`, `2nd Floor`, `B 22`: index after it, or `i`. */
  private unitAt(i: number): number {
    const x = this.t[i];
    if (x === undefined) return i;
    if (x.k === K.Punct && x.raw === '#' && this.tok(i + 1)?.k === K.Num) return i + 2;
    if (x.k === K.Word && UNIT_WORDS.has(x.low)) {
      let j = i + 1;
      if (this.isPunct(j, '.')) j++;
      if (this.isPunct(j, ':')) j++;
      if (this.isPunct(j, '#')) j++;
      const v = this.t[j];
      if (v !== undefined && v.k === K.Num) return j + 1;
      if (v !== undefined && v.k === K.Word && v.raw.length <= 2 && v.raw === v.raw.toUpperCase()) {
        // `bl. A2`: a letter and its number
        const n = this.t[j + 1];
        return n !== undefined && n.k === K.Num && !n.gap ? j + 2 : j + 1;
      }
      return i;
    }
    if (x.k === K.Num && CJK_UNIT_SUFFIXES.includes(x.raw.slice(-1))) {
      let j = i + 1;
      while (
        j < i + 3 &&
        this.tok(j)?.k === K.Num &&
        CJK_UNIT_SUFFIXES.includes((this.t[j] as Tok).raw.slice(-1))
      )
        j++;
      return j;
    }
    if (x.k === K.Num) {
      const lead = leadDigits(x.raw);
      if (lead > 3) return i;
      const suffix = x.low.slice(lead);
      let j = i + 1;
      if (this.isPunct(j, '.') || this.isPunct(j, '°') || this.isPunct(j, 'º') || this.isPunct(j, 'ª')) j++;
      const w = this.t[j];
      if (w !== undefined && w.k === K.Word && UNIT_AFTER_NUMBER.has(w.low)) {
        j++;
        if (this.isPunct(j, '.')) j++;
        // `4. em. 11.`: the door after the floor
        if (
          this.tok(j)?.k === K.Num &&
          leadDigits((this.t[j] as Tok).raw) <= 3 &&
          this.endsPart(j + 1 + (this.isPunct(j + 1, '.') ? 1 : 0))
        ) {
          j++;
          if (this.isPunct(j, '.')) j++;
        }
        return j;
      }
      // Spanish floor and door: `3º B`, `2o izq`
      if ((suffix === 'o' || suffix === 'a' || j > i + 1) && lead <= 2) {
        const door = this.t[j];
        if (door !== undefined && door.k === K.Word && (door.raw.length === 1 || SPANISH_DOORS.has(door.low)))
          return this.isPunct(j + 1, '.') ? j + 2 : j + 1;
        if (suffix !== '' || this.isPunct(i + 1, 'º') || this.isPunct(i + 1, '°')) return j;
      }
      return i;
    }
    // a Roman floor: `II. em. 4.`, `III. emelet`
    if (x.k === K.Word && isRoman(x.raw) && this.isPunct(i + 1, '.')) {
      const w = this.t[i + 2];
      if (w !== undefined && w.k === K.Word && UNIT_AFTER_NUMBER.has(w.low)) {
        let j = i + 3;
        if (this.isPunct(j, '.')) j++;
        if (this.tok(j)?.k === K.Num && leadDigits((this.t[j] as Tok).raw) <= 3) {
          j++;
          if (this.isPunct(j, '.')) j++;
        }
        return j;
      }
    }
    // Finnish staircase and flat: `B 22`
    if (x.k === K.Word && x.raw.length === 1 && x.cap && x.raw !== x.low) {
      const n = this.t[i + 1];
      if (n !== undefined && n.k === K.Num && n.raw.length <= 4) return i + 2;
      const after = this.t[i + 1];
      if (after === undefined || after.k === K.Break || (after.k === K.Punct && after.raw === ','))
        return i + 1;
    }
    return i;
  }

  /**
   * A postcode with its city or region at `i`: `75002 Paris`, `Springfield, IL 62704`, `London SW1A 1AA`,
   * `1012 AB Amsterdam`, `110 00 Praha 1`, `D-10115 Berlin`, `〒100-0001`.
   */
  private placeAt(i: number): { b: number; postcode: boolean } {
    const none = { b: i, postcode: false };
    const x = this.t[i];
    if (x === undefined) return none;
    // region + postcode
    const region = this.regionPostcode(i);
    if (region > i) return { b: region, postcode: true };
    const pc = this.postcodeAt(i);
    if (pc.b > i) {
      const cityEnd = this.cityAt(pc.b);
      if (cityEnd > pc.b) {
        const end = this.districtAfter(cityEnd);
        const region = this.t[end];
        const withRegion =
          region !== undefined && isRegion(region.raw) && this.endsPart(end + 1) ? end + 1 : end;
        return { b: withRegion, postcode: true };
      }
      if (!pc.numeric) return { b: pc.b, postcode: true };
      return none;
    }
    // city then postcode: `London SW1A 1AA`, `Springfield, IL 62704`, `Москва, 125009`
    const cityEnd = this.cityAt(i);
    if (cityEnd > i) {
      let j = cityEnd;
      if (this.isPunct(j, ',') || this.isPunct(j, '·')) j++;
      const r = this.regionPostcode(j);
      if (r > j) return { b: r, postcode: true };
      const after = this.postcodeAt(j);
      const long = after.b > j && ((this.t[after.b - 1] as Tok).raw.length >= 5 || j > cityEnd);
      if (after.b > j && (!after.numeric || (long && this.endsLine(after.b))))
        return { b: after.b, postcode: true };
    }
    return none;
  }

  /** `IL 62704`, `NSW 2000`, `ON K1A 0B1`: index after the postcode, or `i`. */
  private regionPostcode(i: number): number {
    const x = this.t[i];
    if (x === undefined || x.k !== K.Word || (!US_STATES.has(x.raw) && !OTHER_REGIONS.has(x.raw))) return i;
    const pc = this.postcodeAt(i + 1);
    return pc.b > i + 1 ? pc.b : i;
  }

  private postcodeAt(i: number): { b: number; numeric: boolean } {
    const x = this.t[i];
    const none = { b: i, numeric: false };
    if (x === undefined) return none;
    let at = i;
    if (x.k === K.Punct && x.raw === '〒') at++;
    const y = this.t[at];
    if (y === undefined) return none;
    // cheap shape checks first: the sticky patterns run only where one can match
    if (y.k === K.Word) {
      if (y.raw.length > 2 || !isRegion(`${y.raw}X`.slice(0, 2))) return none;
      for (const re of ALPHA_POSTCODES) {
        const end = this.match(re, y.s);
        if (end !== -1) return { b: this.tokenEndingAt(at, end), numeric: false };
      }
      const loose = this.match('alnumPostcode', y.s);
      if (loose !== -1) return { b: this.tokenEndingAt(at, loose), numeric: true };
      return none;
    }
    if (y.k !== K.Num) return none;
    const lead = leadDigits(y.raw);
    if (lead === 4 && y.raw.length === 4) {
      const nl = this.match('nlPostcode', y.s);
      if (nl !== -1) return { b: this.tokenEndingAt(at, nl), numeric: false };
    }
    if (lead === 3 && y.raw.length === 3) {
      const spaced = this.match('spacedPostcode', y.s);
      if (spaced !== -1) return { b: this.tokenEndingAt(at, spaced), numeric: true };
    }
    if (lead < 2 || lead > 6) return none;
    const numeric = this.match('numericPostcode', y.s);
    if (numeric !== -1 && numeric === y.e) {
      // a phone number continues with more digits: that is not a postcode
      const next = this.t[at + 1];
      if (next !== undefined && next.k === K.Num) return none;
      return { b: at + 1, numeric: !y.raw.includes('-') || at > i };
    }
    return none;
  }

  /** The index after the token that ends at character `end` (a postcode may span two tokens). */
  private tokenEndingAt(i: number, end: number): number {
    let j = i;
    while (j < this.t.length && (this.t[j] as Tok).e <= end) j++;
    return j;
  }

  /** City words at `i` (`Paris`, `Frankfurt am Main`, `Rio de Janeiro`): index after them, or `i`. */
  private cityAt(i: number): number {
    const x = this.t[i];
    if (x === undefined || x.k !== K.Word || !x.cap || !hasLowerOrNoCase(x.raw) || DATE_WORDS.has(x.low))
      return i;
    const saint = CITY_ABBREVIATIONS.has(x.low) && this.isPunct(i + 1, '.') && this.tok(i + 2)?.cap === true;
    if (UNIT_WORDS.has(x.low) || (STREET_TYPES.has(x.low) && !saint)) return i;
    let end = i;
    for (let j = i, words = 0; j < this.t.length && words < MAX_NAME_WORDS; j++) {
      const y = this.t[j] as Tok;
      if (y.k !== K.Word || (!y.cap && !NAME_CONNECTORS.has(y.low)) || this.isLabel(j)) break;
      // `St. Albans`, `Mt. Vernon`: an abbreviated saint or mount opens the name
      if (CITY_ABBREVIATIONS.has(y.low) && this.isPunct(j + 1, '.') && this.tok(j + 2)?.cap) {
        words++;
        j++;
        continue;
      }
      if (j > i && (this.regionPostcode(j) > j || this.postcodeAt(j).b > j || isRegion(y.raw))) break;
      words++;
      if (y.cap) end = j + 1;
    }
    return end;
  }

  /** `Praha 1`, `Quận 1`: a district number after the city. */
  private districtAfter(i: number): number {
    const x = this.t[i];
    if (x !== undefined && x.k === K.Num && x.raw.length <= 3 && this.endsPart(i + 1)) return i + 1;
    return i;
  }

  /** Whether an address part ends at `i`: end of field, line break, comma, or ` - ` before a region. */
  private endsPart(i: number): boolean {
    const x = this.t[i];
    if (x === undefined || x.k === K.Break) return true;
    if (x.k !== K.Punct) return false;
    if (PART_ENDS.includes(x.raw)) return true;
    // `São Paulo/SP`, `Çankaya/Ankara`: the region or province after a slash
    if (x.raw === '/' && !x.gap) return this.tok(i + 1)?.k === K.Word && (this.t[i + 1] as Tok).cap;
    // a full stop ends the sentence: `…, Vinh. Pick-up code`
    if (x.raw === '.') return this.tok(i + 1)?.gap !== false;
    return this.isSpacedDash(i);
  }

  /** A dash with spaces on both sides (`Vila Clara - SP`, `… - Google Maps`). */
  private isSpacedDash(i: number): boolean {
    return this.isPunct(i, '-') && (this.t[i] as Tok).gap && this.tok(i + 1)?.gap === true;
  }

  /** Whether `i` is the end of the field, a line break or a comma/semicolon/full stop. */
  private endsLine(i: number): boolean {
    const x = this.t[i];
    return (
      x === undefined ||
      x.k === K.Break ||
      (x.k === K.Punct && (LINE_ENDS.includes(x.raw) || this.isSpacedDash(i)))
    );
  }

  /** Units, postcodes, cities and regions after a street: the new end, and what was found. */
  private extendRight(from: number): Extension {
    let ext = this.extensions.get(from);
    if (ext === undefined) {
      ext = this.extendRightOnce(from);
      this.extensions.set(from, ext);
    }
    return ext;
  }

  private extendRightOnce(from: number): Extension {
    let b = from;
    let clear = false;
    let postcode = false;
    for (let step = 0; step < 6; step++) {
      let j = b;
      let separated = false;
      let dash = false;
      // a slash joins a province to a city already taken (`06690 Çankaya/Ankara`), not to the street
      for (let s = 0; s < 3 && this.isPartSeparator(j) && (b > from || !this.isPunct(j, '/')); s++) {
        separated = true;
        if (this.isPunct(j, '-')) dash = true;
        j++;
      }
      if (this.isLabel(j)) break;
      const admin = this.tok(j);
      if (admin !== undefined && admin.k === K.Word && ADMIN_AREAS.has(admin.low)) {
        const at = this.isPunct(j + 1, '.') ? j + 2 : j + 1;
        const end = this.tok(at)?.k === K.Num ? at + 1 : this.cityAt(at);
        if (end > at) {
          b = end;
          clear = true;
          postcode = true;
          continue;
        }
      }
      const unit = this.unitAt(j);
      if (unit > j) {
        b = unit;
        clear = true;
        continue;
      }
      const place = this.placeAt(j);
      if (place.b > j) {
        b = place.b;
        clear = true;
        postcode = postcode || place.postcode;
        continue;
      }
      // a city, region or country alone after a separator, ending the line: `, Leeds`, `Quận 1`, `- SP`
      if (!separated) break;
      const x = this.t[j];
      if (x !== undefined && x.k === K.Num && this.isPunct(j - 1, ',') && x.raw.length >= 5) {
        const pc = this.postcodeAt(j);
        if (pc.b === j + 1 && this.endsLine(j + 1)) {
          b = j + 1;
          clear = true;
          postcode = true;
          continue;
        }
      }
      if (x !== undefined && x.k === K.Word && isRegion(x.raw) && this.endsPart(j + 1)) {
        b = j + 1;
        continue;
      }
      const city = this.districtAfter(this.cityAt(j));
      // `… - Google Maps` ends a window title: a city after a dash is followed by more of the address
      const last = city >= this.t.length || (this.t[city] as Tok).k === K.Break;
      if (city > j && this.endsPart(city) && !(dash && last)) {
        b = city;
        clear = true;
        continue;
      }
      break;
    }
    return { b, clear, postcode };
  }

  /** A separator between address parts: comma, line break, dash, middle dot, bar. */
  private isPartSeparator(i: number): boolean {
    const x = this.t[i];
    if (x === undefined) return false;
    if (x.k === K.Break) return true;
    if (x.raw === '/') return !x.gap && this.tok(i + 1)?.gap === false && (this.t[i + 1] as Tok).cap;
    return x.raw === ',' || x.raw === '-' || x.raw === '·' || (x.raw === '|' && x.gap);
  }

  /** Merges overlapping or touching spans; spans without a house number survive only merged. */
  private merge(): Span[] {
    const spans = this.found.sort((x, y) => x.a - y.a || y.b - x.b);
    const merged: Span[] = [];
    for (const sp of spans) {
      const last = merged[merged.length - 1];
      if (last !== undefined && sp.a <= this.adjacentEnd(last.b)) {
        if (sp.b > last.b) last.b = sp.b;
        last.score = Math.max(last.score, sp.score);
        last.complete = last.complete || sp.complete;
        last.clear = last.clear || sp.clear;
      } else merged.push({ ...sp });
    }
    return merged.filter((sp) => sp.complete);
  }

  /** The last index a span ending at `b` touches: past commas (not line breaks). */
  private adjacentEnd(b: number): number {
    let j = b;
    if (this.isPunct(j, ',')) j++;
    return j;
  }
}

const SPANISH_C: StreetType = Object.freeze({
  side: 'pre',
  weak: false,
  needsDot: false,
  dottedNumber: false,
  numberBefore: false,
});
const ORDINAL = new Set(['st', 'nd', 'rd', 'th', 'e', 'er', 'ème', 'º', 'o', 'a']);
const DIRECTIONS = new Set(['N', 'S', 'E', 'W', 'NE', 'NW', 'SE', 'SW', 'North', 'South', 'East', 'West']);
const SPANISH_DOORS = new Set([
  'izq',
  'izda',
  'dcha',
  'der',
  'dch',
  'dr',
  'esq',
  'esqda',
  'dta',
  'dto',
  'frente',
  'centro',
  'ctro',
]);
const CJK_UNIT_SUFFIXES = '동호층号室栋楼';
const ADMIN_AREAS = new Set([
  'tp',
  'phường',
  'quận',
  'huyện',
  'xã',
  'district',
  'ward',
  'bezirk',
  'arrondissement',
]);
const LOWER_COMPOUND: StreetType = Object.freeze({
  side: 'post',
  weak: false,
  needsDot: false,
  dottedNumber: true,
  numberBefore: false,
});
const NEEDS_ARTICLE = new Set(['place', 'route', 'rte', 'passage', 'cours', 'voie', 'avenue', 'boulevard']);
const BIS = new Set(['bis', 'ter', 'quater']);
const WEAK_ENGLISH: StreetType = Object.freeze({
  side: 'post',
  weak: true,
  needsDot: false,
  dottedNumber: false,
  numberBefore: true,
});
const ALPHA_POSTCODES: readonly StickyName[] = ['ukPostcode', 'caPostcode', 'ieEircode', 'prefixedPostcode'];
/** Punctuation that ends an address part (besides line breaks and a sentence's full stop). */
const PART_ENDS = ',(·|;)"';
/** Punctuation that ends an address line. */
const LINE_ENDS = ',;.)·|"';
const CITY_ABBREVIATIONS = new Set(['st', 'ste', 'mt', 'ft', 'pt']);
const DUTCH_ARTICLES = new Set(['de', 'van', 'den', 'der', 'het', "'t"]);
const HANGUL_STREET = '로길';
const HANGUL_AREA = '시도구군동읍면';
const CHINESE_STREET = '路街道巷弄';
const CUE_FIRST_WORDS = new Set(ADDRESS_CUES.map((c) => c.split(' ')[0] as string));
const CUE_SECOND_WORDS = new Set(ADDRESS_CUES.filter((c) => c.includes(' ')));
const SINGLE_WORD_CUES = new Set(ADDRESS_CUES.filter((c) => !c.includes(' ')));
/** `d'Assas`, `dell'Orso`: an elided article before a capitalised name. */
function elidedCapital(raw: string): boolean {
  for (let i = 1; i <= 4 && i + 1 < raw.length; i++) {
    const c = raw[i];
    if (c === "'" || c === '’') {
      const next = raw[i + 1] as string;
      return next !== next.toLowerCase();
    }
  }
  return false;
}

/** A date written as one number token: `1971-05-15`, `15/05/1971`. */
function isDate(raw: string): boolean {
  let seps = 0;
  let last = -1;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 45 || c === 47) {
      seps++;
      last = i;
    }
  }
  return seps === 2 && (leadDigits(raw) === 4 || raw.length - last === 5);
}

/** A Roman numeral of a floor: `I` to `XX`. */
function isRoman(raw: string): boolean {
  if (raw.length > 4) return false;
  for (let i = 0; i < raw.length; i++) if (!'IVX'.includes(raw[i] as string)) return false;
  return true;
}

/** A short upper-case region code: `IL`, `NSW`, `SP`, `RM`. */
function isRegion(raw: string): boolean {
  if (raw.length < 2 || raw.length > 3) return false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c < 65 || c > 90) return false;
  }
  return true;
}
/** Whether a word has a lower-case letter or is in a script without case (`Paris`, `東京`; not `FY`). */
function hasLowerOrNoCase(raw: string): boolean {
  return raw !== raw.toUpperCase() || raw.toLowerCase() === raw.toUpperCase();
}
const MILITARY_REGIONS = new Set(['AA', 'AE', 'AP']);
const MILITARY_UNITS = new Set(['PSC', 'CMR', 'Unit', 'UNIT']);
const SHIPS = new Set(['USS', 'USNS', 'USCGC']);
const CJK_AREA = '都道府県市区町村郡省县镇乡';
const DATE_WORDS = new Set(
  'january february march april may june july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun januar februar märz juni juli oktober dezember janvier février mars avril mai juin juillet août septembre octobre novembre décembre enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre gennaio febbraio aprile maggio giugno luglio settembre ottobre dicembre'.split(
    ' ',
  ),
);
const CJK_NUMBER_WORDS = '丁目番地号室階棟楼单元F';

const hasAny = (s: string, chars: string): boolean => {
  for (const c of s) if (chars.includes(c)) return true;
  return false;
};
const onlyOf = (s: string, chars: string): boolean => {
  for (const c of s) if (!chars.includes(c)) return false;
  return true;
};
/** How many digits a token starts with. */
function leadDigits(raw: string): number {
  let lead = 0;
  while (lead < raw.length && isDigit(raw.charCodeAt(lead))) lead++;
  return lead;
}

/**
 * Whether a field can hold an address at all, read in one pass without tokens or strings: an anchor word
 * (street type, compound street ending, PO box, military, cue, form label or admin-area word), a script
 * without case, or a postcode-shaped number (four digits or more, `00-950`, `110 00`, `SW1A`) with a
 * capitalised word beside some number. A prefilter: it may say yes wrongly, never no wrongly.
 */
function mayHoldAddress(text: string, lower: string): boolean {
  const n = lower.length;
  let postcode = false;
  let capBesideNumber = false;
  let lastRunStart = -100;
  let lastRunEnd = -100;
  let lastRunCap = false;
  let lastRunHash = 0;
  let lastDigitsEnd = -100;
  let lineStart = true;
  let i = 0;
  while (i < n) {
    const c = lower.charCodeAt(i);
    if (c >= 0x2e80) return true;
    if (c >= 48 && c <= 57) {
      const s = i;
      while (i < n && isDigit(lower.charCodeAt(i))) i++;
      const len = i - s;
      const next = lower.charCodeAt(i);
      if (
        len >= 4 ||
        (len >= 2 && next === 45 && isDigit(lower.charCodeAt(i + 1))) ||
        (len === 3 && next === 32 && isDigit(lower.charCodeAt(i + 1)) && isDigit(lower.charCodeAt(i + 2)))
      )
        postcode = true;
      // `SW1A`, `K1A`, `D02`: one or two capitals opening the postcode
      if (
        lastRunEnd === s &&
        s - lastRunStart <= 2 &&
        lastRunCap &&
        !isAlnum(lower.charCodeAt(lastRunStart - 1))
      )
        postcode = true;
      if (lastRunCap && s - lastRunEnd <= 8 && s > lastRunEnd) capBesideNumber = true;
      lastDigitsEnd = i;
      lineStart = false;
      continue;
    }
    if (!isAnchorLetter(c)) {
      if (c === 10 || c === 13) lineStart = true;
      else if (c > 32) lineStart = false;
      i++;
      continue;
    }
    const s = i;
    let h = 0;
    while (i < n) {
      const d = lower.charCodeAt(i);
      if (!isAnchorLetter(d)) break;
      h = (Math.imul(h, 31) + d) | 0;
      i++;
    }
    const bits = WORD_BLOOM[(h ^ (h >>> 16)) & 0xffff] as number;
    if (bits !== 0) {
      if ((bits & 1) !== 0 && ANCHOR_WORDS.has(h)) return true;
      if ((bits & 2) !== 0 && lineStart && LABEL_WORDS.has(h)) return true;
      if (
        (bits & 4) !== 0 &&
        CUE_SECOND_HASHES.has(h) &&
        CUE_FIRST_HASHES.has(lastRunHash) &&
        s - lastRunEnd <= 2
      )
        return true;
    }
    const next = lower.charCodeAt(i);
    // `C/ Mayor 5`, `P.O. Box`
    if (i - s === 1 && ((c === 99 && next === 47) || (c === 112 && next === 46))) return true;
    const tail = i - s >= 4 ? (lower.charCodeAt(i - 2) << 16) | lower.charCodeAt(i - 1) : -1;
    const endsLikeStreet = tail !== -1 && ((WORD_BLOOM[(tail ^ (tail >>> 16)) & 0xffff] as number) & 8) !== 0;
    for (const k of ENDING_LENGTHS) {
      if (!endsLikeStreet || i - s < k + 2 || !ENDING_TAILS.has(tail)) break;
      let e = 0;
      for (let j = i - k; j < i; j++) e = (Math.imul(e, 31) + lower.charCodeAt(j)) | 0;
      const weak = ANCHOR_ENDINGS.get(e);
      // a weak ending (`-ring`, `-gate`) counts only after a long stem ending in a consonant
      if (
        weak === false ||
        (weak === true && i - s - k >= 4 && !VOWEL_CODES.has(lower.charCodeAt(i - k - 1)))
      )
        return true;
    }
    lastRunCap = c >= 0xc0 || text.charCodeAt(s) !== c;
    lastRunStart = s;
    lastRunEnd = i;
    lastRunHash = h;
    lineStart = false;
    if (lastRunCap && s - lastDigitsEnd <= 3 && s > lastDigitsEnd) capBesideNumber = true;
  }
  return postcode && capBesideNumber;
}

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || isAnchorLetter(c);
}

/** A letter for the prefilter (lower case): ASCII letters and the Latin, Greek and Cyrillic blocks. */
function isAnchorLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 0xc0 && c < 0x2000 && c !== 0xd7 && c !== 0xf7);
}

function hashWord(word: string): number {
  let h = 0;
  for (let i = 0; i < word.length; i++) h = (Math.imul(h, 31) + word.charCodeAt(i)) | 0;
  return h;
}

const ANCHOR_WORDS: ReadonlySet<number> = new Set(
  [
    ...STREET_TYPES.keys(),
    ...[...STREET_TYPES].filter(([, t]) => t.numberBefore).map(([w]) => `${w}s`),
    // the prefilter reads `б-р`, `пр-т` as two words
    ...[...STREET_TYPES.keys()].flatMap((w) => (w.includes('-') ? w.split('-') : [])),
    ...PO_BOX_WORDS,
    'po',
    'pob',
    'gpo',
    'box',
    'post',
    'apo',
    'fpo',
    'dpo',
    ...SINGLE_WORD_CUES,
    ...ADMIN_AREAS,
  ].map(hashWord),
);
/** First words of form labels: anchors only where a line starts. */
const LABEL_WORDS: ReadonlySet<number> = new Set(
  [...FORM_LABELS.keys()].map((label) => hashWord(label.split(' ')[0] as string)),
);
const CUE_FIRST_HASHES: ReadonlySet<number> = new Set([...CUE_FIRST_WORDS].map(hashWord));
const CUE_SECOND_HASHES: ReadonlySet<number> = new Set(
  [...CUE_SECOND_WORDS].map((cue) => hashWord(cue.split(' ')[1] as string)),
);
/**
 * One byte per 16-bit slice of a hash: which of the sets above may hold it (bit 1 anchor words, 2 label
 * words, 4 second words of cues, 8 the last two letters of compound endings); most words: none.
 */
const WORD_BLOOM: Uint8Array = (() => {
  const bloom = new Uint8Array(1 << 16);
  const mark = (set: ReadonlySet<number>, bit: number): void => {
    for (const h of set) {
      const slot = (h ^ (h >>> 16)) & 0xffff;
      bloom[slot] = (bloom[slot] as number) | bit;
    }
  };
  mark(ANCHOR_WORDS, 1);
  mark(LABEL_WORDS, 2);
  mark(CUE_SECOND_HASHES, 4);
  mark(ENDING_TAILS, 8);
  return bloom;
})();
const ANCHOR_ENDINGS: ReadonlyMap<number, boolean> = new Map(
  COMPOUND_STREET_ENDINGS.map((e) => [hashWord(e.ending), e.weak]),
);
const VOWEL_CODES: ReadonlySet<number> = new Set([...'aeiouyäöüåæø-'].map((c) => c.charCodeAt(0)));
/** Ending lengths, shortest first. */
const ENDING_LENGTHS: readonly number[] = [
  ...new Set(COMPOUND_STREET_ENDINGS.map((e) => e.ending.length)),
].sort((a, b) => a - b);
