/**
 * What each field of the contract holds, per event type, read from the contract's own JSON Schema: free
 * text (the 4,096-character fields: typed text, titles, URLs, labels, names), numbers, booleans, closed
 * vocabularies, and identifiers (every other string: ids, key names, roles). The quarantine uses it to
 * keep the structure of an invalid record without its content.
 */
import { contractJsonSchema } from './contract-schema.js';
import { LIMITS } from './event-contract.js';

/** What one contract field holds. */
export type FieldKind =
  | { readonly kind: 'free_text' }
  | { readonly kind: 'identifier' }
  | { readonly kind: 'number' }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'vocabulary'; readonly values: ReadonlySet<unknown> }
  | { readonly kind: 'object' };

/** Field kinds of one event type by path: `field.name` for nested fields, `modifiers[]` for array items. */
export type FieldKinds = ReadonlyMap<string, FieldKind>;

interface Schema {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  maxLength?: number;
  properties?: Record<string, Schema>;
  items?: Schema;
}

function kindOf(s: Schema): FieldKind {
  if (s.const !== undefined) return { kind: 'vocabulary', values: new Set([s.const]) };
  if (s.enum) return { kind: 'vocabulary', values: new Set(s.enum) };
  if (s.type === 'string')
    return s.maxLength === LIMITS.maxTextChars ? { kind: 'free_text' } : { kind: 'identifier' };
  if (s.type === 'number' || s.type === 'integer') return { kind: 'number' };
  if (s.type === 'boolean') return { kind: 'boolean' };
  return { kind: 'object' };
}

function collect(props: Record<string, Schema>, prefix: string, out: Map<string, FieldKind>): void {
  for (const [name, s] of Object.entries(props)) {
    const path = `${prefix}${name}`;
    out.set(path, kindOf(s));
    if (s.properties) collect(s.properties, `${path}.`, out);
    if (s.type === 'array' && s.items) {
      out.set(`${path}[]`, kindOf(s.items));
      if (s.items.properties) collect(s.items.properties, `${path}[].`, out);
    }
  }
}

function sameKind(a: FieldKind, b: FieldKind): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind !== 'vocabulary' || b.kind !== 'vocabulary') return true;
  return a.values.size === b.values.size && [...a.values].every((v) => b.values.has(v));
}

function build(): { byType: ReadonlyMap<string, FieldKinds>; envelope: FieldKinds } {
  const branches = (contractJsonSchema() as { oneOf: Schema[] }).oneOf;
  const byType = new Map<string, FieldKinds>();
  for (const branch of branches) {
    const kinds = new Map<string, FieldKind>();
    collect(branch.properties ?? {}, '', kinds);
    byType.set(String(branch.properties?.type?.const), kinds);
  }
  // The fields every event type shares with the same kind (the envelope), for records of unknown type.
  const all = [...byType.values()];
  const envelope = new Map<string, FieldKind>();
  for (const [path, kind] of all[0] ?? []) {
    if (path === 'type') continue;
    if (
      all.every((k) => {
        const o = k.get(path);
        return o !== undefined && sameKind(o, kind);
      })
    )
      envelope.set(path, kind);
  }
  return { byType, envelope };
}

const FIELD_KINDS = build();

/** Every field name the contract declares, at any depth. */
const FIELD_NAMES: ReadonlySet<string> = new Set(
  [...FIELD_KINDS.byType.values()].flatMap((kinds) =>
    [...kinds.keys()].map((path) => path.split('.').at(-1)?.replace('[]', '') ?? path),
  ),
);

/** True when the contract declares a field of this name somewhere (a key that cannot be content). */
export function isContractFieldName(name: string): boolean {
  return FIELD_NAMES.has(name);
}

/** The field kinds of an event type; the shared envelope fields for an unknown or missing type. */
export function fieldKindsOf(type: string | undefined): FieldKinds {
  return (type === undefined ? undefined : FIELD_KINDS.byType.get(type)) ?? FIELD_KINDS.envelope;
}
