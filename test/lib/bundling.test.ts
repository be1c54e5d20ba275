/**
 * The one test file that bundles for real (local esbuild, no Docker): every function's asset must load in
 * a plain Node process outside the project, and the Parquet functions must carry parquet-wasm's binary.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/bundling.js';
import { logicalId, synth } from './synth.js';

const outdir = mkdtempSync(join(tmpdir(), 'worktrace-cdk-out-'));
const scratch = mkdtempSync(join(tmpdir(), 'worktrace-bundle-'));
afterAll(() => {
  rmSync(outdir, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

/** Configuration every handler reads at cold start (placeholders; nothing is called at load). */
const HANDLER_ENV = {
  EVENTS_BUCKET: 'events-bucket',
  QUARANTINE_BUCKET: 'quarantine-bucket',
  CURATED_BUCKET: 'curated-bucket',
  EVENTS_KMS_KEY_ARN: 'arn:aws:kms:eu-west-1:123456789012:key/events',
  QUARANTINE_KMS_KEY_ARN: 'arn:aws:kms:eu-west-1:123456789012:key/quarantine',
  PSEUDONYM_KEY_ARN: 'arn:aws:kms:eu-west-1:123456789012:key/pseudonym',
  PSEUDONYM_DATA_KEY: Buffer.alloc(64, 1).toString('base64'),
  POLICY_JSON: readFileSync(join(PROJECT_ROOT, 'config/policy.default.json'), 'utf8'),
  AWS_REGION: 'eu-west-1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

describe('real bundling with esbuild (no Docker)', () => {
  const { template } = synth({}, { bundle: true, outdir });
  /** The asset directory of a function, from its S3 key (<hash>.zip -> asset.<hash>). */
  const assetDir = (prefix: string): string => {
    const fn =
      template.findResources('AWS::Lambda::Function')[logicalId(template, 'AWS::Lambda::Function', prefix)];
    const key = String(fn?.Properties.Code.S3Key);
    return join(outdir, `asset.${key.replace(/\.zip$/, '')}`);
  };
  /** Copies an asset out of the project (no package.json "type": "module" above it) and loads it. */
  const loadHandler = (dir: string): string => {
    const target = join(scratch, dir.split('/').at(-1) as string);
    cpSync(dir, target, { recursive: true });
    return execFileSync(
      process.execPath,
      ['-e', "process.stdout.write(typeof require('./index.js').handler)"],
      {
        cwd: target,
        env: { PATH: process.env.PATH, ...HANDLER_ENV },
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
    expect(loadHandler(assetDir('RedactFunction'))).toBe('function');
  });

  it('produces a sequence bundle that loads and exports the handler', () => {
    expect(loadHandler(assetDir('SequenceFunction'))).toBe('function');
  });

  it('produces a data-key custom resource bundle that loads and exports the handler', () => {
    expect(loadHandler(assetDir('PseudonymKeyDataKeyFunction'))).toBe('function');
  });

  it('produces erase and canary bundles that load and export their handlers', () => {
    expect(loadHandler(assetDir('GovernanceErase'))).toBe('function');
    expect(loadHandler(assetDir('GovernanceCanary'))).toBe('function');
  });
});
