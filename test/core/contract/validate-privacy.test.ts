import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CONTRACT_FIELD_NAMES,
  formatPath,
  KeyNamer,
  parseEvent,
  type ValidationIssue,
  validateEvent,
} from '#core/contract/validate.js';
import { makeEvent } from '../../fixtures/events.js';

/** Content that must never reach an issue (issue 15, observation 7). */
const CONTENT = 'Tr0ub4dor&3 maria@example.com';

const issuesOf = (value: unknown): readonly ValidationIssue[] => {
  const result = parseEvent(JSON.stringify(value));
  if (result.ok) throw new Error('expected the event to be rejected');
  return result.issues;
};

/** Splits a printed path into its segments: names, `<unknown key #n>` and `[n]` indexes. */
function segments(path: string): string[] {
  if (path === '$') return [];
  return path.match(/<unknown key #\d+>|\[\d+\]|[^.[\]]+/g) ?? [];
}

describe('validation issues name fields, never content', () => {
  it('prints an unknown key made of content as <unknown key #1>', () => {
    expect(issuesOf({ ...makeEvent('mouse_move'), [CONTENT]: 1 })).toEqual([
      { path: '<unknown key #1>', message: 'unknown field' },
    ]);
  });

  it('numbers unknown keys per record, nested ones included, and keeps contract field names', () => {
    const issues = issuesOf({
      ...makeEvent('clipboard'),
      content: 'pwd',
      [CONTENT]: 2,
      org: { role: 'sales', 'jane.doe@corp.example': true },
      marker: 'start',
    });
    // Numbered in the order the issues come (nested ones first here), each key once.
    expect(issues.map((i) => i.path).sort()).toEqual(
      ['org.<unknown key #1>', '<unknown key #2>', '<unknown key #3>', 'marker'].sort(),
    );
    expect(issues.every((i) => i.message === 'unknown field')).toBe(true);
  });

  it.each([
    ['an unknown event type', 'type', { ...makeEvent('mouse_move'), type: CONTENT }],
    ['a value outside an enum', 'op', { ...makeEvent('clipboard'), op: CONTENT }],
    ['a modifier outside the enum', 'modifiers[1]', { ...makeEvent('hotkey'), modifiers: ['ctrl', CONTENT] }],
    ['a string where a number goes', 'x', { ...makeEvent('mouse_move'), x: CONTENT }],
    [
      'a string for the version literal',
      'schemaVersion',
      { ...makeEvent('mouse_move'), schemaVersion: CONTENT },
    ],
    ['an object where a string goes', 'url', { ...makeEvent('focus'), url: { [CONTENT]: CONTENT } }],
    ['an over-long text', 'text', { ...makeEvent('text'), text: CONTENT.repeat(200) }],
    ['an event id with spaces', 'eventId', { ...makeEvent('mouse_move'), eventId: CONTENT }],
    ['an org that is a string', 'org', { ...makeEvent('mouse_move'), org: CONTENT }],
  ])('%s: names %s and quotes nothing of the input', (_name, path, value) => {
    const issues = issuesOf(value);
    expect(issues.map((i) => i.path)).toContain(path);
    const printed = JSON.stringify(issues);
    expect(printed).not.toContain('Tr0ub4dor');
    expect(printed).not.toContain('maria');
  });

  it('reports the kind of a wrong value, not the value', () => {
    expect(issuesOf({ ...makeEvent('mouse_move'), x: CONTENT })).toEqual([
      { path: 'x', message: 'Invalid input: expected number, received string' },
    ]);
    expect(issuesOf({ ...makeEvent('clipboard'), op: CONTENT })).toEqual([
      { path: 'op', message: 'Invalid option: expected one of "copy"|"cut"|"paste"' },
    ]);
  });

  it('keys named like Object.prototype members are unknown keys too', () => {
    const issues = issuesOf(
      JSON.parse(`{"__proto__":1,"constructor":2,${JSON.stringify(makeEvent('mouse_move')).slice(1)}`),
    );
    expect(issues.map((i) => i.path).sort()).toEqual(['<unknown key #1>', '<unknown key #2>']);
  });

  it('caps a flood of unknown keys at 20 issues', () => {
    const flood = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`${CONTENT}-${i}`, i]));
    const result = validateEvent({ ...makeEvent('mouse_move'), ...flood });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues).toHaveLength(20);
  });

  it('formatPath prints only contract names and indexes, numbering the rest', () => {
    const namer = new KeyNamer();
    expect(formatPath(['field', 'name'], namer)).toBe('field.name');
    expect(formatPath(['org', CONTENT], namer)).toBe('org.<unknown key #1>');
    expect(formatPath([CONTENT, 3, 'x'], namer)).toBe('<unknown key #1>[3].x');
    expect(formatPath(['other'], namer)).toBe('<unknown key #2>');
    expect(formatPath([])).toBe('$');
  });

  it('no generated key or value reaches an issue unless it is a contract field name (property)', () => {
    const key = fc
      .string({ minLength: 1, maxLength: 16 })
      .filter((k) => !CONTRACT_FIELD_NAMES.has(k) && k !== '__proto__');
    const value = fc.string({ minLength: 1, maxLength: 16 }).map((s) => `Tr0ub4dor${s}`);
    const where = fc.constantFrom('top', 'org', 'field');
    const wrongValue = fc.constantFrom('type', 'text', 'keyCount', 'secure', 'schemaVersion', 'none');
    fc.assert(
      fc.property(key, value, where, wrongValue, (k, v, at, wrong) => {
        const base: Record<string, unknown> = { ...makeEvent('text'), org: { role: 'r' } };
        const bag =
          at === 'top'
            ? base
            : at === 'org'
              ? (base.org as Record<string, unknown>)
              : ((base[at] ?? {}) as Record<string, unknown>);
        bag[k] = v;
        if (wrong !== 'none') base[wrong] = v;
        const result = parseEvent(JSON.stringify(base));
        expect(result.ok).toBe(false);
        if (result.ok) return;
        for (const issue of result.issues) {
          expect(issue.message).not.toContain('Tr0ub4dor');
          for (const segment of segments(issue.path))
            expect(
              CONTRACT_FIELD_NAMES.has(segment) || /^<unknown key #\d+>$|^\[\d+\]$/.test(segment),
              `${JSON.stringify(issue)} for key ${JSON.stringify(k)}`,
            ).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});
