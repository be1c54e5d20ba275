/**
 * The scrubber's contract, shared by the scrubbing engine (scrubber.ts), the redactor, the CLI and the
 * canary. Findings carry type and offsets only, never the matched value.
 */

/** Entity types the scrubber recognises; each becomes a typed placeholder such as `<EMAIL:3f9a1c>`. */
export const ENTITY_TYPES = [
  // PII
  'EMAIL',
  'PHONE',
  'CARD',
  'IBAN',
  'SSN',
  'IPV4',
  'IPV6',
  'MAC',
  'NATIONAL_ID',
  'ADDRESS',
  'PERSON',
  'USERNAME',
  // secrets
  'AWS_ACCESS_KEY',
  'AWS_SECRET_KEY',
  'GCP_KEY',
  'AZURE_KEY',
  'GITHUB_TOKEN',
  'GITLAB_TOKEN',
  'SLACK_TOKEN',
  'STRIPE_KEY',
  'OPENAI_KEY',
  'API_TOKEN',
  'JWT',
  'BEARER_TOKEN',
  'PRIVATE_KEY',
  'PASSWORD',
  'SECRET',
  // URL parts and organisation terms
  'URL_USERINFO',
  'URL_QUERY',
  'URL_FRAGMENT',
  'DENY_TERM',
] as const;

/** One entity type. */
export type EntityType = (typeof ENTITY_TYPES)[number];

/** What to put in place of a hit: a keyed token (`<EMAIL:3f9a1c>`) or a plain mask (`<EMAIL>`). */
export type EntityAction = 'tokenise' | 'mask';

/** One hit: entity type and [start, end) offsets into the input text. Never the value. */
export interface Finding {
  readonly type: EntityType;
  readonly start: number;
  readonly end: number;
}

/** Scrubbed text and the findings that produced it. */
export interface ScrubResult {
  readonly text: string;
  readonly findings: readonly Finding[];
}

/** A configured scrubbing engine. Pure and synchronous; linear time in the input length. */
export interface Scrubber {
  scrub(text: string): ScrubResult;
}
