/**
 * The CLI as users run it: bin/worktrace.mjs on the JavaScript built into dist/cli (the global setup
 * built it), with each command's dependencies in a chunk loaded only when that command runs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../bin/program.js';
import { buildCli, buildIsCurrent, CLI_ENTRY_FILE, CLI_OUT_DIR } from '../../scripts/build-cli.mjs';

const worktrace = (args: string[], input?: string) =>
  spawnSync(process.execPath, ['bin/worktrace.mjs', ...args], { encoding: 'utf8', input });

/** The part of esbuild's metafile this test reads. */
interface Metafile {
  outputs: Record<
    string,
    { imports: { path: string; kind: string; external?: boolean }[]; inputs: Record<string, unknown> }
  >;
}

/** Packages an output loads before any of its code runs: its static imports, followed through chunks. */
function packagesLoadedAtStart(meta: Metafile, entry: string): string[] {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (output: string) => {
    if (seen.has(output)) return;
    seen.add(output);
    for (const i of meta.outputs[output]?.imports ?? []) {
      if (i.kind !== 'import-statement') continue;
      if (i.external) packages.add(i.path);
      else visit(i.path);
    }
  };
  visit(entry);
  return [...packages].filter((p) => !p.startsWith('node:')).sort();
}

/** Every command of the tree with its path of names (`optout add`), parents first. */
function commandPaths(command: Command, path: string[] = []): { path: string[]; command: Command }[] {
  return command.commands.flatMap((c) => {
    const p = [...path, c.name()];
    return [{ path: p, command: c }, ...commandPaths(c, p)];
  });
}

describe('the built CLI (dist/cli)', () => {
  it('loads commander and nothing else before a command runs: SDKs, DuckDB, Arrow and zod wait in chunks', () => {
    const meta = JSON.parse(readFileSync(join(CLI_OUT_DIR, 'meta.json'), 'utf8')) as Metafile;
    const entry = Object.keys(meta.outputs).find((o) => o.endsWith(`/${CLI_ENTRY_FILE}`)) as string;
    expect(packagesLoadedAtStart(meta, entry)).toEqual(['commander']);
    // ...and the heavy ones are there, behind the dynamic imports.
    const all = Object.values(meta.outputs).flatMap((o) => o.imports.map((i) => i.path));
    expect(all).toEqual(expect.arrayContaining(['@aws-sdk/client-s3', '@duckdb/node-api', 'zod']));
  });

  it('runs from the build: --help lists every command and nothing goes to stderr', () => {
    const run = worktrace(['--help']);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    for (const c of buildProgram().commands) expect(run.stdout).toMatch(new RegExp(`^  ${c.name()} `, 'm'));
  });

  it("prints each command's help exactly as the TypeScript command tree defines it", () => {
    for (const { path, command } of commandPaths(buildProgram())) {
      command.configureHelp({ ...command.configureHelp(), helpWidth: 80 });
      const run = worktrace([...path, '--help']);
      expect(run.status, path.join(' ')).toBe(0);
      expect(run.stdout, path.join(' ')).toBe(command.helpInformation());
    }
  });

  it('scrubs piped JSON Lines end to end', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wt-built-'));
    const run = worktrace(
      ['scrub', '--jsonl', '--data-dir', dataDir],
      '{"text":"x"}\n{"text":"mail jane.doe@example.org"}\n',
    );
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    const out = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(out).toEqual([
      { text: 'x', findings: [] },
      {
        text: expect.stringMatching(/^mail <EMAIL:[0-9a-f]{6}>$/),
        findings: [{ type: 'EMAIL', start: 5, end: 25 }],
      },
    ]);
  });

  it('builds anywhere with the view SQL beside the chunk that reads it, and notices when it is stale', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'wt-build-'));
    expect(buildIsCurrent(outDir)).toBe(false);
    const files = await buildCli({ outDir });
    expect(files).toContain(CLI_ENTRY_FILE);
    expect(buildIsCurrent(outDir)).toBe(true);
    const meta = JSON.parse(readFileSync(join(outDir, 'meta.json'), 'utf8')) as Metafile;
    const registryChunk = Object.entries(meta.outputs).find(([, o]) => 'core/views/registry.ts' in o.inputs);
    expect(registryChunk).toBeDefined();
    expect(existsSync(join(dirname(registryChunk?.[0] as string), 'sql', 'sft_examples.sql'))).toBe(true);
    const info = JSON.parse(readFileSync(join(outDir, 'build-info.json'), 'utf8')) as { startedAtMs: number };
    expect(info).toMatchObject({
      files: expect.arrayContaining(['bin/cli.ts', 'core/views/sql/sft_examples.sql']),
    });
    writeFileSync(join(outDir, 'build-info.json'), JSON.stringify({ ...info, startedAtMs: 0 }));
    expect(buildIsCurrent(outDir)).toBe(false);
  });
});
