/** `worktrace redact <events.ndjson> --out <dir>`: the redactor on a file, without AWS. */
import type { Command } from 'commander';
import { failSoftly, type KeyAndPolicyFlags, withKeyAndPolicy } from './common.js';

/** The options of `worktrace redact`. */
export type RedactOptions = KeyAndPolicyFlags & { out: string };

/** Registers the command. */
export function registerRedact(program: Command): void {
  withKeyAndPolicy(
    program
      .command('redact')
      .description(
        'redact an NDJSON file of events: writes events.ndjson, quarantine.ndjson, lake-layout Parquet and summary.json',
      )
      .argument('<file>', 'NDJSON file of contract events')
      .requiredOption('--out <dir>', 'output directory'),
  ).action(
    failSoftly(async (file: string, opts: RedactOptions) =>
      (await import('./redact-run.js')).runRedact(file, opts),
    ),
  );
}
