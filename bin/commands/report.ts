/** `worktrace report`: the training set's datasheet and the records of processing, HTML and Markdown. */
import type { Command } from 'commander';
import { LOCAL_ENV, stageFromEnv } from '../../local/cli-env.js';
import { failSoftly } from './common.js';

/** The options of `worktrace report`. */
export interface ReportOptions {
  dataDir: string;
  stage: string;
  lakeDir?: string;
  cdkJson: string;
}

/** Registers the command. */
export function registerReport(program: Command): void {
  program
    .command('report')
    .description(
      'write the datasheet and the records of processing (HTML and Markdown) under <data-dir>/report/',
    )
    .option('--data-dir <dir>', 'local data directory', process.env[LOCAL_ENV.dataDir] ?? '.worktrace')
    .option('--stage <name>', 'stage of the local bucket names', stageFromEnv())
    .option('--lake-dir <dir>', 'a directory holding the zones instead of the S3 emulator')
    .option('--cdk-json <file>', 'deployment configuration to document', 'cdk.json')
    .action(failSoftly(async (opts: ReportOptions) => (await import('./report-run.js')).runReport(opts)));
}
