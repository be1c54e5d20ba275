/** `worktrace send <file.ndjson> --stream <name>`: replays a file through the agent producer. */
import type { Command } from 'commander';
import { defaultStreamName, stageFromEnv } from '../../local/cli-env.js';
import { failSoftly, withKeyAndPolicy } from './common.js';

/** Options shared by the commands that send through the producer. */
export interface SendOptions {
  readonly stream: string;
  readonly endpoint?: string;
  readonly aggregate: boolean;
  readonly dataDir: string;
  readonly policy: string;
  readonly keyFile?: string;
}

/** Adds the producer options to a command. */
export function withProducerOptions(command: Command): Command {
  return withKeyAndPolicy(
    command
      .option('--stream <name>', 'Kinesis stream', defaultStreamName(stageFromEnv()))
      .option('--endpoint <url>', 'Kinesis endpoint (default: WORKTRACE_KINESIS_ENDPOINT, else AWS)')
      .option('--no-aggregate', 'send one Kinesis record per event (no KPL aggregation)'),
  );
}

/** Registers the command. */
export function registerSend(program: Command): void {
  withProducerOptions(
    program
      .command('send')
      .description('replay an NDJSON file of events through the agent producer (privacy, batching, retries)')
      .argument('<file>', 'NDJSON file of contract events'),
  ).action(
    failSoftly(async (file: string, opts: SendOptions) =>
      (await import('./send-run.js')).runSend(file, opts),
    ),
  );
}
