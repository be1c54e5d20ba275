import { describe, expect, it } from 'vitest';
import type { WorktraceEventInput } from '#core/contract/event-contract.js';
import { SERVER_TYPING_RUN } from '#core/contract/typing-run.js';
import { staticOptOutRegistry } from '#core/ports.js';
import { PolicyError, parsePolicy } from '#core/redact/policy.js';
import { Pseudonymizer } from '#core/redact/pseudonym.js';
import { joinModifiers, redactBatch, SessionStates } from '#core/redact/transform.js';
import { makeEvent } from '../../fixtures/events.js';
import { sources, TEST_KEY, testContext, testPolicy } from '../../fixtures/redact.js';

const pz = new Pseudonymizer(TEST_KEY);

/**
 * The session's focus: the redactor drops text of a session whose focus it does not know (fail closed),
 * so batches that type start with one.
 */
const FOCUS = makeEvent('focus', { appId: 'notepad', processName: 'notepad', seq: 0 });

/** Typing `text` as raw key presses (down/up per char) starting at `seq`. */
function typed(
  text: string,
  firstSeq: number,
  startTs = Date.UTC(2026, 10, 2, 9, 0, 0),
): WorktraceEventInput[] {
  const out: WorktraceEventInput[] = [];
  let seq = firstSeq;
  let ts = startTs;
  for (const ch of text) {
    const base =
      ch === '\b'
        ? { key: 'Backspace', keyClass: 'backspace' as const }
        : { key: ch, keyClass: ch === ' ' ? ('space' as const) : ('char' as const), char: ch };
    ts += 80;
    out.push(makeEvent('key_down', { ...base, seq, ts }));
    ts += 40;
    out.push(makeEvent('key_up', { ...base, seq: seq + 1, ts }));
    seq += 2;
  }
  return out;
}

describe('policy', () => {
  it('applies defaults', () => {
    expect(parsePolicy({ version: 'v1' })).toMatchObject({
      samplingRate: 1,
      keystrokeQuantumMs: 100,
      excludedApps: [],
    });
  });

  it.each([
    [{}, 'policy.version'],
    [{ version: 'v1', samplingRate: 2 }, 'policy.samplingRate'],
    [{ version: 'v1', entityActions: { EMAIL: 'shred' } }, 'policy.entityActions.EMAIL'],
    [{ version: 'v1', excludedApps: [''] }, 'policy.excludedApps.0'],
    [{ version: 'v1', surprise: true }, 'policy'],
  ])('rejects %j naming %s', (value, path) => {
    expect(() => parsePolicy(value)).toThrow(PolicyError);
    expect(() => parsePolicy(value)).toThrow(path);
  });
});

describe('redactBatch: pseudonyms and provenance', () => {
  it('pseudonymises every id and stamps versions and source position', async () => {
    const recs = sources([makeEvent('mouse_move')]);
    const out = await redactBatch(recs, testContext());
    const row = out.rows[0];
    expect(row).toMatchObject({
      user_pseudonym: pz.of('user', 'alice@example.com'),
      device_pseudonym: pz.of('device', 'LAPTOP-7F3K2'),
      host_pseudonym: pz.of('host', 'alice-mbp.corp.example.com'),
      policy_version: 'test-policy-1',
      key_version: 'test-v1',
      shard_id: 'shardId-000000000000',
      sequence_number: recs[0]?.sequenceNumber,
    });
    expect(JSON.stringify(out.rows)).not.toMatch(/alice|LAPTOP|sess-0001/);
  });

  it('the same id gives the same pseudonym and kinds are separated', () => {
    expect(pz.of('user', 'x')).toBe(new Pseudonymizer(TEST_KEY).of('user', 'x'));
    expect(pz.of('user', 'x')).not.toBe(pz.of('device', 'x'));
    expect(pz.of('user', 'x')).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('redactBatch: policy drops', () => {
  it('drops opted-out users from the policy and from the registry', async () => {
    const policy = testPolicy({ optedOutUsers: [pz.of('user', 'alice@example.com')] });
    const out = await redactBatch(
      sources([makeEvent('mouse_move'), makeEvent('mouse_move', { userId: 'bob' })]),
      testContext(policy),
    );
    expect(out.counts.dropped.opted_out).toBe(1);
    expect(out.rows.map((r) => r.user_pseudonym)).toEqual([pz.of('user', 'bob')]);
    const viaRegistry = await redactBatch(
      sources([makeEvent('mouse_move', { userId: 'bob' })]),
      testContext(testPolicy(), { optOuts: staticOptOutRegistry([pz.of('user', 'bob')]) }),
    );
    expect(viaRegistry.rows).toEqual([]);
    expect(viaRegistry.counts.dropped.opted_out).toBe(1);
  });

  it('drops excluded roles', async () => {
    const out = await redactBatch(
      sources([makeEvent('mouse_move', { org: { role: 'Legal-Counsel' } })]),
      testContext(testPolicy({ excludedRoles: ['legal-counsel'] })),
    );
    expect(out.counts.dropped.excluded_role).toBe(1);
  });

  it('drops everything while an excluded app or domain has focus, and resumes after', async () => {
    const policy = testPolicy({ excludedApps: ['keepassxc'], excludedDomains: ['bank.example.com'] });
    const out = await redactBatch(
      sources([
        makeEvent('focus', { appId: 'org.keepassxc', processName: 'keepassxc', seq: 1 }),
        makeEvent('mouse_down', { seq: 2 }),
        makeEvent('focus', {
          appId: 'chrome',
          processName: 'chrome',
          url: 'https://online.bank.example.com/x',
          seq: 3,
        }),
        makeEvent('mouse_down', { seq: 4 }),
        makeEvent('focus', {
          appId: 'chrome',
          processName: 'chrome',
          url: 'https://desk.example.com/',
          seq: 5,
        }),
        makeEvent('mouse_down', { seq: 6 }),
      ]),
      testContext(policy),
    );
    expect(out.counts.dropped).toMatchObject({ excluded_app: 2, excluded_domain: 2 });
    expect(out.rows.map((r) => r.seq)).toEqual([5, 6]);
  });

  it('samples deterministically per user and day', async () => {
    const policy = testPolicy({ samplingRate: 0.5 });
    const events = Array.from({ length: 40 }, (_, u) => makeEvent('mouse_move', { userId: `user-${u}` }));
    const a = await redactBatch(sources(events), testContext(policy));
    const b = await redactBatch(sources(events), testContext(policy));
    expect(a.rows.map((r) => r.user_pseudonym)).toEqual(b.rows.map((r) => r.user_pseudonym));
    expect(a.counts.dropped.sampled_out).toBeGreaterThan(5);
    expect(a.counts.dropped.sampled_out).toBeLessThan(35);
  });
});

describe('redactBatch: keys and text', () => {
  it('coalesces printable keys into one scrubbed text row, applying backspaces, keeping no per-key character', async () => {
    const events = [
      makeEvent('ui_element', { role: 'textbox', name: 'Reply', seq: 0 }),
      ...typed('mail jim@x.orh\bg now', 1),
    ];
    const out = await redactBatch(sources([FOCUS, ...events]), testContext());
    const text = out.rows.filter((r) => r.event_type === 'text');
    expect(text).toHaveLength(1);
    expect(text[0]?.text).toMatch(/^mail <EMAIL:[0-9a-f]{6}> now$/);
    expect(text[0]).toMatchObject({ key_count: 20, field_role: 'textbox', seq: events.length - 2 + 0 });
    expect(out.rows.filter((r) => r.event_type === 'key_down' || r.event_type === 'key_up')).toEqual([]);
    expect(out.counts.coalesced).toBe(events.length - 1);
    expect(out.counts.written + out.counts.coalesced).toBe(events.length + 1);
  });

  it('keeps non-printable keys and shortcuts with their names, quantised', async () => {
    const out = await redactBatch(
      sources([
        makeEvent('key_down', { key: 'Enter', keyClass: 'enter', char: undefined, ts: 1_762_074_000_123 }),
        makeEvent('key_down', {
          key: 'c',
          keyClass: 'char',
          char: 'c',
          modifiers: ['ctrl'],
          ts: 1_762_074_000_456,
        }),
      ]),
      testContext(),
    );
    expect(out.rows.map((r) => [r.key_name, r.key_class, r.modifiers, r.ts])).toEqual([
      ['Enter', 'enter', null, 1_762_074_000_100],
      ['c', 'char', 'ctrl', 1_762_074_000_400],
    ]);
  });

  it('never keeps text typed into a secure field, coalesced or agent-sent', async () => {
    const events = [
      makeEvent('ui_element', { role: 'textbox', name: 'Password', secure: true, seq: 0 }),
      ...typed('hunter2', 1),
      makeEvent('text', { text: 'correct horse', secure: true, seq: 100 }),
    ];
    const out = await redactBatch(sources([FOCUS, ...events]), testContext());
    expect(JSON.stringify(out.rows)).not.toMatch(/hunter2|correct horse/);
    expect(
      out.rows.filter((r) => r.event_type === 'text').every((r) => r.text === null && r.secure === true),
    ).toBe(true);
    expect(out.counts.secureTextRemoved).toBe(2);
  });

  it('scrubs every free-text field', async () => {
    const out = await redactBatch(
      sources([
        makeEvent('focus', {
          windowTitle: 'Inbox - jane@corp.example.com',
          url: 'https://mail.example.com/u/0?q=abc123',
        }),
        makeEvent('error_dialog', { title: 'Project Falcon failed', text: 'call +44 20 7946 0958' }),
        makeEvent('task_marker', { label: 'pay 4111 1111 1111 1111' }),
      ]),
      testContext(),
    );
    const blob = JSON.stringify(out.rows);
    for (const value of ['jane@corp', 'abc123', 'Project Falcon', '7946', '4111 1111'])
      expect(blob).not.toContain(value);
    expect(out.findings).toMatchObject({ EMAIL: 1, URL_QUERY: 1, DENY_TERM: 1, PHONE: 1, CARD: 1 });
    expect(JSON.parse(out.rows[0]?.findings ?? '{}')).toEqual({ EMAIL: 1, URL_QUERY: 1 });
  });

  it(`ends a run at a typing pause of SERVER_TYPING_RUN.idleMs (${SERVER_TYPING_RUN.idleMs} ms) or more, not shorter`, async () => {
    const t0 = Date.UTC(2026, 10, 2, 9, 0, 0);
    // typed() presses its first key 80 ms after its start; the last key down of 'ab' is at t0 + 200.
    const runs = async (gap: number) => {
      const events = [...typed('ab', 1, t0), ...typed('cd', 10, t0 + 200 - 80 + gap)];
      const out = await redactBatch(sources([FOCUS, ...events]), testContext());
      return out.rows.filter((r) => r.event_type === 'text').map((r) => r.text);
    };
    expect(await runs(SERVER_TYPING_RUN.idleMs - 1)).toEqual(['abcd']);
    expect(await runs(SERVER_TYPING_RUN.idleMs)).toEqual(['ab', 'cd']);
  });

  it('a backspace with ctrl/alt/meta held does not edit the run: it ends it and is kept as a key', async () => {
    const events = [
      ...typed('word', 1),
      makeEvent('key_down', { key: 'Backspace', keyClass: 'backspace', modifiers: ['ctrl'], seq: 20 }),
      makeEvent('key_up', { key: 'Backspace', keyClass: 'backspace', modifiers: ['ctrl'], seq: 21 }),
    ];
    const out = await redactBatch(sources([FOCUS, ...events]), testContext());
    expect(out.rows.slice(1).map((r) => [r.event_type, r.text ?? r.key_class, r.modifiers ?? null])).toEqual([
      ['text', 'word', null],
      ['key_down', 'backspace', 'ctrl'],
      ['key_up', 'backspace', 'ctrl'],
    ]);
  });

  it('a backspace with nothing left in the run, or after the idle time, is kept as a key with its key up', async () => {
    const t0 = Date.UTC(2026, 10, 2, 9, 0, 0);
    const erased = await redactBatch(sources([FOCUS, ...typed('a\b\b', 1, t0)]), testContext());
    expect(
      erased.rows.slice(1).map((r) => [r.event_type, r.text ?? r.key_class, r.key_count ?? null]),
    ).toEqual([
      ['text', '', 2],
      ['key_down', 'backspace', null],
      ['key_up', 'backspace', null],
    ]);
    const late = await redactBatch(
      sources([FOCUS, ...typed('ab', 1, t0), ...typed('\b', 10, t0 + 200 - 80 + SERVER_TYPING_RUN.idleMs)]),
      testContext(),
    );
    expect(late.rows.slice(1).map((r) => [r.event_type, r.text ?? r.key_class])).toEqual([
      ['text', 'ab'],
      ['key_down', 'backspace'],
      ['key_up', 'backspace'],
    ]);
  });

  it('joins modifiers in the contract order', () => {
    expect(joinModifiers(['fn', 'meta', 'shift', 'alt', 'ctrl'])).toBe('ctrl+alt+shift+meta+fn');
    expect(joinModifiers(['shift', 'shift'])).toBe('shift');
    expect(joinModifiers([])).toBeNull();
    expect(joinModifiers(undefined)).toBeNull();
  });

  it('keeps session state across batches of one container', async () => {
    const sessions = new SessionStates();
    const ctx = testContext(testPolicy({ excludedApps: ['keepassxc'] }), { sessions });
    const first = await redactBatch(
      sources([makeEvent('focus', { appId: 'keepassxc', processName: 'keepassxc' })]),
      ctx,
    );
    // State moves on only when the caller commits, after the batch's write succeeded.
    expect((await redactBatch(sources([makeEvent('mouse_down')]), ctx)).rows).toHaveLength(1);
    first.commit();
    const next = await redactBatch(sources([makeEvent('mouse_down')]), ctx);
    expect(next.rows).toEqual([]);
  });
});

describe('redactBatch: quarantine', () => {
  it('quarantines invalid records as structure, with reason and paths, and goes on', async () => {
    const bad = { ...makeEvent('text', { text: 'my card 4111 1111 1111 1111' }), seq: -1 };
    const out = await redactBatch(
      sources([bad, '{"userId":"carol@example.com","deviceId":"PC-99", broken', makeEvent('mouse_move')]),
      testContext(),
    );
    expect(out.rows).toHaveLength(1);
    expect(out.quarantine.map((q) => q.reason)).toEqual(['contract', 'invalid_json']);
    expect(JSON.parse(out.quarantine[0]?.issues ?? '[]')).toEqual([
      { path: 'seq', message: expect.any(String) },
    ]);
    const blob = JSON.stringify(out.quarantine);
    for (const raw of ['alice@example.com', 'LAPTOP-7F3K2', 'carol@example.com', 'PC-99', '4111 1111'])
      expect(blob).not.toContain(raw);
    // not JSON: only its length and a keyed hash, and the user's pseudonym in its own column
    expect(Object.keys(JSON.parse(out.quarantine[1]?.scrubbed_payload ?? '{}'))).toEqual(['bytes', 'hmac']);
    expect(out.quarantine[1]?.user_pseudonym).toBe(pz.of('user', 'carol@example.com'));
  });

  it('quarantines payloads whose keys are Object.prototype names instead of failing the batch', async () => {
    const out = await redactBatch(
      sources([
        '{"constructor":"x"}',
        '{"__proto__":"bob@example.com","toString":"y"}',
        '{"a":{"constructor":"jim@example.com"}}',
        makeEvent('mouse_move'),
      ]),
      testContext(),
    );
    expect(out.quarantine).toHaveLength(3);
    expect(out.rows).toHaveLength(1);
    const blob = JSON.stringify(out.quarantine);
    expect(blob).not.toContain('bob@example.com');
    expect(blob).not.toContain('jim@example.com');
    // keys the contract does not declare are named by position, never echoed
    expect(JSON.parse(out.quarantine[1]?.scrubbed_payload ?? '{}')).toEqual({
      '<unknown key #1>': '<string:15>',
      '<unknown key #2>': '<string:1>',
    });
  });
});
