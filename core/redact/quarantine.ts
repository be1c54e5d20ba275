/**
 * Quarantine rows: an invalid record, scrubbed. Every string in it is scrubbed and every id-like field
 * pseudonymised; a payload that is not JSON is scrubbed as text after id-like key/value pairs are
 * pseudonymised. The raw record never lands anywhere.
 */

import type { ValidationIssue } from '../contract/validate.js';
import type { IdKind, Pseudonymizer } from './pseudonym.js';
import type { Scrubber } from './scrub-types.js';

/** One QUARANTINE_TABLE row (lake/schema.ts). */
export interface QuarantineRow {
  reason: string;
  issues: string;
  event_type: string | null;
  scrubbed_payload: string;
  findings: string | null;
  shard_id: string;
  sequence_number: string;
  sub_sequence_number: number | null;
  /** Epoch ms. */
  arrival_ts: number;
  policy_version: string;
  key_version: string;
  redactor_version: string;
}

/** Characters of scrubbed payload kept. */
export const MAX_QUARANTINE_PAYLOAD_CHARS = 16_384;
const MAX_DEPTH = 16;

/**
 * Field names (lower case) whose string values are ids, pseudonymised instead of scrubbed. A Map, not an
 * object literal: a payload key such as `constructor` must not find `Object.prototype` members.
 */
const ID_FIELDS: ReadonlyMap<string, IdKind> = new Map<string, IdKind>([
  ['userid', 'user'],
  ['user_id', 'user'],
  ['user', 'user'],
  ['deviceid', 'device'],
  ['device_id', 'device'],
  ['hostname', 'host'],
  ['host_name', 'host'],
  ['host', 'host'],
  ['sessionid', 'session'],
  ['session_id', 'session'],
]);

interface Ctx {
  readonly scrubber: Scrubber;
  readonly pseudonymizer: Pseudonymizer;
  readonly policyVersion: string;
  readonly redactorVersion: string;
}

function reasonOf(issues: readonly ValidationIssue[]): string {
  const first = issues[0]?.message ?? '';
  if (first.startsWith('malformed JSON')) return 'invalid_json';
  if (first === 'record is not valid UTF-8') return 'invalid_utf8';
  if (first.startsWith('event is ')) return 'too_large';
  if (first === 'event must be a JSON object') return 'not_an_object';
  return 'contract';
}

/** Scrubs a whole payload; returns the scrubbed text and finding counts. */
export function scrubPayload(data: Uint8Array, ctx: Pick<Ctx, 'scrubber' | 'pseudonymizer'>) {
  const findingCounts: Record<string, number> = {};
  const scrub = (s: string) => {
    const r = ctx.scrubber.scrub(s);
    for (const f of r.findings) findingCounts[f.type] = (findingCounts[f.type] ?? 0) + 1;
    return r.text;
  };
  const text = new TextDecoder('utf-8', { fatal: false }).decode(
    data.subarray(0, MAX_QUARANTINE_PAYLOAD_CHARS * 4),
  );
  let value: unknown;
  let parsed = false;
  if (data.byteLength <= 1024 * 1024) {
    try {
      value = JSON.parse(text);
      parsed = true;
    } catch {
      parsed = false;
    }
  }
  const walk = (v: unknown, key: string | null, depth: number): unknown => {
    if (typeof v === 'string') {
      const kind = key === null ? undefined : ID_FIELDS.get(key.toLowerCase());
      return kind ? ctx.pseudonymizer.of(kind, v) : scrub(v);
    }
    if (v === null || typeof v !== 'object') return v;
    if (depth >= MAX_DEPTH) return '<TOO_DEEP>';
    if (Array.isArray(v)) return v.slice(0, 1000).map((x) => walk(x, key, depth + 1));
    // No prototype: a `__proto__` key stays an ordinary (scrubbed) property.
    const out: Record<string, unknown> = Object.create(null);
    for (const [k, x] of Object.entries(v as Record<string, unknown>).slice(0, 1000)) {
      out[scrub(k)] = walk(x, k, depth + 1);
    }
    return out;
  };
  let payload: string;
  if (parsed) {
    payload = JSON.stringify(walk(value, null, 0));
  } else {
    // Not JSON: id-like "key": "value" pairs we can still see are set aside, the rest is scrubbed as text,
    // then the pairs come back pseudonymised (so the scrubber never mangles a pseudonym).
    const pseudonyms: string[] = [];
    const masked = text.replace(
      /"(userId|deviceId|hostName|sessionId|user_id|device_id|host_name|session_id)"(\s{0,3}:\s{0,3})"([^"\\\n]{0,256})"/g,
      (_m, k: string, sep: string, v: string) => {
        pseudonyms.push(ctx.pseudonymizer.of(ID_FIELDS.get(k.toLowerCase()) ?? 'user', v));
        return `"${k}"${sep}"\uE000${pseudonyms.length - 1}\uE000"`;
      },
    );
    payload = scrub(masked).replace(/\uE000(\d+)\uE000/g, (_m, n: string) => pseudonyms[Number(n)] ?? '');
  }
  if (payload.length > MAX_QUARANTINE_PAYLOAD_CHARS)
    payload = `${payload.slice(0, MAX_QUARANTINE_PAYLOAD_CHARS)}<TRUNCATED>`;
  return { payload, findingCounts };
}

/** Builds the quarantine row for an invalid record. */
export function buildQuarantineRow(
  source: {
    shardId: string;
    sequenceNumber: string;
    subSequenceNumber?: number;
    arrivalMs: number;
    data: Uint8Array;
  },
  result: { issues: readonly ValidationIssue[]; type: string | undefined },
  ctx: Ctx,
): { row: QuarantineRow; findingCounts: Record<string, number> } {
  const { payload, findingCounts } = scrubPayload(source.data, ctx);
  return {
    row: {
      reason: reasonOf(result.issues),
      // an unknown field's name could itself be content, so the issue list is scrubbed too
      issues: ctx.scrubber.scrub(JSON.stringify(result.issues)).text,
      event_type: result.type ?? null,
      scrubbed_payload: payload,
      findings: Object.keys(findingCounts).length > 0 ? JSON.stringify(findingCounts) : null,
      shard_id: source.shardId,
      sequence_number: source.sequenceNumber,
      sub_sequence_number: source.subSequenceNumber ?? null,
      arrival_ts: source.arrivalMs,
      policy_version: ctx.policyVersion,
      key_version: ctx.pseudonymizer.keyVersion,
      redactor_version: ctx.redactorVersion,
    },
    findingCounts,
  };
}
