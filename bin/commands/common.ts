/** Options and helpers shared by commands: data dir, key file, policy file. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { defaultKeyFile, LocalKeyFileProvider } from '#adapters/local-key-provider.js';
import { type Policy, parsePolicy } from '#core/redact/policy.js';
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

/** Loads the policy file (failing with the field path) and the local key. */
export function loadKeyAndPolicy(opts: { dataDir: string; keyFile?: string; policy: string }): {
  policy: Policy;
  keyProvider: LocalKeyFileProvider;
} {
  const policy = parsePolicy(JSON.parse(readFileSync(opts.policy, 'utf8')));
  return { policy, keyProvider: new LocalKeyFileProvider(opts.keyFile ?? defaultKeyFile(opts.dataDir)) };
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
