import { describe, expect, it } from 'vitest';
import type { EventOf, KeyClass, Modifier } from '#core/contract/event-contract.js';
import { LIMITS } from '#core/contract/event-contract.js';
import {
  AGENT_TYPING_RUN,
  deleteLastCodePoint,
  isRunBackspace,
  SERVER_TYPING_RUN,
  TypingRun,
  type TypingRunConfig,
  typedText,
} from '#core/contract/typing-run.js';
import { makeEvent } from '../../fixtures/events.js';

const T0 = Date.UTC(2026, 10, 2, 9, 0, 0);
const CONFIG: TypingRunConfig = { idleMs: 1000, maxChars: 5 };

function down(
  char: string | undefined,
  ts: number,
  seq: number,
  keyClass: KeyClass = 'char',
  modifiers: Modifier[] = [],
): EventOf<'key_down'> {
  return makeEvent('key_down', {
    key: char ?? 'Backspace',
    keyClass,
    char,
    ts,
    seq,
    modifiers,
  }) as EventOf<'key_down'>;
}
const backspace = (ts: number, seq: number, modifiers: Modifier[] = []) =>
  down(undefined, ts, seq, 'backspace', modifiers);

describe('typing run configuration', () => {
  it('names the agent and server thresholds', () => {
    expect(AGENT_TYPING_RUN).toEqual({ idleMs: 2000, maxChars: LIMITS.maxTextChars });
    expect(SERVER_TYPING_RUN).toEqual({ idleMs: 5000, maxChars: Number.POSITIVE_INFINITY });
  });
});

describe('TypingRun', () => {
  it('starts at its first key and appends later keys', () => {
    const run = TypingRun.start(CONFIG, 'f', 'origin', down('a', T0, 1));
    run.type(down(undefined, T0 + 10, 3, 'space'));
    run.type(down('b', T0 + 20, 5));
    expect(run).toMatchObject({
      text: 'a b',
      keyCount: 3,
      firstTs: T0,
      lastTs: T0 + 20,
      lastSeq: 5,
      field: 'f',
      origin: 'origin',
    });
  });

  it('closes before a key idleMs or more after the last key (>=), and not one millisecond earlier', () => {
    const run = TypingRun.start(CONFIG, 'f', null, down('a', T0, 1));
    expect(run.closesBefore(T0 + CONFIG.idleMs - 1, 'f')).toBe(false);
    expect(run.closesBefore(T0 + CONFIG.idleMs, 'f')).toBe(true);
    expect(run.idleAt(T0 + CONFIG.idleMs - 1)).toBe(false);
    expect(run.idleAt(T0 + CONFIG.idleMs)).toBe(true);
  });

  it('closes before a key in another field (identity)', () => {
    const field = { id: 'x' };
    const run = TypingRun.start(CONFIG, field, null, down('a', T0, 1));
    expect(run.closesBefore(T0 + 1, field)).toBe(false);
    expect(run.closesBefore(T0 + 1, { id: 'x' })).toBe(true);
  });

  it('is full once its text reaches maxChars, counting what backspaces removed', () => {
    const run = TypingRun.start(CONFIG, 'f', null, down('ab', T0, 1));
    run.type(down('cd', T0 + 1, 2));
    expect(run.full).toBe(false);
    expect(run.backspaceDown(backspace(T0 + 2, 3))).toBe(true);
    run.type(down('xyz', T0 + 3, 4));
    expect(run.text).toBe('abxyz');
    expect(run.full).toBe(true);
  });

  it('a backspace removes the last key, counts as a key and swallows exactly its own key up', () => {
    const run = TypingRun.start(CONFIG, 'f', null, down('a', T0, 1));
    run.type(down('é', T0 + 1, 2));
    expect(run.backspaceDown(backspace(T0 + 5, 9))).toBe(true);
    expect(run).toMatchObject({ text: 'a', keyCount: 3, lastTs: T0 + 5, lastSeq: 9 });
    expect(run.backspaceUp()).toBe(true);
    expect(run.backspaceUp()).toBe(false);
  });

  it('a backspace with nothing left to remove is not part of the run', () => {
    const run = TypingRun.start(CONFIG, 'f', null, down('a', T0, 1));
    expect(run.backspaceDown(backspace(T0 + 1, 2))).toBe(true);
    expect(run.backspaceDown(backspace(T0 + 2, 3))).toBe(false);
    expect(run).toMatchObject({ text: '', keyCount: 2, lastTs: T0 + 1, lastSeq: 2 });
  });
});

describe('typing-run helpers', () => {
  it('a key types its character, a space key a space, anything else nothing', () => {
    expect(typedText(down('q', T0, 1))).toBe('q');
    expect(typedText(down(undefined, T0, 1, 'space'))).toBe(' ');
    expect(typedText(down(undefined, T0, 1, 'char'))).toBe('');
  });

  it('only a backspace without ctrl/alt/meta edits a run', () => {
    expect(isRunBackspace(backspace(T0, 1))).toBe(true);
    expect(isRunBackspace(backspace(T0, 1, ['shift']))).toBe(true);
    expect(isRunBackspace(backspace(T0, 1, ['ctrl']))).toBe(false);
    expect(isRunBackspace(backspace(T0, 1, ['alt']))).toBe(false);
    expect(isRunBackspace(down('a', T0, 1))).toBe(false);
  });

  it('deleteLastCodePoint never splits a surrogate pair', () => {
    expect(deleteLastCodePoint('ab😀')).toBe('ab');
    expect(deleteLastCodePoint('a')).toBe('');
    expect(deleteLastCodePoint('')).toBe('');
  });
});
