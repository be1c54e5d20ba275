/** `worktrace scrub --jsonl`: the scrubbing engine on stdin lines, same engine and policy as the Lambda. */
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { scrubberOptionsFor } from '#core/redact/policy.js';
import { createScrubber } from '#core/redact/scrubber.js';
import { failSoftly, loadKeyAndPolicy, withKeyAndPolicy } from './common.js';

/** Registers the command. */
export function registerScrub(program: Command): void {
  withKeyAndPolicy(
    program
      .command('scrub')
      .description(
        'scrub text: reads {"text": "..."} lines on stdin, writes {"text", "findings"} lines on stdout',
      )
      .requiredOption('--jsonl', 'input and output are JSON Lines'),
  ).action(
    failSoftly(async (opts: { dataDir: string; keyFile?: string; policy: string }) => {
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
          process.stdout.write(
            `${JSON.stringify({ error: `line ${lineNo}: expected {"text": "<string>"}` })}\n`,
          );
          continue;
        }
        const r = scrubber.scrub(text);
        process.stdout.write(`${JSON.stringify({ text: r.text, findings: r.findings })}\n`);
      }
    }),
  );
}
