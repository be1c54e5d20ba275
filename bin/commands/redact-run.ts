/** What `worktrace redact` does: the redactor on a file, in batches, as the Lambda runs it. */
import { createReadStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { FileObjectStore } from '#adapters/file-object-store.js';
import { scrubberOptionsFor } from '#core/redact/policy.js';
import { Pseudonymizer } from '#core/redact/pseudonym.js';
import { writeRedacted } from '#core/redact/redact-writer.js';
import { createScrubber } from '#core/redact/scrubber.js';
import {
  emptyCounts,
  REDACTOR_VERSION,
  type RedactCounts,
  redactBatch,
  SessionStates,
  type SourceRecord,
} from '#core/redact/transform.js';
import type { KeyAndPolicyFlags } from './common.js';
import { loadKeyAndPolicy } from './key-and-policy.js';
import type { RedactOptions } from './redact.js';

const BATCH = 500;

/** Redacts a file in batches; returns the summary written to <out>/summary.json. */
export async function redactFile(
  file: string,
  out: string,
  opts: KeyAndPolicyFlags,
): Promise<{ lines: number; counts: RedactCounts; findings: Record<string, number>; objects: number }> {
  const { policy, keyProvider } = loadKeyAndPolicy(opts);
  const key = await keyProvider.getKey();
  const ctx = {
    policy,
    pseudonymizer: new Pseudonymizer(key),
    scrubber: createScrubber(scrubberOptionsFor(policy, key.key)),
    redactorVersion: REDACTOR_VERSION,
    sessions: new SessionStates(),
  };
  await mkdir(out, { recursive: true });
  const store = new FileObjectStore(out);
  const total = emptyCounts();
  const findings: Record<string, number> = {};
  const ndjson: string[] = [];
  const quarantine: string[] = [];
  let lines = 0;
  let objects = 0;
  let batch: SourceRecord[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const outcome = await redactBatch(batch, ctx);
    const written = await writeRedacted(outcome, batch, { events: store, quarantine: store });
    if (!written.ok) throw written.error;
    outcome.commit();
    objects += written.keys.length;
    for (const r of outcome.rows) ndjson.push(JSON.stringify(r));
    for (const q of outcome.quarantine) quarantine.push(JSON.stringify(q));
    const c = outcome.counts;
    total.written += c.written;
    total.coalesced += c.coalesced;
    total.quarantined += c.quarantined;
    total.textRuns += c.textRuns;
    total.contentWithheld += c.contentWithheld;
    total.secureTextRemoved += c.secureTextRemoved;
    for (const [k, v] of Object.entries(c.dropped)) total.dropped[k as keyof RedactCounts['dropped']] += v;
    for (const [k, v] of Object.entries(outcome.findings)) findings[k] = (findings[k] ?? 0) + v;
    batch = [];
  };
  for await (const line of createInterface({
    input: createReadStream(file),
    crlfDelay: Number.POSITIVE_INFINITY,
  })) {
    lines += 1;
    if (line.trim() === '') continue;
    batch.push({
      shardId: 'file',
      sequenceNumber: String(lines).padStart(12, '0'),
      arrivalMs: Date.now(),
      data: Buffer.from(line),
    });
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  await writeFile(join(out, 'events.ndjson'), ndjson.length ? `${ndjson.join('\n')}\n` : '');
  await writeFile(join(out, 'quarantine.ndjson'), quarantine.length ? `${quarantine.join('\n')}\n` : '');
  const summary = { lines, counts: total, findings, objects };
  await writeFile(join(out, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

/** Redacts the file and prints the summary. */
export async function runRedact(file: string, opts: RedactOptions): Promise<void> {
  const s = await redactFile(file, opts.out, opts);
  const dropped = Object.entries(s.counts.dropped).filter(([, n]) => n > 0);
  console.log(
    `lines ${s.lines}: written ${s.counts.written} rows + ${s.counts.textRuns} text rows from ${s.counts.coalesced} coalesced keys`,
  );
  console.log(
    `quarantined ${s.counts.quarantined}; dropped by policy ${dropped.map(([k, n]) => `${k}=${n}`).join(' ') || '0'}`,
  );
  console.log(
    `findings ${
      Object.entries(s.findings)
        .map(([k, n]) => `${k}=${n}`)
        .join(' ') || 'none'
    }`,
  );
  console.log(
    `wrote ${s.objects} lake objects, events.ndjson, quarantine.ndjson and summary.json under ${opts.out}`,
  );
}
