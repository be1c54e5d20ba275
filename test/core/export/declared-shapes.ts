/**
 * Reads object shapes from a package's published TypeScript declarations (with the TypeScript compiler's
 * parser), so runtime shape checks follow the source instead of a hand-made copy of it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import ts from 'typescript';

/** One declared interface: its required and optional property names, and string-literal unions by property. */
export interface DeclaredShape {
  readonly required: readonly string[];
  readonly optional: readonly string[];
  readonly literals: Readonly<Record<string, readonly string[]>>;
}

/** The string literals of a property type (`'a' | 'b'`), or none. */
function stringLiterals(type: ts.TypeNode | undefined): string[] {
  if (type === undefined) return [];
  const parts = ts.isUnionTypeNode(type) ? type.types : [type];
  return parts.flatMap((t) =>
    ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal) ? [t.literal.text] : [],
  );
}

/** The shape of one interface declaration. */
function shapeOf(d: ts.InterfaceDeclaration): DeclaredShape {
  const required: string[] = [];
  const optional: string[] = [];
  const literals: Record<string, string[]> = {};
  for (const m of d.members) {
    if (!ts.isPropertySignature(m) || !ts.isIdentifier(m.name)) continue;
    (m.questionToken ? optional : required).push(m.name.text);
    const lits = stringLiterals(m.type);
    if (lits.length > 0) literals[m.name.text] = lits;
  }
  return { required, optional, literals };
}

/** Parses the .d.ts of a package module (`openai/resources/responses/responses`). */
export function declarations(specifier: string): ts.SourceFile {
  const js = createRequire(import.meta.url).resolve(specifier);
  const file = js.replace(/\.(m?)js$/, '.d.$1ts');
  return ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
}

/** A top-level interface's shape; throws when the declarations have none of that name. */
export function declaredInterface(sf: ts.SourceFile, name: string): DeclaredShape {
  const d = sf.statements.find(
    (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === name,
  );
  if (d === undefined) throw new Error(`no interface ${name}`);
  return shapeOf(d);
}

/** The interfaces of a namespace, keyed by the literal of their `type` property (`click`, `drag`, ...). */
export function declaredVariants(sf: ts.SourceFile, namespace: string): Record<string, DeclaredShape> {
  const out: Record<string, DeclaredShape> = {};
  for (const s of sf.statements) {
    if (
      !ts.isModuleDeclaration(s) ||
      s.name.text !== namespace ||
      s.body === undefined ||
      !ts.isModuleBlock(s.body)
    )
      continue;
    for (const d of s.body.statements) {
      if (!ts.isInterfaceDeclaration(d)) continue;
      const shape = shapeOf(d);
      const tag = shape.literals.type;
      if (tag?.length === 1) out[tag[0] as string] = shape;
    }
  }
  return out;
}
