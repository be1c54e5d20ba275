import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PolicyError, parsePolicy, policyOptOuts } from '#core/redact/policy.js';
import { Pseudonymizer } from '#core/redact/pseudonym.js';
import { TEST_KEY } from '../../fixtures/redact.js';

/** The message parsePolicy throws for a value (fails the test when it does not throw PolicyError). */
function rejection(value: unknown): string {
  try {
    parsePolicy(value);
  } catch (err) {
    expect(err).toBeInstanceOf(PolicyError);
    return (err as Error).message;
  }
  throw new Error('expected the policy to be rejected');
}

describe('parsePolicy: optedOutUsers holds pseudonyms, never raw ids', () => {
  it.each([
    ['an e-mail address', 'alice@example.com'],
    ['an employee number', 'E-004411'],
    ['a name', 'Maria Garcia'],
    ['upper-case hex', 'A'.repeat(32)],
    ['31 hex characters', 'a'.repeat(31)],
    ['a full SHA-256', 'a'.repeat(64)],
    ['32 characters that are not hex', 'maria.garcia@corp.example.com.xx'],
  ])('rejects %s naming the field, never the value', (_name, raw) => {
    const message = rejection({ version: 'v1', optedOutUsers: [raw] });
    expect(message).toContain('policy.optedOutUsers.0');
    expect(message).toContain('worktrace optout add');
    expect(message).not.toContain(raw);
  });

  it('accepts user pseudonyms as the Pseudonymizer makes them', () => {
    const pseudonym = new Pseudonymizer(TEST_KEY).of('user', 'alice@example.com');
    const policy = parsePolicy({ version: 'v1', optedOutUsers: [pseudonym] });
    expect(policyOptOuts(policy)).toEqual(new Set([pseudonym]));
  });

  it('names every raw entry by index in one error', () => {
    const pseudonym = new Pseudonymizer(TEST_KEY).of('user', 'bob');
    const message = rejection({ version: 'v1', optedOutUsers: [pseudonym, 'carol', 'dave@example.com'] });
    expect(message).toContain('policy.optedOutUsers.1');
    expect(message).toContain('policy.optedOutUsers.2');
    expect(message).not.toMatch(/carol|dave/);
  });
});

describe('parsePolicy: errors name fields, never values or unknown keys', () => {
  const CANARY = 'Tr0ub4dor&3 maria@example.com';

  it('prints an unknown key as <unknown key #n>, at the top and inside entityActions', () => {
    const message = rejection({
      version: 'v1',
      [CANARY]: true,
      entityActions: { [`${CANARY} 2`]: 'mask', EMAIL: 'mask' },
    });
    expect(message).toContain('policy.entityActions.<unknown key #1>: unknown field');
    expect(message).toContain('policy.<unknown key #2>: unknown field');
    expect(message).not.toContain('Tr0ub4dor');
    expect(message).not.toContain('maria');
  });

  it('keeps the names of known fields and entity types', () => {
    const message = rejection({ version: 'v1', samplingRate: 2, entityActions: { EMAIL: 'shred' } });
    expect(message).toContain('policy.samplingRate: Too big: expected number to be <=1');
    expect(message).toContain('policy.entityActions.EMAIL');
  });

  it('no content placed anywhere in a policy reaches the message (property)', () => {
    const content = fc.string({ minLength: 1, maxLength: 12 }).map((s) => `Tr0ub4dor${s}`);
    const bad = fc.oneof(
      content.map((c) => ({ version: `${c} !` })),
      content.map((c) => ({ version: 'v', [c]: c })),
      content.map((c) => ({ version: 'v', optedOutUsers: [c] })),
      content.map((c) => ({ version: 'v', names: [c.repeat(40)] })),
      content.map((c) => ({ version: 'v', denyTerms: c })),
      content.map((c) => ({ version: 'v', excludedRoles: [1, c] })),
      content.map((c) => ({ version: 'v', disabledDetectors: [c] })),
      content.map((c) => ({ version: 'v', entityActions: { [c]: c } })),
      content.map((c) => ({ version: 'v', entityActions: { EMAIL: c } })),
      content.map((c) => ({ version: 'v', samplingRate: c })),
      content.map((c) => ({ version: 'v', excludedDomains: [`<${c}>`] })),
    );
    fc.assert(
      fc.property(bad, (value) => {
        expect(rejection(value)).not.toContain('Tr0ub4dor');
      }),
      { numRuns: 300 },
    );
  });
});
