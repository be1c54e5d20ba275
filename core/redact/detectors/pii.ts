/**
 * Structured PII: emails, phones, payment cards, IBANs, national ids, IP and MAC addresses. Patterns are
 * validated (Luhn, mod-97, checksums) before they count.
 */
import { isIPv6 } from 'node:net';
import {
  type Candidate,
  collect,
  copyPatterns,
  type DetectorLayer,
  digitsOnly,
  type Enabled,
  freezePatterns,
} from './common.js';

/** Named regexes, exported so the ReDoS test can analyse every one. Frozen: layers run copies. */
export const PII_PATTERNS = freezePatterns({
  card: /\b\d(?:[ -]?\d){12,18}\b/g,
  iban: /\b[A-Za-z]{2}\d{2}(?:[A-Za-z0-9]{11,30}|(?: [A-Za-z0-9]{4}){2,7}(?: [A-Za-z0-9]{1,4})?)\b/g,
  ssn: /\b\d{3}[- ]\d{2}[- ]\d{4}\b/g,
  ipv4: /\b(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\b/g,
  mac: /\b[0-9A-Fa-f]{2}(?:[:-][0-9A-Fa-f]{2}){5}\b/g,
  phone: /(?:[+(]|\b)\d[\d ().-]{5,20}\d\b/g,
} as const);

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

/** The structured-PII layer, with its own regex copies. */
export function piiLayer(on: Enabled): DetectorLayer {
  const P = copyPatterns(PII_PATTERNS);
  return (out, text, f) => {
    if (on('EMAIL') && f.hasAt) emails(out, text);
    if (f.digits >= 12 && on('CARD')) {
      collect(out, P.card, text, 'CARD', 75, 0, (v) => {
        const d = digitsOnly(v);
        return d.length >= 13 && d.length <= 19 && luhnValid(d) ? d : undefined;
      });
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
  };
}
