/** Loads what --policy and --key-file name (the zod policy schema loads with it, so only actions import this). */
import { readFileSync } from 'node:fs';
import { defaultKeyFile, LocalKeyFileProvider } from '#adapters/local-key-provider.js';
import { type Policy, parsePolicy } from '#core/redact/policy.js';
import type { KeyAndPolicyFlags } from './common.js';

/** Loads the policy file (failing with the field path) and the local key. */
export function loadKeyAndPolicy(opts: KeyAndPolicyFlags): {
  policy: Policy;
  keyProvider: LocalKeyFileProvider;
} {
  const policy = parsePolicy(JSON.parse(readFileSync(opts.policy, 'utf8')));
  return { policy, keyProvider: new LocalKeyFileProvider(opts.keyFile ?? defaultKeyFile(opts.dataDir)) };
}
