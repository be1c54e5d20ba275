/**
 * Quarantine rows: an invalid record as structure, never as content. A JSON payload keeps its shape: every
 * field path, with each value replaced by its type and length (`<string:16>`, `<number:10>`), except
 * - values under id-like keys (userId, login, computerName, hostName, sessionId, eventId… at any depth, any
 *   case, any type) become pseudonyms;
 * - keys the contract does not declare become `<unknown key #n>` (a key could itself be content);
 * - numbers, booleans and vocabulary values (`type`, `keyClass`…) of contract fields stay as they are;
 * - free text of contract fields (typed text, titles, labels, names) is kept, scrubbed, only when the
 *   caller says the valid path would have written it (not secure, not opted out, not excluded, known
 *   context).
 * A payload that is not JSON keeps its length and a keyed hash, nothing else. Each row carries the user's
 * pseudonym when one is readable, so erasure finds it by column. The raw record never lands anywhere.
 */

import { isUtf8 } from 'node:buffer';
import {
  type FieldKind,
  type FieldKinds,
  fieldKindsOf,
  isContractFieldName,
} from '../contract/field-kinds.js';
import type { ValidationIssue } from '../contract/validate.js';
import type { IdKind, Pseudonymizer } from './pseudonym.js';
import type { Scrubber } from './scrub-types.js';

/** One QUARANTINE_TABLE row (lake/schema.ts). */
export interface QuarantineRow {
  reason: string;
  issues: string;
  event_type: string | null;
  /** Pseudonym of the record's user id, when one is readable (any type), for erasure. */
  user_pseudonym: string | null;
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

/** Characters of payload structure kept. */
export const MAX_QUARANTINE_PAYLOAD_CHARS = 16_384;
const MAX_DEPTH = 16;
const MAX_ENTRIES = 1000;
/** Payloads up to this size are parsed for their structure. */
const MAX_PARSED_BYTES = 1024 * 1024;

/** Stems of id-like key words, by the pseudonym kind their values get. */
const ID_STEMS: ReadonlyMap<string, IdKind> = new Map<string, IdKind>([
  ['user', 'user'],
  ['login', 'user'],
  ['logon', 'user'],
  ['account', 'user'],
  ['upn', 'user'],
  ['principal', 'user'],
  ['employee', 'user'],
  ['owner', 'user'],
  ['sam', 'user'],
  ['email', 'user'],
  ['device', 'device'],
  ['machine', 'device'],
  ['computer', 'host'],
  ['host', 'host'],
  ['workstation', 'host'],
  ['ip', 'host'],
  ['mac', 'host'],
  ['session', 'session'],
]);
/** Endings an id-like word may carry after its stem (userId, hostnames, ipaddress…). */
const ID_SUFFIXES = ['s', 'id', 'ids', 'name', 'names', 'key', 'addr', 'address'] as const;

/** Words of a key: camelCase, snake_case, kebab-case and spaces split, lower case. */
function wordsOf(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

function stemKind(word: string): IdKind | undefined {
  const direct = ID_STEMS.get(word);
  if (direct) return direct;
  for (const suffix of ID_SUFFIXES) {
    if (word.length > suffix.length && word.endsWith(suffix)) {
      const kind = ID_STEMS.get(word.slice(0, -suffix.length));
      if (kind) return kind;
    }
  }
  return undefined;
}

/**
 * The pseudonym kind of an id-like key (userId, USER_NAME, computerName, clientIp, eventId…), or undefined.
 * Generous on purpose: pseudonymising a value that was no id costs its readability, keeping an id costs
 * someone's privacy.
 */
export function idKindOfKey(key: string): IdKind | undefined {
  const words = wordsOf(key);
  const last = words.length - 1;
  if ((words[last] === 'id' && words[last - 1] === 'event') || words[last] === 'eventid') return 'event';
  for (const w of words) {
    const kind = stemKind(w);
    if (kind) return kind;
  }
  return undefined;
}

/** A stable text form of any JSON value (object keys sorted), to pseudonymise non-string ids. */
function canonical(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || typeof v !== 'object') return String(v);
  if (Array.isArray(v)) return `[${v.map((x) => JSON.stringify(canonical(x))).join(',')}]`;
  const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${JSON.stringify(canonical(x))}`).join(',')}}`;
}

/** The pseudonym of an id of any type. */
function pseudonymOf(pz: Pseudonymizer, kind: IdKind, v: unknown): string {
  return pz.of(kind, canonical(v));
}

/** What policy needs to know about an invalid record, read leniently (only values of the right type). */
export interface InvalidRecordFacts {
  /** The parsed JSON value, when the payload is JSON. */
  readonly value: unknown;
  readonly parsed: boolean;
  readonly type: string | undefined;
  /** The user's pseudonym, when a user id of any type is readable. */
  readonly userPseudonym: string | null;
  readonly sessionId: string | undefined;
  readonly ts: number | undefined;
  readonly role: string | undefined;
  /** `secure` as sent (anything but `false` counts as secure for text). */
  readonly secure: unknown;
  readonly appId: string | undefined;
  readonly processName: string | undefined;
  readonly url: string | undefined;
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** The user id of a non-JSON payload, when a `"userId": "…"` (or number) pair is still readable. */
function userIdInText(text: string): unknown {
  const m = /"(?:userId|user_id|userid|user)"\s{0,3}:\s{0,3}("(?:[^"\\\n]|\\.){1,512}"|-?\d{1,32})/i.exec(
    text,
  );
  if (!m?.[1]) return undefined;
  try {
    return JSON.parse(m[1]);
  } catch {
    return undefined;
  }
}

/** Parses an invalid record and reads the facts policy decides on. */
export function invalidRecordFacts(data: Uint8Array, pz: Pseudonymizer): InvalidRecordFacts {
  const head = data.subarray(0, MAX_PARSED_BYTES);
  const text = Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('utf8');
  let value: unknown;
  let parsed = false;
  if (data.byteLength <= MAX_PARSED_BYTES && isUtf8(head)) {
    try {
      value = JSON.parse(text);
      parsed = true;
    } catch {
      parsed = false;
    }
  }
  const o =
    parsed && value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  let user: unknown = o?.userId;
  if (user === undefined && o) {
    const key = Object.keys(o).find((k) => idKindOfKey(k) === 'user');
    if (key !== undefined) user = o[key];
  }
  if (user === undefined && !parsed) user = userIdInText(text);
  const org = o?.org !== null && typeof o?.org === 'object' ? (o.org as Record<string, unknown>) : undefined;
  return {
    value,
    parsed,
    type: str(o?.type),
    userPseudonym: user === undefined || user === null ? null : pseudonymOf(pz, 'user', user),
    sessionId: str(o?.sessionId),
    ts: typeof o?.ts === 'number' && Number.isFinite(o.ts) ? o.ts : undefined,
    role: str(org?.role),
    secure: o?.secure,
    appId: str(o?.appId),
    processName: str(o?.processName),
    url: str(o?.url),
  };
}

/** What the redactor decided the row may keep. */
export interface QuarantineOptions {
  readonly scrubber: Scrubber;
  readonly pseudonymizer: Pseudonymizer;
  readonly policyVersion: string;
  readonly redactorVersion: string;
  /** True when the valid path would have written the event's free text (scrubbed). */
  readonly keepText: boolean;
}

/** Type and length of a value, never the value. */
function shapeOf(v: unknown): string {
  if (typeof v === 'string') return `<string:${v.length}>`;
  if (typeof v === 'number') return `<number:${String(v).length}>`;
  return `<${typeof v}>`;
}

/**
 * Walks a parsed payload into its structure; counts findings of what it scrubs. A key the contract does
 * not declare could itself be content, so it is written `<unknown key #n>` (numbered per record in walk
 * order, as the issue list names them); its value keeps its structure.
 */
class StructureWalker {
  readonly findingCounts: Record<string, number> = {};
  private readonly unknownKeys = new Map<string, number>();

  constructor(
    private readonly kinds: FieldKinds,
    private readonly opts: QuarantineOptions,
  ) {}

  private scrub(s: string): string {
    const r = this.opts.scrubber.scrub(s);
    for (const f of r.findings) this.findingCounts[f.type] = (this.findingCounts[f.type] ?? 0) + 1;
    return r.text;
  }

  private leaf(v: unknown, kind: FieldKind | undefined): unknown {
    if (v === null || typeof v === 'boolean') return v;
    switch (kind?.kind) {
      case 'number':
        return typeof v === 'number' ? v : shapeOf(v);
      case 'vocabulary':
        return kind.values.has(v) ? v : shapeOf(v);
      case 'free_text':
        return typeof v === 'string' && this.opts.keepText ? this.scrub(v) : shapeOf(v);
      default:
        return shapeOf(v);
    }
  }

  private keyName(k: string): string {
    if (isContractFieldName(k)) return k;
    let n = this.unknownKeys.get(k);
    if (n === undefined) {
      n = this.unknownKeys.size + 1;
      this.unknownKeys.set(k, n);
    }
    return `<unknown key #${n}>`;
  }

  walk(v: unknown, path: string, depth: number): unknown {
    if (v === null || typeof v !== 'object') return this.leaf(v, this.kinds.get(path));
    if (depth >= MAX_DEPTH) return '<TOO_DEEP>';
    if (Array.isArray(v)) return v.slice(0, MAX_ENTRIES).map((x) => this.walk(x, `${path}[]`, depth + 1));
    // No prototype: a `__proto__` key stays an ordinary property.
    const out: Record<string, unknown> = Object.create(null);
    for (const [k, x] of Object.entries(v as Record<string, unknown>).slice(0, MAX_ENTRIES)) {
      const idKind = idKindOfKey(k);
      out[this.keyName(k)] =
        idKind === undefined
          ? this.walk(x, path === '' ? k : `${path}.${k}`, depth + 1)
          : x === null
            ? null
            : pseudonymOf(this.opts.pseudonymizer, idKind, x);
    }
    return out;
  }
}

function reasonOf(issues: readonly ValidationIssue[]): string {
  const first = issues[0]?.message ?? '';
  if (first.startsWith('malformed JSON')) return 'invalid_json';
  if (first === 'record is not valid UTF-8') return 'invalid_utf8';
  if (first.startsWith('event is ')) return 'too_large';
  if (first === 'event must be a JSON object') return 'not_an_object';
  return 'contract';
}

/** The structure of a payload (or its length and keyed hash when it is not JSON), with finding counts. */
export function payloadStructure(
  data: Uint8Array,
  facts: InvalidRecordFacts,
  opts: QuarantineOptions,
): { payload: string; findingCounts: Record<string, number> } {
  if (!facts.parsed) {
    const payload = JSON.stringify({
      bytes: data.byteLength,
      hmac: opts.pseudonymizer.digest('quarantine-payload', data),
    });
    return { payload, findingCounts: {} };
  }
  const walker = new StructureWalker(fieldKindsOf(facts.type), opts);
  let payload = JSON.stringify(walker.walk(facts.value, '', 0));
  if (payload.length > MAX_QUARANTINE_PAYLOAD_CHARS)
    payload = `${payload.slice(0, MAX_QUARANTINE_PAYLOAD_CHARS)}<TRUNCATED>`;
  return { payload, findingCounts: walker.findingCounts };
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
  facts: InvalidRecordFacts,
  opts: QuarantineOptions,
): { row: QuarantineRow; findingCounts: Record<string, number> } {
  const { payload, findingCounts } = payloadStructure(source.data, facts, opts);
  return {
    row: {
      reason: reasonOf(result.issues),
      // an unknown field's name could itself be content, so the issue list is scrubbed too
      issues: opts.scrubber.scrub(JSON.stringify(result.issues)).text,
      event_type: result.type ?? null,
      user_pseudonym: facts.userPseudonym,
      scrubbed_payload: payload,
      findings: Object.keys(findingCounts).length > 0 ? JSON.stringify(findingCounts) : null,
      shard_id: source.shardId,
      sequence_number: source.sequenceNumber,
      sub_sequence_number: source.subSequenceNumber ?? null,
      arrival_ts: source.arrivalMs,
      policy_version: opts.policyVersion,
      key_version: opts.pseudonymizer.keyVersion,
      redactor_version: opts.redactorVersion,
    },
    findingCounts,
  };
}
