/**
 * What command registrations share: the data-dir, key and policy options, the lake-source options, and
 * the error wrapper of actions. Registration runs on every start (even `--help`), so this module imports
 * commander types and tiny constants only; what actions need lives in the `*-run.ts` modules.
 */
import type { Command } from 'commander';
import { analystWorkgroupName, glueDatabaseName } from '../../lib/names.js';
import { LOCAL_ENV } from '../../local/cli-env.js';

/** The default policy file used in local mode. */
export const DEFAULT_POLICY_FILE = 'config/policy.default.json';

/** Adds --data-dir, --key-file and --policy to a command. */
export function withKeyAndPolicy(command: Command): Command {
  return command
    .option('--data-dir <dir>', 'local data directory', process.env[LOCAL_ENV.dataDir] ?? '.worktrace')
    .option(
      '--key-file <file>',
      'pseudonym key file (created 0600 if missing) [default: <data-dir>/keys/pseudonym.key]',
    )
    .option('--policy <file>', 'policy JSON file', DEFAULT_POLICY_FILE);
}

/** What withKeyAndPolicy adds to a command's options. */
export interface KeyAndPolicyFlags {
  dataDir: string;
  keyFile?: string;
  policy: string;
}

/** What withLakeSourceOptions adds to a command's options. */
export interface LakeSourceFlags {
  dataDir: string;
  stage: string;
  lakeDir?: string;
  athena?: boolean;
  workgroup: string;
  database: string;
}

/**
 * The options of commands that read the lake: the local lake (`--data-dir`, `--stage`, `--lake-dir`) or,
 * with `--athena`, the stage's workgroup and database.
 */
export function withLakeSourceOptions(command: Command, stage: string, athena: string): Command {
  return command
    .option('--data-dir <dir>', 'local data directory', process.env[LOCAL_ENV.dataDir] ?? '.worktrace')
    .option('--stage <name>', 'stage of the local bucket names', stage)
    .option('--lake-dir <dir>', 'read zone objects from this directory instead of the S3 emulator')
    .option('--athena', athena)
    .option(
      '--workgroup <name>',
      "Athena workgroup (the analysts' one; operators pass worktrace-<stage>)",
      analystWorkgroupName(stage),
    )
    .option('--database <name>', 'Glue database', glueDatabaseName(stage));
}

/** Runs a command action, turning a known failure into a one-line message and exit code 2. */
export function failSoftly<A extends unknown[]>(action: (...args: A) => Promise<void>) {
  return async (...args: A) => {
    try {
      await action(...args);
    } catch (err) {
      const e = err as Error;
      console.error(`worktrace: ${e.name === 'Error' ? '' : `${e.name}: `}${e.message}`);
      process.exitCode = 2;
    }
  };
}
