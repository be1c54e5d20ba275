/**
 * Layer boundaries, checked over the real import graph: core/ is the pure domain and imports no other
 * project layer; adapters/ implement core's ports; entry points (lambdas, bin, local, agent) sit on top,
 * and Lambda bundles never pull in CDK, the CLI or the local runtime.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Project layers (top-level folders) that hold TypeScript. */
const LAYERS = [
  'core',
  'adapters',
  'lambdas',
  'lib',
  'bin',
  'agent',
  'local',
  'bench',
  'scripts',
  'test',
] as const;
type Layer = (typeof LAYERS)[number];

/** What each guarded layer may import from the project (itself is always allowed). */
const ALLOWED: Partial<Record<Layer, readonly Layer[]>> = {
  core: [],
  adapters: ['core'],
  agent: ['core'],
  lambdas: ['core', 'adapters', 'agent'],
  local: ['core', 'adapters', 'agent', 'lambdas', 'lib'],
};

/** One import that crosses a boundary it may not cross. */
interface Violation {
  readonly file: string;
  readonly specifier: string;
  readonly target: Layer;
}

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])([^'"]+)\1/g;

/** The project layer an import specifier of `file` points into, or null for packages and node builtins. */
function targetLayer(file: string, specifier: string): Layer | null {
  let path: string;
  if (specifier.startsWith('#')) path = specifier.slice(1);
  else if (specifier.startsWith('.')) path = normalize(join(dirname(file), specifier));
  else return null;
  const top = path.split(/[\\/]/)[0] as Layer;
  return LAYERS.includes(top) ? top : null;
}

/** Every forbidden import in `sources` (path relative to the project root → file text). */
function layerViolations(sources: ReadonlyMap<string, string>): Violation[] {
  const out: Violation[] = [];
  for (const [file, text] of sources) {
    const own = file.split('/')[0] as Layer;
    const allowed = ALLOWED[own];
    if (!allowed) continue;
    for (const m of text.matchAll(IMPORT)) {
      const specifier = m[2] as string;
      const target = targetLayer(file, specifier);
      if (target !== null && target !== own && !allowed.includes(target))
        out.push({ file, specifier, target });
    }
  }
  return out;
}

function projectSources(): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(rel);
      else if (/\.(ts|mts|mjs)$/.test(e.name) && !e.name.endsWith('.d.ts'))
        out.set(rel, readFileSync(join(ROOT, rel), 'utf8'));
    }
  };
  for (const layer of LAYERS) walk(layer);
  return out;
}

const describeViolation = (v: Violation) => `${v.file} imports '${v.specifier}' (${v.target}/)`;

describe('layer boundaries', () => {
  const sources = projectSources();

  it('reads the real tree', () => {
    for (const layer of ['core', 'adapters', 'lambdas', 'agent'] as const)
      expect(
        [...sources.keys()].some((f) => f.startsWith(`${layer}/`)),
        layer,
      ).toBe(true);
  });

  it('core/ imports nothing of the project outside core/; adapters/ and agent/ only core/; lambdas/ never lib/, local/ or bin/; local/ never bin/', () => {
    expect(layerViolations(sources).map(describeViolation)).toEqual([]);
  });

  it('names the offending import, whatever form it takes', () => {
    const planted = new Map([
      ['core/redact/x.ts', "import { S3ObjectStore } from '#adapters/s3-object-store.js';"],
      ['core/lake/y.ts', "const m = await import('../../local/runtime.js');"],
      ['lambdas/redact/z.ts', "export { parseConfig } from '../../lib/config.js';"],
      [
        'agent/w.ts',
        "import type { X } from '#adapters/aws-clients.js';\nimport { y } from '#core/ports.js';",
      ],
      ['adapters/v.ts', "import { z } from '../bin/program.js';\nimport { w } from '#core/ports.js';"],
      ['local/u.ts', "import { q } from '../lib/config.js';"],
    ]);
    planted.set('local/t.ts', "import { buildProgram } from '../bin/program.js';");
    expect(layerViolations(planted).map(describeViolation)).toEqual([
      "core/redact/x.ts imports '#adapters/s3-object-store.js' (adapters/)",
      "core/lake/y.ts imports '../../local/runtime.js' (local/)",
      "lambdas/redact/z.ts imports '../../lib/config.js' (lib/)",
      "agent/w.ts imports '#adapters/aws-clients.js' (adapters/)",
      "adapters/v.ts imports '../bin/program.js' (bin/)",
      "local/t.ts imports '../bin/program.js' (bin/)",
    ]);
  });

  it('resolves relative paths from the importing file', () => {
    expect(targetLayer('core/redact/a.ts', '../lake/schema.js')).toBe('core');
    expect(targetLayer('core/redact/a.ts', '../../adapters/athena.js')).toBe('adapters');
    expect(targetLayer('core/redact/a.ts', 'zod')).toBeNull();
    expect(targetLayer('core/redact/a.ts', 'node:fs')).toBeNull();
  });
});
