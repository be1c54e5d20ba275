/**
 * The redaction evaluation as a bench case (`npm run bench -- redaction-eval`): the held-out corpus and the
 * negative set through this checkout's scrubber, with per-class recall and removal and the UI and
 * look-alike alteration as extras, so accuracy is read beside speed in one results file.
 */
import { EVAL_CLASSES } from '../../eval/redaction/corpus.js';
import { evaluate } from '../../eval/redaction/evaluate.js';
import type { BenchExtras, RunCase } from '../harness.js';

/** Runs `evaluate()` once; its rate is strings scrubbed per second, its extras the accuracy figures. */
export const redactionEvalCase: RunCase = {
  kind: 'run',
  name: 'redaction-eval',
  description: 'held-out multi-locale corpus and negative set through the scrubber; accuracy as extras',
  async measure() {
    const r = await evaluate();
    const extras: BenchExtras = {};
    for (const c of EVAL_CLASSES) {
      const s = r.classes[c];
      const test = r.slices['split:test']?.[c]?.recall ?? Number.NaN;
      extras[`${c} P / R / R test split / removed`] =
        `${s.precision.toFixed(3)} / ${s.recall.toFixed(3)} / ${test.toFixed(3)} / ${s.removed.toFixed(3)}`;
    }
    extras['UI vocabulary altered'] = r.negatives['ui vocabulary']?.rate ?? 0;
    extras['look-alike altered'] = r.negatives.lookalike?.rate ?? 0;
    extras['code+log altered'] = r.negatives['code+log']?.rate ?? 0;
    extras['targets met'] = `${r.targets.filter((t) => t.pass).length} / ${r.targets.length}`;
    return { events: r.corpus.samples + r.corpus.negatives, seconds: r.seconds, extras };
  },
};
