/**
 * Scoring, presidio-research style: scrubber findings are mapped to evaluation classes and compared with
 * the gold spans token by token (tokens are runs of letters, digits and marks, so punctuation and spaces
 * split them). Per class: precision, recall and F2 (recall weighs four times precision: a leak costs more
 * than an over-redaction), plus the share of gold values whose text no longer appears in the output
 * ("removed", what the issue's own table measured). The negative set gives alteration rates per group.
 */
import { ENTITY_TYPES } from '#core/redact/scrub-types.js';
import type { EvalClass, GoldSpan, Sample } from './corpus.js';
import { EVAL_CLASSES } from './corpus.js';
import type { NegativeGroup, NegativeSample } from './negatives.js';

/** What a scrubber under evaluation returns (the `Scrubber` contract, loosely typed for old modules). */
export interface ScrubOutput {
  readonly text: string;
  readonly findings: readonly { readonly type: string; readonly start: number; readonly end: number }[];
}
/** A scrubber under evaluation, as a function. */
export type ScrubFn = (text: string) => ScrubOutput;

const DIRECT: Readonly<Record<string, EvalClass>> = {
  PERSON: 'PERSON',
  ADDRESS: 'ADDRESS',
  EMAIL: 'EMAIL',
  PHONE: 'PHONE',
  CARD: 'CARD',
  IBAN: 'IBAN',
  SSN: 'ID',
  NATIONAL_ID: 'ID',
  IPV4: 'IP',
  IPV6: 'IP',
  USERNAME: 'USERNAME',
};

/** Entity types outside every class: not personal data a test can label, or the organisation's terms. */
const UNCLASSED = new Set(['MAC', 'URL_QUERY', 'URL_FRAGMENT', 'DENY_TERM']);
const KNOWN_TYPES: ReadonlySet<string> = new Set(ENTITY_TYPES);

/**
 * The evaluation class of a scrubber entity type: PII types map one to one (SSN and NATIONAL_ID to ID, IPV4
 * and IPV6 to IP), every other known type but MAC, URL query and fragment and deny terms is a secret (so a
 * secret type added to scrub-types.ts counts without a change here; a new PII type needs a line in DIRECT).
 */
export function classOf(type: string): EvalClass | undefined {
  const direct = DIRECT[type];
  if (direct) return direct;
  return KNOWN_TYPES.has(type) && !UNCLASSED.has(type) ? 'SECRET' : undefined;
}

interface Token {
  readonly start: number;
  readonly end: number;
}

const TOKEN = /[\p{L}\p{N}\p{M}]+/gu;

function tokensOf(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(TOKEN)) out.push({ start: m.index, end: m.index + m[0].length });
  return out;
}

/** The classes of the spans that overlap a token. */
function classesAt(
  t: Token,
  spans: readonly { cls: EvalClass; start: number; end: number }[],
): Set<EvalClass> {
  const out = new Set<EvalClass>();
  for (const s of spans) if (s.start < t.end && s.end > t.start) out.add(s.cls);
  return out;
}

/** Whether `value` still appears in `output` as a whole (not inside a longer word or number). */
export function stillPresent(output: string, value: string): boolean {
  let from = 0;
  for (;;) {
    const at = output.indexOf(value, from);
    if (at < 0) return false;
    const before = output[at - 1] ?? ' ';
    const after = output[at + value.length] ?? ' ';
    if (!/[\p{L}\p{N}]/u.test(before) && !/[\p{L}\p{N}]/u.test(after)) return true;
    from = at + 1;
  }
}

/** Counts for one class. */
export interface ClassCounts {
  /** Gold tokens of the class, and of those the ones a finding of the class overlaps. */
  goldTokens: number;
  recalledTokens: number;
  /** Tokens findings of the class overlap, and of those the ones gold labels with the class. */
  predictedTokens: number;
  correctTokens: number;
  /** Gold values, and of those the ones whose text is gone from the output. */
  values: number;
  removed: number;
}

/** One class's figures. */
export interface ClassScore {
  readonly precision: number;
  readonly recall: number;
  readonly f2: number;
  readonly removed: number;
  readonly n: number;
}

/** A missed or over-redacted example, for engineers tuning detectors (printed by `--misses`). */
export interface Example {
  readonly cls: EvalClass;
  readonly text: string;
  readonly value: string;
  readonly output: string;
}

const zero = (): ClassCounts => ({
  goldTokens: 0,
  recalledTokens: 0,
  predictedTokens: 0,
  correctTokens: 0,
  values: 0,
  removed: 0,
});

/** Counts per class for one slice of the corpus. */
class Tally {
  readonly counts = new Map<EvalClass, ClassCounts>(EVAL_CLASSES.map((c) => [c, zero()]));

  of(c: EvalClass): ClassCounts {
    return this.counts.get(c) as ClassCounts;
  }

  scores(): Record<EvalClass, ClassScore> {
    const out = {} as Record<EvalClass, ClassScore>;
    for (const [c, n] of this.counts) {
      const precision = n.predictedTokens === 0 ? 1 : n.correctTokens / n.predictedTokens;
      const recall = n.goldTokens === 0 ? 1 : n.recalledTokens / n.goldTokens;
      const f2 = precision + recall === 0 ? 0 : (5 * precision * recall) / (4 * precision + recall);
      out[c] = { precision, recall, f2, removed: n.values === 0 ? 1 : n.removed / n.values, n: n.values };
    }
    return out;
  }
}

/** Accumulates counts over samples: over all of them, and per split, kind and locale. */
export class CorpusScorer {
  private readonly all = new Tally();
  private readonly slices = new Map<string, Tally>();
  readonly misses: Example[] = [];
  readonly overRedactions: Example[] = [];
  /** PERSON values whose words the NLP lexicon does not know: [values, removed, gold tokens, recalled]. */
  readonly unknownNames = { values: 0, removed: 0, goldTokens: 0, recalledTokens: 0 };

  constructor(private readonly isKnownName: (word: string) => boolean = () => false) {}

  private tallies(sample: Sample): Tally[] {
    const keys = [`split:${sample.split}`, `kind:${sample.kind}`, `locale:${sample.locale}`];
    return [
      this.all,
      ...keys.map((k) => {
        let t = this.slices.get(k);
        if (!t) {
          t = new Tally();
          this.slices.set(k, t);
        }
        return t;
      }),
    ];
  }

  add(sample: Sample, out: ScrubOutput): void {
    const tallies = this.tallies(sample);
    const bump = (c: EvalClass, field: keyof ClassCounts) => {
      for (const t of tallies) t.of(c)[field] += 1;
    };
    const gold = sample.spans.map((s: GoldSpan) => ({ cls: s.type, start: s.start, end: s.end }));
    const predicted: { cls: EvalClass; start: number; end: number }[] = [];
    for (const f of out.findings) {
      const cls = classOf(f.type);
      if (cls) predicted.push({ cls, start: f.start, end: f.end });
    }
    for (const t of tokensOf(sample.text)) {
      const g = classesAt(t, gold);
      const p = classesAt(t, predicted);
      for (const c of g) {
        bump(c, 'goldTokens');
        if (p.has(c)) bump(c, 'recalledTokens');
      }
      for (const c of p) {
        bump(c, 'predictedTokens');
        if (g.has(c)) bump(c, 'correctTokens');
        else if (g.size === 0 && sample.split !== 'test')
          this.overRedactions.push({
            cls: c,
            text: sample.text,
            value: sample.text.slice(t.start, t.end),
            output: out.text,
          });
      }
    }
    for (const s of gold) {
      const value = sample.text.slice(s.start, s.end);
      bump(s.cls, 'values');
      const gone = !stillPresent(out.text, value);
      if (gone) bump(s.cls, 'removed');
      else if (sample.split !== 'test')
        this.misses.push({ cls: s.cls, text: sample.text, value, output: out.text });
      if (s.cls === 'PERSON' && !value.split(/[\s,.]+/).some((w) => w !== '' && this.isKnownName(w))) {
        this.unknownNames.values += 1;
        if (gone) this.unknownNames.removed += 1;
        for (const t of tokensOf(value)) {
          this.unknownNames.goldTokens += 1;
          const abs = { start: s.start + t.start, end: s.start + t.end };
          if (classesAt(abs, predicted).has('PERSON')) this.unknownNames.recalledTokens += 1;
        }
      }
    }
  }

  /** Per-class figures over the whole corpus. */
  scores(): Record<EvalClass, ClassScore> {
    return this.all.scores();
  }

  /** Per-class figures per slice: `split:dev`, `split:test`, `kind:<kind>`, `locale:<locale>`. */
  sliceScores(): Record<string, Record<EvalClass, ClassScore>> {
    const out: Record<string, Record<EvalClass, ClassScore>> = {};
    for (const k of [...this.slices.keys()].sort()) out[k] = (this.slices.get(k) as Tally).scores();
    return out;
  }
}

/** Alteration of the negative set: per group, strings changed and strings seen. */
export class NegativeScorer {
  readonly groups = new Map<NegativeGroup, { altered: number; n: number }>();
  readonly altered: { group: NegativeGroup; text: string; output: string }[] = [];

  add(sample: NegativeSample, out: ScrubOutput): void {
    const g = this.groups.get(sample.group) ?? { altered: 0, n: 0 };
    g.n += 1;
    if (out.text !== sample.text) {
      g.altered += 1;
      this.altered.push({ group: sample.group, text: sample.text, output: out.text });
    }
    this.groups.set(sample.group, g);
  }

  /** Share of strings altered per group, and for code + log together. */
  rates(): Record<string, { rate: number; n: number }> {
    const out: Record<string, { rate: number; n: number }> = {};
    for (const [g, { altered, n }] of this.groups) out[g] = { rate: n === 0 ? 0 : altered / n, n };
    const code = this.groups.get('code') ?? { altered: 0, n: 0 };
    const log = this.groups.get('log') ?? { altered: 0, n: 0 };
    const n = code.n + log.n;
    out['code+log'] = { rate: n === 0 ? 0 : (code.altered + log.altered) / n, n };
    return out;
  }
}
