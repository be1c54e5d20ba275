/**
 * Structured values for the redaction corpus, with their check digits computed here (not by the detectors'
 * validators, so a validator bug cannot hide itself): cards of every length 12-19, IBANs of several
 * countries, US SSNs and national ids with checksums, IP addresses, and the obfuscations people and tools
 * produce (full-width forms, NBSP, zero-width characters, `＠`).
 */
import type { Dice } from '../../agent/simulator/values.js';
import type { CorpusLocale } from './held-out-pools.js';

const DIGITS = '0123456789';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const HEX = '0123456789abcdef';

/** Fills a faker-style pattern: `#` any digit, `!` a digit 2-9, `?` an upper-case letter. */
export function fillPattern(d: Dice, pattern: string): string {
  let out = '';
  for (const ch of pattern) {
    if (ch === '#') out += d.chars(DIGITS, 1);
    else if (ch === '!') out += String(d.int(2, 9));
    else if (ch === '?') out += d.chars(UPPER, 1);
    else out += ch;
  }
  return out;
}

/** The Luhn check digit that completes `body`. */
export function luhnDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let v = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      v *= 2;
      if (v > 9) v -= 9;
    }
    sum += v;
  }
  return String((10 - (sum % 10)) % 10);
}

/** Card schemes: prefix choices and the lengths each issues. */
const CARD_SCHEMES: readonly { prefixes: readonly string[]; lengths: readonly number[] }[] = [
  { prefixes: ['4'], lengths: [13, 16, 19] },
  { prefixes: ['51', '52', '53', '54', '55', '2221', '2720'], lengths: [16] },
  { prefixes: ['34', '37'], lengths: [15] },
  { prefixes: ['6011', '65'], lengths: [16, 19] },
  { prefixes: ['36', '38'], lengths: [14] },
  { prefixes: ['3528', '3589'], lengths: [16, 17, 18, 19] },
  { prefixes: ['62'], lengths: [16, 17, 18, 19] },
  // Maestro issues every length from 12 to 19.
  { prefixes: ['50', '56', '57', '58', '6759', '6761', '6763'], lengths: [12, 13, 14, 15, 16, 17, 18, 19] },
];

/** A Luhn-valid card number of the given length (12-19), grouped the way people type it. */
export function cardNumber(d: Dice, length?: number): string {
  const wanted = length ?? d.int(12, 19);
  const fits = CARD_SCHEMES.filter((s) => s.lengths.includes(wanted));
  const scheme = d.pick(fits);
  const prefix = d.pick(scheme.prefixes);
  const body = prefix + d.chars(DIGITS, wanted - prefix.length - 1);
  const pan = body + luhnDigit(body);
  const style = d.int(0, 2);
  if (style === 0) return pan;
  const sep = style === 1 ? ' ' : '-';
  if (wanted === 15 && prefix.startsWith('3'))
    return [pan.slice(0, 4), pan.slice(4, 10), pan.slice(10)].join(sep);
  return (pan.match(/.{1,4}/g) as string[]).join(sep);
}

/** IBAN BBAN shapes per country: `n` digits, `a` upper-case letters, `c` alphanumerics. */
const IBAN_SHAPES: Readonly<Record<string, string>> = {
  DE: '18n',
  GB: '4a14n',
  FR: '10n11c2n',
  ES: '20n',
  IT: '1a10n12c',
  NL: '4a10n',
  BE: '12n',
  AT: '16n',
  CH: '5n12c',
  PL: '24n',
  PT: '21n',
  FI: '14n',
  SE: '20n',
  NO: '11n',
  DK: '14n',
  CZ: '20n',
  HU: '24n',
  GR: '7n16c',
  RO: '4a16c',
  TR: '5n1n16c',
  IE: '4a14n',
};

function mod97(numeric: string): number {
  let rem = 0;
  for (const ch of numeric) rem = (rem * 10 + Number(ch)) % 97;
  return rem;
}

const asDigits = (s: string): string => s.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));

/** An ISO 13616 IBAN (mod-97 valid) of `country` (random among several when absent), grouped or compact. */
export function iban(d: Dice, country?: string): string {
  const cc = country ?? d.pick(Object.keys(IBAN_SHAPES));
  const shape = IBAN_SHAPES[cc] ?? '18n';
  let bban = '';
  for (const [, n, kind] of shape.matchAll(/(\d+)([nac])/g)) {
    const alphabet = kind === 'n' ? DIGITS : kind === 'a' ? UPPER : DIGITS + UPPER;
    bban += d.chars(alphabet, Number(n));
  }
  const check = String(98 - mod97(asDigits(`${bban}${cc}00`))).padStart(2, '0');
  const compact = `${cc}${check}${bban}`;
  return d.chance(0.6) ? (compact.match(/.{1,4}/g) as string[]).join(' ') : compact;
}

/** A US SSN outside the never-issued ranges (000, 666, 9xx areas; zero group or serial). */
export function ssn(d: Dice): string {
  let area = d.int(1, 899);
  if (area === 666) area = 667;
  const a = String(area).padStart(3, '0');
  const g = String(d.int(1, 99)).padStart(2, '0');
  const s = String(d.int(1, 9999)).padStart(4, '0');
  return d.chance(0.8) ? `${a}-${g}-${s}` : `${a} ${g} ${s}`;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** A national id of a country, with its checksum; `country` names the scheme. */
export interface NationalId {
  readonly country: string;
  readonly value: string;
}

function weighted(digits: string, weights: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += Number(digits[i]) * (weights[i] as number);
  return sum;
}

const NATIONAL_IDS: Readonly<Record<string, (d: Dice) => string>> = {
  /** Finnish henkilötunnus: DDMMYY, century sign, individual number, check character (mod 31). */
  FI(d) {
    const date = `${pad2(d.int(1, 28))}${pad2(d.int(1, 12))}${pad2(d.int(0, 99))}`;
    const ind = String(d.int(2, 899)).padStart(3, '0');
    const chars = '0123456789ABCDEFHJKLMNPRSTUVWXY';
    return `${date}${d.pick(['-', 'A'])}${ind}${chars[Number(date + ind) % 31]}`;
  },
  /** Swedish personnummer: YYMMDD-NNNC, Luhn over the ten digits. */
  SE(d) {
    const body = `${pad2(d.int(0, 99))}${pad2(d.int(1, 12))}${pad2(d.int(1, 28))}${String(d.int(0, 999)).padStart(3, '0')}`;
    return `${body.slice(0, 6)}-${body.slice(6)}${luhnDigit(body)}`;
  },
  /** Dutch BSN: nine digits passing the 11-test. */
  NL(d) {
    for (;;) {
      const eight = d.chars(DIGITS, 8);
      const rest = weighted(eight, [9, 8, 7, 6, 5, 4, 3, 2]) % 11;
      if (rest === 10) continue;
      return `${eight}${rest}`;
    }
  },
  /** Spanish DNI: eight digits and the mod-23 letter. */
  ES(d) {
    const n = d.int(10_000_000, 99_999_999);
    return `${n}${'TRWAGMYFPDXBNJZSQVHLCKE'[n % 23]}`;
  },
  /** Brazilian CPF: nine digits and two mod-11 check digits, written 000.000.000-00. */
  BR(d) {
    let base = d.chars(DIGITS, 9);
    for (const len of [9, 10]) {
      let sum = 0;
      for (let i = 0; i < len; i++) sum += Number(base[i]) * (len + 1 - i);
      const r = (sum * 10) % 11;
      base += String(r === 10 ? 0 : r);
    }
    return `${base.slice(0, 3)}.${base.slice(3, 6)}.${base.slice(6, 9)}-${base.slice(9)}`;
  },
  /** Polish PESEL: YYMMDD, serial, check digit with weights 1,3,7,9. */
  PL(d) {
    const body = `${pad2(d.int(40, 99))}${pad2(d.int(1, 12))}${pad2(d.int(1, 28))}${d.chars(DIGITS, 4)}`;
    const sum = weighted(body, [1, 3, 7, 9, 1, 3, 7, 9, 1, 3]);
    return `${body}${(10 - (sum % 10)) % 10}`;
  },
  /** Norwegian fødselsnummer: DDMMYY, individual number, two mod-11 control digits. */
  NO(d) {
    for (;;) {
      const nine = `${pad2(d.int(1, 28))}${pad2(d.int(1, 12))}${pad2(d.int(0, 99))}${d.chars(DIGITS, 3)}`;
      const k1 = 11 - (weighted(nine, [3, 7, 6, 1, 8, 9, 4, 5, 2]) % 11);
      const c1 = k1 === 11 ? 0 : k1;
      if (c1 === 10) continue;
      const ten = `${nine}${c1}`;
      const k2 = 11 - (weighted(ten, [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]) % 11);
      const c2 = k2 === 11 ? 0 : k2;
      if (c2 === 10) continue;
      return `${ten}${c2}`;
    }
  },
  /** Romanian CNP: sex/century digit, YYMMDD, county, serial, check digit (weights 279146358279). */
  RO(d) {
    const body = `${d.int(1, 6)}${pad2(d.int(0, 99))}${pad2(d.int(1, 12))}${pad2(d.int(1, 28))}${pad2(d.int(1, 46))}${String(d.int(1, 999)).padStart(3, '0')}`;
    const r = weighted(body, [2, 7, 9, 1, 4, 6, 3, 5, 8, 2, 7, 9]) % 11;
    return `${body}${r === 10 ? 1 : r}`;
  },
  /** Turkish T.C. Kimlik No: eleven digits with two check digits. */
  TR(d) {
    const nine = `${d.int(1, 9)}${d.chars(DIGITS, 8)}`;
    const odd = weighted(nine, [1, 0, 1, 0, 1, 0, 1, 0, 1]);
    const even = weighted(nine, [0, 1, 0, 1, 0, 1, 0, 1, 0]);
    const c10 = (((odd * 7 - even) % 10) + 10) % 10;
    const ten = `${nine}${c10}`;
    let sum = 0;
    for (const ch of ten) sum += Number(ch);
    return `${ten}${sum % 10}`;
  },
  /** Chinese resident identity number: 17 digits and an ISO 7064 MOD 11-2 check character. */
  CN(d) {
    const body = `${d.int(11, 65)}${d.chars(DIGITS, 4)}${d.int(1950, 2005)}${pad2(d.int(1, 12))}${pad2(d.int(1, 28))}${d.chars(DIGITS, 3)}`;
    const sum = weighted(body, [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]);
    return `${body}${'10X98765432'[sum % 11]}`;
  },
  /** French NIR: sex, YY, MM, department, commune, order, and the mod-97 key. */
  FR(d) {
    const body = `${d.int(1, 2)}${pad2(d.int(0, 99))}${pad2(d.int(1, 12))}${pad2(d.int(1, 95))}${String(d.int(1, 999)).padStart(3, '0')}${String(d.int(1, 999)).padStart(3, '0')}`;
    const key = pad2(97 - mod97(body));
    return `${body.slice(0, 1)} ${body.slice(1, 3)} ${body.slice(3, 5)} ${body.slice(5, 7)} ${body.slice(7, 10)} ${body.slice(10)} ${key}`;
  },
  /** UK National Insurance number: two prefix letters, six digits, suffix A-D. */
  GB(d) {
    const prefix = d.chars('ABCEGHJKLMNPRSTWXYZ', 2);
    const n = d.chars(DIGITS, 6);
    const suffix = d.chars('ABCD', 1);
    return d.chance(0.5)
      ? `${prefix} ${n.slice(0, 2)} ${n.slice(2, 4)} ${n.slice(4)} ${suffix}`
      : `${prefix}${n}${suffix}`;
  },
  /** Czech rodné číslo: YYMMDD/XXXX, the ten digits divisible by 11. */
  CZ(d) {
    for (;;) {
      const date = `${pad2(d.int(54, 99))}${pad2(d.int(1, 12) + (d.chance(0.5) ? 50 : 0))}${pad2(d.int(1, 28))}`;
      const three = d.chars(DIGITS, 3);
      const check = Number(date + three) % 11;
      if (check === 10) continue;
      return `${date}/${three}${check}`;
    }
  },
};

/** The national-id schemes the corpus plants, by country code. */
export const NATIONAL_ID_COUNTRIES: readonly string[] = Object.keys(NATIONAL_IDS);

/** A national id with a valid checksum, of `country` when it has a scheme, else of a random one. */
export function nationalId(d: Dice, country?: string): NationalId {
  const cc = country && NATIONAL_IDS[country] ? country : d.pick(NATIONAL_ID_COUNTRIES);
  return { country: cc, value: (NATIONAL_IDS[cc] as (d: Dice) => string)(d) };
}

/** A public-looking IPv4 address (no 0.x, 127.x, or multicast first octets). */
export function ipv4(d: Dice): string {
  let first = d.int(1, 223);
  if (first === 127 || first === 10) first += 1;
  return `${first}.${d.int(0, 255)}.${d.int(0, 255)}.${d.int(1, 254)}`;
}

/** An IPv6 address, full or `::`-compressed. */
export function ipv6(d: Dice): string {
  const groups = Array.from({ length: 8 }, () => d.chars(HEX, d.int(1, 4)));
  groups[0] = `2${d.chars(HEX, 3)}`;
  if (d.chance(0.5)) return groups.join(':');
  const keep = d.int(2, 4);
  return `${groups.slice(0, keep).join(':')}::${groups.slice(8 - d.int(1, 3)).join(':')}`;
}

/** Ways a value is obfuscated in the wild: copy-paste from rich text, IMEs, deliberate evasion. */
export type Obfuscation = 'fullwidth' | 'nbsp' | 'zero-width' | 'fullwidth-at';

/** Rewrites ASCII letters, digits and punctuation as their full-width forms. */
function fullWidth(s: string, digitsOnly: boolean): string {
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    const isDigit = c >= 48 && c <= 57;
    out += (digitsOnly ? isDigit : c > 32 && c < 127) ? String.fromCharCode(c + 0xfee0) : ch;
  }
  return out;
}

/** Applies an obfuscation to a value (the span label then covers the obfuscated text). */
export function obfuscate(d: Dice, value: string, how: Obfuscation): string {
  switch (how) {
    case 'fullwidth':
      return fullWidth(value, d.chance(0.5));
    case 'nbsp':
      return value.includes(' ') ? value.replace(/ /g, '\u00a0') : value.replace(/-/g, '\u00a0');
    case 'zero-width': {
      const at = d.int(1, Math.max(1, value.length - 1));
      return `${value.slice(0, at)}${d.pick(['\u200b', '\u200c', '\u200d', '\u2060'])}${value.slice(at)}`;
    }
    case 'fullwidth-at':
      return value.includes('@') ? value.replace('@', '＠') : fullWidth(value, true);
  }
}

/** The IBAN country of a locale's banks, where `iban` knows its scheme. */
export const IBAN_COUNTRY_OF_LOCALE: Partial<Record<CorpusLocale, string>> = {
  en_GB: 'GB',
  de: 'DE',
  fr: 'FR',
  es: 'ES',
  it: 'IT',
  pt_PT: 'PT',
  nl: 'NL',
  fi: 'FI',
  sv: 'SE',
  nb_NO: 'NO',
  da: 'DK',
  pl: 'PL',
  cs_CZ: 'CZ',
  hu: 'HU',
  el: 'GR',
  tr: 'TR',
  ro: 'RO',
};

/** The national-id scheme of a locale's country, where `nationalId` knows one. */
export const ID_COUNTRY_OF_LOCALE: Partial<Record<CorpusLocale, string>> = {
  en_GB: 'GB',
  fr: 'FR',
  es: 'ES',
  pt_BR: 'BR',
  nl: 'NL',
  fi: 'FI',
  sv: 'SE',
  nb_NO: 'NO',
  pl: 'PL',
  cs_CZ: 'CZ',
  tr: 'TR',
  zh_CN: 'CN',
  ro: 'RO',
};
