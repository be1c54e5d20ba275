/**
 * A deterministic typed-text corpus for the scrub speed benchmark: realistic sentences a knowledge worker
 * types, with PII and secrets planted at known rates. It times the engines only: its names and streets are
 * ones the detectors may know, so recall is measured on the held-out corpus (eval/redaction) instead.
 */

import { withLuhnDigit } from '#core/redact/detectors.js';
import { seededRandom } from '../agent/simulator/values.js';

/** One field of typed text and what was planted in it. */
export interface CorpusField {
  readonly text: string;
  readonly planted: readonly { type: string; value: string }[];
}

const FILLER = [
  'Thanks for the update, I will look into it this afternoon',
  'Please find the revised numbers for the quarterly report below',
  'The build failed again on the integration branch after the merge',
  'Customer says the export button does nothing when clicked',
  'Moving the meeting to Thursday works for me',
  'I have attached the spreadsheet with the corrected totals',
  'Can you double check the shipping date before we confirm',
  'Resolved by clearing the cache and restarting the service',
];
const FIRST = ['John', 'Maria', 'David', 'Sarah', 'Michael', 'Emma', 'James', 'Laura'];
const LAST = ['Smith', 'Garcia', 'Miller', 'Johnson', 'Brown', 'Davis', 'Wilson', 'Moore'];
const STREETS = ['Elm Street', 'Oak Avenue', 'Maple Road', 'Cedar Lane', 'Pine Drive'];

function digits(r: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(r() * 10);
  return s;
}

function card(r: () => number): string {
  const n = withLuhnDigit(`4${digits(r, 14)}`);
  return `${n.slice(0, 4)} ${n.slice(4, 8)} ${n.slice(8, 12)} ${n.slice(12)}`;
}

const GENERATORS: Record<string, (r: () => number) => string> = {
  EMAIL: (r) =>
    `${(FIRST[Math.floor(r() * 8)] as string).toLowerCase()}.${(LAST[Math.floor(r() * 8)] as string).toLowerCase()}${Math.floor(r() * 90)}@example.com`,
  PHONE: (r) => `(${200 + Math.floor(r() * 700)}) ${200 + Math.floor(r() * 700)}-${digits(r, 4)}`,
  CARD: card,
  SSN: (r) => `${100 + Math.floor(r() * 500)}-${10 + Math.floor(r() * 80)}-${1000 + Math.floor(r() * 8000)}`,
  IPV4: (r) => `10.${Math.floor(r() * 255)}.${Math.floor(r() * 255)}.${1 + Math.floor(r() * 250)}`,
  PERSON: (r) => `${FIRST[Math.floor(r() * 8)]} ${LAST[Math.floor(r() * 8)]}`,
  ADDRESS: (r) => `${1 + Math.floor(r() * 900)} ${STREETS[Math.floor(r() * 5)]}`,
  AWS_ACCESS_KEY: (r) =>
    `AKIA${Array.from({ length: 16 }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[Math.floor(r() * 32)]).join('')}`,
};

/** `count` fields; about a third carry one planted value, cycling through the entity types. */
export function scrubCorpus(count: number, seed = 7): CorpusField[] {
  const r = seededRandom(seed);
  const types = Object.keys(GENERATORS);
  const out: CorpusField[] = [];
  for (let i = 0; i < count; i++) {
    const base = FILLER[Math.floor(r() * FILLER.length)] as string;
    if (i % 3 !== 0) {
      out.push({ text: base, planted: [] });
      continue;
    }
    const type = types[(i / 3) % types.length] as string;
    const value = (GENERATORS[type] as (r: () => number) => string)(r);
    out.push({ text: `${base}, contact ${value} for details`, planted: [{ type, value }] });
  }
  return out;
}
