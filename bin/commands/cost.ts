/** `worktrace cost --events-per-day N`: the monthly AWS estimate per component for a volume and the deployment. */
import type { Command } from 'commander';
import { failSoftly } from './common.js';

/** The options of `worktrace cost` (as typed; cost-run.ts parses and checks them). */
export interface CostOptions {
  eventsPerDay?: string;
  bytesPerEvent?: string;
  users?: string;
  region?: string;
  cdkJson: string;
  format: string;
}

/** Registers the command. */
export function registerCost(program: Command): void {
  program
    .command('cost')
    .description(
      'estimate the monthly AWS cost per component (Kinesis, Lambda, S3, KMS, Athena, Step Functions, CloudWatch) for a volume, from the deployment configuration and dated list prices',
    )
    .option('--events-per-day <n>', 'events sent a day (required): 100000000, 1e8, 100M or 1B')
    .option(
      '--bytes-per-event <b>',
      'JSON bytes of a sent event [default: the measured size, core/cost/measured.ts]',
    )
    .option(
      '--users <u>',
      'users whose agents send [default: from the events a day and the measured events per user-hour]',
    )
    .option('--region <r>', 'region whose prices to use: us-east-1, eu-west-1 or eu-central-1', 'us-east-1')
    .option(
      '--cdk-json <file>',
      'deployment configuration (memory, retention, batch and window settings)',
      'cdk.json',
    )
    .option('--format <format>', 'table, markdown or json', 'table')
    .action(failSoftly(async (opts: CostOptions) => (await import('./cost-run.js')).runCost(opts)));
}
