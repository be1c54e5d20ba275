/**
 * Deterministic generators for the simulator: a seeded PRNG and synthetic PII and secrets that pass the
 * same checks real ones do (Luhn cards, mod-97 IBANs, vendor token shapes), so leakage tests are honest.
 */

import { withLuhnDigit } from '#core/redact/detectors/pii.js';

/** mulberry32: a small, fast, seeded PRNG returning [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Helpers over one PRNG. */
export class Dice {
  constructor(readonly next: () => number) {}
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  chars(alphabet: string, n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(this.next() * alphabet.length)];
    return s;
  }
}

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
const ALNUM = `${UPPER}abcdefghijklmnopqrstuvwxyz${DIGITS}`;
const FIRST = ['Anna', 'Jonas', 'Maria', 'David', 'Sofia', 'Lukas', 'Emma', 'Noah', 'Laura', 'Felix'];
const LAST = ['Becker', 'Hoffmann', 'Schulz', 'Keller', 'Weber', 'Fischer', 'Wagner', 'Richter'];

/** Kinds of planted values; each maps to the scrubber entity type that must catch it. */
export const PLANTED_KINDS = {
  email: 'EMAIL',
  phone: 'PHONE',
  card: 'CARD',
  iban: 'IBAN',
  aws_key: 'AWS_ACCESS_KEY',
  github_token: 'GITHUB_TOKEN',
  password_kv: 'PASSWORD',
  person: 'PERSON',
} as const;
export type PlantedKind = keyof typeof PLANTED_KINDS;

function ibanDe(bban: string): string {
  const numeric = `${bban}131400`.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let rem = 0;
  for (const ch of numeric) rem = (rem * 10 + Number(ch)) % 97;
  const check = String(98 - rem).padStart(2, '0');
  return `DE${check}${bban}`;
}

/** A synthetic value of a kind, unique per call (the PRNG moves on). */
export function plantedValue(kind: PlantedKind, d: Dice): string {
  switch (kind) {
    case 'email':
      return `${d.pick(FIRST).toLowerCase()}.${d.pick(LAST).toLowerCase()}${d.int(10, 9999)}@example.org`;
    case 'phone':
      return `+44 20 7946 ${d.chars(DIGITS, 4)}`;
    case 'card':
      return withLuhnDigit(`4${d.chars(DIGITS, 14)}`).replace(/(\d{4})(?=\d)/g, '$1 ');
    case 'iban':
      return ibanDe(d.chars(DIGITS, 18));
    case 'aws_key':
      return `AKIA${d.chars(`${UPPER}${DIGITS}`, 16)}`;
    case 'github_token':
      return `ghp_${d.chars(ALNUM, 36)}`;
    case 'password_kv':
      return `${d.chars(ALNUM, 6)}!${d.chars(ALNUM, 6)}`;
    case 'person':
      return `${d.pick(FIRST)} ${d.pick(LAST)}`;
  }
}

/** Sentences a planted value is embedded in, per kind (typed text reads like work, not a list of secrets). */
export function sentenceFor(kind: PlantedKind, value: string, d: Dice): string {
  switch (kind) {
    case 'email':
      return d.pick([`please reply to ${value} today`, `cc ${value} on this`, `forwarded by ${value}`]);
    case 'phone':
      return d.pick([`call me back on ${value}`, `customer phone ${value}`]);
    case 'card':
      return `card on file ${value} was declined`;
    case 'iban':
      return `refund to IBAN ${value} approved`;
    case 'aws_key':
      return `AWS_ACCESS_KEY_ID=${value}`;
    case 'github_token':
      return `export GITHUB_TOKEN=${value}`;
    case 'password_kv':
      return `password=${value}`;
    case 'person':
      return `spoke with ${value} about the invoice`;
  }
}

/** Plain work text without planted values. */
export function workText(d: Dice): string {
  return d.pick([
    'printer on floor three is offline again',
    'updated the quarterly numbers',
    'thanks, resolved after restart',
    'const total = items.reduce((a, b) => a + b, 0);',
    'meeting moved to thursday',
    'see attached summary',
    'return result;',
    'invoice 2231 paid',
  ]);
}
