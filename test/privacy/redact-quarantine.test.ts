/**
 * Issue 15, observations 1 and 2: quarantine keeps structure (reason, field paths, types, lengths, the
 * pseudonymised user, the event type), never content the valid path would have dropped, and never a raw id
 * of any type under any id-like key.
 */
import { describe, expect, it } from 'vitest';
import { QUARANTINE_TABLE } from '#core/lake/schema.js';
import { staticOptOutRegistry } from '#core/ports.js';
import { Pseudonymizer } from '#core/redact/pseudonym.js';
import { redactBatch } from '#core/redact/transform.js';
import { makeEvent } from '../fixtures/events.js';
import { sources, TEST_KEY, testContext, testPolicy } from '../fixtures/redact.js';

const pz = new Pseudonymizer(TEST_KEY);
const FOCUS_OK = () => makeEvent('focus', { appId: 'notepad', processName: 'notepad', seq: 1 });

/** Everything a quarantine row holds, as one string. */
const blobOf = (rows: readonly object[]) => JSON.stringify(rows);

describe('quarantine keeps nothing the valid path would drop (observation 1)', () => {
  it('a secure text event with an unknown field keeps no text', async () => {
    const bad = {
      ...makeEvent('text', { text: 'Tr0ub4dor&3horse', secure: true, seq: 2 }),
      agentVersion: '2.1',
    };
    const out = await redactBatch(sources([FOCUS_OK(), bad]), testContext());
    expect(out.quarantine).toHaveLength(1);
    expect(blobOf(out.quarantine)).not.toContain('Tr0ub4dor');
    const payload = JSON.parse(out.quarantine[0]?.scrubbed_payload ?? '{}');
    expect(payload.secure).toBe(true);
    expect(payload.text).toBe('<string:16>');
  });

  it('text typed into a field the session marked secure keeps no text', async () => {
    const out = await redactBatch(
      sources([
        FOCUS_OK(),
        makeEvent('ui_element', { role: 'textbox', name: 'PIN', secure: true, seq: 2 }),
        { ...makeEvent('text', { text: 'Tr0ub4dor&3horse', seq: 3 }), agentVersion: '2.1' },
      ]),
      testContext(),
    );
    expect(blobOf(out.quarantine)).not.toContain('Tr0ub4dor');
  });

  it("an opted-out user's invalid event is dropped, not quarantined", async () => {
    const bad = {
      ...makeEvent('text', { text: 'dear diary, the merger is off', seq: 2 }),
      agentVersion: '2.1',
    };
    const policy = testPolicy({ optedOutUsers: [pz.of('user', 'alice@example.com')] });
    const out = await redactBatch(sources([FOCUS_OK(), bad]), testContext(policy));
    expect(out.quarantine).toEqual([]);
    expect(out.counts.dropped.opted_out).toBe(2);
    const viaRegistry = await redactBatch(
      sources([bad]),
      testContext(testPolicy(), { optOuts: staticOptOutRegistry([pz.of('user', 'alice@example.com')]) }),
    );
    expect(viaRegistry.quarantine).toEqual([]);
    expect(viaRegistry.counts.dropped.opted_out).toBe(1);
  });

  it('invalid events of an excluded role, or while an excluded app has focus, are dropped', async () => {
    const policy = testPolicy({ excludedApps: ['keepassxc'], excludedRoles: ['legal'] });
    const out = await redactBatch(
      sources([
        makeEvent('focus', { appId: 'keepassxc', processName: 'keepassxc', seq: 1 }),
        { ...makeEvent('text', { text: 'vault entry: bank login', seq: 2 }), agentVersion: '2.1' },
        { ...makeEvent('task_marker', { label: 'legal hold', seq: 3, org: { role: 'Legal' } }), extra: 1 },
      ]),
      testContext(policy),
    );
    expect(out.quarantine).toEqual([]);
    expect(out.counts.dropped).toMatchObject({ excluded_app: 2, excluded_role: 1 });
  });

  it('an invalid focus to an excluded app excludes the session; an unreadable one makes it unknown', async () => {
    const policy = testPolicy({ excludedApps: ['keepassxc'] });
    const out = await redactBatch(
      sources([
        FOCUS_OK(),
        { ...makeEvent('focus', { appId: 'keepassxc', processName: 'keepassxc', seq: 2 }), extra: 1 },
        makeEvent('text', { text: 'vault text one', seq: 3 }),
        FOCUS_OK(),
        { ...makeEvent('focus', { seq: 5 }), appId: 42 },
        makeEvent('text', { text: 'vault text two', seq: 6 }),
      ]),
      testContext(policy),
    );
    expect(blobOf(out.rows)).not.toMatch(/vault text/);
    expect(out.counts.dropped).toMatchObject({ excluded_app: 2, unknown_context: 1 });
  });

  it('free text of an event the valid path would write is kept, scrubbed; unknown fields never are', async () => {
    const bad = {
      ...makeEvent('text', { text: 'mail jane.roe@example.net today', seq: 2 }),
      agentVersion: 'build-for-maria-gonzalez',
    };
    const out = await redactBatch(sources([FOCUS_OK(), bad]), testContext());
    const q = out.quarantine[0];
    expect(q?.reason).toBe('contract');
    expect(q?.event_type).toBe('text');
    const payload = JSON.parse(q?.scrubbed_payload ?? '{}');
    expect(payload.text).toMatch(/^mail <EMAIL:[0-9a-f]{6}> today$/);
    // an unknown key could itself be content: it is named by position, its value by type and length
    expect(payload['<unknown key #1>']).toBe('<string:24>');
    expect(payload.field).toEqual({ id: '<string:14>', role: '<string:7>', name: 'Summary' });
    expect(blobOf(out.quarantine)).not.toMatch(/jane\.roe|maria/);
  });

  it('text of a session whose context is unknown (no focus seen) keeps no text', async () => {
    const bad = { ...makeEvent('text', { text: 'typed somewhere unknown', seq: 2 }), agentVersion: '2.1' };
    const out = await redactBatch(sources([bad]), testContext());
    expect(blobOf(out.quarantine)).not.toContain('typed somewhere');
  });
});

describe('quarantine pseudonymises ids of any type under any id-like key (observation 2)', () => {
  it('has a user_pseudonym column so erasure finds rows by column', () => {
    expect(QUARANTINE_TABLE.columns.map((c) => c.name)).toContain('user_pseudonym');
  });

  it('numbers, objects and nested or differently named ids never land raw', async () => {
    const base = { ...makeEvent('mouse_move', { seq: 1 }), extra: true };
    const out = await redactBatch(
      sources([
        { ...base, userId: 4242424242 },
        { ...base, userId: { login: 'maria.gonzalez' } },
        { ...base, computerName: 'MGONZALEZ-PC' },
        { ...base, meta: { USERNAME: 'mgonzalez', Machine: 'WS-0042', clientIp: 1234 } },
        { ...makeEvent('text', { seq: 2 }), text: 4111111111111111 },
        { ...base, sessionId: 77, deviceId: ['DEV-1', 'DEV-2'] },
      ]),
      testContext(),
    );
    expect(out.quarantine).toHaveLength(6);
    const blob = blobOf(out.quarantine);
    for (const raw of [
      '4242424242',
      'maria',
      'MGONZALEZ',
      'mgonzalez',
      'WS-0042',
      '4111111111111111',
      'DEV-1',
    ])
      expect(blob).not.toContain(raw);
    expect(out.quarantine[0]?.user_pseudonym).toBe(pz.of('user', '4242424242'));
    expect(out.quarantine[2]?.user_pseudonym).toBe(pz.of('user', 'alice@example.com'));
    const payload = JSON.parse(out.quarantine[2]?.scrubbed_payload ?? '{}');
    expect(payload['<unknown key #2>']).toBe(pz.of('host', 'MGONZALEZ-PC'));
    expect(payload.userId).toBe(pz.of('user', 'alice@example.com'));
    expect(payload.eventId).toBe(pz.of('event', base.eventId));
  });

  it('a payload that is not JSON keeps only its length and a keyed hash, and the user when readable', async () => {
    const raw = '{"userId":"CORP\\\\mgonzalez","deviceId":"MGONZALEZ-PC","text":"hello", broken';
    const out = await redactBatch(sources([raw]), testContext());
    const q = out.quarantine[0];
    expect(q?.reason).toBe('invalid_json');
    expect(blobOf(out.quarantine)).not.toMatch(/mgonzalez|MGONZALEZ|hello/i);
    const payload = JSON.parse(q?.scrubbed_payload ?? '{}');
    expect(Object.keys(payload).sort()).toEqual(['bytes', 'hmac']);
    expect(payload.bytes).toBe(Buffer.byteLength(raw));
    expect(payload.hmac).toMatch(/^[0-9a-f]{32}$/);
    // keyed: another key gives another hash
    const other = await redactBatch(sources([raw]), {
      ...testContext(),
      pseudonymizer: new Pseudonymizer({ key: new Uint8Array(32).fill(7), version: 'other' }),
    });
    expect(JSON.parse(other.quarantine[0]?.scrubbed_payload ?? '{}').hmac).not.toBe(payload.hmac);
    expect(q?.user_pseudonym).toBe(pz.of('user', 'CORP\\mgonzalez'));
  });
});
