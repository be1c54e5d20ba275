/**
 * The scorer is what the redaction targets are read from: token recall and precision per class, value
 * removal, and alteration of the negative set must count what they say.
 */
import { describe, expect, it } from 'vitest';
import type { Sample } from '../../eval/redaction/corpus.js';
import { CorpusScorer, classOf, NegativeScorer, stillPresent } from '../../eval/redaction/score.js';

const sample = (text: string, spans: Sample['spans']): Sample => ({
  text,
  spans,
  kind: 'chat',
  locale: 'fi',
  split: 'test',
  heldOut: [],
});

describe('CorpusScorer', () => {
  const text = 'Hi Aino Virtanen, call 040 123 4567';
  const gold = sample(text, [
    { type: 'PERSON', start: 3, end: 16 },
    { type: 'PHONE', start: 23, end: 35 },
  ]);

  it('recalls a gold token only when a finding of the same class overlaps it', () => {
    const scorer = new CorpusScorer();
    scorer.add(gold, {
      text: 'Hi <PERSON> Virtanen, call <SECRET>',
      findings: [
        { type: 'PERSON', start: 3, end: 7 },
        { type: 'PASSWORD', start: 23, end: 35 },
      ],
    });
    const s = scorer.scores();
    expect(s.PERSON.recall).toBe(0.5);
    expect(s.PHONE.recall).toBe(0);
    // The phone was still removed, by a finding of another class: removal counts it, recall does not.
    expect(s.PHONE.removed).toBe(1);
    expect(s.PERSON.removed).toBe(1);
    expect(s.SECRET.precision).toBe(0);
  });

  it('counts a finding on untouched tokens against precision, and a kept value as not removed', () => {
    const scorer = new CorpusScorer();
    scorer.add(gold, {
      text: '<PERSON> Aino Virtanen, call 040 123 4567',
      findings: [{ type: 'PERSON', start: 0, end: 2 }],
    });
    const s = scorer.scores();
    expect(s.PERSON.precision).toBe(0);
    expect(s.PERSON.recall).toBe(0);
    expect(s.PERSON.removed).toBe(0);
    expect(scorer.sliceScores()['locale:fi']?.PERSON.n).toBe(1);
  });

  it('reports F2 as the recall-weighted harmonic mean', () => {
    const scorer = new CorpusScorer();
    scorer.add(sample('Name: Aino Virtanen', [{ type: 'PERSON', start: 6, end: 19 }]), {
      text: '<PERSON>',
      findings: [{ type: 'PERSON', start: 0, end: 19 }],
    });
    const s = scorer.scores().PERSON;
    expect(s.precision).toBeCloseTo(2 / 3);
    expect(s.recall).toBe(1);
    expect(s.f2).toBeCloseTo((5 * (2 / 3)) / (4 * (2 / 3) + 1));
  });
});

describe('classes and removal', () => {
  it('maps entity types to classes, secrets by default, unclassed types to none', () => {
    expect(classOf('NATIONAL_ID')).toBe('ID');
    expect(classOf('IPV6')).toBe('IP');
    expect(classOf('URL_USERINFO')).toBe('SECRET');
    expect(classOf('GITLAB_TOKEN')).toBe('SECRET');
    expect(classOf('URL_QUERY')).toBeUndefined();
    expect(classOf('NOT_A_TYPE')).toBeUndefined();
  });

  it('finds a value only as a whole word', () => {
    expect(stillPresent('Hi Alan', 'Al')).toBe(false);
    expect(stillPresent('Hi Al, ok', 'Al')).toBe(true);
  });

  it('counts negative strings altered per group', () => {
    const neg = new NegativeScorer();
    neg.add({ group: 'ui', text: 'Save As' }, { text: 'Save As', findings: [] });
    neg.add({ group: 'ui', text: 'Mark Moore' }, { text: '<PERSON>', findings: [] });
    expect(neg.rates().ui).toEqual({ rate: 0.5, n: 2 });
  });
});
