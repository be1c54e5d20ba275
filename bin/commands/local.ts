/** `worktrace local`: the whole pipeline on embedded emulators and DuckDB (what `npm start` runs). */
import type { Command } from 'commander';
import { stageFromEnv } from '../../local/cli-env.js';
import { failSoftly, type KeyAndPolicyFlags, withKeyAndPolicy } from './common.js';

/** The options of `worktrace local`. */
export interface LocalOptions extends KeyAndPolicyFlags {
  users: string;
  minutes: string;
  stage: string;
  shards?: string;
  kinesisPort: string;
  s3Port: string;
  keep?: boolean;
}

/** Registers `worktrace local`. */
export function registerLocal(program: Command): void {
  withKeyAndPolicy(
    program
      .command('local')
      .description('run the whole pipeline locally: embedded Kinesis + S3 emulators, real handlers, DuckDB')
      .option('--users <n>', 'simulated users', '5')
      .option('--minutes <n>', 'simulated minutes of work', '30')
      .option('--stage <name>', 'stage name for stream and bucket names', stageFromEnv())
      .option('--shards <n>', 'Kinesis shards [default: streamShards from cdk.json, at least 2]')
      .option('--kinesis-port <port>', 'Kinesis emulator port (0 = free)', '0')
      .option('--s3-port <port>', 'S3 emulator port (0 = free)', '0')
      .option('--keep', 'leave the emulators running and print their endpoints; Ctrl-C stops them'),
  ).action(failSoftly(async (opts: LocalOptions) => (await import('./local-run.js')).runLocal(opts)));
}
