/**
 * `worktrace export [--view <id>] --format <format> [--split 80/10/10] --out <path>`: writes a training set
 * from the local lake or from Athena (UNLOAD to the athena-results bucket, then download): raw view rows,
 * chat fine-tuning records, Anthropic / OpenAI computer-use transcripts, pyautogui code, or a Hugging Face
 * datasets folder; `--split` assigns whole users to train/validation/test. `--user` exports everything
 * held about one subject instead.
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
  split?: string;
  cdkJson: string;
  out: string;
  resultsUri?: string;
};

/** Registers the command. */
export function registerExport(program: Command): void {
  const stage = stageFromEnv();
  const command = program
    .command('export')
    .description(
      "export a training set (JSON Lines, chat, computer-use transcripts, pyautogui, Hugging Face), or a subject's data (--user)",
    )
    .option(
      '--view <id>',
      `view to export: ${VIEWS.map((v) => v.id).join(', ')} [default: sft_examples for chat, training_trajectories for anthropic, openai, pyautogui and hf]`,
    )
    .option(
      '--user <raw id>',
      'subject access request: everything held about this user, as JSON (local lake)',
    )
    .option('--key-file <file>', '--user: pseudonym key file [default: <data-dir>/keys/pseudonym.key]')
    .option(
      '--format <format>',
      'jsonl (view rows), chat (sft_examples as chat records), anthropic, openai, pyautogui (one transcript per episode), hf (Hugging Face datasets folder)',
      'jsonl',
    )
    .option(
      '--split <train/validation/test>',
      'assign whole users to splits by a stable hash of their pseudonym, e.g. 80/10/10; --out is then a directory',
    )
    .option('--cdk-json <file>', 'hf: deployment configuration the dataset card documents', 'cdk.json')
    .requiredOption('--out <path>', 'output file, or directory for --split and --format hf');
  withLakeSourceOptions(command, stage, 'export from Athena (UNLOAD) instead of the local lake')
    .option(
      '--results-uri <uri>',
      'Athena: s3://<athena-results bucket>/<prefix>/ to UNLOAD into (stack output AthenaResultsUri)',
    )
    .action(failSoftly(async (opts: ExportOptions) => (await import('./export-run.js')).runExport(opts)));
}
