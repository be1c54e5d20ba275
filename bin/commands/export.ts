/**
 * `worktrace export --view <id> --format jsonl --out <file>`: writes a training set as JSON Lines, from the
 * local lake or from Athena (UNLOAD to the athena-results bucket, then download). `sft_examples` becomes
 * chat-style fine-tuning records; any other view is written one row object per line.
 */
import type { Command } from 'commander';
import { VIEWS } from '#core/views/registry.js';
import { stageFromEnv } from '../../local/cli-env.js';
import { failSoftly, type LakeSourceFlags, withLakeSourceOptions } from './common.js';

/** The options of `worktrace export`. */
export type ExportOptions = LakeSourceFlags & {
  view?: string;
  user?: string;
  keyFile?: string;
  format: string;
  out: string;
  resultsUri?: string;
};

/** Registers the command. */
export function registerExport(program: Command): void {
  const stage = stageFromEnv();
  const command = program
    .command('export')
    .description(
      "export a view as JSON Lines (sft_examples as chat fine-tuning records), or a subject's data (--user)",
    )
    .option('--view <id>', `view to export: ${VIEWS.map((v) => v.id).join(', ')}`)
    .option(
      '--user <raw id>',
      'subject access request: everything held about this user, as JSON (local lake)',
    )
    .option('--key-file <file>', '--user: pseudonym key file [default: <data-dir>/keys/pseudonym.key]')
    .option('--format <format>', 'jsonl (the only format)', 'jsonl')
    .requiredOption('--out <file>', 'output file');
  withLakeSourceOptions(command, stage, 'export from Athena (UNLOAD) instead of the local lake')
    .option(
      '--results-uri <uri>',
      'Athena: s3://<athena-results bucket>/<prefix>/ to UNLOAD into (stack output AthenaResultsUri)',
    )
    .action(failSoftly(async (opts: ExportOptions) => (await import('./export-run.js')).runExport(opts)));
}
