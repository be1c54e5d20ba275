/**
 * `worktrace canary`: unique canary secrets and PII through the whole local pipeline, then a search of every
 * zone and every view. Exit 1 naming each survivor's location.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { lambdaClient } from '#adapters/aws-clients.js';
import { InvokeError, invokeFunction } from '#adapters/invoke.js';
import { defaultKeyFile, LocalKeyFileProvider } from '#adapters/local-key-provider.js';
import { runCanary } from '../../local/canary.js';
import { startLocalStack } from '../../local/runtime.js';
import { failSoftly, loadKeyAndPolicy, withKeyAndPolicy } from './common.js';

/** Registers the command. */
export function registerCanary(program: Command): void {
  withKeyAndPolicy(
    program
      .command('canary')
      .description(
        'send canary secrets and PII through the local pipeline and search every zone and view for them',
      )
      .option('--aws', 'run the deployed canary function instead (stack output CanaryFunctionName)')
      .option('--function <name>', 'with --aws: the canary function name'),
  ).action(
    failSoftly(
      async (opts: {
        dataDir: string;
        keyFile?: string;
        policy: string;
        aws?: boolean;
        function?: string;
      }) => {
        if (opts.aws) {
          if (!opts.function) throw new Error('--aws needs --function <CanaryFunctionName>');
          try {
            const r = await invokeFunction<{ objectsSearched: number }>(lambdaClient(), opts.function, {});
            console.log(
              `canary passed in AWS: ${r.objectsSearched} new objects searched in the events and quarantine zones`,
            );
          } catch (err) {
            if (!(err instanceof InvokeError)) throw err;
            console.error(`canary FAILED in AWS: ${err.message} (locations in the function's log)`);
            process.exitCode = 1;
          }
          return;
        }
        const { policy } = loadKeyAndPolicy(opts);
        const dir = join(opts.dataDir, 'canary');
        const stack = await startLocalStack({ dataDir: dir, stage: 'canary', shards: 1 });
        try {
          const keyProvider = new LocalKeyFileProvider(opts.keyFile ?? defaultKeyFile(opts.dataDir));
          const r = await runCanary(stack, { policy, keyProvider });
          if (r.survivors.length === 0) {
            console.log(
              `canary passed: ${r.values.length} canary values in ${r.sent} events through the pipeline (${r.written} rows written); none found in any zone or view`,
            );
            return;
          }
          for (const s of r.survivors) console.error(`canary FAILED: ${s.kind} value found in ${s.location}`);
          process.exitCode = 1;
        } finally {
          await stack.stop();
        }
      },
    ),
  );
}
