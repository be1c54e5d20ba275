#!/usr/bin/env node
// Entry point of the `worktrace` command: runs the JavaScript scripts/build-cli.mjs builds into dist/cli
// (npm's prepare builds it; this rebuilds it first when a source changed since, in about 0.2 s). Where it
// cannot be built (dist/ not writable, esbuild missing), the TypeScript runs through tsx, 2 s slower to start.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildCli, buildIsCurrent, CLI_ENTRY_FILE, CLI_OUT_DIR } from '../scripts/build-cli.mjs';

// The CLI supports Node 20; the SDK's notice about its future Node 22 floor is noise on every command.
// (Nothing above loads an SDK: build-cli.mjs imports node builtins only, and esbuild when it builds.)
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** 'built' when dist/cli is current or was just rebuilt, 'tsx' when it cannot be built, 'broken' on build errors. */
async function prepare() {
  if (buildIsCurrent()) return 'built';
  try {
    await buildCli();
    return 'built';
  } catch (err) {
    if (err?.errors) return 'broken'; // esbuild has printed them
    console.error(
      `worktrace: cannot build dist/cli (${err?.message ?? err}); running the TypeScript through tsx`,
    );
    return 'tsx';
  }
}

const how = await prepare();
if (how === 'built') {
  await import(pathToFileURL(join(CLI_OUT_DIR, CLI_ENTRY_FILE)).href);
} else if (how === 'tsx') {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./cli.ts');
} else {
  console.error('worktrace: the CLI does not build from its sources (errors above)');
  process.exitCode = 1;
}
