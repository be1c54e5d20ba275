/**
 * Structured PII: emails, phones, payment cards, IBANs, US SSNs, national ids, IP and MAC addresses.
 * Patterns are validated (Luhn, mod-97, national checksums) before they count, and scored: a shape that
 * only says "a number" (`8123 4567`, a bare 11-digit run) needs a context word near it (`call me on`,
 * `PESEL`) to reach the threshold, while strong shapes (`+44 …`, `(555) 123-4567`, a Finnish henkilötunnus
 * with its check character) stand on their own.
 */
import { isIPv6 } from 'node:net';
import {
  type Candidate,
  collect,
  copyPatterns,
  type DetectorLayer,
  digitsOnly,
  type Enabled,
  type FieldFacts,
  freezePatterns,
} from './common.js';
import { type ContextCues, compileCues, contextScore } from './context.js';

/** Named regexes, exported so the ReDoS test can analyse every one. Frozen: layers run copies. */
export const PII_PATTERNS = freezePatterns({
  /** Not after `+`: `+52 832 59 84 5888` is an international phone, whatever its Luhn digit says. */
  card: /(?<![\p{L}\p{N}_.,+-])\d(?:[ -]?\d){11,18}(?![\p{L}\p{N}_])/gu,
  iban: /\b[A-Za-z]{2}\d{2}(?:[A-Za-z0-9]{11,30}|(?:[ -][A-Za-z0-9]{4}){2,7}(?:[ -][A-Za-z0-9]{1,4})?)\b/g,
  ssn: /\b\d{3}[- ]\d{2}[- ]\d{4}\b/g,
  ipv4: /(?<![\w.]|[A-Za-z]\/)(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?!\w|\.\d)/g,
  mac: /\b[0-9A-Fa-f]{2}(?:[:-][0-9A-Fa-f]{2}){5}\b/g,
  /** A run of digits and phone separators, with an optional `+`/`(` lead and an extension. */
  phoneRun:
    /(?<![\p{L}\p{N}_.,+/-])(?:\+|\(\+?)?\d[\d ()./-]{4,28}\d(?:[ .]?(?:[Xx]|[Ee]xt\.?|[Ee]xtn\.?|[Ee]xtension|#) ?\d{1,6})?(?![\p{L}\p{N}_])/gu,
  phoneExtension: /[ .]?(?:x|ext\.?|extn\.?|extension|#) ?\d{1,6}$/i,
  phoneSeparatorOk: /^(?:[ .-]?[()][ .-]?|\) \()$/,
  phoneSeparator: /[ .()/-]/,
  /** The user part of a SIP URI that is a telephone number: `+12566816604`, `05545503337`. */
  sipNumber: /^\+?\d{6,15}$/,
  phoneLabel: /(?:^|[^\p{L}\p{N}])(?:[tmpowhdfc]|ph|tf)\.? ?: ?$/iu,
  // Signature lines label without a colon, in capitals at the line's start: `M 0176 1234567 | E …`.
  phoneLineLabel: /(?:^|\n)[ \t]{0,3}(?:[TMPWHDFC]|Ph|Tel|Mob)\.? $/u,
  dateLike:
    /^(?:(?:1[89]|20)\d\d[-./ ]\d{1,2}[-./ ]\d{1,2}|\d{1,2}[-./ ]\d{1,2}[-./ ](?:(?:1[89]|20)\d\d|\d{2}))$/,
  yearRange: /^(?:1[89]|20)\d\d ?[-/] ?(?:1[89]|20)\d\d$/,
  compactDate: /^(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])$/,
  dottedVersion: /^\d{1,5}(?:\.\d{1,6}){2,}$/,
  nanp: /^1?[-. ]?(?:\(\d{3}\) ?\d{3}-|\d{3}-\d{3}-|\d{3}\.\d{3}\.)\d{4}$/,
  frenchPairs: /^0\d([ .-])\d\d(?:\1\d\d){3}$/,
  areaInParens: /^(?:\d{1,2} ?)?\(\d{2,5}\)[ .-]?\d/,
  idSixFour: /\b(?:\d{2})?\d{6}[-+ ]?\d{4}\b/g,
  idEleven: /\b\d{6}[-+ ]?\d{5}\b/g,
  idNine: /\b\d{3}[ .]?\d{3}[ .]?\d{3}\b/g,
  idThirteen: /\b[1-9]\d{12}\b/g,
  cnResidentId: /\b\d{17}[\dXx]\b/g,
  idTwelve: /\b[2-9]\d{3}[ -]?\d{4}[ -]?\d{4}\b/g,
  frNir: /\b[1-478] ?\d{2} ?(?:0[1-9]|1[0-2]|[2-9]\d) ?(?:\d{2}|2[ABab]) ?\d{3} ?\d{3} ?\d{2}\b/g,
  brCpf: /\b\d{3}\.\d{3}\.\d{3}-\d{2}\b/g,
  beNational: /\b\d{2}\.\d{2}\.\d{2}[-. ]\d{3}[-. ]\d{2}\b/g,
  czBirthNumber: /\b\d{6}\/\d{3,4}\b/g,
  fiHetu: /\b\d{6}[-+A-FU-Y]\d{3}[0-9A-FHJ-NPR-Y]\b/g,
  ukNino: /\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b/g,
  esDniNie: /\b(?:\d{8}|[XYZxyz]\d{7})[- ]?[A-HJ-NP-TV-Za-hj-np-tv-z]\b/g,
  itFiscalCode:
    /\b[A-Za-z]{6}[0-9LMNP-Vlmnp-v]{2}[A-EHLMPR-Ta-ehlmpr-t][0-9LMNP-Vlmnp-v]{2}[A-Za-z][0-9LMNP-Vlmnp-v]{3}[A-Za-z]\b/g,
} as const);

// ---------------------------------------------------------------------------------------------------
// Checksums

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

/** IBAN length per country (ISO 13616 registry); a listed country with another length is no IBAN. */
const IBAN_LENGTHS: ReadonlyMap<string, number> = new Map(
  [
    'AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DK18 DO28 EE20 ',
    'EG29 ES24 FI18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HR21 HU28 IE22 IL23 IQ23 IS26 IT27 JO30 ',
    'KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 MC27 MD24 ME22 MK19 MR27 MT31 MU30 NL18 NO15 PK24 PL28 ',
    'PS29 PT25 QA29 RO24 RS22 SA24 SC31 SE24 SI19 SK24 SM27 ST25 SV28 TL23 TN24 TR26 UA29 VA22 VG24 ',
    'XK20',
  ]
    .join('')
    .split(' ')
    .map((e) => [e.slice(0, 2), Number(e.slice(2))]),
);

/** ISO 13616 mod-97 check of an IBAN (spaces and dashes removed, any case), with its country's length. */
export function ibanValid(raw: string): boolean {
  const iban = raw.replace(/[ -]/g, '').toUpperCase();
  if (iban.length < 15 || iban.length > 34) return false;
  const expected = IBAN_LENGTHS.get(iban.slice(0, 2));
  if (expected !== undefined && expected !== iban.length) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let rem = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    const v = code >= 65 ? code - 55 : code - 48;
    rem = v > 9 ? (rem * 100 + v) % 97 : (rem * 10 + v) % 97;
  }
  return rem === 1;
}

const VERHOEFF_D = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
  [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
  [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
  [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
  [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
  [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
] as const;
const VERHOEFF_P = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
  [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
  [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
  [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
] as const;

/** Verhoeff checksum (Indian Aadhaar). */
export function verhoeffValid(digits: string): boolean {
  let c = 0;
  for (let i = 0; i < digits.length; i++) {
    const d = digits.charCodeAt(digits.length - 1 - i) - 48;
    c = VERHOEFF_D[c]?.[VERHOEFF_P[i % 8]?.[d] ?? 0] ?? 0;
  }
  return c === 0;
}

/** Sum of digit × weight. */
const weighted = (digits: string, weights: readonly number[]): number =>
  weights.reduce((sum, w, i) => sum + w * (digits.charCodeAt(i) - 48), 0);
const num = (s: string): number => Number.parseInt(s, 10);
const validDay = (day: number, month: number): boolean => month >= 1 && month <= 12 && day >= 1 && day <= 31;
const repeated = (d: string): boolean => /^(\d)\1*$/.test(d);

const HETU_CHECK = '0123456789ABCDEFHJKLMNPRSTUVWXY';
const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';
const CF_ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];
const CF_OMOCODE = 'LMNPQRSTUV';

/**
 * National-id checks, each on the value with separators removed (upper case). Exported for tests; each
 * says whether the checksum (or, where none exists, the shape and date) holds.
 */
export const ID_CHECKS = {
  /** Finnish henkilötunnus DDMMYYCZZZQ: check character = DDMMYYZZZ mod 31. */
  fiHetu: (v: string): boolean =>
    v.length === 11 &&
    validDay(num(v.slice(0, 2)), num(v.slice(2, 4))) &&
    HETU_CHECK[num(v.slice(0, 6) + v.slice(7, 10)) % 31] === v[10],
  /** Swedish personnummer (YY)YYMMDDNNNC: Luhn over the last ten digits; day + 60 for coordination numbers. */
  sePersonnummer: (d: string): boolean => {
    const t = d.slice(-10);
    const day = num(t.slice(4, 6));
    return (
      (d.length === 10 || d.length === 12) &&
      validDay(day > 60 ? day - 60 : day, num(t.slice(2, 4))) &&
      luhnValid(t)
    );
  },
  /** Norwegian fødselsnummer DDMMYYIIIKK: two mod-11 check digits; D-numbers add 40 to the day. */
  noFodselsnummer: (d: string): boolean => {
    if (d.length !== 11) return false;
    const day = num(d.slice(0, 2));
    const month = num(d.slice(2, 4));
    if (!validDay(day > 40 ? day - 40 : day, month > 40 ? month - 40 : month)) return false;
    const k1 = (11 - (weighted(d, [3, 7, 6, 1, 8, 9, 4, 5, 2]) % 11)) % 11;
    const k2 = (11 - (weighted(d, [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]) % 11)) % 11;
    return k1 !== 10 && k2 !== 10 && k1 === num(d[9] as string) && k2 === num(d[10] as string);
  },
  /** Danish CPR DDMMYYSSSS: no checksum since 2007, so shape and date only. */
  dkCpr: (d: string): boolean => d.length === 10 && validDay(num(d.slice(0, 2)), num(d.slice(2, 4))),
  /** Dutch BSN: the 11-test (9·d1 + … + 2·d8 − d9 divisible by 11). */
  nlBsn: (d: string): boolean =>
    d.length === 9 && !repeated(d) && weighted(d, [9, 8, 7, 6, 5, 4, 3, 2, -1]) % 11 === 0,
  /** Spanish DNI (8 digits + letter) and NIE (X/Y/Z + 7 digits + letter): letter = number mod 23. */
  esDniNie: (v: string): boolean => {
    if (v.length !== 9) return false;
    const lead = 'XYZ'.indexOf(v[0] as string);
    const n = num((lead >= 0 ? String(lead) : (v[0] as string)) + v.slice(1, 8));
    return DNI_LETTERS[n % 23] === v[8];
  },
  /** Italian codice fiscale: check letter from the odd/even position values of the first 15. */
  itFiscalCode: (v: string): boolean => {
    if (v.length !== 16) return false;
    let sum = 0;
    for (let i = 0; i < 15; i++) {
      const c = v.charCodeAt(i);
      const n = c <= 57 ? c - 48 : c - 65;
      sum += i % 2 === 0 ? (CF_ODD[n] ?? 0) : n;
    }
    // omocodia letters stand for digits of the date and place
    const date = [6, 7, 9, 10].map((i) => {
      const c = v[i] as string;
      const k = CF_OMOCODE.indexOf(c);
      return k >= 0 ? k : num(c);
    });
    const month = 'ABCDEHLMPRST'.indexOf(v[8] as string) + 1;
    const day = (date[2] ?? 0) * 10 + (date[3] ?? 0);
    return validDay(day > 40 ? day - 40 : day, month) && String.fromCharCode(65 + (sum % 26)) === v[15];
  },
  /** French NIR: 13 digits (Corsica 2A/2B read as 19/18) and key = 97 − (number mod 97). */
  frNir: (v: string): boolean => {
    if (v.length !== 15) return false;
    const body = v.slice(0, 13).replace('2A', '19').replace('2B', '18');
    if (!/^\d{13}$/.test(body)) return false;
    return 97 - Number(BigInt(body) % 97n) === num(v.slice(13));
  },
  /** Polish PESEL: weights 1,3,7,9 repeated; month carries the century (+20, +40, +60, +80). */
  plPesel: (d: string): boolean => {
    if (d.length !== 11) return false;
    const month = num(d.slice(2, 4)) % 20;
    const check = (10 - (weighted(d, [1, 3, 7, 9, 1, 3, 7, 9, 1, 3]) % 10)) % 10;
    return validDay(num(d.slice(4, 6)), month) && check === num(d[10] as string);
  },
  /** Portuguese NIF: mod-11 check digit, first digit a valid taxpayer class. */
  ptNif: (d: string): boolean => {
    if (d.length !== 9 || !/^[1235689]|^(?:45|7[0-24579]|9[01])/.test(d)) return false;
    const r = 11 - (weighted(d, [9, 8, 7, 6, 5, 4, 3, 2]) % 11);
    return (r >= 10 ? 0 : r) === num(d[8] as string);
  },
  /** Brazilian CPF: two mod-11 check digits; repdigits are invalid. */
  brCpf: (d: string): boolean => {
    if (d.length !== 11 || repeated(d)) return false;
    const c1 = ((weighted(d, [10, 9, 8, 7, 6, 5, 4, 3, 2]) * 10) % 11) % 10;
    const c2 = ((weighted(d, [11, 10, 9, 8, 7, 6, 5, 4, 3, 2]) * 10) % 11) % 10;
    return c1 === num(d[9] as string) && c2 === num(d[10] as string);
  },
  /** Indian Aadhaar: 12 digits, first 2-9, Verhoeff. */
  inAadhaar: (d: string): boolean => d.length === 12 && /^[2-9]/.test(d) && verhoeffValid(d),
  /** Belgian national number YYMMDDSSSCC: CC = 97 − (first nine mod 97), with a 2 prefixed after 2000. */
  beNational: (d: string): boolean => {
    if (d.length !== 11) return false;
    const month = num(d.slice(2, 4)) % 20;
    if (month > 12) return false;
    const check = num(d.slice(9));
    return 97 - (num(d.slice(0, 9)) % 97) === check || 97 - (num(`2${d.slice(0, 9)}`) % 97) === check;
  },
  /** Czech/Slovak rodné číslo YYMMDDSSS(C): ten digits divisible by 11 (or remainder 10 with check 0). */
  czBirthNumber: (d: string): boolean => {
    if (d.length !== 9 && d.length !== 10) return false;
    const month = num(d.slice(2, 4)) % 50;
    if (!validDay(num(d.slice(4, 6)), month > 20 ? month - 20 : month)) return false;
    if (d.length === 9) return true;
    const r = num(d.slice(0, 9)) % 11;
    return (r === 10 ? 0 : r) === num(d[9] as string);
  },
  /** Greek AMKA DDMMYYNNNNC: date and Luhn. */
  grAmka: (d: string): boolean =>
    d.length === 11 && validDay(num(d.slice(0, 2)), num(d.slice(2, 4))) && luhnValid(d),
  /** Romanian CNP SYYMMDDJJNNNC: weights 279146358279, remainder 10 reads 1. */
  roCnp: (d: string): boolean => {
    if (d.length !== 13 || d[0] === '0' || !validDay(num(d.slice(5, 7)), num(d.slice(3, 5)))) return false;
    const r = weighted(d, [2, 7, 9, 1, 4, 6, 3, 5, 8, 2, 7, 9]) % 11;
    return (r === 10 ? 1 : r) === num(d[12] as string);
  },
  /** Chinese resident identity number: region, YYYYMMDD, sequence, ISO 7064 mod 11-2 check (X for 10). */
  cnResidentId: (v: string): boolean => {
    if (v.length !== 18 || !/^(?:19|20)\d\d$/.test(v.slice(6, 10))) return false;
    if (!validDay(num(v.slice(12, 14)), num(v.slice(10, 12)))) return false;
    const r = weighted(v, [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]) % 11;
    return '10X98765432'[r] === v[17];
  },
  /** Turkish T.C. kimlik no: first digit non-zero, two check digits from odd and even position sums. */
  trKimlik: (d: string): boolean => {
    if (d.length !== 11 || d[0] === '0') return false;
    const n = (i: number) => d.charCodeAt(i) - 48;
    const odd = n(0) + n(2) + n(4) + n(6) + n(8);
    const even = n(1) + n(3) + n(5) + n(7);
    const c10 = (((odd * 7 - even) % 10) + 10) % 10;
    let sum = 0;
    for (let i = 0; i < 10; i++) sum += n(i);
    return c10 === n(9) && sum % 10 === n(10);
  },
  /** Estonian isikukood and Lithuanian asmens kodas GYYMMDDSSSC: mod 11 with two weight rounds. */
  eeIsikukood: (d: string): boolean => {
    if (d.length !== 11 || !/^[1-6]/.test(d) || !validDay(num(d.slice(5, 7)), num(d.slice(3, 5))))
      return false;
    let r = weighted(d, [1, 2, 3, 4, 5, 6, 7, 8, 9, 1]) % 11;
    if (r === 10) r = weighted(d, [3, 4, 5, 6, 7, 8, 9, 1, 2, 3]) % 11;
    return (r === 10 ? 0 : r) === num(d[10] as string);
  },
  /** UK National Insurance number: prefix rules only (no checksum exists). */
  ukNino: (v: string): boolean => v.length === 9 && !/^(?:BG|GB|NK|KN|TN|NT|ZZ)/.test(v),
  /** US SSN area, group and serial rules (no checksum exists). */
  usSsn: (d: string): boolean =>
    d.length === 9 && !/^(?:000|666|9)/.test(d) && d.slice(3, 5) !== '00' && d.slice(5) !== '0000',
} as const;

type IdCheck = keyof typeof ID_CHECKS;

// ---------------------------------------------------------------------------------------------------
// Context

const ID_GENERIC = [
  'id',
  'id#',
  'national id',
  'national identity number',
  'national insurance',
  'id number',
  'id no',
  'identity number',
  'identity card',
  'personal number',
  'personal id',
  'personal code',
  'personal identification',
  'identification number',
  'personal identity number',
  'tax id',
  'tax number',
  'social security',
];

/** Local names of each national id: a plain digit run is an id only near one of them. */
const ID_CUES: Readonly<Record<IdCheck, readonly string[]>> = {
  fiHetu: ['henkilötunnus', 'hetu', 'sotu', 'personbeteckning'],
  sePersonnummer: [
    'personnummer',
    'personnr',
    'pnr',
    'samordningsnummer',
    'person nr',
    'pers.nr',
    'pers. nr',
    'p.nr',
  ],
  noFodselsnummer: [
    'fødselsnummer',
    'fodselsnummer',
    'fødselsnr',
    'fnr',
    'f.nr',
    'f. nr',
    'fødselsnr.',
    'personnummer',
    'd-nummer',
  ],
  dkCpr: ['cpr', 'cpr-nr', 'cpr-nummer', 'personnummer'],
  nlBsn: ['bsn', 'burgerservicenummer', 'sofinummer', 'sofi-nummer'],
  esDniNie: ['dni', 'nie', 'nif', 'documento nacional', 'documento de identidad'],
  itFiscalCode: ['codice fiscale', 'cod. fiscale', 'c.f', 'cf'],
  frNir: ['nir', 'sécurité sociale', 'securite sociale', 'numéro de sécu', 'n° de sécu', 'insee', 'sécu'],
  plPesel: ['pesel'],
  ptNif: ['nif', 'contribuinte', 'nº de contribuinte', 'número fiscal', 'nipc'],
  brCpf: ['cpf'],
  inAadhaar: ['aadhaar', 'aadhar', 'uidai', 'uid', 'आधार'],
  beNational: [
    'rijksregisternummer',
    'rijksregister',
    'numéro national',
    'registre national',
    'insz',
    'niss',
  ],
  czBirthNumber: ['rodné číslo', 'rodne cislo', 'rč', 'r.č', 'rodné č'],
  grAmka: ['amka', 'αμκα', 'α.μ.κ.α'],
  ukNino: ['nino', 'ni number', 'ni no', 'national insurance'],
  trKimlik: ['tc kimlik', 't.c. kimlik', 'kimlik no', 'kimlik numarası', 'tckn', 'tc no'],
  eeIsikukood: ['isikukood', 'asmens kodas', 'ak'],
  roCnp: ['cnp', 'cod numeric personal', 'cod numeric'],
  cnResidentId: ['身份证', '身份证号', '居民身份证', 'resident id', 'resident identity card'],
  usSsn: ['ssn', 'social security', 'soc sec', 'ss#', 'ss no'],
};

const ID_LOWER = ['order', 'invoice', 'ticket', 'phone', 'tel', 'mobile', 'fax', 'build', 'version', 'isbn'];
const idCues = (check: IdCheck): ContextCues =>
  compileCues({
    raise: [...ID_CUES[check], ...(check === 'usSsn' ? [] : ID_GENERIC)],
    lower: ID_LOWER,
    before: 40,
    after: 0,
  });
const ID_CONTEXT = Object.fromEntries(
  (Object.keys(ID_CHECKS) as IdCheck[]).map((k) => [k, idCues(k)]),
) as Record<IdCheck, ContextCues>;

const PHONE_CUES: ContextCues = compileCues({
  raise: [
    'phone',
    'phone number',
    'phone no',
    'tel',
    'tél',
    'telephone',
    'téléphone',
    'telefon',
    'telefono',
    'teléfono',
    'telefone',
    'telefoon',
    'telefonnummer',
    'telefonszám',
    'puhelin',
    'puh',
    'tlf',
    'mobile',
    'mobil',
    'mob',
    'móvil',
    'movil',
    'celular',
    'cellulare',
    'cell',
    'cellphone',
    'handy',
    'natel',
    'portable',
    'gsm',
    'whatsapp',
    'signal',
    'sms',
    'text me',
    'call',
    'call me',
    'ring',
    'reach me',
    'reach me at',
    'contact',
    'kontakt',
    'fax',
    'hotline',
    'dial',
    'ph',
    'τηλ',
    'τηλέφωνο',
    'тел',
    'телефон',
    'anrufen',
    'ruf',
    'rufnummer',
    'mobilnummer',
    'handynummer',
    'calling',
    'called',
    'caller',
    'call from',
    'missed call',
    'incoming call',
    'voicemail',
    'texted',
    'landline',
    'direct line',
    'switchboard',
    'telemóvel',
    'telemovel',
    'móvel',
    'telefonu',
    'telefonní',
    'mobilní',
    'puhelinnumero',
    'matkapuhelin',
    'mobiltelefon',
    'mobilszám',
    'numéro de téléphone',
    'numero di telefono',
    'número de teléfono',
    'κινητό',
    'моб',
    'мобильный',
    'сотовый',
    '電話',
    '携帯',
    '手机',
    '电话',
    '전화',
    '휴대폰',
    'my number',
    'number is',
    'reach',
    'reach me on',
    'ring me',
    'give me a ring',
    'phoned',
    'direct dial',
    'call back',
    'call me back',
    'try me on',
    'get me on',
    'text',
    'message me',
    // LDAP and vCard attribute names: `telephoneNumber: …`, `homePhone: …`
    'telephonenumber',
    'homephone',
    'mobilephone',
    'phonenumber',
    'in case of emergency',
    'emergency contact',
    'sent a code to',
    'sent a text to',
  ],
  lower: [
    'order',
    'invoice',
    'ref',
    'reference',
    'ticket',
    'build',
    'version',
    'isbn',
    'page',
    'pages',
    'serial',
    'sku',
    'tracking',
    'total',
    'amount',
    'price',
    'zip',
    'postcode',
  ],
  before: 60,
  after: 12,
});

const CARD_CUES: ContextCues = compileCues({
  raise: [
    'card',
    'card number',
    'card no',
    'credit card',
    'debit card',
    'visa',
    'mastercard',
    'maestro',
    'amex',
    'american express',
    'discover',
    'diners',
    'jcb',
    'unionpay',
    'kreditkarte',
    'karte',
    'kartennummer',
    'carte',
    'carte bancaire',
    'cb',
    'tarjeta',
    'cartão',
    'carta',
    'kaart',
    'kortti',
    'kort',
    'karta',
    'cc',
    'ccn',
    'pan',
    // what follows a card number in forms and payment payloads
    'exp',
    'expiry',
    'expires',
    'exp date',
    'expiration',
    'valid thru',
    'cvv',
    'cvc',
    'cvv2',
    'security code',
  ],
  lower: [
    'order',
    'invoice',
    'ref',
    'reference',
    'id',
    'tracking',
    'isbn',
    'imei',
    'serial',
    'ean',
    'gtin',
    'upc',
    'aadhaar',
    'aadhar',
  ],
  before: 40,
  after: 24,
});

// ---------------------------------------------------------------------------------------------------
// Detectors

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
      // A SIP URI whose user part is digits names a telephone (`<sip:+12566816604@pbx.example.com>`): the
      // number is a phone, the host no one's address.
      const local = text.slice(s, at);
      if (s >= 4 && sipScheme(text, s) && P_SHAPE.sipNumber.test(local))
        out.push({ type: 'PHONE', start: s, end: at, priority: 60, norm: digitsOnly(local), score: 0.9 });
      else out.push({ type: 'EMAIL', start: s, end: e, priority: 60, norm: text.slice(s, e).toLowerCase() });
    }
    at = text.indexOf('@', at + 1);
  }
}

/** Whether `sip:`, `sips:` or `tel:` (any case) ends at `i`. */
function sipScheme(text: string, i: number): boolean {
  const head = text.slice(Math.max(0, i - 5), i).toLowerCase();
  return head.endsWith('sip:') || head.endsWith('sips:') || head.endsWith('tel:');
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
      // the unspecified address `::` alone is punctuation (`Foo :: bar`), not an address worth a token
      if (colons === e - s) {
        i = j;
        continue;
      }
      const prev = s > 0 ? text.charCodeAt(s - 1) : 32;
      const alnumBefore =
        (prev >= 65 && prev <= 90) || (prev >= 97 && prev <= 122) || (prev >= 48 && prev <= 57);
      if (!alnumBefore && isIPv6(value))
        out.push({ type: 'IPV6', start: s, end: e, priority: 58, norm: value.toLowerCase() });
    }
    i = j;
  }
}

const P_SHAPE = PII_PATTERNS;

/**
 * The confidence that a run of digits and separators is a phone number, before context: 0 when its shape
 * rules it out (a date, an IP, a year range, too few or too many digits). Six-digit runs and plain digit
 * groups stay below the threshold until a cue raises them.
 */
export function phoneShapeScore(run: string): number {
  const ext = run.length > 8 && hasExtensionHint(run) ? P_SHAPE.phoneExtension.exec(run) : null;
  const main = ext ? run.slice(0, ext.index) : run;
  // one scan without building strings: digit count, the first two digits, whether all are the same
  let digits = 0;
  let first = -1;
  let second = -1;
  let same = true;
  let separated = false;
  let sepStart = -1;
  let sepLen = 0;
  for (let i = 0; i < main.length; i++) {
    const c = main.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits === 0) first = c;
      else {
        if (digits === 1) second = c;
        if (c !== first) same = false;
      }
      digits++;
      // separators come one at a time, or as a parenthesis with a space or dash next to it
      if (sepLen > 1 && !P_SHAPE.phoneSeparatorOk.test(main.slice(sepStart, i).replaceAll('+', ''))) return 0;
      sepStart = -1;
      sepLen = 0;
    } else if (c !== 43) {
      separated = true;
      if (sepStart === -1) sepStart = i;
      sepLen++;
    }
  }
  const international = main.startsWith('+') || main.startsWith('(+');
  const trunk = first === 48;
  const doubleZero = trunk && second === 48;
  const max = international || doubleZero ? 15 : 13;
  if (digits < 6 || digits > max || same) return 0;
  if (international) return digits >= 8 ? 0.85 : 0;
  if (separated && (P_SHAPE.dateLike.test(main) || P_SHAPE.yearRange.test(main) || ipLike(main))) return 0;
  if (!separated && digits === 8 && P_SHAPE.compactDate.test(main)) return 0;
  if (digits === 6) return 0.16;
  if (doubleZero && digits >= 9) return 0.8;
  if (separated && digits >= 9) {
    if (main.includes('(0)') || P_SHAPE.areaInParens.test(main)) return 0.8;
  }
  if (separated && (P_SHAPE.nanp.test(main) || P_SHAPE.frenchPairs.test(main))) return 0.8;
  // national numbers with the trunk prefix: 030 12345678, 020 7946 0958, 0170 1234567
  if (trunk && digits >= 10 && digits <= (separated ? 12 : 11)) return separated ? 0.8 : 0.6;
  if (ext && digits >= 7) return 0.7;
  if (trunk && digits === 9) return 0.45;
  // versions and any other digit groups: a number until a cue says phone
  if (separated && P_SHAPE.dottedVersion.test(main)) return 0.2;
  return separated ? 0.3 : 0.2;
}

/** Whether a run may end in an extension (`x204`, `ext. 12`, `#3`): a letter or '#' after the first digit. */
function hasExtensionHint(run: string): boolean {
  for (let i = 1; i < run.length; i++) {
    const c = run.charCodeAt(i) | 0x20;
    if (c === 120 || c === 101 || c === 35) return true;
  }
  return false;
}

/** Four dot-separated octets, 0-255 without leading zeros: an IPv4 address, never a phone. */
function ipLike(run: string): boolean {
  let parts = 0;
  let value = 0;
  let len = 0;
  let lead = 0;
  for (let i = 0; i <= run.length; i++) {
    const c = i < run.length ? run.charCodeAt(i) : 46;
    if (c === 46) {
      if (len < 1 || len > 3 || (len > 1 && lead === 48) || value > 255) return false;
      parts++;
      value = 0;
      len = 0;
    } else if (c >= 48 && c <= 57) {
      if (len === 0) lead = c;
      value = value * 10 + (c - 48);
      len++;
    } else return false;
  }
  return parts === 4;
}

/** Context beyond cue words: a one- or two-letter label (`T:`, `M.`, `Ph:`), or a contact row. */
function phoneLabelled(
  text: string,
  start: number,
  end: number,
  f: FieldFacts,
  digits: number,
  base: number,
): number {
  const head = text.slice(Math.max(0, start - 8), start);
  if (P_SHAPE.phoneLabel.test(head) || P_SHAPE.phoneLineLabel.test(head)) return 0.35;
  // alone in a cell of a row or card that also holds an e-mail address: `Name | Sales | 954597196 | a@b.c`
  if (f.hasAt && digits >= 8) {
    let i = start - 1;
    while (i >= 0 && text.charCodeAt(i) === 32) i--;
    let j = end;
    while (j < text.length && text.charCodeAt(j) === 32) j++;
    const before = i < 0 ? '\n' : (text[i] as string);
    const after = j >= text.length ? '\n' : (text[j] as string);
    if (CELL_EDGES.includes(before) && CELL_EDGES.includes(after)) return 0.3;
    // a quoted CSV cell: `"Ana","ana@example.es","971-410-644"`
    if (before === '"' && after === '"' && csvEdge(text, i - 1, -1) && csvEdge(text, j + 1, 1)) return 0.3;
  }
  // a line of its own in a multi-line text (a signature block): grouped digits, not a count or a version
  if (base >= 0.3 && digits >= 8 && text.includes('\n')) {
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    const lineEnd = text.indexOf('\n', end);
    if (
      text.slice(lineStart, start).trim() === '' &&
      text.slice(end, lineEnd === -1 ? undefined : lineEnd).trim() === ''
    )
      return 0.3;
  }
  return 0;
}
const CELL_EDGES = '|\n\t;';

/** Whether a CSV cell edge (`,`, a cell edge, or the field's start or end) lies at `i`, spaces skipped. */
function csvEdge(text: string, i: number, step: 1 | -1): boolean {
  while (i >= 0 && i < text.length && text.charCodeAt(i) === 32) i += step;
  return i < 0 || i >= text.length || text[i] === ',' || CELL_EDGES.includes(text[i] as string);
}

/** `value` without the separators (space, `(`, `.`, `/`, `-`) it ends with. */
function trimSeparators(value: string): string {
  let e = value.length;
  while (e > 0 && ' (./-'.includes(value[e - 1] as string)) e--;
  return value.slice(0, e);
}

/** Phones: runs scored by shape, then by context; rejected runs retry without their last group. */
function phones(out: Candidate[], re: RegExp, text: string, f: FieldFacts): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    let value = m[0];
    let score = phoneShapeScore(value);
    for (let tries = 0; score === 0 && tries < 3; tries++) {
      const cut = Math.max(value.lastIndexOf(' '), value.lastIndexOf('-'), value.lastIndexOf('/'));
      if (cut <= 0) break;
      value = trimSeparators(value.slice(0, cut));
      score = phoneShapeScore(value);
    }
    if (score === 0) continue;
    // a phone never ends inside an open parenthesis: `0800.867.1285 (0:42)` keeps its duration
    const open = value.lastIndexOf('(');
    if (open > 0 && value.indexOf(')', open) === -1) {
      const cut = trimSeparators(value.slice(0, open));
      const cutScore = phoneShapeScore(cut);
      if (cutScore === 0) continue;
      value = cut;
      score = cutScore;
    }
    const start = m.index;
    const end = start + value.length;
    const digits = digitsOnly(value).length;
    const label = phoneLabelled(text, start, end, f, digits, score);
    // A six-digit run needs its cue on its own line: a CSV header's `telefon` names another column.
    const lineStart = digits <= 6 ? text.lastIndexOf('\n', start - 1) + 1 : 0;
    score =
      lineStart > 0
        ? contextScore(
            score + label,
            f.lower.slice(lineStart),
            start - lineStart,
            end - lineStart,
            PHONE_CUES,
          )
        : contextScore(score + label, f.lower, start, end, PHONE_CUES);
    out.push({ type: 'PHONE', start, end, priority: 50, norm: digitsOnly(value), score });
  }
}

/** The confidence of a Luhn-valid card number before context. */
function cardShapeScore(value: string, d: string): number {
  if (repeated(d)) return 0;
  const grouped = /[ -]/.test(value);
  if (d.length >= 14) return 0.9;
  // 12-13 digits collide with ids: grouped with a card-issuer lead they may stand alone, bare need a cue
  if (d.length === 13) return grouped && '456'.includes(d[0] as string) ? 0.55 : 0.2;
  return grouped && /^[56]/.test(d) ? 0.55 : 0.2;
}

/** Payment cards, 12-19 digits, Luhn-valid; rejected runs retry without their last group. */
function cards(out: Candidate[], re: RegExp, text: string, f: FieldFacts): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    let value = m[0];
    let d = digitsOnly(value);
    let ok = d.length <= 19 && luhnValid(d);
    for (let tries = 0; !ok && tries < 3; tries++) {
      const cut = Math.max(value.lastIndexOf(' '), value.lastIndexOf('-'));
      if (cut <= 0) break;
      value = value.slice(0, cut);
      d = digitsOnly(value);
      ok = d.length >= 12 && d.length <= 19 && luhnValid(d);
    }
    if (!ok) continue;
    const base = cardShapeScore(value, d);
    if (base === 0) continue;
    const score = contextScore(base, f.lower, m.index, m.index + value.length, CARD_CUES);
    out.push({ type: 'CARD', start: m.index, end: m.index + value.length, priority: 75, norm: d, score });
  }
}

/** A national-id shape: the checks that may explain it and the confidence it has without a cue. */
interface IdShape {
  readonly pattern: keyof typeof PII_PATTERNS;
  readonly checks: readonly IdCheck[];
  /** Score without a cue: at least the threshold only for shapes nothing else writes. */
  readonly base: (value: string) => number;
  /** The value the checks read (default: the digits). */
  readonly value?: (match: string) => string;
  /** Fewest digits in one run of digits and separators that a match holds (a prefilter). */
  readonly minRun: number;
}

const alnum = (v: string): string => v.replace(/[^A-Za-z0-9]/g, '').toUpperCase();
const ID_SHAPES: readonly IdShape[] = [
  { pattern: 'fiHetu', checks: ['fiHetu'], base: () => 0.9, value: (v) => v.toUpperCase(), minRun: 6 },
  {
    pattern: 'cnResidentId',
    checks: ['cnResidentId'],
    base: () => 0.5,
    value: (v) => v.toUpperCase(),
    minRun: 17,
  },
  { pattern: 'idThirteen', checks: ['roCnp'], base: () => 0.3, minRun: 13 },
  { pattern: 'itFiscalCode', checks: ['itFiscalCode'], base: () => 0.9, value: alnum, minRun: 0 },
  { pattern: 'esDniNie', checks: ['esDniNie'], base: () => 0.6, value: alnum, minRun: 7 },
  { pattern: 'ukNino', checks: ['ukNino'], base: () => 0.55, value: alnum, minRun: 6 },
  { pattern: 'brCpf', checks: ['brCpf'], base: () => 0.8, minRun: 11 },
  { pattern: 'beNational', checks: ['beNational'], base: () => 0.7, minRun: 11 },
  {
    pattern: 'czBirthNumber',
    checks: ['czBirthNumber'],
    base: (v) => (v.length === 11 ? 0.6 : 0.3),
    minRun: 9,
  },
  // Corsican numbers (2A/2B) break the run: the eight digits after the department still form one
  {
    pattern: 'frNir',
    checks: ['frNir'],
    base: (v) => (v.includes(' ') ? 0.6 : 0.3),
    value: alnum,
    minRun: 8,
  },
  {
    pattern: 'idSixFour',
    checks: ['sePersonnummer', 'dkCpr', 'czBirthNumber'],
    base: (v) => (/^\d{6}[-+]\d{4}$/.test(v) ? 0.45 : 0.3),
    minRun: 10,
  },
  {
    pattern: 'idEleven',
    checks: ['noFodselsnummer', 'plPesel', 'brCpf', 'beNational', 'grAmka', 'trKimlik', 'eeIsikukood'],
    base: () => 0.3,
    minRun: 11,
  },
  { pattern: 'idNine', checks: ['nlBsn', 'ptNif', 'usSsn'], base: () => 0.3, minRun: 9 },
  { pattern: 'idTwelve', checks: ['inAadhaar'], base: () => 0.3, minRun: 12 },
];

/** National ids: every shape, every check that explains it, the best-scoring one in context. */
function nationalIds(
  out: Candidate[],
  P: { readonly [K in keyof typeof PII_PATTERNS]: RegExp },
  text: string,
  f: FieldFacts,
  on: Enabled,
  longestRun: number,
): void {
  for (const shape of ID_SHAPES) {
    if (longestRun < shape.minRun) continue;
    const re = P[shape.pattern];
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const value = (shape.value ?? digitsOnly)(m[0]);
      const start = m.index;
      const end = start + m[0].length;
      let best: Candidate | undefined;
      for (const check of shape.checks) {
        const type = check === 'usSsn' ? 'SSN' : 'NATIONAL_ID';
        if (!on(type) || !ID_CHECKS[check](value)) continue;
        const score = contextScore(shape.base(m[0]), f.lower, start, end, ID_CONTEXT[check]);
        if (best === undefined || score > (best.score ?? 1))
          best = { type, start, end, priority: 73, norm: value, score };
      }
      if (best) out.push(best);
    }
  }
}

const ibanNorm = (v: string): string | undefined =>
  ibanValid(v) ? v.replace(/[ -]/g, '').toUpperCase() : undefined;
const ssnNorm = (v: string): string | undefined => {
  const d = digitsOnly(v);
  return ID_CHECKS.usSsn(d) ? d : undefined;
};
const lowerCase = (v: string): string => v.toLowerCase();

/**
 * The most digits in one run of digits joined by separators (`(`, `)`, space, `.`, `-`, `/`, `+`, at
 * most three in a row): what any phone, card or id number in the field can hold at most.
 */
function longestDigitRun(text: string): number {
  let best = 0;
  let run = 0;
  let gap = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      run++;
      gap = 0;
      if (run > best) best = run;
    } else if (
      run > 0 &&
      ++gap <= 3 &&
      (c === 32 || c === 40 || c === 41 || c === 43 || (c >= 45 && c <= 47))
    ) {
      // a separator inside the run
    } else {
      run = 0;
      gap = 0;
    }
  }
  return best;
}

/** The structured-PII layer, with its own regex copies. */
export function piiLayer(on: Enabled): DetectorLayer {
  const P = copyPatterns(PII_PATTERNS);
  const anyId = on('NATIONAL_ID') || on('SSN');
  return (out, text, f) => {
    // phones, cards and most ids need a run of digits and separators: one test skips them all
    // phones, cards and ids need a run of digits and separators: one scan skips what cannot match
    const longestRun = f.digits >= 6 ? longestDigitRun(text) : 0;
    if (on('EMAIL') && f.hasAt) emails(out, text);
    if (longestRun >= 12 && on('CARD')) cards(out, P.card, text, f);
    if (f.digits >= 2 && on('IBAN')) collect(out, P.iban, text, 'IBAN', 76, 0, ibanNorm);
    if (f.digits >= 9 && on('SSN')) collect(out, P.ssn, text, 'SSN', 72, 0, ssnNorm);
    if (f.digits >= 6 && anyId) nationalIds(out, P, text, f, on, longestRun);
    if (f.digits >= 4 && on('IPV4')) collect(out, P.ipv4, text, 'IPV4', 56);
    if (f.hasColon && on('IPV6')) ipv6(out, text);
    if (on('MAC') && (f.hasColon || text.includes('-'))) collect(out, P.mac, text, 'MAC', 57, 0, lowerCase);
    if (longestRun >= 6 && on('PHONE')) phones(out, P.phoneRun, text, f);
  };
}
