/**
 * The redaction evaluation measures generalisation only while its names, streets and cities stay out of
 * every list the detectors load. These tests fail when a lexicon gains a held-out value, when the corpus
 * stops being reproducible, when a label stops pointing at its value, or when coverage shrinks.
 */
import { allFakers } from '@faker-js/faker';
import { describe, expect, it } from 'vitest';
import { EVAL_CLASSES, generateCorpus, SAMPLE_KINDS, type Sample } from '../../eval/redaction/corpus.js';
import { CORPUS_LOCALES, detectorLists, listHits } from '../../eval/redaction/held-out-pools.js';
import { isHeldOut, lexiconKey } from '../../eval/redaction/holdout.js';
import { NEGATIVE_GROUPS, negativeSet } from '../../eval/redaction/negatives.js';

/** Two samples of every kind per locale: small enough to generate in a test, large enough to cover. */
const PER_LOCALE = SAMPLE_KINDS.length * 2;
const corpus: Sample[] = generateCorpus({ seed: 3, perLocale: PER_LOCALE });
const lists = detectorLists();

/**
 * Vocabularies that are not split from faker's lists and so may contain values the split holds out: the
 * person names compromise itself knows, and UI or English words that count as evidence against a name.
 * The corpus generator leaves out every value they contain (checked below); a list derived from faker's
 * data must never contain a held-out value.
 */
const EXTERNAL_VOCABULARIES = new Set([
  'nlpNames',
  'file:nlp-names.ts',
  'uiWords',
  'file:ui-words.ts',
  'englishWords',
  'file:english-words.ts',
  'streetSuffixes',
]);

describe('held-out values', () => {
  it('every name, street and city in the corpus is held out and in no detector list, word by word', () => {
    const uses = corpus.flatMap((s) => s.heldOut);
    expect(uses.length).toBeGreaterThan(500);
    const leaks = uses.filter((u) => !isHeldOut(u.value) || listHits(u.value, lists).length > 0);
    expect(leaks).toEqual([]);
  });

  it('no list derived from faker data contains a value the split holds out', () => {
    const leaks: string[] = [];
    for (const locale of Object.keys(allFakers) as (keyof typeof allFakers)[]) {
      const defs = allFakers[locale].rawDefinitions;
      const values = [
        defs.person?.first_name,
        defs.person?.last_name,
        defs.location?.street_name,
        defs.location?.city_name,
      ].flatMap((v): unknown[] =>
        v === undefined ? [] : Array.isArray(v) ? v : Object.values(v as object).flat(),
      );
      for (const v of values) {
        if (typeof v !== 'string' || !isHeldOut(v)) continue;
        for (const [name, set] of lists)
          if (!EXTERNAL_VOCABULARIES.has(name) && set.has(lexiconKey(v))) leaks.push(`${name}: ${v}`);
      }
    }
    expect(leaks.slice(0, 20)).toEqual([]);
  });
});

describe('corpus generator', () => {
  it('is deterministic: the same options give the same corpus', () => {
    const again = generateCorpus({ seed: 3, perLocale: PER_LOCALE });
    expect(again).toEqual(corpus);
    const other = generateCorpus({ seed: 4, perLocale: 4, locales: ['de'] });
    expect(other.map((s) => s.text)).not.toEqual(
      corpus
        .filter((s) => s.locale === 'de')
        .slice(0, 4)
        .map((s) => s.text),
    );
  });

  it('labels point at the planted values: non-empty, in bounds, not overlapping, trimmed', () => {
    for (const s of corpus) {
      const sorted = [...s.spans].sort((a, b) => a.start - b.start);
      sorted.forEach((span, i) => {
        const value = s.text.slice(span.start, span.end);
        expect(value.length).toBeGreaterThan(0);
        expect(span.end).toBeLessThanOrEqual(s.text.length);
        expect(value).toBe(value.trim());
        if (i > 0) expect(span.start).toBeGreaterThanOrEqual((sorted[i - 1] as { end: number }).end);
      });
    }
  });

  it('streets and cities sit inside ADDRESS spans, and every PERSON span holds a drawn name', () => {
    for (const s of corpus) {
      const text = (type: string) =>
        s.spans
          .filter((x) => x.type === type)
          .map((x) => s.text.slice(x.start, x.end))
          .join('\n');
      const addresses = text('ADDRESS');
      for (const u of s.heldOut.filter((h) => h.kind === 'street' || h.kind === 'city'))
        expect(addresses, `${u.kind} ${u.value}`).toContain(u.value);
      for (const span of s.spans.filter((x) => x.type === 'PERSON')) {
        const name = s.text.slice(span.start, span.end).toLowerCase();
        const drawn = s.heldOut.filter((h) => h.kind === 'given' || h.kind === 'surname');
        expect(
          drawn.some((h) => name.includes(h.value.toLowerCase())),
          name,
        ).toBe(true);
      }
    }
  });

  it('covers at least 20 locales, every class and every kind', () => {
    expect(new Set(corpus.map((s) => s.locale)).size).toBeGreaterThanOrEqual(20);
    expect(CORPUS_LOCALES.length).toBeGreaterThanOrEqual(20);
    const classes = new Set(corpus.flatMap((s) => s.spans.map((x) => x.type)));
    expect([...classes].sort()).toEqual([...EVAL_CLASSES].sort());
    expect(new Set(corpus.map((s) => s.kind)).size).toBe(SAMPLE_KINDS.length);
  });
});

describe('negative set', () => {
  it('has several hundred strings in every group, none empty', () => {
    const set = negativeSet();
    expect(set.length).toBeGreaterThanOrEqual(500);
    for (const g of NEGATIVE_GROUPS) expect(set.filter((n) => n.group === g).length).toBeGreaterThan(20);
    expect(set.every((n) => n.text.trim() !== '')).toBe(true);
  });
});
