/** `npm run bench [-- <name filter>]`: runs the floor and every matching case, prints and saves results. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { CASES, floorCase } from './cases/index.js';
import { formatResults, runBenchmarks } from './harness.js';

const filter = process.argv[2];
const cases = filter ? CASES.filter((c) => c.name.includes(filter)) : CASES;
const results = await runBenchmarks(floorCase, cases, Number(process.env.BENCH_TIME_MS ?? 1500));
console.log(formatResults(results));
mkdirSync('bench', { recursive: true });
writeFileSync(
  'bench/results.json',
  `${JSON.stringify({ when: new Date().toISOString(), node: process.version, cpus: cpus().length, results }, null, 2)}\n`,
);
console.log('\nwrote bench/results.json');
