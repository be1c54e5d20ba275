import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePolicy } from '#core/redact/policy.js';
import { runCanary } from '../../local/canary.js';
import { type LocalStack, startLocalStack } from '../../local/runtime.js';
import { TEST_KEY } from '../fixtures/redact.js';

describe('canary through the local pipeline', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack({
      dataDir: mkdtempSync(join(tmpdir(), 'wt-canary-')),
      stage: 'canary',
      shards: 1,
    });
  });
  afterAll(async () => stack?.stop());
  const keyProvider = { getKey: async () => TEST_KEY };

  it('passes on a correct pipeline: no canary value in any zone or view', async () => {
    const r = await runCanary(stack, {
      policy: parsePolicy({ version: 'canary-ok' }),
      keyProvider,
      nonce: '0123456789abcdef',
    });
    expect(r.written).toBeGreaterThan(0);
    expect(r.survivors).toEqual([]);
  });

  it('fails, naming the zone, when one detector is switched off by policy', async () => {
    const r = await runCanary(stack, {
      policy: parsePolicy({ version: 'canary-broken', disabledDetectors: ['AWS_ACCESS_KEY'] }),
      keyProvider,
      nonce: 'fedcba9876543210',
    });
    expect(r.survivors.length).toBeGreaterThan(0);
    expect(new Set(r.survivors.map((s) => s.kind))).toEqual(new Set(['AWS_ACCESS_KEY']));
    expect(r.survivors.some((s) => s.location.startsWith('events/events/dt='))).toBe(true);
  });
});
