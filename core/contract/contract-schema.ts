/**
 * Renders the event contract as a JSON Schema (for agent teams in other languages) and as a Markdown
 * field reference. Both files are checked in; a test fails when they are stale.
 */
import { z } from 'zod';
import { EventSchema, LIMITS } from './event-contract.js';

/** Where the checked-in artefacts live, relative to the repository root. */
export const CONTRACT_ARTIFACTS = {
  jsonSchema: 'schema/event-contract.v1.schema.json',
  markdown: 'docs/event-contract.md',
} as const;

type JsonSchema = {
  type?: string | string[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  minItems?: number;
  pattern?: string;
  default?: unknown;
};

/** The contract as a JSON Schema (draft 2020-12), describing what an agent may send. */
export function contractJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(EventSchema, { io: 'input', target: 'draft-2020-12' }) as Record<
    string,
    unknown
  >;
  return {
    $id: 'urn:worktrace:event-contract:v1',
    title: 'worktrace event contract v1',
    ...schema,
  };
}

/** The JSON Schema file content, stable byte for byte. */
export function renderJsonSchema(): string {
  return `${JSON.stringify(contractJsonSchema(), null, 2)}\n`;
}

function typeText(s: JsonSchema): string {
  if (s.const !== undefined) return `\`${JSON.stringify(s.const)}\``;
  if (s.enum) return s.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  if (s.anyOf) return s.anyOf.map(typeText).join(' or ');
  if (s.type === 'array' && s.items) return `array of ${typeText(s.items)}`;
  if (s.type === 'object') return 'object';
  return Array.isArray(s.type) ? s.type.join(' or ') : (s.type ?? 'any');
}

function limitsText(s: JsonSchema): string {
  const parts: string[] = [];
  if (s.minLength !== undefined && s.minLength > 0) parts.push(`min length ${s.minLength}`);
  if (s.maxLength !== undefined) parts.push(`max length ${s.maxLength}`);
  if (s.minimum !== undefined) parts.push(`>= ${s.minimum}`);
  if (s.maximum !== undefined) parts.push(`<= ${s.maximum}`);
  if (s.minItems !== undefined && s.minItems > 0) parts.push(`min items ${s.minItems}`);
  if (s.maxItems !== undefined) parts.push(`max items ${s.maxItems}`);
  if (s.pattern !== undefined) parts.push(`pattern \`${s.pattern}\``);
  if (s.default !== undefined) parts.push(`default \`${JSON.stringify(s.default)}\``);
  return parts.join('; ');
}

function fieldRows(props: Record<string, JsonSchema>, required: string[], prefix: string): string[] {
  const rows: string[] = [];
  for (const [name, s] of Object.entries(props)) {
    const path = `${prefix}${name}`;
    const desc = (s.description ?? '').replaceAll('|', '\\|');
    rows.push(
      `| \`${path}\` | ${typeText(s)} | ${required.includes(name) ? 'yes' : 'no'} | ${limitsText(s)} | ${desc} |`,
    );
    if (s.type === 'object' && s.properties)
      rows.push(...fieldRows(s.properties, s.required ?? [], `${path}.`));
  }
  return rows;
}

/** The Markdown field reference, one table per event type. */
export function renderMarkdown(): string {
  const schema = contractJsonSchema() as JsonSchema;
  const variants = schema.oneOf ?? schema.anyOf ?? [];
  const out = [
    '# Event contract v1',
    '',
    `Generated from \`core/contract/event-contract.ts\` by \`npm run contract\`; do not edit by hand. The JSON Schema is \`${CONTRACT_ARTIFACTS.jsonSchema}\`.`,
    '',
    `One event per Kinesis record (or per NDJSON line), at most ${LIMITS.maxEventBytes} bytes serialised; every free-text field at most ${LIMITS.maxTextChars} characters. Unknown fields are rejected. A record that breaks the contract goes to the quarantine zone as structure (the field paths that broke it, each value's type and length, pseudonyms for ids), never as content.`,
    '',
  ];
  for (const v of variants) {
    const type = v.properties?.type?.const;
    out.push(`## \`${String(type)}\``, '', v.description ?? '', '');
    out.push('| field | type | required | limits | meaning |', '| --- | --- | --- | --- | --- |');
    out.push(...fieldRows(v.properties ?? {}, v.required ?? [], ''));
    out.push('');
  }
  return `${out.join('\n')}`;
}
