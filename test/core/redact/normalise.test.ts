import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalise } from '#core/redact/normalise.js';
import type { Finding } from '#core/redact/scrub-types.js';
import { createScrubber } from '#core/redact/scrubber.js';

const scrubber = createScrubber({ key: new Uint8Array(32) });

describe('normalise', () => {
  it.each([
    'plain ASCII text, 4111 1111 1111 1111',
    'Müller & Søn — Zürich',
    '日本語のテキスト',
    'émoji 👋🏽 ok',
  ])('leaves text already in normal form alone: %j', (text) => {
    expect(normalise(text)).toBeUndefined();
  });

  it.each([
    ['full-width digits and ＠', 'ｊａｎｅ＠ｅｘａｍｐｌｅ.ｏｒｇ ４１１１', 'jane@example.org 4111'],
    ['zero-width characters', 'a\u200bb\u200cc\u200dd\u2060e\ufefff\u00adg', 'abcdefg'],
    ['bidi marks', '\u202a+44\u202c 20\u200e', '+44 20'],
    ['Unicode spaces', 'a\u00a0b\u202fc\u2007d\u2009e\u3000f\u2028g', 'a b c d e f g'],
    ['dashes', '555\u20110142 2019\u20132023 \u22125', '555-0142 2019-2023 -5'],
    ['ligatures', '\ufb01le \ufb02ow', 'file flow'],
    ['combining marks', 'Mu\u0308ller', 'Müller'],
  ])('normalises %s', (_name, text, expected) => {
    expect(normalise(text)?.text).toBe(expected);
  });

  it('agrees with NFKC on the characters it maps without ICU (full-width ASCII, Latin-1 letters)', () => {
    const chars: string[] = [];
    for (let cp = 0xff01; cp <= 0xff5e; cp++) chars.push(String.fromCharCode(cp));
    for (let cp = 0xc0; cp <= 0xff; cp++) chars.push(String.fromCharCode(cp));
    for (const ch of chars) expect(normalise(`\u00a0${ch}`)?.text).toBe(` ${ch.normalize('NFKC')}`);
  });

  it('maps spans back to the characters they came from', () => {
    const text = 'x \ufb01\u200bne ４２';
    const n = normalise(text);
    expect(n?.text).toBe('x fine 42');
    // "fine" starts inside the ligature's expansion and spans the zero-width space
    expect(n?.toOriginal(2, 6)).toEqual([2, 6]);
    // "i" alone widens to the whole ligature
    expect(n?.toOriginal(3, 4)).toEqual([2, 3]);
    expect(n?.toOriginal(7, 9)).toEqual([7, 9]);
  });
});

const zeroWidth = fc.constantFrom('\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad');
const invisible = fc.oneof(zeroWidth, fc.constantFrom('\u00a0', '\u202f'));
const toFullWidth = (s: string) =>
  s.replace(/[0-9A-Za-z@.+-]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
const value = fc.constantFrom(
  'jane.doe@example.org',
  '+44 20 7946 0958',
  '4111 1111 1111 1111',
  'GB82 WEST 1234 5698 7654 32',
  '123-45-6789',
  '10.0.12.255',
  'call me on 8123 4567',
);
/** A value and the same value with `chars` inserted and, sometimes, in full-width forms. */
const disguise = (chars: fc.Arbitrary<string>) =>
  fc
    .tuple(value, fc.array(fc.tuple(fc.nat(40), chars), { maxLength: 4 }), fc.boolean())
    .map(([v, inserts, wide]) => {
      let s = wide ? toFullWidth(v) : v;
      for (const [at, ch] of inserts) {
        const i = at % (s.length + 1);
        s = s.slice(0, i) + ch + s.slice(i);
      }
      return [v, s] as const;
    });
// a space inside a value may split it (legitimately): only zero-width characters keep it whole
const disguisedPair = disguise(zeroWidth);
const disguised = disguise(invisible).map(([, d]) => d);
const filler = fc.string({
  unit: fc.constantFrom('a', 'b', ' ', 'é', '\u00a0', '\u200b', 'ｘ', ',', '-'),
  maxLength: 12,
});

/** The text that no finding covers, in order. */
function outside(text: string, findings: readonly Finding[]): string[] {
  const parts: string[] = [];
  let last = 0;
  for (const f of findings) {
    parts.push(text.slice(last, f.start));
    last = f.end;
  }
  parts.push(text.slice(last));
  return parts;
}

describe('scrubbing normalised text', () => {
  it('keeps every character outside findings byte-identical and in order, with spans into the original', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(filler, disguised), { minLength: 1, maxLength: 5 }), (parts) => {
        const text = parts.join(' ');
        const { text: out, findings } = scrubber.scrub(text);
        let last = 0;
        for (const f of findings) {
          expect(f.start).toBeGreaterThanOrEqual(last);
          expect(f.end).toBeLessThanOrEqual(text.length);
          expect(f.end).toBeGreaterThan(f.start);
          last = f.end;
        }
        // the output is the kept text with one placeholder between consecutive pieces
        const kept = outside(text, findings);
        let at = 0;
        for (const [i, piece] of kept.entries()) {
          expect(out.startsWith(piece, at)).toBe(true);
          at += piece.length;
          if (i < kept.length - 1) {
            const ph = /^<[A-Z][A-Z0-9_]{1,30}(?::[0-9a-f]{6})?>|^/.exec(out.slice(at))?.[0] ?? '';
            at += ph.length;
          }
        }
        expect(at).toBe(out.length);
      }),
      { numRuns: 300 },
    );
  });

  it('finds a disguised value as it finds the plain one', () => {
    fc.assert(
      fc.property(disguisedPair, ([plain, d]) => {
        const types = (t: string) => scrubber.scrub(t).findings.map((f) => f.type);
        expect(types(`x ${d} y`)).toEqual(types(`x ${plain} y`));
      }),
      { numRuns: 200 },
    );
  });

  it('is idempotent on disguised text', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(filler, disguised), { maxLength: 5 }), (parts) => {
        const once = scrubber.scrub(parts.join(' ')).text;
        expect(scrubber.scrub(once).text).toBe(once);
      }),
      { numRuns: 300 },
    );
  });

  it.each(['call me on 8123 4567 123- 45-6789', 'call me on 8123 4567 123 - 45-6789'])(
    'is idempotent when a replacement changes what a neighbour past punctuation reads as (%s)',
    (text) => {
      const once = scrubber.scrub(text).text;
      expect(scrubber.scrub(once).text).toBe(once);
    },
  );

  it('keeps full-width text outside a finding as it was', () => {
    const text = 'ＡＢＣ\u00a0mail jane＠example.org ﬁn';
    const r = scrubber.scrub(text);
    expect(r.text).toMatch(/^ＡＢＣ\u00a0mail <EMAIL:[0-9a-f]{6}> ﬁn$/);
    expect(r.findings).toEqual([{ type: 'EMAIL', start: 9, end: 25 }]);
  });

  it('truncates the original before normalising', () => {
    const capped = createScrubber({ key: new Uint8Array(32), maxFieldChars: 12 });
    expect(capped.scrub('ａｂｃｄｅｆｇｈｉｊｋｌｍｎ').text).toBe('ａｂｃｄｅｆｇｈｉｊｋｌ<TRUNCATED>');
  });
});

describe('scrubber cache', () => {
  it('returns the same result for a repeated field, and fresh results for others', () => {
    const s = createScrubber({ key: new Uint8Array(32) });
    const a = s.scrub('Chat with jane@example.org - Teams');
    expect(s.scrub('Chat with jane@example.org - Teams')).toBe(a);
    expect(s.scrub('Chat with john@example.org - Teams')).not.toEqual(a);
    expect(Object.isFrozen(a.findings)).toBe(true);
  });

  it('keeps a field that keeps coming back while thousands of others pass', () => {
    const s = createScrubber({ key: new Uint8Array(32) });
    const title = s.scrub('Inbox - jane@example.org - Outlook');
    for (let i = 0; i < 10_000; i++) {
      s.scrub(`mail b${i}@example.org`);
      if (i % 1000 === 0) expect(s.scrub('Inbox - jane@example.org - Outlook')).toBe(title);
    }
    expect(s.scrub('Inbox - jane@example.org - Outlook')).toBe(title);
  });

  it('stays bounded: evicted entries are recomputed equal', () => {
    const s = createScrubber({ key: new Uint8Array(32) });
    const first = s.scrub('mail a0@example.org');
    for (let i = 1; i < 5000; i++) s.scrub(`mail a${i}@example.org`);
    const again = s.scrub('mail a0@example.org');
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });
});
