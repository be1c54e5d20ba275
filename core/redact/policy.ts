/**
 * The redaction policy: what is dropped, what is scrubbed how, and how timing is coarsened. JSON,
 * zod-validated and versioned; from cdk.json context in the stack, from a file in local mode. Every
 * output row carries the version that produced it.
 */
import { z } from 'zod';
import { ERROR_CODES, WorktraceError } from '../errors.js';
import { ENTITY_TYPES } from './scrub-types.js';
import type { ScrubberOptions } from './scrubber.js';

const term = z.string().min(1).max(256);

/** The policy schema (every field documented in docs/redaction.md). */
export const PolicySchema = z.strictObject({
  version: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'version must be 1-64 characters of A-Z a-z 0-9 . _ -')
    .describe('Policy version, stamped on every output row.'),
  excludedRoles: z
    .array(term)
    .max(1000)
    .default([])
    .describe('Org roles whose events are dropped (case-insensitive).'),
  excludedApps: z
    .array(term)
    .max(1000)
    .default([])
    .describe('App ids or process names (case-insensitive) whose events are dropped while they have focus.'),
  excludedDomains: z
    .array(term)
    .max(1000)
    .default([])
    .describe('URL host suffixes (e.g. "bank.example.com") whose pages are dropped while they have focus.'),
  optedOutUsers: z.array(term).max(100_000).default([]).describe('Raw user ids whose events are dropped.'),
  samplingRate: z
    .number()
    .min(0)
    .max(1)
    .default(1)
    .describe('Share of user-days kept (deterministic per user and day).'),
  entityActions: z
    .partialRecord(z.enum(ENTITY_TYPES), z.enum(['mask', 'tokenise']))
    .default({})
    .describe('Per entity type: tokenise (default, <EMAIL:3f9a1c>) or mask (<EMAIL>).'),
  disabledDetectors: z
    .array(z.enum(ENTITY_TYPES))
    .default([])
    .describe('Detectors switched off (use with care).'),
  keystrokeQuantumMs: z
    .number()
    .int()
    .min(1)
    .max(60_000)
    .default(100)
    .describe('Key-event timestamps are floored to this.'),
  denyTerms: z
    .array(term)
    .max(10_000)
    .default([])
    .describe('Organisation terms (client and project names) to scrub.'),
  names: z
    .array(term)
    .max(100_000)
    .default([])
    .describe('Person names to scrub in addition to the built-in lexicon.'),
});

/** A validated policy. */
export type Policy = z.infer<typeof PolicySchema>;

/** A policy that failed validation; the message names each field path. */
export class PolicyError extends WorktraceError {
  override readonly name = 'PolicyError';
  readonly code = ERROR_CODES.policy;
}

/** Validates a policy object, throwing PolicyError naming every bad field path. */
export function parsePolicy(value: unknown): Policy {
  const parsed = PolicySchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (i) => `policy.${i.path.map(String).join('.') || '(root)'}: ${i.message}`,
  );
  throw new PolicyError(`invalid policy: ${problems.join('; ')}`);
}

/** The scrubber options a policy implies, under the given key. */
export function scrubberOptionsFor(policy: Policy, key: Uint8Array): ScrubberOptions {
  return {
    key,
    actions: policy.entityActions,
    denyTerms: policy.denyTerms,
    names: policy.names,
    disabled: policy.disabledDetectors,
  };
}

/** Why policy keeps an event from leaving the device or landing in the lake. */
export type ExclusionReason = 'excluded_role' | 'excluded_app' | 'excluded_domain';

/** The policy's exclusion rules, compiled once; shared by the agent (on device) and the redactor. */
export interface Exclusions {
  /** True when events of this org role are dropped. */
  roleExcluded(role: string | undefined): boolean;
  /** What the focus on this app/process/URL excludes, or null while it is allowed. */
  focusExclusion(appId: string, processName: string, url: string | undefined): ExclusionReason | null;
}

/** Host of a URL (lower case, userinfo and port dropped), or null. */
export function hostOf(url: string | undefined): string | null {
  if (!url) return null;
  const m = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/(?:[^/?#@]*@)?([^/?#:]+)/.exec(url);
  return m?.[1]?.toLowerCase() ?? null;
}

/** Compiles the exclusion rules of a policy (case-insensitive; domains match as host suffixes). */
export function exclusionsOf(policy: Policy): Exclusions {
  const roles = new Set(policy.excludedRoles.map((r) => r.toLowerCase()));
  const apps = new Set(policy.excludedApps.map((a) => a.toLowerCase()));
  const domains = policy.excludedDomains.map((d) => d.toLowerCase().replace(/^\./, ''));
  return {
    roleExcluded: (role) => role !== undefined && roles.has(role.toLowerCase()),
    focusExclusion(appId, processName, url) {
      if (apps.has(appId.toLowerCase()) || apps.has(processName.toLowerCase())) return 'excluded_app';
      const host = hostOf(url);
      if (host !== null && domains.some((d) => host === d || host.endsWith(`.${d}`)))
        return 'excluded_domain';
      return null;
    },
  };
}
