/**
 * Parsing and validation of one serialised event against contract v1. Never throws: every failure is a
 * list of issues, each naming the field path that broke the contract.
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

/** Renders a zod issue path as `field.sub[2]`; the root is `$`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '$' : out;
}

function issuesOf(error: z.ZodError): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  for (const issue of error.issues.slice(0, MAX_ISSUES)) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({ path: formatPath([...issue.path, key]), message: 'unknown field' });
      }
    } else {
      out.push({ path: formatPath(issue.path), message: issue.message });
    }
  }
  return out;
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
 * Both count string lengths in code points; a property test keeps the two in step.
 */
const fastValidators: ReadonlyMap<string, ValidateFunction> = (() => {
  const ajv = new Ajv2020({ useDefaults: true, strict: false, allErrors: false });
  const branches = (contractJsonSchema() as { oneOf: Record<string, unknown>[] }).oneOf;
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
  return { ok: false, issues: issuesOf(parsed.error), type: typeOf(value) };
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
