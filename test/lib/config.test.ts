import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.js';
import { PROJECT_ROOT } from '../../lib/bundling.js';
import { CONFIG_KEYS, ConfigSchema, MAX_POLICY_JSON_BYTES, parseConfig } from '../../lib/config.js';
import { CDK_JSON_CONTEXT } from './synth.js';

const parse = (context: Record<string, unknown>) => parseConfig(context, { baseDir: PROJECT_ROOT });
const failure = (context: Record<string, unknown>): string => {
  try {
    parse(context);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected the configuration to be rejected');
};

describe('parseConfig defaults', () => {
  it('cdk.json context holds exactly the schema defaults for every key that has one', () => {
    const defaults = ConfigSchema.parse({});
    const fromCdkJson = Object.fromEntries(
      CONFIG_KEYS.filter((k) => k in CDK_JSON_CONTEXT).map((k) => [k, CDK_JSON_CONTEXT[k]]),
    );
    const withDefaults = Object.fromEntries(Object.entries(defaults).filter(([, v]) => v !== undefined));
    expect(fromCdkJson).toEqual(withDefaults);
  });

  it('gives the documented retention defaults per zone', () => {
    const c = parse({});
    expect([c.quarantineRetentionDays, c.eventsRetentionDays, c.curatedRetentionDays]).toEqual([7, 30, 365]);
    expect([c.curatedInfrequentAccessDays, c.curatedGlacierInstantRetrievalDays]).toEqual([30, 90]);
    expect([c.athenaResultsRetentionDays, c.accessLogsRetentionDays]).toEqual([7, 90]);
  });

  it('loads and validates the default policy and passes it on as compact JSON', () => {
    const c = parse({});
    expect(c.policy.version).toBe('2026-12-default');
    expect(JSON.parse(c.policyJson)).toEqual(c.policy);
    expect(c.kAnonymity).toBe(5);
    expect(c.glueCatalogEncryption).toBe(false);
  });

  it('ignores context keys it does not own (feature flags, CDK internals)', () => {
    expect(parse({ '@aws-cdk/core:checkSecretUsage': true, 'aws:cdk:bundling-stacks': [] }).stage).toBe(
      'dev',
    );
  });
});

describe('parseConfig from the command line (-c key=value gives strings)', () => {
  it('coerces numbers and booleans given as strings', () => {
    const c = parse({
      stage: 'prod',
      streamMode: 'provisioned',
      streamShards: '4',
      allowDestroy: 'true',
      logRetentionDays: '90',
    });
    expect(c).toMatchObject({ stage: 'prod', streamShards: 4, allowDestroy: true, logRetentionDays: 90 });
  });

  it('accepts a ratio given as a decimal string', () => {
    expect(parse({ alarmQuarantineRatio: '0.2' }).alarmQuarantineRatio).toBe(0.2);
  });
});

describe('parseConfig rejects a bad configuration naming the key', () => {
  it.each([
    [{ streamRetentionHours: 'many' }, 'streamRetentionHours:'],
    [{ stage: 'prod env' }, 'stage:'],
    [{ streamMode: 'serverless' }, 'streamMode:'],
    [{ redactBatchSize: 0 }, 'redactBatchSize:'],
    [{ redactParallelizationFactor: 11 }, 'redactParallelizationFactor:'],
    [{ alarmEmail: 'not-an-address' }, 'alarmEmail:'],
    [{ analystPrincipalArn: 'arn:aws:s3:::bucket' }, 'analystPrincipalArn:'],
    [{ logRetentionDays: 10 }, 'logRetentionDays:'],
    [{ allowDestroy: 'yes' }, 'allowDestroy:'],
    [{ kAnonymity: 1 }, 'kAnonymity:'],
    [{ bytesScannedCutoffPerQuery: 1000 }, 'bytesScannedCutoffPerQuery:'],
    [{ eraseMaxConcurrency: 0 }, 'eraseMaxConcurrency:'],
    [{ backfillMaxConcurrency: 10_001 }, 'backfillMaxConcurrency:'],
    [{ eraseToleratedFailurePercentage: 101 }, 'eraseToleratedFailurePercentage:'],
    [{ backfillToleratedFailurePercentage: -1 }, 'backfillToleratedFailurePercentage:'],
  ])('%j fails with %s', (context, path) => {
    expect(failure(context)).toContain(path);
  });

  it('rejects shards when the stream is on-demand', () => {
    expect(failure({ streamShards: 3 })).toContain('streamShards: streamShards applies only');
  });

  it('rejects a curated Glacier transition less than 30 days after Standard-IA', () => {
    expect(failure({ curatedGlacierInstantRetrievalDays: 45 })).toContain(
      'curatedGlacierInstantRetrievalDays:',
    );
  });

  it('rejects curated expiry before its last transition', () => {
    expect(failure({ curatedRetentionDays: 80 })).toContain('curatedRetentionDays:');
  });

  it('rejects a window that does not divide a day', () => {
    expect(failure({ sequenceWindowMinutes: 7 })).toContain('sequenceWindowMinutes:');
  });

  it('bounds the sequence shards to 1..64', () => {
    expect(failure({ sequenceShards: 0 })).toContain('sequenceShards:');
    expect(failure({ sequenceShards: 65 })).toContain('sequenceShards:');
  });

  it('rejects a max record age beyond the stream retention', () => {
    expect(failure({ redactMaxRecordAgeSeconds: 90_000 })).toContain('redactMaxRecordAgeSeconds:');
  });

  it('reports every bad key at once', () => {
    const message = failure({ redactBatchSize: -1, sequenceMemoryMb: 'lots' });
    expect(message).toContain('redactBatchSize:');
    expect(message).toContain('sequenceMemoryMb:');
  });
});

describe('parseConfig policy file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'worktrace-config-'));

  it('fails with policyPath when the file is missing', () => {
    expect(failure({ policyPath: join(dir, 'missing.json') })).toContain('policyPath:');
  });

  it('fails with policyPath and the policy field when the policy is invalid', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ version: 'v1', samplingRate: 2 }));
    const message = failure({ policyPath: file });
    expect(message).toContain('policyPath:');
    expect(message).toContain('policy.samplingRate');
  });

  it('fails at synth when optedOutUsers holds raw ids, naming the field and never the id', () => {
    const file = join(dir, 'raw-ids.json');
    writeFileSync(file, JSON.stringify({ version: 'v1', optedOutUsers: ['maria.garcia@corp.example'] }));
    const message = failure({ policyPath: file });
    expect(message).toContain('policyPath:');
    expect(message).toContain('policy.optedOutUsers.0');
    expect(message).toContain('worktrace optout add');
    expect(message).not.toContain('maria');
  });

  it('fails when the policy would not fit in the function environment', () => {
    const file = join(dir, 'big.json');
    const optedOutUsers = Array.from({ length: 400 }, (_, i) => i.toString(16).padStart(32, '0'));
    writeFileSync(file, JSON.stringify({ version: 'v1', optedOutUsers }));
    expect(failure({ policyPath: file })).toContain(`at most ${MAX_POLICY_JSON_BYTES}`);
  });
});

describe('documentation', () => {
  it('the README lists every configuration key with its default', () => {
    const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
    for (const key of CONFIG_KEYS) expect(readme, key).toContain(`| \`${key}\` |`);
  });
});
