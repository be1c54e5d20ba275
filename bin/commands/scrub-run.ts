/** What `worktrace scrub --jsonl` does: scrubs each stdin line's text, one JSON line out per line in. */
import { createInterface } from 'node:readline';
import { scrubberOptionsFor } from '#core/redact/policy.js';
import { createScrubber } from '#core/redact/scrubber.js';
import type { KeyAndPolicyFlags } from './common.js';
import { loadKeyAndPolicy } from './key-and-policy.js';

/** Scrubs stdin to stdout; a line that is not `{"text": "<string>"}` gets an error line, and the run goes on. */
export async function runScrub(opts: KeyAndPolicyFlags): Promise<void> {
  const { policy, keyProvider } = loadKeyAndPolicy(opts);
  const key = await keyProvider.getKey();
  const scrubber = createScrubber(scrubberOptionsFor(policy, key.key));
  let lineNo = 0;
  for await (const line of createInterface({
    input: process.stdin,
    crlfDelay: Number.POSITIVE_INFINITY,
  })) {
    lineNo += 1;
    if (line.trim() === '') continue;
    let text: unknown;
    try {
      text = (JSON.parse(line) as { text?: unknown }).text;
    } catch {
      text = undefined;
    }
    if (typeof text !== 'string') {
      process.stdout.write(`${JSON.stringify({ error: `line ${lineNo}: expected {"text": "<string>"}` })}\n`);
      continue;
    }
    const r = scrubber.scrub(text);
    process.stdout.write(`${JSON.stringify({ text: r.text, findings: r.findings })}\n`);
  }
}
