/**
 * `worktrace view <episode_id>`: one episode of the local lake, as the training views publish it, rendered
 * to a self-contained HTML page (the screen with every step where it happened, the step list, the labels
 * and the recovery span).
 */
import type { Command } from 'commander';
import { LOCAL_ENV, stageFromEnv } from '../../local/cli-env.js';
import { failSoftly } from './common.js';

/** The options of `worktrace view`. */
export interface ViewOptions {
  dataDir: string;
  stage: string;
  lakeDir?: string;
  out?: string;
}

/** Registers the command. */
export function registerView(program: Command): void {
  program
    .command('view')
    .description('render one episode of the training views as a self-contained HTML page')
    .argument('<episode_id>', 'episode id (32 hex characters), e.g. from training_trajectories')
    .option('--out <file>', 'HTML file to write [default: <data-dir>/view/<episode_id>.html]')
    .option('--data-dir <dir>', 'local data directory', process.env[LOCAL_ENV.dataDir] ?? '.worktrace')
    .option('--stage <name>', 'stage of the local bucket names', stageFromEnv())
    .option('--lake-dir <dir>', 'a directory holding the zones instead of the S3 emulator')
    .action(
      failSoftly(async (episodeId: string, opts: ViewOptions) =>
        (await import('./view-run.js')).runView(episodeId, opts),
      ),
    );
}
