import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fieldKindsOf, isContractFieldName } from '#core/contract/field-kinds.js';
import { idKindOfKey } from '#core/redact/quarantine.js';
import { redactBatch } from '#core/redact/transform.js';
import { makeEvent } from '../../fixtures/events.js';
import { sources, testContext, testPolicy } from '../../fixtures/redact.js';

describe('id-like keys', () => {
  it.each([
    ['userId', 'user'],
    ['user_id', 'user'],
    ['USERID', 'user'],
    ['user', 'user'],
    ['login', 'user'],
    ['UserName', 'user'],
    ['samAccountName', 'user'],
    ['employeeNumber', 'user'],
    ['deviceId', 'device'],
    ['machine', 'device'],
    ['MachineName', 'device'],
    ['computerName', 'host'],
    ['hostName', 'host'],
    ['HOSTNAME', 'host'],
    ['clientIp', 'host'],
    ['ipAddress', 'host'],
    ['macAddr', 'host'],
    ['sessionId', 'session'],
    ['SessionID', 'session'],
    ['eventId', 'event'],
    ['event_id', 'event'],
  ])('%s is a %s id', (key, kind) => {
    expect(idKindOfKey(key)).toBe(kind);
  });

  it.each([
    'text',
    'appId',
    'processName',
    'windowTitle',
    'tooltip',
    'macro',
    'keyClass',
    'field',
    'id',
    'taskId',
  ])('%s is not an id', (key) => {
    expect(idKindOfKey(key)).toBeUndefined();
  });
});

describe('contract field kinds', () => {
  it('reads free text, identifiers, numbers and vocabularies from the contract', () => {
    const text = fieldKindsOf('text');
    expect(text.get('text')?.kind).toBe('free_text');
    expect(text.get('field.name')?.kind).toBe('free_text');
    expect(text.get('field.id')?.kind).toBe('identifier');
    expect(text.get('url')?.kind).toBe('free_text');
    expect(text.get('seq')?.kind).toBe('number');
    expect(text.get('secure')?.kind).toBe('boolean');
    expect(fieldKindsOf('key_down').get('modifiers[]')?.kind).toBe('vocabulary');
    expect(fieldKindsOf('key_down').get('char')?.kind).toBe('identifier');
    // an unknown type gets the envelope only
    expect(fieldKindsOf('telepathy').get('seq')?.kind).toBe('number');
    expect(fieldKindsOf('telepathy').has('text')).toBe(false);
    expect(isContractFieldName('windowTitle')).toBe(true);
    expect(isContractFieldName('agentVersion')).toBe(false);
  });
});

describe('quarantine structure', () => {
  it('keeps numbers, booleans and vocabulary of contract fields; types and lengths of everything else', async () => {
    const bad = {
      ...makeEvent('key_down', { key: 'q', char: 'q', seq: 3, modifiers: ['ctrl'] }),
      ts: 'soon',
    };
    const out = await redactBatch(sources([bad]), testContext());
    const payload = JSON.parse(out.quarantine[0]?.scrubbed_payload ?? '{}');
    expect(payload).toMatchObject({
      schemaVersion: 1,
      type: 'key_down',
      seq: 3,
      ts: '<string:4>',
      key: '<string:1>',
      char: '<string:1>',
      keyClass: 'char',
      modifiers: ['ctrl'],
    });
  });

  it('an implausible time in an invalid record neither throws nor keeps text under a sampling policy', async () => {
    const bad = { ...makeEvent('task_marker', { label: 'quarterly close' }), ts: 1e20 };
    const out = await redactBatch(
      sources([makeEvent('focus', { seq: 0 }), bad]),
      testContext(testPolicy({ samplingRate: 0.5 })),
    );
    expect(out.quarantine).toHaveLength(1);
    expect(JSON.stringify(out.quarantine)).not.toContain('quarterly');
  });

  it('no generated string under an unknown key or in an unknown event type lands in the quarantine', async () => {
    await fc.assert(
      fc.asyncProperty(
        // 'zq' is in no key, type name, placeholder or hex pseudonym the quarantine writes
        fc.string({ maxLength: 40 }).map((s) => `zq${s}`),
        fc.constantFrom('text', 'focus', 'telepathy', 'mouse_move'),
        async (value, type) => {
          const record = { ...makeEvent('mouse_move'), type, note: value, [`k_${value}`]: 1 };
          const out = await redactBatch(sources([record]), testContext());
          expect(JSON.stringify(out.quarantine)).not.toContain(value);
        },
      ),
      { numRuns: 100 },
    );
  });
});
