/**
 * One evaluation run: generates the held-out corpus and the negative set, scrubs both with a scrubber
 * (the current one, or another module exporting `createScrubber`, such as an older checkout), scores them
 * and checks the targets. Shared by `npm run eval:redaction` and the `redaction-eval` bench case.
 */
import { createRequire } from 'node:module';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EVAL_CLASSES, type EvalClass, generateCorpus, type Sample } from './corpus.js';
import { CORPUS_LOCALES } from './held-out-pools.js';
import { type NegativeSample, negativeSet } from './negatives.js';
import {
  type ClassScore,
  CorpusScorer,
  type Example,
  NegativeScorer,
  type ScrubFn,
  type ScrubOutput,
} from './score.js';

/** The scrubber module evaluated by default (this checkout's). */
export const DEFAULT_SCRUBBER = new URL('../../core/redact/scrubber.ts', import.meta.url).href;

/** Loads `createScrubber` from a module path or URL and returns a scrub function with a fixed key. */
export async function loadScrubber(module: string = DEFAULT_SCRUBBER): Promise<ScrubFn> {
  const url =
    module.startsWith('file:') || module.startsWith('#')
      ? module
      : pathToFileURL(isAbsolute(module) ? module : resolve(module)).href;
  const mod = (await import(url)) as {
    createScrubber?: (o: { key: Uint8Array }) => { scrub: ScrubFn };
  };
  if (typeof mod.createScrubber !== 'function') throw new Error(`${module} exports no createScrubber`);
  const scrubber = mod.createScrubber({ key: new Uint8Array(32).fill(7) });
  return (text) => scrubber.scrub(text);
}

/** Whether compromise's lexicon knows a word as a name (for the "names it does not know" figure). */
function compromiseKnowsName(): (word: string) => boolean {
  const require = createRequire(import.meta.url);
  const nlp = require('compromise') as { model(): { one: { lexicon: Record<string, unknown> } } };
  const lexicon = nlp.model().one.lexicon;
  return (word) => {
    const tag = lexicon[word.toLowerCase()];
    return tag !== undefined && /Name|Person/.test(String(tag));
  };
}

/** One target of the issue and whether the run meets it. */
export interface TargetCheck {
  readonly name: string;
  readonly value: number;
  readonly target: number;
  readonly atMost: boolean;
  readonly pass: boolean;
}

/** Everything one run measured. */
export interface EvaluationResult {
  readonly scrubber: string;
  readonly corpus: {
    samples: number;
    negatives: number;
    locales: number;
    seed: number;
    perLocale: number;
  };
  /** Per-class figures over the whole corpus. */
  readonly classes: Record<EvalClass, ClassScore>;
  /** Per-class figures per slice: `split:dev`, `split:test`, `kind:<kind>`, `locale:<locale>`. */
  readonly slices: Record<string, Record<EvalClass, ClassScore>>;
  readonly negatives: Record<string, { rate: number; n: number }>;
  readonly unknownNames: { values: number; removed: number; recall: number };
  readonly targets: readonly TargetCheck[];
  /** Time spent scrubbing (corpus generation and scoring excluded). */
  readonly seconds: number;
  readonly misses: readonly Example[];
  readonly overRedactions: readonly Example[];
  readonly altered: readonly { group: string; text: string; output: string }[];
}

const RECALL_TARGETS: Readonly<Partial<Record<EvalClass, number>>> = {
  EMAIL: 0.95,
  PHONE: 0.95,
  CARD: 0.95,
  IBAN: 0.95,
  ID: 0.95,
  IP: 0.95,
  PERSON: 0.9,
  ADDRESS: 0.9,
  SECRET: 0.97,
};

/** The negative groups that make up "UI vocabulary" (menu items, settings, app names, titles). */
export const UI_GROUPS = ['ui', 'ui-intl', 'window', 'product'] as const;

/** The alteration of the UI groups together, weighted by their sizes. */
function uiVocabulary(rates: Record<string, { rate: number; n: number }>): { rate: number; n: number } {
  let altered = 0;
  let n = 0;
  for (const g of UI_GROUPS) {
    altered += (rates[g]?.rate ?? 0) * (rates[g]?.n ?? 0);
    n += rates[g]?.n ?? 0;
  }
  return { rate: n === 0 ? 0 : altered / n, n };
}

/** How to run an evaluation. */
export interface EvaluationOptions {
  /** Scrubber module path or URL. @default DEFAULT_SCRUBBER */
  readonly scrubber?: string;
  /** @default 1 */
  readonly seed?: number;
  /** @default 120 */
  readonly perLocale?: number;
  /** Score the sealed `fresh` split only (targets are then checked on it). */
  readonly fresh?: boolean;
  /** Score the sealed `fresh2` split only (targets are then checked on it); wins over `fresh`. */
  readonly fresh2?: boolean;
}

/** Runs the evaluation. */
export async function evaluate(options: EvaluationOptions = {}): Promise<EvaluationResult> {
  const seed = options.seed ?? 1;
  const perLocale = options.perLocale ?? 120;
  const scrub = await loadScrubber(options.scrubber);
  const fresh2 = options.fresh2 ?? false;
  const fresh = !fresh2 && (options.fresh ?? false);
  const corpus = generateCorpus(fresh2 ? { seed, perLocale, fresh2 } : { seed, perLocale, fresh });
  const negativeSamples = negativeSet(seed);
  const t0 = performance.now();
  const corpusOut = corpus.map((s) => scrub(s.text));
  const negativeOut = negativeSamples.map((n) => scrub(n.text));
  const seconds = (performance.now() - t0) / 1000;
  const scorer = new CorpusScorer(compromiseKnowsName());
  corpus.forEach((s, i) => {
    scorer.add(s, corpusOut[i] as ScrubOutput);
  });
  const negatives = new NegativeScorer();
  negativeSamples.forEach((n, i) => {
    negatives.add(n, negativeOut[i] as ScrubOutput);
  });
  const classes = scorer.scores();
  const slices = scorer.sliceScores();
  // Targets are checked on the test split: templates no detector was tuned on (see Sample.split).
  const sealedSplit = fresh2 ? 'fresh2' : fresh ? 'fresh' : 'test';
  const sealed = slices[`split:${sealedSplit}`] ?? classes;
  const rates = negatives.rates();
  rates['ui vocabulary'] = uiVocabulary(rates);
  const targets: TargetCheck[] = [];
  for (const c of EVAL_CLASSES) {
    const target = RECALL_TARGETS[c];
    if (target === undefined) continue;
    const value = sealed[c].recall;
    const name = `${c} recall (${sealedSplit} split)`;
    targets.push({ name, value, target, atMost: false, pass: value >= target });
  }
  for (const [name, group, target] of [
    ['UI vocabulary altered', 'ui vocabulary', 0.02],
    ['look-alike non-secrets altered', 'lookalike', 0.15],
  ] as const) {
    const value = rates[group]?.rate ?? 0;
    targets.push({ name, value, target, atMost: true, pass: value <= target });
  }
  const u = scorer.unknownNames;
  return {
    scrubber: options.scrubber ?? DEFAULT_SCRUBBER,
    corpus: {
      samples: corpus.length,
      negatives: negativeSamples.length,
      locales: CORPUS_LOCALES.length,
      seed,
      perLocale,
    },
    classes,
    slices,
    negatives: rates,
    unknownNames: {
      values: u.values,
      removed: u.values === 0 ? 1 : u.removed / u.values,
      recall: u.goldTokens === 0 ? 1 : u.recalledTokens / u.goldTokens,
    },
    targets,
    seconds,
    misses: scorer.misses,
    overRedactions: scorer.overRedactions,
    altered: negatives.altered,
  };
}

/** Removal and alteration figures for an engine that returns text only (no offsets), e.g. redact-pii. */
export interface TextOnlyFigures {
  /** Share of gold values per class whose text is gone from the output. */
  readonly removed: Record<EvalClass, number>;
  readonly uiAltered: number;
  readonly lookalikeAltered: number;
  readonly codeLogAltered: number;
}

/** Scores a text-to-text redactor on `corpus` and `negatives` by removal and alteration only. */
export function textOnlyFigures(
  redact: (text: string) => string,
  corpus: readonly Sample[],
  negatives: readonly NegativeSample[],
): TextOnlyFigures {
  const scorer = new CorpusScorer();
  for (const s of corpus) scorer.add(s, { text: redact(s.text), findings: [] });
  const neg = new NegativeScorer();
  for (const n of negatives) neg.add(n, { text: redact(n.text), findings: [] });
  const scores = scorer.scores();
  const rates = neg.rates();
  const removed = {} as Record<EvalClass, number>;
  for (const c of EVAL_CLASSES) removed[c] = scores[c].removed;
  return {
    removed,
    uiAltered: uiVocabulary(rates).rate,
    lookalikeAltered: rates.lookalike?.rate ?? 0,
    codeLogAltered: rates['code+log']?.rate ?? 0,
  };
}
