/**
 * The scrubbing engine on typed text, against the npm package redact-pii. Speed is timed on the typed-text
 * corpus (bench/scrub-corpus.ts, as before, so the figure stays comparable across runs) and on the
 * held-out corpus; recall (values removed per class) and over-redaction (UI vocabulary and look-alike
 * non-secrets altered) come from the held-out evaluation corpus and negative set (eval/redaction), which
 * neither engine's word lists were drawn from.
 */
import { createRequire } from 'node:module';
import { createScrubber } from '#core/redact/scrubber.js';
import { EVAL_CLASSES, generateCorpus } from '../../eval/redaction/corpus.js';
import { type TextOnlyFigures, textOnlyFigures } from '../../eval/redaction/evaluate.js';
import { negativeSet } from '../../eval/redaction/negatives.js';
import type { BenchExtras, MicroCase, RunCase } from '../harness.js';
import { scrubCorpus } from '../scrub-corpus.js';

const require = createRequire(import.meta.url);
const { SyncRedactor } = require('redact-pii') as {
  SyncRedactor: new () => { redact(text: string): string };
};

const corpus = scrubCorpus(3000);
const KEY = new Uint8Array(32).fill(9);
/**
 * A scrubber caches results per distinct short field, so one that had seen the corpus would be timed on
 * cache hits: each timed pass gets a fresh one (its construction costs well under a millisecond), and the
 * cache helps only with repeats inside the pass, as within one batch.
 */
const fresh = () => createScrubber({ key: KEY });

/** The held-out evaluation corpus (a smaller draw than `npm run eval:redaction`) and the negative set. */
let heldOut:
  | { corpus: ReturnType<typeof generateCorpus>; negatives: ReturnType<typeof negativeSet> }
  | undefined;
function evalSets() {
  heldOut ??= { corpus: generateCorpus({ perLocale: 60 }), negatives: negativeSet() };
  return heldOut;
}

function figures(redact: (t: string) => string): TextOnlyFigures {
  const { corpus: samples, negatives } = evalSets();
  return textOnlyFigures(redact, samples, negatives);
}

export const scrubCase: MicroCase = {
  kind: 'micro',
  name: 'scrub',
  description: 'worktrace scrubber on a typed-text corpus (one field = one event)',
  events: corpus.length,
  run() {
    const scrubber = fresh();
    let n = 0;
    for (const f of corpus) n += scrubber.scrub(f.text).findings.length;
    return n;
  },
  extras() {
    const scrubber = fresh();
    const f = figures((t) => scrubber.scrub(t).text);
    const extras: BenchExtras = {};
    for (const c of EVAL_CLASSES) extras[`held-out removed ${c}`] = f.removed[c];
    extras['UI vocabulary altered'] = f.uiAltered;
    extras['look-alike altered'] = f.lookalikeAltered;
    return extras;
  },
};

/** Measured as a run case so both engines are timed the same way in one process. */
export const scrubVersusRedactPii: RunCase = {
  kind: 'run',
  name: 'scrub vs redact-pii',
  description:
    'redact-pii SyncRedactor on the same corpus; extras compare speed, held-out recall and over-redaction',
  async measure() {
    const theirs = new SyncRedactor();
    const texts = corpus.map((f) => f.text);
    const heldOutTexts = evalSets().corpus.map((s) => s.text);
    const time = (f: (t: string) => unknown, fields: readonly string[]) => {
      const t0 = performance.now();
      for (const text of fields) f(text);
      return (performance.now() - t0) / 1000;
    };
    const timeOurs = (fields: readonly string[]) => {
      const scrubber = fresh();
      return time((t) => scrubber.scrub(t), fields);
    };
    // Warm both up (about a second each: the layers' code needs many calls before the JIT has optimised
    // it), then alternate rounds so load drifting on a shared machine hits both engines alike, and take
    // the median round of each.
    for (const warm of [timeOurs, (f: readonly string[]) => time((t) => theirs.redact(t), f)]) {
      const t0 = performance.now();
      while (performance.now() - t0 < 1000) warm(texts);
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1] as number;
    const ours: number[] = [];
    const their: number[] = [];
    const oursHeld: number[] = [];
    const theirHeld: number[] = [];
    for (let k = 0; k < 7; k++) {
      ours.push(timeOurs(texts));
      their.push(time((t) => theirs.redact(t), texts));
      oursHeld.push(timeOurs(heldOutTexts));
      theirHeld.push(time((t) => theirs.redact(t), heldOutTexts));
    }
    const oursSec = median(ours);
    const theirsSec = median(their);
    const oursHeldOut = median(oursHeld);
    const theirsHeldOut = median(theirHeld);
    const scrubber = fresh();
    const mine = figures((t) => scrubber.scrub(t).text);
    const other = figures((t) => theirs.redact(t));
    const pair = (a: number, b: number) => `${a.toFixed(3)} / ${b.toFixed(3)}`;
    const extras: BenchExtras = {
      'worktrace events/s': corpus.length / oursSec,
      'redact-pii events/s': corpus.length / theirsSec,
      'speed ratio (worktrace / redact-pii)': theirsSec / oursSec,
      'speed ratio on the held-out corpus': theirsHeldOut / oursHeldOut,
    };
    for (const c of EVAL_CLASSES)
      extras[`held-out removed ${c} (worktrace / redact-pii)`] = pair(mine.removed[c], other.removed[c]);
    extras['UI vocabulary altered (worktrace / redact-pii)'] = pair(mine.uiAltered, other.uiAltered);
    extras['look-alike altered (worktrace / redact-pii)'] = pair(
      mine.lookalikeAltered,
      other.lookalikeAltered,
    );
    extras['code+log altered (worktrace / redact-pii)'] = pair(mine.codeLogAltered, other.codeLogAltered);
    return { events: corpus.length, seconds: theirsSec, extras };
  },
};
