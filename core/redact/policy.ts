/**
 * The redaction policy: what is dropped, what is scrubbed how, and how timing is coarsened. JSON,
 * zod-validated and versioned; from cdk.json context in the stack, from a file in local mode. Every
 * output row carries the version that produced it.
 */
import { domainToASCII } from 'node:url';
import { z } from 'zod';
import { KeyNamer, nameZodIssues } from '../contract/validate.js';
import { ERROR_CODES, WorktraceError } from '../errors.js';
import { ENTITY_TYPES } from './scrub-types.js';
import type { ScrubberOptions } from './scrubber.js';

const term = z.string().min(1).max(256);

/** The shape of a user pseudonym (`core/redact/pseudonym.ts`: HMAC-SHA256, 32 lower-case hex). */
const USER_PSEUDONYM = /^[0-9a-f]{32}$/;

const appRule = term.refine((a) => a.trim() !== '', 'must name an app id or process name');
const domainRule = term.refine(
  (d) => domainRuleHost(d) !== null,
  'must be a host name such as bank.example.com',
);

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
    .array(appRule)
    .max(1000)
    .default([])
    .describe(
      'App ids or process names whose events are dropped while they have focus; matched whole, ignoring case, directory and .exe/.app.',
    ),
  excludedDomains: z
    .array(domainRule)
    .max(1000)
    .default([])
    .describe(
      'Hosts (e.g. "bank.example.com") whose pages, and those of their subdomains, are dropped while they have focus.',
    ),
  optedOutUsers: z
    .array(
      z
        .string()
        .regex(
          USER_PSEUDONYM,
          'must be a user pseudonym (32 lower-case hex characters); raw user ids never go in the policy: ' +
            'register opt-outs with `worktrace optout add`',
        ),
    )
    .max(100_000)
    .default([])
    .describe(
      'User pseudonyms whose events are dropped; raw ids are rejected (use the opt-out registry, `worktrace optout add`).',
    ),
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
  minScore: z
    .partialRecord(z.enum(ENTITY_TYPES), z.number().min(0).max(1))
    .default({})
    .describe(
      'Per entity type: the confidence (0-1) a finding needs to be scrubbed; unlisted types use 0.5. Raise it where a type over-redacts, lower it where it misses.',
    ),
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

/** A policy that failed validation; the message names each field path, never a value. */
export class PolicyError extends WorktraceError {
  override readonly name = 'PolicyError';
  readonly code = ERROR_CODES.policy;
}

/** The names a policy error may print: the policy's fields and the entity types `entityActions` keys. */
const POLICY_NAMES: ReadonlySet<string> = new Set([...Object.keys(PolicySchema.shape), ...ENTITY_TYPES]);

/**
 * Validates a policy object, throwing PolicyError naming every bad field path (e.g.
 * `policy.optedOutUsers.3`) and the kind of problem, never a value: the policy holds names, terms and
 * ids, and the message reaches synth output and logs. This is the check `cdk synth` runs, so a policy
 * with raw user ids in `optedOutUsers` never reaches the template or a function's environment.
 */
export function parsePolicy(value: unknown): Policy {
  const parsed = PolicySchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = nameZodIssues(parsed.error.issues, value, new KeyNamer(POLICY_NAMES)).map(
    (i) => `policy.${i.path.map(String).join('.') || '(root)'}: ${i.message}`,
  );
  throw new PolicyError(`invalid policy: ${problems.join('; ')}`);
}

/** The pseudonyms the policy opts out (compare with `Pseudonymizer.of('user', id)`). */
export function policyOptOuts(policy: Policy): ReadonlySet<string> {
  return new Set(policy.optedOutUsers);
}

/** The scrubber options a policy implies, under the given key. */
export function scrubberOptionsFor(policy: Policy, key: Uint8Array): ScrubberOptions {
  return {
    key,
    actions: policy.entityActions,
    denyTerms: policy.denyTerms,
    names: policy.names,
    disabled: policy.disabledDetectors,
    minScore: policy.minScore,
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

/**
 * A process name or app id as exclusion rules compare it: trimmed (and unquoted), the directory dropped
 * (`/` or `\`), a trailing `.exe` or `.app` dropped, lower case. `C:\Program Files\KeePassXC\KeePassXC.exe`
 * and `/Applications/KeePassXC.app` both become `keepassxc`.
 */
export function appKey(name: string): string {
  const unquoted = trimChars(name.trim(), '"\'');
  const parts = unquoted.split(/[\\/]+/).filter((p) => p.trim() !== '');
  const base = (parts[parts.length - 1] ?? '').trim();
  return base
    .replace(/\.(?:exe|app)$/i, '')
    .trim()
    .toLowerCase();
}

/** `s` without leading and trailing characters of `chars` (a loop: no backtracking regex on input). */
function trimChars(s: string, chars: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && chars.includes(s.charAt(start))) start += 1;
  while (end > start && chars.includes(s.charAt(end - 1))) end -= 1;
  return s.slice(start, end);
}

/** `s` without trailing dots. */
function withoutTrailingDots(s: string): string {
  let end = s.length;
  while (end > 0 && s.charAt(end - 1) === '.') end -= 1;
  return s.slice(0, end);
}

/** Code points no host holds (WHATWG forbidden host code points, and `%` left undecoded). */
const NOT_IN_HOST = /[\s/?#@\\:%[\]<>^|"'`{}]/;

/** A host as exclusion rules compare it: lower case, IDN as punycode, trailing dots dropped; or null. */
function normaliseHost(host: string): string | null {
  const h = withoutTrailingDots(host.trim().toLowerCase());
  if (/^\[[0-9a-f:.]+\]$/.test(h)) return h; // an IPv6 literal, as WHATWG URL prints it
  // domainToASCII reads its argument as a URL and would cut `a/b` to `a`: check the characters first.
  if (h === '' || NOT_IN_HOST.test(h)) return null;
  const ascii = withoutTrailingDots(domainToASCII(h));
  return /^[a-z0-9_.-]+$/.test(ascii) ? ascii : null;
}

/** A scheme followed by `//` (`https://`): the URL carries a host. */
const HIERARCHICAL = /^[a-z][a-z0-9+.-]*:\/\//i;
/** A scheme without a host (`mailto:`, `about:`, `data:`), told apart from `host:port`. */
const OPAQUE = /^[a-z][a-z0-9+.-]*:(?!\d+(?:[/?#]|$))/i;
/** Fallback for what WHATWG URL refuses (e.g. a port out of range): the authority's host. */
const AUTHORITY_HOST = /^[a-z][a-z0-9+.-]*:\/\/(?:[^/?#\\@]*@)?(\[[^\]]*\]|[^/?#\\:]*)/i;

/**
 * Host of a URL as exclusion rules compare it, or null when it names none. Parsed as a browser would
 * (WHATWG URL: userinfo and port dropped, `\` as `/`, percent-escapes and IDN resolved), then lower
 * case, punycode, without trailing dots. A URL without a scheme (`bank.example.com/login`,
 * `//bank.example.com/`) is read as host and path.
 */
export function hostOf(url: string | undefined): string | null {
  if (url === undefined) return null;
  const s = url.trim();
  if (s === '') return null;
  let absolute: string;
  if (HIERARCHICAL.test(s)) absolute = s;
  else if (s.startsWith('//')) absolute = `http:${s}`;
  else if (OPAQUE.test(s)) return null;
  else absolute = `http://${s}`;
  let host: string;
  try {
    host = new URL(absolute).hostname;
  } catch {
    host = AUTHORITY_HOST.exec(absolute)?.[1] ?? '';
  }
  return normaliseHost(host);
}

/**
 * The host an `excludedDomains` rule names, or null: `bank.example.com`, `.bank.example.com`,
 * `*.bank.example.com`, `BANK.example.com.`, `https://bank.example.com/` and IDN forms all name the same.
 */
export function domainRuleHost(rule: string): string | null {
  const trimmed = rule.trim();
  const bare = trimChars(trimmed.startsWith('*.') ? trimmed.slice(1) : trimmed, '.');
  if (bare.includes('@')) return null; // a rule names a site, never credentials (`user@host` is a typo or a trick)
  const host = /[/:]/.test(bare) ? hostOf(bare) : normaliseHost(bare);
  // A rule must name a real host (DNS labels, IPv4 or [IPv6]); `<x@->` reads as host `-` and names none.
  return host !== null && RULE_HOST.test(host) ? host : null;
}

/** A host a domain rule may name, after normalisation (lower case, punycode, no trailing dot). */
const RULE_HOST =
  /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])$/;

/**
 * Compiles the exclusion rules of a policy. Roles match ignoring case. Apps match whole after
 * {@link appKey} on both sides: `keepassxc` excludes `KeePassXC.exe`, never `keepassxc-docs` or a page
 * about KeePassXC (exclude a site with `excludedDomains`). Domains match the host of the focused URL
 * after {@link hostOf}, and every subdomain of it: `bank.example.com` excludes `www.bank.example.com`,
 * never `notbank.example.com` or `bank.example.com.evil.io`.
 */
export function exclusionsOf(policy: Policy): Exclusions {
  const roles = new Set(policy.excludedRoles.map((r) => r.trim().toLowerCase()));
  const apps = new Set<string>();
  for (const a of policy.excludedApps) {
    apps.add(a.trim().toLowerCase());
    apps.add(appKey(a));
  }
  apps.delete('');
  const domains = policy.excludedDomains.map(domainRuleHost).filter((d): d is string => d !== null);
  return {
    roleExcluded: (role) => role !== undefined && roles.has(role.trim().toLowerCase()),
    focusExclusion(appId, processName, url) {
      if (apps.has(appId.trim().toLowerCase()) || apps.has(appKey(appId)) || apps.has(appKey(processName)))
        return 'excluded_app';
      const host = hostOf(url);
      if (host !== null && domains.some((d) => host === d || host.endsWith(`.${d}`)))
        return 'excluded_domain';
      return null;
    },
  };
}
