/**
 * esbuild bundling for the pipeline's NodejsFunctions: local esbuild (no Docker), CommonJS output with
 * source maps, and parquet-wasm's .wasm file copied next to the bundle (parquet-wasm/node reads it from
 * `${__dirname}/parquet_wasm_bg.wasm` at load time).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';

/** Repository root (lib/..), so entries and lock file resolve from any working directory. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The wasm binary parquet-wasm's Node build loads from beside the bundle. */
export const PARQUET_WASM_FILE = 'node_modules/parquet-wasm/node/parquet_wasm_bg.wasm';

/** Absolute path of a Lambda entry under lambdas/. */
export function lambdaEntry(relative: string): string {
  return join(PROJECT_ROOT, 'lambdas', relative);
}

/** Bundling options; `withParquetWasm` copies the wasm into the asset output after bundling. */
export function bundlingOptions(withParquetWasm: boolean): nodejs.BundlingOptions {
  return {
    forceDockerBundling: false,
    format: nodejs.OutputFormat.CJS,
    sourceMap: true,
    sourcesContent: false,
    minify: true,
    target: 'node24',
    // The runtime ships AWS SDK v3; bundling it keeps versions pinned to the lock file instead.
    externalModules: [],
    ...(withParquetWasm
      ? {
          commandHooks: {
            beforeBundling: () => [],
            beforeInstall: () => [],
            afterBundling: (inputDir: string, outputDir: string) => [
              `cp "${join(inputDir, PARQUET_WASM_FILE)}" "${join(outputDir, 'parquet_wasm_bg.wasm')}"`,
            ],
          },
        }
      : {}),
  };
}

/** Common NodejsFunction props: entry, lock file, project root and bundling. */
export function nodejsCode(entry: string, withParquetWasm: boolean) {
  return {
    entry: lambdaEntry(entry),
    handler: 'handler',
    projectRoot: PROJECT_ROOT,
    depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
    bundling: bundlingOptions(withParquetWasm),
  } as const;
}
