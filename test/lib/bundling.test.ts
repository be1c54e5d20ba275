/**
 * The one test file that bundles for real (local esbuild, no Docker): every function's asset must load in
 * a plain Node process outside the project, and the Parquet functions must carry parquet-wasm's binary.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { type EnvOf, requiredEnvNames } from '#adapters/lambda-env.js';
import { CanaryEnvSchema } from '../../lambdas/canary/env.js';
import { EraseEnvSchema } from '../../lambdas/erase/env.js';
import { PseudonymKeyEnvSchema } from '../../lambdas/pseudonym-key/env.js';
import { RedactEnvSchema } from '../../lambdas/redact/env.js';
import { SequenceEnvSchema } from '../../lambdas/sequence/env.js';
import { PROJECT_ROOT } from '../../lib/bundling.js';
import { logicalId, synth } from './synth.js';

const outdir = mkdtempSync(join(tmpdir(), 'worktrace-cdk-out-'));
const scratch = mkdtempSync(join(tmpdir(), 'worktrace-bundle-'));
afterAll(() => {
  rmSync(outdir, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

/** Values the placeholder configuration cannot make up: what the handlers parse at cold start. */
const PARSED_AT_COLD_START: Partial<EnvOf<typeof RedactEnvSchema>> = {
  PSEUDONYM_DATA_KEY: Buffer.alloc(64, 1).toString('base64'),
  POLICY_JSON: readFileSync(join(PROJECT_ROOT, 'config/policy.default.json'), 'utf8'),
};

/** Placeholder configuration for a function (nothing is called at load): each variable its schema requires. */
function configurationOf(schema: z.ZodObject): Record<string, string> {
  const env = Object.fromEntries(
    requiredEnvNames(schema).map((name) => [
      name,
      (PARSED_AT_COLD_START as Record<string, string>)[name] ?? `placeholder-${name.toLowerCase()}`,
    ]),
  );
  schema.parse(env);
  return env;
}

describe('real bundling with esbuild (no Docker)', () => {
  const { template } = synth({}, { bundle: true, outdir });
  /** The asset directory of a function, from its S3 key (<hash>.zip -> asset.<hash>). */
  const assetDir = (prefix: string): string => {
    const fn =
      template.findResources('AWS::Lambda::Function')[logicalId(template, 'AWS::Lambda::Function', prefix)];
    const key = String(fn?.Properties.Code.S3Key);
    return join(outdir, `asset.${key.replace(/\.zip$/, '')}`);
  };
  /**
   * Copies an asset out of the project and loads it with `env` as its configuration. The copy says it is
   * CommonJS itself, as nothing above /var/task does in Lambda: a package.json with "type": "module" above
   * the scratch directory must not turn the bundle into an ES module.
   */
  const loadHandler = (dir: string, env: Record<string, string>): string => {
    const target = join(scratch, dir.split('/').at(-1) as string);
    cpSync(dir, target, { recursive: true });
    writeFileSync(join(target, 'package.json'), '{"type": "commonjs"}');
    return execFileSync(
      process.execPath,
      [
        '-e',
        "try { process.stdout.write(typeof require('./index.js').handler) } catch (e) { process.stdout.write(e.name + ': ' + e.message) }",
      ],
      {
        cwd: target,
        env: {
          PATH: process.env.PATH,
          AWS_REGION: 'eu-west-1',
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          ...env,
        },
        encoding: 'utf8',
      },
    );
  };

  it('copies parquet_wasm_bg.wasm next to the redact and sequence bundles', () => {
    for (const prefix of ['RedactFunction', 'SequenceFunction']) {
      expect(existsSync(join(assetDir(prefix), 'index.js'))).toBe(true);
      expect(existsSync(join(assetDir(prefix), 'index.js.map'))).toBe(true);
      expect(existsSync(join(assetDir(prefix), 'parquet_wasm_bg.wasm'))).toBe(true);
    }
  });

  it('produces a redact bundle that loads (parquet-wasm initialises) and exports the handler', () => {
    expect(loadHandler(assetDir('RedactFunction'), configurationOf(RedactEnvSchema))).toBe('function');
  });

  it('produces a sequence bundle that loads and exports the handler', () => {
    expect(loadHandler(assetDir('SequenceFunction'), configurationOf(SequenceEnvSchema))).toBe('function');
  });

  it('produces a data-key custom resource bundle that loads and exports the handler', () => {
    expect(loadHandler(assetDir('PseudonymKeyDataKeyFunction'), configurationOf(PseudonymKeyEnvSchema))).toBe(
      'function',
    );
  });

  it('produces erase and canary bundles that load and export their handlers', () => {
    expect(loadHandler(assetDir('GovernanceErase'), configurationOf(EraseEnvSchema))).toBe('function');
    expect(loadHandler(assetDir('GovernanceCanary'), configurationOf(CanaryEnvSchema))).toBe('function');
  });

  it('fails a bundle started without its configuration at load, naming every missing variable', () => {
    const out = loadHandler(assetDir('GovernanceErase'), {});
    expect(out).toMatch(/^ConfigError: /);
    for (const name of requiredEnvNames(EraseEnvSchema)) expect(out).toContain(name);
  });
});
