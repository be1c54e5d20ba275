/**
 * Builds the `worktrace` command into dist/cli: esbuild bundles bin/cli.ts with the project code inside and
 * node_modules outside, and every `await import()` of a command's implementation becomes a chunk loaded
 * only when that command runs. core/views/registry.ts reads its SQL files beside itself at run time, and
 * local/emulators.ts forks local/emulator-child.mjs from beside itself, so those are copied next to the
 * chunk that holds the module.
 *
 *   node scripts/build-cli.mjs              build and remove outputs of older builds (npm run build:cli)
 *   node scripts/build-cli.mjs --optional   the same, but only a notice when esbuild is not installed
 *                                           (npm's prepare: a production install runs the CLI through tsx)
 *
 * bin/worktrace.mjs checks `buildIsCurrent()` on every start and calls `buildCli()` when a source changed
 * since the last build, so an edited checkout never runs stale JavaScript. Files are written under a
 * temporary name and renamed into place, entry and build record last, so a CLI starting meanwhile (a test
 * run in parallel) sees either the old build or the new one.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Repository root (scripts/..). */
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Where the CLI is built. */
export const CLI_OUT_DIR = join(ROOT, 'dist', 'cli');

/** The module the entry point runs. */
export const CLI_ENTRY_FILE = 'cli.js';

/** The build record: when the build started and which project files went into it. */
const BUILD_INFO_FILE = 'build-info.json';

/** Files read at run time relative to the module that reads them: source module → asset directory or file. */
const RUNTIME_ASSETS = {
  'core/views/registry.ts': 'core/views/sql',
  'local/emulators.ts': 'local/emulator-child.mjs',
};

/** The files of an asset (a directory's files, or the file itself), relative to the repository root. */
function assetFiles(asset) {
  if (!statSync(join(ROOT, asset)).isDirectory()) return [asset];
  return readdirSync(join(ROOT, asset)).map((name) => `${asset}/${name}`);
}

/** Files that shape the output without being bundled inputs. */
const BUILD_CONFIG = ['package.json', 'tsconfig.json', 'scripts/build-cli.mjs'];

/**
 * True when `outDir` holds a build newer than every project file that went into it (a stat per file,
 * about 1 ms); false when there is no build or any such file changed or disappeared since.
 */
export function buildIsCurrent(outDir = CLI_OUT_DIR) {
  let info;
  try {
    info = JSON.parse(readFileSync(join(outDir, BUILD_INFO_FILE), 'utf8'));
    statSync(join(outDir, CLI_ENTRY_FILE));
  } catch {
    return false;
  }
  try {
    return info.files.every((f) => statSync(join(ROOT, f)).mtimeMs <= info.startedAtMs);
  } catch {
    return false;
  }
}

/** Writes a file under a temporary name, then renames it into place. */
function writeAtomically(path, contents) {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, contents);
  renameSync(tmp, path);
}

/**
 * Builds the CLI into `outDir`; with `prune`, removes the files of older builds afterwards (not while
 * a CLI of an older build may still load its chunks, so not from bin/worktrace.mjs). Returns the files
 * written, relative to `outDir`.
 */
export async function buildCli({ outDir = CLI_OUT_DIR, prune = false } = {}) {
  const { build } = await import('esbuild');
  const startedAtMs = Date.now();
  const result = await build({
    absWorkingDir: ROOT,
    // The sequencing worker threads' module is an entry of its own (local/sequence-workers.ts loads it).
    entryPoints: ['bin/cli.ts', 'local/sequence-worker.ts'],
    outdir: outDir,
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    entryNames: '[name]',
    chunkNames: '[name]-[hash]',
    banner: { js: '// Built by scripts/build-cli.mjs from bin/cli.ts: edit the TypeScript, not this file.' },
    metafile: true,
    write: false,
    logLevel: 'error',
  });
  const files = new Map();
  for (const out of result.outputFiles) files.set(relative(outDir, out.path), out.contents);
  for (const [output, meta] of Object.entries(result.metafile.outputs)) {
    for (const [source, asset] of Object.entries(RUNTIME_ASSETS)) {
      if (!(source in meta.inputs)) continue;
      // The asset keeps its place relative to the module's directory: sql/*.sql, emulator-child.mjs.
      const chunkDir = dirname(relative(outDir, join(ROOT, output)));
      for (const file of assetFiles(asset))
        files.set(join(chunkDir, relative(dirname(asset), file)), readFileSync(join(ROOT, file)));
    }
  }
  const info = {
    startedAtMs,
    files: [
      ...Object.keys(result.metafile.inputs),
      ...Object.values(RUNTIME_ASSETS).flatMap(assetFiles),
      ...BUILD_CONFIG,
    ].sort(),
  };
  files.set('meta.json', JSON.stringify(result.metafile));
  const entry = files.get(CLI_ENTRY_FILE);
  files.delete(CLI_ENTRY_FILE);
  for (const [name, contents] of files) writeAtomically(join(outDir, name), contents);
  writeAtomically(join(outDir, CLI_ENTRY_FILE), entry);
  writeAtomically(join(outDir, BUILD_INFO_FILE), `${JSON.stringify(info, null, 2)}\n`);
  const written = new Set([...files.keys(), CLI_ENTRY_FILE, BUILD_INFO_FILE]);
  if (prune) {
    for (const e of readdirSync(outDir, { recursive: true, withFileTypes: true })) {
      const name = relative(outDir, join(e.parentPath, e.name));
      if (e.isFile() && !written.has(name)) rmSync(join(outDir, name));
    }
  }
  return [...written].sort();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const optional = process.argv.includes('--optional');
  try {
    const files = await buildCli({ prune: true });
    console.log(`built the worktrace CLI: ${files.length} files in ${relative(process.cwd(), CLI_OUT_DIR)}`);
  } catch (err) {
    if (optional && err?.code === 'ERR_MODULE_NOT_FOUND') {
      console.warn('esbuild is not installed: the worktrace CLI will run its TypeScript through tsx');
    } else {
      // esbuild has printed its errors already; anything else gets a one-line message.
      if (!err?.errors) console.error(`build-cli: ${err?.message ?? err}`);
      process.exitCode = 1;
    }
  }
}
