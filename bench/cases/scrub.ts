/** The scrubbing engine on typed text, against the npm package redact-pii on the same corpus. */
import { createRequire } from 'node:module';
import { createScrubber } from '#core/redact/scrubber.js';
import type { MicroCase, RunCase } from '../harness.js';
import { scrubCorpus } from '../scrub-corpus.js';

const require = createRequire(import.meta.url);
const { SyncRedactor } = require('redact-pii') as {
  SyncRedactor: new () => { redact(text: string): string };
};

const corpus = scrubCorpus(3000);
const ours = createScrubber({ key: new Uint8Array(32).fill(9) });

/** Share of planted values per type that no longer appear in the output. */
function recall(redact: (t: string) => string): Record<string, number> {
  const hit: Record<string, [number, number]> = {};
  for (const field of corpus) {
    if (field.planted.length === 0) continue;
    const out = redact(field.text);
    for (const p of field.planted) {
      const h = hit[p.type] ?? [0, 0];
      h[1] += 1;
      if (!out.includes(p.value)) h[0] += 1;
      hit[p.type] = h;
    }
  }
  return Object.fromEntries(Object.entries(hit).map(([t, [ok, all]]) => [t, ok / all]));
}

export const scrubCase: MicroCase = {
  kind: 'micro',
  name: 'scrub',
  description: 'worktrace scrubber on a typed-text corpus (one field = one event)',
  events: corpus.length,
  run() {
    let n = 0;
    for (const f of corpus) n += ours.scrub(f.text).findings.length;
    return n;
  },
  extras() {
    const r = recall((t) => ours.scrub(t).text);
    return Object.fromEntries(Object.entries(r).map(([t, v]) => [`recall ${t}`, v]));
  },
};

/** Measured as a run case so both engines are timed the same way in one process. */
export const scrubVersusRedactPii: RunCase = {
  kind: 'run',
  name: 'scrub vs redact-pii',
  description: 'redact-pii SyncRedactor on the same corpus; extras compare speed and recall per type',
  async measure() {
    const theirs = new SyncRedactor();
    const time = (f: (t: string) => unknown, rounds: number) => {
      const t0 = performance.now();
      for (let k = 0; k < rounds; k++) for (const field of corpus) f(field.text);
      return (performance.now() - t0) / 1000 / rounds;
    };
    // Warm both up, then alternate rounds so load drifting on a shared machine hits both engines alike.
    time((t) => ours.scrub(t), 1);
    time((t) => theirs.redact(t), 1);
    let oursSec = 0;
    let theirsSec = 0;
    const rounds = 3;
    for (let k = 0; k < rounds; k++) {
      oursSec += time((t) => ours.scrub(t), 1) / rounds;
      theirsSec += time((t) => theirs.redact(t), 1) / rounds;
    }
    const ourRecall = recall((t) => ours.scrub(t).text);
    const theirRecall = recall((t) => theirs.redact(t));
    const extras: Record<string, number | string> = {
      'worktrace events/s': corpus.length / oursSec,
      'redact-pii events/s': corpus.length / theirsSec,
      'speed ratio (worktrace / redact-pii)': theirsSec / oursSec,
    };
    for (const t of Object.keys(ourRecall)) {
      extras[`recall ${t} (worktrace / redact-pii)`] =
        `${(ourRecall[t] ?? 0).toFixed(3)} / ${(theirRecall[t] ?? 0).toFixed(3)}`;
    }
    return { events: corpus.length, seconds: theirsSec, extras };
  },
};
