/**
 * Parsing and validation of one serialised event against contract v1. Never throws: every failure is a
 * list of issues, each naming the field path that broke the contract and the kind of problem. Issues
 * never carry content: keys the contract does not declare print as `<unknown key #n>`, and messages are
 * rebuilt from the schema's side (expected type, limits, allowed values), never from the input's.
 */
import { isUtf8 } from 'node:buffer';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { z } from 'zod';
import { contractJsonSchema } from './contract-schema.js';
import { EVENT_TYPES, EventSchema, LIMITS, type WorktraceEvent } from './event-contract.js';

/** One contract breach: the dotted field path (`$` for the whole record) and what is wrong. */
export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

/** The outcome of validating one record. */
export type ValidationResult =
  | { readonly ok: true; readonly event: WorktraceEvent }
  | { readonly ok: false; readonly issues: readonly ValidationIssue[]; readonly type: string | undefined };

const MAX_ISSUES = 20;

/** Collects every property name a JSON Schema declares, at any depth. */
function declaredNames(schema: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(schema)) for (const s of schema) declaredNames(s, out);
  else if (schema !== null && typeof schema === 'object') {
    for (const [key, sub] of Object.entries(schema)) {
      if (key === 'properties' && sub !== null && typeof sub === 'object')
        for (const name of Object.keys(sub)) out.add(name);
      declaredNames(sub, out);
    }
  }
  return out;
}

const CONTRACT_JSON_SCHEMA = contractJsonSchema();

/** Every field name contract v1 declares, at any depth: the only object keys an error may print. */
export const CONTRACT_FIELD_NAMES: ReadonlySet<string> = declaredNames(CONTRACT_JSON_SCHEMA, new Set());

/**
 * Names the object keys of one record's issue paths without echoing input: a key the schema declares
 * is printed as it is, any other key becomes `<unknown key #n>`, numbered per record in the order met
 * (the same key keeps its number). Array indexes stay numbers.
 */
export class KeyNamer {
  private readonly unknown = new Map<PropertyKey, number>();

  constructor(private readonly known: ReadonlySet<string> = CONTRACT_FIELD_NAMES) {}

  /** The printable form of one path segment. */
  segment(part: PropertyKey): string | number {
    if (typeof part === 'number') return part;
    if (typeof part === 'string' && this.known.has(part)) return part;
    let n = this.unknown.get(part);
    if (n === undefined) {
      n = this.unknown.size + 1;
      this.unknown.set(part, n);
    }
    return `<unknown key #${n}>`;
  }
}

/**
 * Renders an issue path as `field.sub[2]`; the root is `$`. Keys the contract does not declare are
 * printed as `<unknown key #n>` (pass one namer per record to number them across its issues).
 */
export function formatPath(path: readonly PropertyKey[], namer: KeyNamer = new KeyNamer()): string {
  return joinPath(path.map((part) => namer.segment(part)));
}

/** Joins already-named segments as `field.sub[2]`; the root is `$`. */
function joinPath(segments: readonly (string | number)[]): string {
  let out = '';
  for (const part of segments) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? part : `.${part}`;
  }
  return out === '' ? '$' : out;
}

/** One schema issue with its path made printable: declared keys, `<unknown key #n>`, array indexes. */
export interface NamedIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** What kind of JSON value sits somewhere: a type name, never the value. */
function kindOf(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    return Number.isFinite(value) ? 'number' : 'Infinity';
  }
  return typeof value;
}

/** The input value at a path (own properties only), or undefined. */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let at = input;
  for (const part of path) {
    if (at === null || typeof at !== 'object' || !Object.hasOwn(at, part)) return undefined;
    at = (at as Record<PropertyKey, unknown>)[part];
  }
  return at;
}

/** A schema literal as a message may show it (schema values only, never input). */
function literal(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

const UNIT: Record<string, string> = { string: 'characters', array: 'items', set: 'items', file: 'bytes' };

function bound(origin: string, relation: string, limit: unknown): string {
  const unit = UNIT[origin];
  const what = /^[a-z]+$/.test(origin) ? origin : 'value';
  return unit === undefined
    ? `expected ${what} to be ${relation}${String(limit)}`
    : `expected ${what} to have ${relation}${String(limit)} ${unit}`;
}

/**
 * The problem an issue names, in zod's words but rebuilt from the schema's side of the issue only
 * (expected type, limits, allowed values): zod messages may quote input (unknown keys, and in other
 * versions or locales received values), so none is passed on except those the schema itself authored
 * (`custom` refinements and format checks, whose messages are fixed strings in the schema).
 */
function problemOf(issue: z.core.$ZodIssue, input: unknown): string {
  switch (issue.code) {
    case 'invalid_type': {
      const expected = /^[a-z]+$/.test(issue.expected) ? issue.expected : 'another type';
      return `Invalid input: expected ${expected}, received ${kindOf(valueAt(input, issue.path))}`;
    }
    case 'invalid_value':
      return issue.values.length === 1
        ? `Invalid input: expected ${literal(issue.values[0])}`
        : `Invalid option: expected one of ${issue.values.map(literal).join('|')}`;
    case 'too_big':
      return `Too big: ${bound(issue.origin, issue.inclusive === false ? '<' : '<=', issue.maximum)}`;
    case 'too_small':
      return `Too small: ${bound(issue.origin, issue.inclusive === false ? '>' : '>=', issue.minimum)}`;
    case 'not_multiple_of':
      return `Invalid number: must be a multiple of ${String(issue.divisor)}`;
    case 'invalid_union': {
      // A discriminated union reports the schema's allowed discriminator values as `options`.
      const { discriminator, options } = issue as { discriminator?: unknown; options?: unknown };
      if (typeof discriminator === 'string' && Array.isArray(options))
        return `Invalid discriminator value. Expected ${options.map((o) => `'${String(o)}'`).join(' | ')}`;
      return 'Invalid input: matches none of the allowed shapes';
    }
    case 'unrecognized_keys':
      return 'unknown field';
    case 'invalid_key':
      return 'Invalid key';
    case 'invalid_element':
      return 'Invalid element';
    case 'invalid_format':
    case 'custom':
      return issue.message;
    default:
      return 'Invalid input';
  }
}

/**
 * Turns zod issues into printable ones: paths through `namer` (one per record), messages rebuilt from
 * the schema side only, each unknown key its own issue, at most `max` issues. Never returns content.
 */
export function nameZodIssues(
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
  namer: KeyNamer,
  max: number = MAX_ISSUES,
): NamedIssue[] {
  const out: NamedIssue[] = [];
  const named = (path: readonly PropertyKey[]) => path.map((p) => namer.segment(p));
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        if (out.length >= max) return out;
        out.push({ path: named([...issue.path, key]), message: problemOf(issue, input) });
      }
    } else {
      if (out.length >= max) return out;
      out.push({ path: named(issue.path), message: problemOf(issue, input) });
    }
  }
  return out;
}

function issuesOf(error: z.ZodError, input: unknown): ValidationIssue[] {
  return nameZodIssues(error.issues, input, new KeyNamer()).map((issue) => ({
    path: joinPath(issue.path),
    message: issue.message,
  }));
}

/** Best-effort event type of a parsed value, for error summaries. Never returns content. */
function typeOf(value: unknown): string | undefined {
  if (value && typeof value === 'object' && 'type' in value) {
    const t = (value as { type: unknown }).type;
    if (typeof t === 'string' && (EVENT_TYPES as string[]).includes(t)) return t;
  }
  return undefined;
}

/**
 * Fast path: one Ajv validator per event type, compiled from the JSON Schema that zod emits for the same
 * contract (so there is still one definition). Ajv fills the `.default()` values in place, as zod would.
 * A value Ajv accepts is the event; anything it rejects goes through zod, which names the broken paths.
 * Ajv counts string lengths in UTF-16 units (`unicode: false`), which is cheap: a string within a maximum
 * in units is within it in code points too, and the only minimum above 1 (`eventId`) is ASCII-only, so what
 * Ajv accepts zod accepts; a string over a maximum in units but not in code points (astral characters)
 * is rejected here and decided by zod, which counts code points. A property test keeps the two in step.
 */
const fastValidators: ReadonlyMap<string, ValidateFunction> = (() => {
  const ajv = new Ajv2020({
    useDefaults: true,
    strict: false,
    allErrors: false,
    unicode: false,
    // Ajv calls `unicode` deprecated but still honours it; that notice alone is not printed.
    logger: {
      log: console.log,
      warn: (...args: unknown[]) => {
        if (!String(args[0]).startsWith('DEPRECATED: option unicode')) console.warn(...args);
      },
      error: console.error,
    },
  });
  const branches = (CONTRACT_JSON_SCHEMA as { oneOf: Record<string, unknown>[] }).oneOf;
  const out = new Map<string, ValidateFunction>();
  for (const branch of branches) {
    const type = (branch as { properties: { type: { const: string } } }).properties.type.const;
    out.set(type, ajv.compile(branch));
  }
  return out;
})();

/** Validates an already-parsed value against the contract. */
export function validateEvent(value: unknown): ValidationResult {
  const type = (value as { type?: unknown } | null)?.type;
  const fast = typeof type === 'string' ? fastValidators.get(type) : undefined;
  if (fast?.(value)) return { ok: true, event: value as WorktraceEvent };
  const parsed = EventSchema.safeParse(value);
  if (parsed.success) return { ok: true, event: parsed.data };
  return { ok: false, issues: issuesOf(parsed.error, value), type: typeOf(value) };
}

/** Decodes (UTF-8), size-checks, parses and validates one serialised event. */
export function parseEvent(input: string | Uint8Array): ValidationResult {
  const bytes = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.byteLength;
  if (bytes > LIMITS.maxEventBytes) {
    return {
      ok: false,
      issues: [{ path: '$', message: `event is ${bytes} bytes; the limit is ${LIMITS.maxEventBytes}` }],
      type: undefined,
    };
  }
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    text = Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
    // Decoding replaces invalid sequences with U+FFFD; only then is the full check worth its cost.
    if (text.includes('\uFFFD') && !isUtf8(input)) {
      return { ok: false, issues: [{ path: '$', message: 'record is not valid UTF-8' }], type: undefined };
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    // JSON.parse messages quote the offending input; keep only the position, never content.
    const at = /position (\d+)/.exec(String((err as Error).message))?.[1];
    const where = at === undefined ? '' : ` at position ${at}`;
    return { ok: false, issues: [{ path: '$', message: `malformed JSON${where}` }], type: undefined };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, issues: [{ path: '$', message: 'event must be a JSON object' }], type: undefined };
  }
  return validateEvent(value);
}
