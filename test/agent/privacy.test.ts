import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventOf, Modifier, WorktraceEvent } from '#core/contract/event-contract.js';
import { AGENT_TYPING_RUN, SERVER_TYPING_RUN } from '#core/contract/typing-run.js';
import { parsePolicy } from '#core/redact/policy.js';
import { redactBatch } from '#core/redact/transform.js';
import { type CoalesceOptions, DevicePrivacy } from '../../agent/privacy.js';
import { makeEvent } from '../fixtures/events.js';
import { sources, testContext } from '../fixtures/redact.js';

const T0 = Date.UTC(2026, 10, 2, 9, 0, 0);
const policy = parsePolicy({ version: 'test' });

/** A key stream: each step presses and releases one key after a pause. */
type Step = { readonly key: string; readonly pauseMs: number; readonly modifiers?: Modifier[] };

function keyEvents(steps: readonly Step[], t0 = T0): WorktraceEvent[] {
  const out: WorktraceEvent[] = [];
  let ts = t0;
  let seq = 1;
  for (const { key, pauseMs, modifiers = [] } of steps) {
    ts += pauseMs;
    const body =
      key === '\b'
        ? { key: 'Backspace', keyClass: 'backspace' as const, modifiers }
        : { key, keyClass: key === ' ' ? ('space' as const) : ('char' as const), char: key, modifiers };
    out.push(makeEvent('key_down', { ...body, seq: seq++, ts }) as WorktraceEvent);
    out.push(makeEvent('key_up', { ...body, seq: seq++, ts: ts + 30 }) as WorktraceEvent);
  }
  return out;
}

const typing = (text: string, pauseMs = 100): Step[] => Array.from(text, (key) => ({ key, pauseMs }));

function field(name: string, seq: number, secure = false): WorktraceEvent {
  return makeEvent('ui_element', { role: 'textbox', name, secure, seq, ts: T0 }) as WorktraceEvent;
}

function run(events: readonly WorktraceEvent[], options: CoalesceOptions = {}): WorktraceEvent[] {
  const privacy = new DevicePrivacy(policy, options);
  return [...events.flatMap((e) => privacy.accept(e)), ...privacy.drainAll()];
}

const texts = (out: readonly WorktraceEvent[]) =>
  out.filter((e): e is EventOf<'text'> => e.type === 'text').map((e) => e.text);

describe('DevicePrivacy: typing runs (AGENT_TYPING_RUN)', () => {
  it('sends typed keys as one text event with the run’s key count, duration, last seq and time', () => {
    const events = [field('Reply', 0), ...keyEvents(typing('hello'))];
    const out = run(events);
    expect(out.map((e) => e.type)).toEqual(['ui_element', 'text']);
    const last = events.at(-2) as WorktraceEvent;
    expect(out[1]).toMatchObject({ text: 'hello', keyCount: 5, durationMs: 400, seq: last.seq, ts: last.ts });
  });

  it(`ends a run at a pause of ${AGENT_TYPING_RUN.idleMs} ms or more (>=), not shorter`, () => {
    const withPause = (pauseMs: number) =>
      texts(run(keyEvents([...typing('ab'), { key: 'c', pauseMs }, ...typing('d')])));
    expect(withPause(AGENT_TYPING_RUN.idleMs - 1)).toEqual(['abcd']);
    expect(withPause(AGENT_TYPING_RUN.idleMs)).toEqual(['ab', 'cd']);
  });

  it('drain(now) sends the runs idle at `now` (>=) and keeps the others', () => {
    const privacy = new DevicePrivacy(policy);
    const events = keyEvents(typing('ab'));
    for (const e of events) privacy.accept(e);
    const lastKey = (events.at(-2) as WorktraceEvent).ts;
    expect(privacy.drain(lastKey + AGENT_TYPING_RUN.idleMs - 1)).toEqual([]);
    expect(texts(privacy.drain(lastKey + AGENT_TYPING_RUN.idleMs))).toEqual(['ab']);
  });

  it('sends a run once it reaches maxChars and starts another', () => {
    expect(texts(run(keyEvents(typing('abcdefg')), { maxChars: 3 }))).toEqual(['abc', 'def', 'g']);
  });

  it('applies backspaces inside a run and swallows their key ups', () => {
    const out = run(keyEvents([...typing('abx'), { key: '\b', pauseMs: 100 }, ...typing('c')]));
    expect(out.map((e) => e.type)).toEqual(['text']);
    expect(out[0]).toMatchObject({ text: 'abc', keyCount: 5 });
  });

  it('a backspace with ctrl held, or with nothing left in the run, ends the run and travels as a key', () => {
    const ctrl = run(keyEvents([...typing('word'), { key: '\b', pauseMs: 100, modifiers: ['ctrl'] }]));
    expect(ctrl.map((e) => (e.type === 'text' ? e.text : e.type))).toEqual(['word', 'key_down', 'key_up']);
    const beyond = run(keyEvents([...typing('a'), { key: '\b', pauseMs: 100 }, { key: '\b', pauseMs: 100 }]));
    expect(beyond.map((e) => (e.type === 'text' ? `text:${e.text}` : e.type))).toEqual([
      'text:',
      'key_down',
      'key_up',
    ]);
  });

  it('keeps the run when the same field is announced again, ends it when the field changes', () => {
    const [first, second] = [keyEvents(typing('ab')), keyEvents(typing('cd'), T0 + 1000)];
    const again = run([field('Reply', 0), ...first, field('Reply', 10), ...second]);
    expect(texts(again)).toEqual(['abcd']);
    const other = run([field('Reply', 0), ...first, field('Subject', 10), ...second]);
    expect(texts(other)).toEqual(['ab', 'cd']);
    const turnedSecure = run([field('Reply', 0), ...first, field('Reply', 10, true), ...second]);
    expect(texts(turnedSecure)).toEqual(['ab']);
  });
});

describe('DevicePrivacy: context stamped on text (the redactor fails closed without it)', () => {
  const focus = (appId: string, url?: string) =>
    makeEvent('focus', { appId, processName: appId, url, seq: 0, ts: T0 }) as WorktraceEvent;

  it('stamps the focus on coalesced runs and on agent-sent text', () => {
    const privacy = new DevicePrivacy(policy);
    const typedRun = [
      focus('chrome', 'https://desk.example.com/t/1'),
      field('Reply', 0),
      ...keyEvents(typing('hi')),
    ];
    const out = [...typedRun.flatMap((e) => privacy.accept(e)), ...privacy.drainAll()];
    expect(out.find((e) => e.type === 'text')).toMatchObject({
      text: 'hi',
      appId: 'chrome',
      processName: 'chrome',
      url: 'https://desk.example.com/t/1',
    });
    const sent = privacy.accept(makeEvent('text', { seq: 50, ts: T0 + 9000 }) as WorktraceEvent);
    expect(sent[0]).toMatchObject({ appId: 'chrome', processName: 'chrome' });
  });

  it('keeps a context the text brings, and stamps none while the focus is unknown', () => {
    const privacy = new DevicePrivacy(policy);
    const own = { ...makeEvent('text', { seq: 1 }), appId: 'excel', processName: 'excel' } as WorktraceEvent;
    expect(privacy.accept(own)[0]).toMatchObject({ appId: 'excel', processName: 'excel' });
    const bare = privacy.accept(makeEvent('text', { seq: 2 }) as WorktraceEvent)[0];
    expect(bare).not.toHaveProperty('appId');
  });

  it('coalesces characters typed with AltGr (ctrl+alt) or option (alt): none travels as a key', () => {
    const altGr = (char: string, seq: number, modifiers: Modifier[]) => [
      makeEvent('key_down', { key: 'q', keyClass: 'char', char, modifiers, seq, ts: T0 + seq * 100 }),
      makeEvent('key_up', {
        key: 'q',
        keyClass: 'char',
        char,
        modifiers,
        seq: seq + 1,
        ts: T0 + seq * 100 + 30,
      }),
    ];
    const events = [
      ...keyEvents(typing('jim')),
      ...altGr('@', 10, ['ctrl', 'alt']),
      ...altGr('€', 20, ['alt']),
    ] as WorktraceEvent[];
    const out = run(events);
    expect(texts(out)).toEqual(['jim@€']);
    expect(out.filter((e) => e.type === 'key_down' || e.type === 'key_up')).toEqual([]);
  });
});

describe('one typing-run rule on the device and in the redactor', () => {
  const step = fc.record({
    key: fc.constantFrom('g', 'h', 'k', 'm', ' ', '\b', '\b'),
    pauseMs: fc.constantFrom(60, 150, SERVER_TYPING_RUN.idleMs - 1, SERVER_TYPING_RUN.idleMs, 9000),
    modifiers: fc.constantFrom<Modifier[]>([], [], [], ['shift'], ['ctrl']),
  });

  it('with the same thresholds, the agent and the redactor turn any key stream into the same texts and keys', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 40 }), async (steps) => {
        // the session's focus first: the redactor drops text of a session whose focus it does not know
        const focus = makeEvent('focus', { appId: 'notepad', processName: 'notepad', seq: 0, ts: T0 });
        const events = [focus as WorktraceEvent, field('Reply', 0), ...keyEvents(steps)];
        const device = run(events, SERVER_TYPING_RUN).map((e) =>
          e.type === 'text'
            ? ['text', e.text, e.keyCount]
            : [e.type, e.type === 'key_down' || e.type === 'key_up' ? e.keyClass : null],
        );
        const server = (await redactBatch(sources(events), testContext())).rows.map((r) =>
          r.event_type === 'text' ? ['text', r.text, r.key_count] : [r.event_type, r.key_class ?? null],
        );
        expect(server).toEqual(device);
      }),
      { numRuns: 300 },
    );
  });
});

describe('DevicePrivacy: opted-out users of this device', () => {
  it('keeps every event of a user named in coalesce.optedOutUsers on the device, and only theirs', () => {
    const optedOut = makeEvent('focus', { seq: 1, ts: T0 }) as WorktraceEvent;
    const other = { ...makeEvent('focus', { seq: 2, ts: T0 }), userId: 'someone.else' } as WorktraceEvent;
    const privacy = new DevicePrivacy(policy, { optedOutUsers: [optedOut.userId] });
    expect(privacy.accept(optedOut)).toEqual([]);
    expect(privacy.dropped.opted_out).toBe(1);
    expect(privacy.accept(other)).toHaveLength(1);
  });

  it('does not read the policy: its optedOutUsers are server pseudonyms, never device user ids', () => {
    const e = makeEvent('focus', { seq: 1, ts: T0 }) as WorktraceEvent;
    const pseudonymPolicy = parsePolicy({ version: 'test', optedOutUsers: ['0'.repeat(32)] });
    expect(new DevicePrivacy(pseudonymPolicy).accept(e)).toHaveLength(1);
  });
});
