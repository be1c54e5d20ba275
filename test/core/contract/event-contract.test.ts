import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EVENT_TYPES,
  type EventOf,
  EventSchema,
  isCommandChord,
  isTypingKey,
  LIMITS,
  MODIFIER_ORDER,
  ModifierSchema,
  orderModifiers,
} from '#core/contract/event-contract.js';
import { parseEvent, validateEvent } from '#core/contract/validate.js';
import { arbEvent } from '../../fixtures/arbitraries.js';
import { makeEvent, oneOfEachType } from '../../fixtures/events.js';

describe('event contract v1: accepted shapes', () => {
  it.each(EVENT_TYPES)('accepts a %s event', (type) => {
    const result = validateEvent(makeEvent(type));
    expect(result.ok).toBe(true);
  });

  it('has a factory for every event type', () => {
    expect(
      oneOfEachType()
        .map((e) => e.type)
        .sort(),
    ).toEqual([...EVENT_TYPES].sort());
  });

  it('applies defaults (modifiers) on raw input events', () => {
    const { modifiers: _omit, ...withoutModifiers } = makeEvent('mouse_down');
    const result = validateEvent(withoutModifiers);
    expect(result.ok && result.event.type === 'mouse_down' && result.event.modifiers).toEqual([]);
  });
});

const long = 'x'.repeat(LIMITS.maxTextChars + 1);

describe('event contract v1: rejected shapes name the field path', () => {
  const cases: [string, object, string][] = [
    ['missing event id', { ...makeEvent('mouse_move'), eventId: undefined }, 'eventId'],
    ['short event id', makeEvent('mouse_move', { eventId: 'abc' }), 'eventId'],
    ['event id with spaces', makeEvent('mouse_move', { eventId: 'abc def ghi' }), 'eventId'],
    ['wrong schema version', { ...makeEvent('mouse_move'), schemaVersion: 2 }, 'schemaVersion'],
    ['negative seq', makeEvent('mouse_move', { seq: -1 }), 'seq'],
    ['fractional seq', makeEvent('mouse_move', { seq: 1.5 }), 'seq'],
    ['timestamp in seconds', makeEvent('mouse_move', { ts: 1_700_000_000 }), 'ts'],
    ['unknown type', { ...makeEvent('mouse_move'), type: 'telepathy' }, 'type'],
    [
      'unknown field (printed as a number, never its name)',
      { ...makeEvent('clipboard'), content: 'secret' },
      '<unknown key #1>',
    ],
    [
      'unknown nested field',
      makeEvent('text', { field: { id: 'f', extra: 1 } as never }),
      'field.<unknown key #1>',
    ],
    ['text too long', makeEvent('text', { text: long }), 'text'],
    ['window title too long', makeEvent('focus', { windowTitle: long }), 'windowTitle'],
    ['dialog text too long', makeEvent('error_dialog', { text: long }), 'text'],
    ['label too long', makeEvent('task_marker', { label: long }), 'label'],
    ['field name too long', makeEvent('text', { field: { id: 'f', name: long } }), 'field.name'],
    ['user id too long', makeEvent('mouse_move', { userId: 'u'.repeat(LIMITS.maxIdChars + 1) }), 'userId'],
    [
      'too many modifiers',
      makeEvent('key_down', { modifiers: ['ctrl', 'alt', 'shift', 'meta', 'fn', 'ctrl'] }),
      'modifiers',
    ],
    ['unknown modifier', makeEvent('hotkey', { modifiers: ['hyper' as never] }), 'modifiers[0]'],
    ['hotkey without modifiers', makeEvent('hotkey', { modifiers: [] }), 'modifiers'],
    ['coordinate out of range', makeEvent('mouse_move', { x: 1e9 }), 'x'],
    ['coordinate not a number', makeEvent('mouse_move', { x: 'left' as never }), 'x'],
    [
      'negative bounds width',
      makeEvent('ui_element', { bounds: { x: 0, y: 0, width: -1, height: 1 } }),
      'bounds.width',
    ],
    ['bad button', makeEvent('mouse_down', { button: 'thumb' as never }), 'button'],
    ['bad key class', makeEvent('key_down', { keyClass: 'emoji' as never }), 'keyClass'],
    ['char too long', makeEvent('key_down', { char: 'abcdefghi' }), 'char'],
    ['negative clipboard size', makeEvent('clipboard', { size: -5 }), 'size'],
    ['screen width zero', makeEvent('screen', { width: 0 }), 'width'],
    ['bad task marker', makeEvent('task_marker', { marker: 'pause' as never }), 'marker'],
    ['org as string', makeEvent('mouse_move', { org: 'sales' as never }), 'org'],
  ];

  it.each(cases)('rejects %s at %s', (_name, value, path) => {
    const result = validateEvent(JSON.parse(JSON.stringify(value)));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.map((i) => i.path)).toContain(path);
  });

  it('rejects an event over 64 KiB before parsing', () => {
    const big = JSON.stringify({ ...makeEvent('text'), pad: 'p'.repeat(LIMITS.maxEventBytes) });
    const result = parseEvent(big);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]?.message).toMatch(/limit is 65536/);
  });

  it.each([
    ['malformed JSON', '{"type": "mouse_move",'],
    ['a JSON array', '[1,2,3]'],
    ['a JSON string', '"hello"'],
    ['null', 'null'],
  ])('rejects %s at the root', (_name, line) => {
    const result = parseEvent(line);
    expect(result).toMatchObject({ ok: false, issues: [{ path: '$' }] });
  });

  it('rejects invalid UTF-8 bytes', () => {
    const result = parseEvent(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]));
    expect(result).toMatchObject({
      ok: false,
      issues: [{ path: '$', message: 'record is not valid UTF-8' }],
    });
  });

  it('tells invalid bytes inside a string value from a real U+FFFD character', () => {
    const json = (text: string) => Buffer.from(JSON.stringify(makeEvent('text', { text })));
    expect(parseEvent(json('replacement \uFFFD char')).ok).toBe(true);
    const bad = json('broken XX byte');
    bad.set([0xc3, 0x28], bad.indexOf('XX'));
    expect(parseEvent(bad)).toMatchObject({ ok: false, issues: [{ message: 'record is not valid UTF-8' }] });
  });

  it('never echoes content in a JSON syntax error', () => {
    const result = parseEvent('{"text": "hunter2-secret" oops}');
    expect(JSON.stringify(result)).not.toContain('hunter2');
  });

  it('survives deeply nested input without crashing', () => {
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    expect(parseEvent(`{"type":"text","field":${deep}}`).ok).toBe(false);
  });
});

describe('event contract v1: properties', () => {
  it('any generated valid event survives a JSON round trip unchanged and validates', () => {
    fc.assert(
      fc.property(arbEvent, (event) => {
        const roundTripped = JSON.parse(JSON.stringify(event));
        expect(roundTripped).toEqual(event);
        const result = parseEvent(JSON.stringify(event));
        expect(result.ok).toBe(true);
        if (result.ok) expect(EventSchema.parse(roundTripped)).toEqual(result.event);
      }),
      { numRuns: 300 },
    );
  });
});

describe('validation fast path (Ajv from the emitted JSON Schema) agrees with zod', () => {
  const jsonValue = fc.oneof(
    fc.string({ maxLength: 5000 }),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.string(), { maxLength: 7 }),
    fc.string({ unit: 'grapheme', minLength: 4000, maxLength: 4200 }),
  );
  const mutated = fc
    .tuple(arbEvent, fc.nat(), jsonValue, fc.constantFrom('drop', 'set', 'add', 'keep'))
    .map(([event, pick, value, op]) => {
      const copy: Record<string, unknown> = structuredClone(event) as Record<string, unknown>;
      const keys = Object.keys(copy).filter((k) => k !== 'type');
      const key = keys[pick % keys.length] as string;
      if (op === 'drop') delete copy[key];
      else if (op === 'set') copy[key] = value;
      else if (op === 'add') copy[`x${pick}`] = value;
      return copy;
    });

  it('counts string lengths alike (code points, not UTF-16 units)', () => {
    for (const [title, ok] of [
      ['😀'.repeat(LIMITS.maxTextChars), true],
      ['😀'.repeat(LIMITS.maxTextChars + 1), false],
    ] as const) {
      const event = makeEvent('focus', { windowTitle: title });
      expect(EventSchema.safeParse(structuredClone(event)).success).toBe(ok);
      expect(validateEvent(structuredClone(event)).ok).toBe(ok);
    }
  });

  it('accepts and rejects exactly what zod does, with the same parsed event', () => {
    fc.assert(
      fc.property(mutated, (value) => {
        const viaZod = EventSchema.safeParse(structuredClone(value));
        const result = validateEvent(structuredClone(value));
        expect(result.ok).toBe(viaZod.success);
        if (result.ok && viaZod.success) expect(result.event).toEqual(viaZod.data);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('modifier order', () => {
  it('is the schema order, and orderModifiers puts any held set in it, each once', () => {
    expect(MODIFIER_ORDER).toEqual(ModifierSchema.options);
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ModifierSchema.options, 'hyper')), (held) => {
        const expected = MODIFIER_ORDER.filter((m) => held.includes(m));
        expect(orderModifiers(held)).toEqual(expected);
        expect(orderModifiers(new Set(held))).toEqual(expected);
      }),
    );
  });
});

describe('typing keys and command chords', () => {
  const key = (e: Partial<EventOf<'key_down'>>) =>
    makeEvent('key_down', {
      key: 'q',
      keyClass: 'char',
      char: undefined,
      modifiers: [],
      ...e,
    }) as EventOf<'key_down'>;

  const cases: [string, Partial<EventOf<'key_down'>>, boolean][] = [
    ['a plain character', { char: 'q' }, true],
    ['a space', { keyClass: 'space', char: ' ' }, true],
    ['AltGr (ctrl+alt) typing "@"', { char: '@', modifiers: ['ctrl', 'alt'] }, true],
    ['option (alt) typing "é"', { char: 'é', modifiers: ['alt'] }, true],
    ['ctrl+c', { char: 'c', modifiers: ['ctrl'] }, false],
    ['cmd+alt+c', { char: 'c', modifiers: ['meta', 'alt'] }, false],
    ['alt+f with no character', { modifiers: ['alt'] }, false],
    ['alt with a control character', { char: '\u0006', modifiers: ['alt'] }, false],
    ['Enter', { key: 'Enter', keyClass: 'enter' }, false],
  ];
  it.each(cases)('%s: typing %s', (_name, e, typing) => {
    expect(isTypingKey(key(e))).toBe(typing);
  });

  it('a command chord is ctrl or meta without alt', () => {
    expect(isCommandChord({ modifiers: ['ctrl'] })).toBe(true);
    expect(isCommandChord({ modifiers: ['meta', 'shift'] })).toBe(true);
    expect(isCommandChord({ modifiers: ['ctrl', 'alt'] })).toBe(false);
    expect(isCommandChord({ modifiers: ['alt'] })).toBe(false);
    expect(isCommandChord({ modifiers: ['shift'] })).toBe(false);
  });
});
