/** What `worktrace canary` does: the local canary run, or an invocation of the deployed canary function. */
import { join } from 'node:path';
import { lambdaClient } from '#adapters/aws-clients.js';
import { InvokeError, invokeFunction } from '#adapters/invoke.js';
import { defaultKeyFile, LocalKeyFileProvider } from '#adapters/local-key-provider.js';
import { runCanary } from '../../local/canary.js';
import { startLocalStack } from '../../local/runtime.js';
import type { CanaryOptions } from './canary.js';
import { loadKeyAndPolicy } from './key-and-policy.js';

/** Runs the canary and reports survivors (exit code 1 when any value survived). */
export async function runCanaryCommand(opts: CanaryOptions): Promise<void> {
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
}
