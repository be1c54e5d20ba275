/**
 * Planted markers for the privacy fuzzer: unique tokens the scrubber leaves alone (lower-case letters, no
 * names, numbers, emails or key shapes), so that finding one in an output tests the policy paths (secure
 * fields, excluded apps and roles, opted-out users, ids), never the scrubber. Each marker carries the
 * classes that forbid it from appearing anywhere; a marker with no class may appear.
 */
import { createHash } from 'node:crypto';

/** Why a marker must never appear in any byte written, logged or printed. */
export const LEAK_CLASSES = [
  'secure',
  'excluded-app',
  'excluded-role',
  'opted-out',
  'id:user',
  'id:device',
  'id:host',
  'id:session',
  'id:event',
  'id:field',
  'id:unknown-key',
  /** Excluded-app or secure-field content of a session none of whose focus events the server could decode. */
  'unknown-context',
  /**
   * Excluded-app or secure-field content after a focus or ui_element event the server could not decode,
   * while it still holds an older context (only checked with FUZZ_STRICT=1: needs contiguous seqs).
   */
  'stale-context',
] as const;
/** One leak class. */
export type LeakClass = (typeof LEAK_CLASSES)[number];

/** A planted value and where it was planted. */
export interface Marker {
  readonly value: string;
  readonly tags: readonly LeakClass[];
  /** Where it was planted, e.g. `s0#4 text.text`. */
  readonly where: string;
}

/** Characters of a word marker after the `zq` prefix; no `z`, so `zq` only ever starts a marker. */
const LETTERS = 'abcdefghijklmnopqrstuvwxy';
/** A word marker is `zq` + 8 letters; 8 characters (`zq` + 6) are enough to recognise a truncated one. */
const WORD_LETTERS = 8;
const PREFIX_CHARS = 8;
const WORD_PATTERN = /zq[a-y]{6}/gi;

/** The markers of one scenario; deterministic in (nonce, planting order), so a plan always plants the same. */
export class MarkerBook {
  private readonly byPrefix = new Map<string, Marker>();
  private readonly numbers: Marker[] = [];
  private counter = 0;

  /** `accept` can reject a candidate (e.g. one the scrubber would touch); another is drawn. */
  constructor(
    private readonly nonce: number,
    private readonly accept: (candidate: string) => boolean = () => true,
  ) {}

  private digest(): Buffer {
    this.counter += 1;
    return createHash('sha256').update(`${this.nonce}:${this.counter}`).digest();
  }

  /** A fresh word marker. */
  word(tags: readonly LeakClass[], where: string): string {
    for (;;) {
      const d = this.digest();
      let value = 'zq';
      for (let i = 0; i < WORD_LETTERS; i++) value += LETTERS[(d[i] as number) % LETTERS.length];
      const prefix = value.slice(0, PREFIX_CHARS);
      if (this.byPrefix.has(prefix) || !this.accept(value)) continue;
      this.byPrefix.set(prefix, { value, tags: [...new Set(tags)], where });
      return value;
    }
  }

  /** A fresh numeric marker: nine digits, none zero (so it cannot hide in sequence numbers or padding). */
  number(tags: readonly LeakClass[], where: string): number {
    for (;;) {
      const d = this.digest();
      let value = '9';
      for (let i = 0; i < 8; i++) value += String(((d[i] as number) % 9) + 1);
      if (this.numbers.some((m) => m.value === value)) continue;
      this.numbers.push({ value, tags: [...new Set(tags)], where });
      return Number(value);
    }
  }

  /** Every marker planted. */
  all(): Marker[] {
    return [...this.byPrefix.values(), ...this.numbers];
  }

  /** The markers found in a text (whole, or a word marker's first 8 characters, any case). */
  find(text: string): Marker[] {
    const out: Marker[] = [];
    if (text.length < PREFIX_CHARS) return out;
    if (/zq/i.test(text)) {
      for (const m of text.matchAll(WORD_PATTERN)) {
        const marker = this.byPrefix.get(m[0].toLowerCase());
        if (marker && !out.includes(marker)) out.push(marker);
      }
    }
    for (const n of this.numbers) if (text.includes(n.value)) out.push(n);
    return out;
  }
}
