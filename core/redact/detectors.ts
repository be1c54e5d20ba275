/**
 * Entity detectors. Each one is linear in the field length: regexes are bounded and unambiguous (a test
 * runs recheck over every one in DETECTOR_PATTERNS), and the risky shapes (emails, PEM blocks, IPv6,
 * high-entropy tokens) are scanned procedurally instead. Global regexes keep `lastIndex` between calls, so
 * the module only holds frozen definitions and every `Detectors` instance runs its own copies.
 */
import { isIPv6 } from 'node:net';
import { FIRST_NAMES, STREET_SUFFIXES } from './lexicon.js';
import type { EntityType } from './scrub-types.js';

/** A candidate hit; `priority` breaks overlaps (higher wins), `norm` is the value the token is keyed on. */
export interface Candidate {
  type: EntityType;
  start: number;
  end: number;
  priority: number;
  norm: string;
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
    else if (c >= 65 && c <= 90) hasUpper = true;
  }
  return { digits, hasAt, hasColon, hasUpper, hasScheme: hasColon && text.includes('://'), hasEquals };
}

/** Named regexes, exported so the ReDoS test can analyse every one. Frozen: run copies (`Detectors`). */
export const DETECTOR_PATTERNS = freezePatterns({
  awsAccessKey: /\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA|ASCA)[A-Z0-9]{16}\b/g,
  awsSecretKey: /aws_?secret_?(?:access_?)?key["']?\s{0,3}[:=]\s{0,3}["']?([A-Za-z0-9/+]{40})/gi,
  github: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})/g,
  gitlab: /\bglpat-[A-Za-z0-9_-]{20,64}/g,
  slack: /\bxox[abposr]-[A-Za-z0-9-]{10,200}/g,
  slackWebhook: /hooks\.slack\.com\/services\/[A-Za-z0-9/]{10,200}/g,
  stripe: /\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,200}/g,
  openai: /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,200}/g,
  gcpApiKey: /\bAIza[0-9A-Za-z_-]{35}/g,
  gcpOauth: /\bya29\.[0-9A-Za-z_-]{20,300}/g,
  gcpKeyId: /"private_key_id"\s{0,3}:\s{0,3}"([a-f0-9]{40})"/g,
  azureAccountKey: /(?:AccountKey|SharedAccessKey|SharedAccessSignature)=([A-Za-z0-9+/=%]{20,200})/g,
  azureClientSecret: /\b[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34}/g,
  bearer: /\b[Bb]earer\s{1,3}([A-Za-z0-9._~+/-]{8,2000}=*)/g,
  keyValueSecret:
    /\b(password|passwd|pwd|passphrase|secret|client_?secret|token|access_?token|auth_?token|refresh_?token|api_?key|apikey)["']?\s{0,3}[:=]\s{0,3}("[^"\n]{1,200}"|'[^'\n]{1,200}'|[^\s,;&"'<>]{1,200})/gi,
  url: /\b[a-zA-Z][a-zA-Z0-9+.-]{1,20}:\/\/[^\s<>"'`]{1,2000}/g,
  card: /\b\d(?:[ -]?\d){12,18}\b/g,
  iban: /\b[A-Za-z]{2}\d{2}(?:[A-Za-z0-9]{11,30}|(?: [A-Za-z0-9]{4}){2,7}(?: [A-Za-z0-9]{1,4})?)\b/g,
  ssn: /\b\d{3}[- ]\d{2}[- ]\d{4}\b/g,
  ipv4: /\b(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\b/g,
  mac: /\b[0-9A-Fa-f]{2}(?:[:-][0-9A-Fa-f]{2}){5}\b/g,
  phone: /(?:[+(]|\b)\d[\d ().-]{5,20}\d\b/g,
  streetAddress: /\b\d{1,5}[A-Za-z]? (?:[A-Z][a-z]{1,20} ){1,3}([A-Z][a-z]{1,12})\b\.?/g,
  germanStreet:
    /\b[A-ZÄÖÜ][a-zäöüß]{2,30}(?:straße|strasse|weg|gasse|platz|allee|ring|damm) \d{1,4}[a-z]?\b/g,
  personTitle: /\b(?:Mr|Mrs|Ms|Miss|Dr|Prof)\.? [A-Z][a-z]{1,30}(?: [A-Z][a-z]{1,30})?/g,
  placeholder: /<[A-Z][A-Z0-9_]{1,30}(?::[0-9a-f]{6})?>/g,
} as const);

/** Freezes each definition, so running a shared one (which would write its `lastIndex`) throws. */
function freezePatterns<T extends Record<string, RegExp>>(patterns: T): Readonly<T> {
  for (const re of Object.values(patterns)) Object.freeze(re);
  return Object.freeze(patterns);
}

/** A fresh, runnable copy of each named pattern. */
function copyPatterns<T extends Record<string, RegExp>>(patterns: T): { readonly [K in keyof T]: RegExp } {
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
function collect(
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

const digitsOnly = (s: string) => s.replace(/\D/g, '');

/** Luhn checksum over a digit string. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** `body` (digits) followed by its Luhn check digit: synthetic cards for simulators, canaries and benchmarks. */
export function withLuhnDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = body.charCodeAt(body.length - 1 - i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return `${body}${(10 - (sum % 10)) % 10}`;
}

/** ISO 13616 mod-97 check of an IBAN (spaces removed, any case). */
export function ibanValid(raw: string): boolean {
  const iban = raw.replace(/ /g, '').toUpperCase();
  if (iban.length < 15 || iban.length > 34) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let rem = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    const v = code >= 65 ? code - 55 : code - 48;
    rem = v > 9 ? (rem * 100 + v) % 97 : (rem * 10 + v) % 97;
  }
  return rem === 1;
}

function ssnValid(raw: string): string | undefined {
  const d = digitsOnly(raw);
  const area = d.slice(0, 3);
  if (area === '000' || area === '666' || area[0] === '9') return undefined;
  if (d.slice(3, 5) === '00' || d.slice(5) === '0000') return undefined;
  return d;
}

const DATE_LIKE = /^(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4})$/;

function phoneValid(raw: string): string | undefined {
  const d = digitsOnly(raw);
  if (d.length < 7 || d.length > 15) return undefined;
  if (DATE_LIKE.test(raw.trim())) return undefined;
  const international = raw.startsWith('+');
  const hasSeparator = /[ ().-]/.test(raw);
  // Bare digit runs are only phones when they look like one (leading 0 national prefix, 10-11 digits).
  if (!international && !hasSeparator && !(d.startsWith('0') && d.length >= 10 && d.length <= 11))
    return undefined;
  // Dotted groups of 1-3 digits are versions or IPs, not phones.
  if (!international && /^\d{1,3}(?:\.\d{1,3})+$/.test(raw)) return undefined;
  if (!international && d.length < 10 && !raw.includes('-') && !raw.includes('(')) return undefined;
  return d;
}

/** Emails, scanned around each '@' (local part ≤ 64, domain ≤ 253): linear however the field looks. */
function emails(out: Candidate[], text: string): void {
  const isLocal = (c: number) =>
    (c >= 48 && c <= 57) ||
    (c >= 65 && c <= 90) ||
    (c >= 97 && c <= 122) ||
    c === 46 ||
    c === 95 ||
    c === 37 ||
    c === 43 ||
    c === 45;
  const isDomain = (c: number) =>
    (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 46 || c === 45;
  let at = text.indexOf('@');
  while (at !== -1) {
    let s = at;
    while (s > 0 && at - s < 64 && isLocal(text.charCodeAt(s - 1))) s--;
    while (s < at && text.charCodeAt(s) === 46) s++;
    let e = at + 1;
    while (e < text.length && e - at < 253 && isDomain(text.charCodeAt(e))) e++;
    while (e > at + 1 && (text.charCodeAt(e - 1) === 46 || text.charCodeAt(e - 1) === 45)) e--;
    const domain = text.slice(at + 1, e);
    const dot = domain.lastIndexOf('.');
    if (s < at && dot > 0 && /^[A-Za-z]{2,24}$/.test(domain.slice(dot + 1))) {
      out.push({ type: 'EMAIL', start: s, end: e, priority: 60, norm: text.slice(s, e).toLowerCase() });
    }
    at = text.indexOf('@', at + 1);
  }
}

/** PEM private key blocks, whole; an unterminated block runs to the end of the field. */
function privateKeys(out: Candidate[], text: string): void {
  let from = 0;
  for (;;) {
    const begin = text.indexOf('-----BEGIN', from);
    if (begin === -1) return;
    const headerEnd = text.indexOf('-----', begin + 10);
    const header = headerEnd === -1 ? '' : text.slice(begin, headerEnd);
    if (headerEnd === -1 || !header.includes('PRIVATE KEY') || header.length > 60) {
      from = begin + 10;
      continue;
    }
    const endMarker = text.indexOf('-----END', headerEnd + 5);
    let end = text.length;
    if (endMarker !== -1) {
      const close = text.indexOf('-----', endMarker + 8);
      end = close === -1 ? text.length : close + 5;
    }
    out.push({ type: 'PRIVATE_KEY', start: begin, end, priority: 100, norm: text.slice(begin, end) });
    from = end;
  }
}

/** JWTs: within each run of base64url characters and dots, three segments of which the first two start 'eyJ'. */
function jwts(out: Candidate[], text: string): void {
  const isPart = (c: number) =>
    (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45 || c === 46;
  let i = text.indexOf('eyJ');
  while (i !== -1 && i < text.length) {
    let j = i;
    while (j < text.length && isPart(text.charCodeAt(j))) j++;
    const parts = text.slice(i, j).split('.');
    let offset = i;
    for (let k = 0; k + 2 < parts.length; k++) {
      const [h, p, sig] = [parts[k] as string, parts[k + 1] as string, parts[k + 2] as string];
      if (h.startsWith('eyJ') && p.startsWith('eyJ') && h.length >= 8 && p.length >= 8 && sig.length >= 5) {
        const end = offset + h.length + p.length + sig.length + 2;
        out.push({ type: 'JWT', start: offset, end, priority: 97, norm: text.slice(offset, end) });
        break;
      }
      offset += h.length + 1;
    }
    i = text.indexOf('eyJ', j);
  }
}

/** IPv6 addresses: runs of hex digits, colons and dots with at least two colons, checked by node:net. */
function ipv6(out: Candidate[], text: string): void {
  const isPart = (c: number) =>
    (c >= 48 && c <= 58) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102) || c === 46;
  let i = 0;
  while (i < text.length) {
    if (!isPart(text.charCodeAt(i))) {
      i++;
      continue;
    }
    let j = i;
    let colons = 0;
    while (j < text.length && isPart(text.charCodeAt(j))) {
      if (text.charCodeAt(j) === 58) colons++;
      j++;
    }
    if (colons >= 2 && j - i <= 45) {
      let s = i;
      let e = j;
      while (e > s && text.charCodeAt(e - 1) === 46) e--;
      // a leading ':' belongs to the address only as part of '::'
      if (text.charCodeAt(s) === 58 && text.charCodeAt(s + 1) !== 58) s++;
      const value = text.slice(s, e);
      const prev = s > 0 ? text.charCodeAt(s - 1) : 32;
      const alnumBefore =
        (prev >= 65 && prev <= 90) || (prev >= 97 && prev <= 122) || (prev >= 48 && prev <= 57);
      if (!alnumBefore && isIPv6(value))
        out.push({ type: 'IPV6', start: s, end: e, priority: 58, norm: value.toLowerCase() });
    }
    i = j;
  }
}

/** Shannon entropy in bits per character. */
export function shannonEntropy(s: string): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < s.length; i++) counts.set(s.charCodeAt(i), (counts.get(s.charCodeAt(i)) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/**
 * Generic high-entropy tokens: runs of [A-Za-z0-9_+/=-] of 20-512 characters that mix letters and digits
 * (upper, lower and digits; or long hex; or long base64) with entropy near the maximum for their length.
 */
/** Characters of a generic token: [A-Za-z0-9_+/=-], as a lookup table over ASCII. */
const TOKEN_CHARS = (() => {
  const table = new Uint8Array(128);
  for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+/=-')
    table[ch.charCodeAt(0)] = 1;
  return table;
})();

function highEntropy(out: Candidate[], text: string): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c >= 128 || TOKEN_CHARS[c] === 0) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < n) {
      const d = text.charCodeAt(j);
      if (d >= 128 || TOKEN_CHARS[d] === 0) break;
      j++;
    }
    let s = i;
    let e = j;
    i = j;
    if (e - s < 20) continue;
    while (s < e && '/-+='.includes(text[s] as string)) s++;
    while (e > s && '/-'.includes(text[e - 1] as string)) e--;
    const len = e - s;
    if (len >= 20 && len <= 512) {
      const token = text.slice(s, e);
      const upper = /[A-Z]/.test(token);
      const lower = /[a-z]/.test(token);
      const digit = /\d/.test(token);
      // Long hex strings (API keys, hashes) top out at 4 bits/char; UUIDs (dashed) are kept as record ids.
      const hex = len >= 32 && /^[0-9a-fA-F]+$/.test(token);
      const shaped =
        (upper && lower && digit) || hex || (digit && (upper || lower) && /[+/]/.test(token) && len >= 30);
      const threshold = hex ? 3.3 : Math.min(4.0, Math.log2(len) - 0.7);
      if (shaped && shannonEntropy(token) >= threshold) {
        out.push({ type: 'SECRET', start: s, end: e, priority: 20, norm: token });
      }
    }
  }
}

/** URLs: userinfo is dropped (its parts reported), query values and the fragment are tokenised. */
function urls(out: Candidate[], text: string, re: RegExp): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    let url = m[0];
    while (url.length > 0 && '.,;:!?)]}'.includes(url[url.length - 1] as string)) url = url.slice(0, -1);
    const base = m.index;
    const authStart = url.indexOf('://') + 3;
    let authEnd = url.length;
    for (const ch of ['/', '?', '#']) {
      const k = url.indexOf(ch, authStart);
      if (k !== -1 && k < authEnd) authEnd = k;
    }
    const at = url.lastIndexOf('@', authEnd - 1);
    if (at >= authStart) {
      // userinfo is removed entirely, '@' included; a password inside it is reported as PASSWORD
      const colon = url.indexOf(':', authStart);
      if (colon !== -1 && colon < at) {
        out.push({
          type: 'URL_USERINFO',
          start: base + authStart,
          end: base + colon,
          priority: 90,
          norm: '',
          drop: true,
        });
        out.push({
          type: 'PASSWORD',
          start: base + colon,
          end: base + at + 1,
          priority: 90,
          norm: '',
          drop: true,
        });
      } else {
        out.push({
          type: 'URL_USERINFO',
          start: base + authStart,
          end: base + at + 1,
          priority: 90,
          norm: '',
          drop: true,
        });
      }
    }
    const q = url.indexOf('?', authEnd);
    const hash = url.indexOf('#', authEnd);
    const queryEnd = hash === -1 ? url.length : hash;
    if (q !== -1 && q < queryEnd) {
      let p = q + 1;
      while (p < queryEnd) {
        let amp = url.indexOf('&', p);
        if (amp === -1 || amp > queryEnd) amp = queryEnd;
        const eq = url.indexOf('=', p);
        if (eq !== -1 && eq < amp && amp > eq + 1) {
          const value = url.slice(eq + 1, amp);
          out.push({ type: 'URL_QUERY', start: base + eq + 1, end: base + amp, priority: 85, norm: value });
        }
        p = amp + 1;
      }
    }
    if (hash !== -1 && hash + 1 < url.length) {
      out.push({
        type: 'URL_FRAGMENT',
        start: base + hash + 1,
        end: base + url.length,
        priority: 85,
        norm: url.slice(hash + 1),
      });
    }
    re.lastIndex = base + Math.max(url.length, 1);
  }
}

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

/** Word scanners of `wordMatches` (global, so copied per `Detectors` like DETECTOR_PATTERNS). */
const WORD_PATTERNS = freezePatterns({
  word: /[\p{L}\p{N}_'-]+/gu,
  /** Words that start with a capital: all the lexicon needs when there are no org term lists. */
  capitalWord: /(?<![\p{L}\p{N}_'-])\p{Lu}[\p{L}\p{N}_'-]*/gu,
} as const);
const WORD_CHAR = /[\p{L}\p{N}_]/u;
const CAPITALISED = /^\p{Lu}\p{Ll}+$/u;

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

function wordMatches(
  out: Candidate[],
  text: string,
  lists: WordLists,
  facts: FieldFacts,
  lexicon: boolean,
  words: { readonly [K in keyof typeof WORD_PATTERNS]: RegExp },
): void {
  const { denyTerms, names } = lists;
  const hasLists = denyTerms.size > 0 || names.size > 0;
  // lexicon: a known first name followed by a capitalised word is a person
  const useLexicon = lexicon && facts.hasUpper;
  if (!hasLists && !useLexicon) return;
  const lower = hasLists ? text.toLowerCase() : '';
  let prev = '';
  let prevStart = -1;
  let prevEnd = -2;
  let prevIsFirstName = false;
  // Without term lists only capitalised words can matter; two of them are adjacent exactly when they
  // are adjacent words, since a word that does not start with a capital would lie between them.
  const re = hasLists ? words.word : words.capitalWord;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const w = m[0];
    const start = m.index;
    const end = start + w.length;
    if (hasLists) {
      const key = w.toLowerCase();
      if (denyTerms.size > 0) termMatch(out, denyTerms, key, lower, text, start, 'DENY_TERM', 70);
      if (names.size > 0) termMatch(out, names, key, lower, text, start, 'PERSON', 40);
    }
    if (useLexicon) {
      if (prevIsFirstName && start === prevEnd + 1 && CAPITALISED.test(w) && !STREET_SUFFIXES.has(w)) {
        out.push({ type: 'PERSON', start: prevStart, end, priority: 35, norm: `${prev} ${w}`.toLowerCase() });
      }
      // Given names are capitalised: only those words need the set lookup.
      const c = w.charCodeAt(0);
      prevIsFirstName = ((c >= 65 && c <= 90) || c > 127) && FIRST_NAMES.has(w);
      prev = w;
      prevStart = start;
      prevEnd = end;
    }
  }
}

/** Every enabled detector, with its own copies of the global regexes. */
export class Detectors {
  private readonly patterns = copyPatterns(DETECTOR_PATTERNS);
  private readonly words = copyPatterns(WORD_PATTERNS);
  private readonly noTerms: WordLists['denyTerms'] = new Map();

  constructor(
    private readonly enabled: (t: EntityType) => boolean,
    private readonly lists: WordLists,
  ) {}

  /**
   * Runs every enabled detector over a field. `facts` may be computed on less than the whole text (the
   * scrubber leaves out placeholders, whose candidates it discards anyway): they only skip detectors.
   */
  detect(text: string, facts: FieldFacts = factsOf(text)): Candidate[] {
    const out: Candidate[] = [];
    const f = facts;
    const P = this.patterns;
    const on = this.enabled;
    const lists = this.lists;
    if (on('PRIVATE_KEY') && text.includes('-----BEGIN')) privateKeys(out, text);
    if (f.hasScheme) urls(out, text, P.url);
    if (on('EMAIL') && f.hasAt) emails(out, text);
    if (f.hasUpper || f.digits > 0) {
      if (on('AWS_ACCESS_KEY')) collect(out, P.awsAccessKey, text, 'AWS_ACCESS_KEY', 95);
      if (on('GCP_KEY')) {
        collect(out, P.gcpApiKey, text, 'GCP_KEY', 95);
        collect(out, P.gcpOauth, text, 'GCP_KEY', 95);
      }
    }
    if (on('AWS_SECRET_KEY') && (f.hasEquals || f.hasColon))
      collect(out, P.awsSecretKey, text, 'AWS_SECRET_KEY', 96, 1);
    if (on('GCP_KEY') && text.includes('private_key_id')) collect(out, P.gcpKeyId, text, 'GCP_KEY', 95, 1);
    if (on('GITHUB_TOKEN')) collect(out, P.github, text, 'GITHUB_TOKEN', 95);
    if (on('GITLAB_TOKEN')) collect(out, P.gitlab, text, 'GITLAB_TOKEN', 95);
    if (on('SLACK_TOKEN')) {
      collect(out, P.slack, text, 'SLACK_TOKEN', 95);
      if (f.hasScheme) collect(out, P.slackWebhook, text, 'SLACK_TOKEN', 95);
    }
    if (on('STRIPE_KEY')) collect(out, P.stripe, text, 'STRIPE_KEY', 95);
    if (on('OPENAI_KEY')) collect(out, P.openai, text, 'OPENAI_KEY', 94);
    if (on('AZURE_KEY')) {
      if (f.hasEquals) collect(out, P.azureAccountKey, text, 'AZURE_KEY', 95, 1);
      if (text.includes('Q~')) collect(out, P.azureClientSecret, text, 'AZURE_KEY', 95);
    }
    if (on('JWT') && text.includes('eyJ')) jwts(out, text);
    if (on('BEARER_TOKEN')) collect(out, P.bearer, text, 'BEARER_TOKEN', 93, 1);
    if (f.hasEquals || f.hasColon) {
      const re = P.keyValueSecret;
      re.lastIndex = 0;
      for (let m = re.exec(text); m !== null; m = re.exec(text)) {
        const key = (m[1] as string).toLowerCase();
        let value = m[2] as string;
        let start = m.index + m[0].length - value.length;
        if ((value.startsWith('"') || value.startsWith("'")) && value.length >= 2) {
          value = value.slice(1, -1);
          start += 1;
        }
        const type: EntityType = key.startsWith('pass') || key === 'pwd' ? 'PASSWORD' : 'SECRET';
        if (value !== '' && on(type))
          out.push({ type, start, end: start + value.length, priority: 80, norm: value });
      }
    }
    if (f.digits >= 12) {
      if (on('CARD')) {
        collect(out, P.card, text, 'CARD', 75, 0, (v) => {
          const d = digitsOnly(v);
          return d.length >= 13 && d.length <= 19 && luhnValid(d) ? d : undefined;
        });
      }
    }
    if (f.digits >= 2 && on('IBAN')) {
      collect(out, P.iban, text, 'IBAN', 76, 0, (v) =>
        ibanValid(v) ? v.replace(/ /g, '').toUpperCase() : undefined,
      );
    }
    if (f.digits >= 9 && on('SSN')) collect(out, P.ssn, text, 'SSN', 72, 0, ssnValid);
    if (f.digits >= 4 && on('IPV4')) collect(out, P.ipv4, text, 'IPV4', 56);
    if (f.hasColon && on('IPV6')) ipv6(out, text);
    if (on('MAC') && (f.hasColon || text.includes('-')))
      collect(out, P.mac, text, 'MAC', 57, 0, (v) => v.toLowerCase());
    if (f.digits >= 7 && on('PHONE')) collect(out, P.phone, text, 'PHONE', 50, 0, phoneValid);
    if (f.hasUpper && on('ADDRESS')) {
      if (f.digits > 0) {
        collect(out, P.streetAddress, text, 'ADDRESS', 45, 0, (v) => {
          const suffix = /([A-Z][a-z]+)\.?$/.exec(v)?.[1];
          return suffix && STREET_SUFFIXES.has(suffix) ? v.toLowerCase() : undefined;
        });
        collect(out, P.germanStreet, text, 'ADDRESS', 45, 0, (v) => v.toLowerCase());
      }
    }
    if (on('PERSON') && f.hasUpper)
      collect(out, P.personTitle, text, 'PERSON', 38, 0, (v) => v.toLowerCase());
    if (on('PERSON') || on('DENY_TERM')) {
      wordMatches(
        out,
        text,
        {
          denyTerms: on('DENY_TERM') ? lists.denyTerms : this.noTerms,
          names: on('PERSON') ? lists.names : this.noTerms,
        },
        f,
        on('PERSON'),
        this.words,
      );
    }
    if (on('SECRET') && text.length >= 20) highEntropy(out, text);
    return out;
  }
}
