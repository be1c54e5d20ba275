/**
 * `npm run eval:redaction [-- options]`: scores a scrubber on the held-out corpus and the negative set,
 * prints per-class precision, recall, F2 and removal with the targets, and writes
 * eval/redaction/results.json.
 *   --scrubber <path>  evaluate another module exporting createScrubber (e.g. an older checkout)
 *   --markdown         print the tables as Markdown (for docs/redaction.md)
 *   --misses <n>       print n missed and n over-redacted examples per class (dev split only: the test
 *                      split's templates stay unseen by whoever tunes detectors), and n altered
 *                      negatives per group (a developer tool: it prints synthetic corpus text)
 *   --by kind|locale   print token recall per class for each sample kind or locale
 *   --fresh2           score the sealed `fresh2` split only (fresh2-templates.ts); its misses are never
 *                      printed, so keep it sealed until the final measurement
 *   --seed <n>, --per-locale <n>, --out <path>, --no-write
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { EVAL_CLASSES } from './corpus.js';
import { type EvaluationResult, evaluate } from './evaluate.js';

const { values: args } = parseArgs({
  options: {
    scrubber: { type: 'string' },
    markdown: { type: 'boolean', default: false },
    misses: { type: 'string' },
    by: { type: 'string' },
    seed: { type: 'string', default: '1' },
    'per-locale': { type: 'string', default: '120' },
    out: { type: 'string', default: 'eval/redaction/results.json' },
    'no-write': { type: 'boolean', default: false },
    fresh: { type: 'boolean', default: false },
    fresh2: { type: 'boolean', default: false },
  },
});

const pct = (v: number): string => `${(v * 100).toFixed(1)} %`;
const num = (v: number): string => v.toFixed(3);

function table(rows: readonly (readonly string[])[], markdown: boolean): string {
  if (markdown) {
    const [head, ...body] = rows;
    const line = (r: readonly string[]) => `| ${r.join(' | ')} |`;
    return [line(head ?? []), line((head ?? []).map(() => '---')), ...body.map(line)].join('\n');
  }
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')).join('\n');
}

function report(r: EvaluationResult, markdown: boolean): string {
  const classRows = [
    ['class', 'precision', 'recall', 'F2', 'removed', 'n', 'recall dev', 'recall test'],
    ...EVAL_CLASSES.map((c) => {
      const s = r.classes[c];
      const dev = r.slices['split:dev']?.[c];
      const test = r.slices['split:test']?.[c];
      return [
        c,
        num(s.precision),
        num(s.recall),
        num(s.f2),
        pct(s.removed),
        String(s.n),
        dev ? num(dev.recall) : '-',
        test ? num(test.recall) : '-',
      ];
    }),
  ];
  const negRows = [
    ['negative set', 'altered', 'n'],
    ...Object.entries(r.negatives).map(([g, v]) => [g, pct(v.rate), String(v.n)]),
  ];
  const targetRows = [
    ['target', 'value', 'goal', 'result'],
    ...r.targets.map((t) => [
      t.name,
      t.atMost ? pct(t.value) : num(t.value),
      `${t.atMost ? '<=' : '>='} ${t.atMost ? pct(t.target) : num(t.target)}`,
      t.pass ? 'pass' : 'FAIL',
    ]),
  ];
  return [
    `scrubber: ${r.scrubber}`,
    `corpus: ${r.corpus.samples} samples, ${r.corpus.locales} locales, seed ${r.corpus.seed}; scrubbed in ${r.seconds.toFixed(1)} s`,
    '',
    table(classRows, markdown),
    '',
    `PERSON values whose words compromise's lexicon does not know as names: ${r.unknownNames.values}, token recall ${num(r.unknownNames.recall)}, removed ${pct(r.unknownNames.removed)}`,
    '',
    table(negRows, markdown),
    '',
    table(targetRows, markdown),
  ].join('\n');
}

/** Token recall per class for every slice of one dimension (`kind` or `locale`). */
function bySlice(r: EvaluationResult, dimension: string, markdown: boolean): string {
  const rows = [[dimension, ...EVAL_CLASSES]];
  for (const [key, scores] of Object.entries(r.slices)) {
    if (!key.startsWith(`${dimension}:`)) continue;
    rows.push([
      key.slice(dimension.length + 1),
      ...EVAL_CLASSES.map((c) => (scores[c].n === 0 ? '-' : num(scores[c].recall))),
    ]);
  }
  return table(rows, markdown);
}

function examples(r: EvaluationResult, n: number): string {
  const out: string[] = [];
  const show = (s: string) => JSON.stringify(s);
  for (const c of EVAL_CLASSES) {
    const missed = r.misses.filter((m) => m.cls === c).slice(0, n);
    const over = r.overRedactions.filter((m) => m.cls === c).slice(0, n);
    if (missed.length === 0 && over.length === 0) continue;
    out.push(`\n== ${c}`);
    for (const m of missed)
      out.push(`  missed ${show(m.value)} in ${show(m.text)}\n    -> ${show(m.output)}`);
    for (const m of over) out.push(`  over   ${show(m.value)} in ${show(m.text)}\n    -> ${show(m.output)}`);
  }
  const groups = [...new Set(r.altered.map((a) => a.group))];
  for (const g of groups) {
    out.push(`\n== negatives altered: ${g}`);
    for (const a of r.altered.filter((x) => x.group === g).slice(0, n))
      out.push(`  ${show(a.text)}\n    -> ${show(a.output)}`);
  }
  return out.join('\n');
}

const result = await evaluate({
  ...(args.scrubber ? { scrubber: args.scrubber } : {}),
  seed: Number(args.seed),
  perLocale: Number(args['per-locale']),
  fresh: args.fresh,
  fresh2: args.fresh2,
});
console.log(report(result, args.markdown));
if (args.by) console.log(`\n${bySlice(result, args.by, args.markdown)}`);
if (args.misses) console.log(examples(result, Number(args.misses)));
if (!args['no-write']) {
  const { misses: _m, overRedactions: _o, altered: _a, ...summary } = result;
  writeFileSync(args.out, `${JSON.stringify({ when: new Date().toISOString(), ...summary }, null, 2)}\n`);
  console.log(`\nwrote ${args.out}`);
}
