import { describe, expect, it } from 'vitest';
import {
  CanonicalActionError,
  FallbackCounter,
  parseCanonical,
  parseSteps,
  screenOf,
  taskInstruction,
  toPixel,
} from '#core/export/episode.js';
import { step } from './arbitraries.js';

const SECRET = 'hunter2-SECRET';

describe('parseCanonical', () => {
  it('parses the canonical JSON the sequencer writes', () => {
    expect(parseCanonical(step({ action_type: 'click', x: 0.5, y: 0.25, button: 'left' }))).toEqual({
      action: 'click',
      x: 0.5,
      y: 0.25,
      button: 'left',
    });
    expect(parseCanonical(step({ action_type: 'type', text: null }))).toEqual({ action: 'type', text: null });
  });

  it.each([
    ['not JSON', `{"action":"type","text":"${SECRET}"`, 'action is not valid JSON'],
    ['not an object', JSON.stringify([SECRET]), 'not a JSON object'],
    ['unknown type', JSON.stringify({ action: SECRET }), 'action.action'],
    ['unknown field', JSON.stringify({ action: 'click', note: SECRET }), 'unknown field "note"'],
    ['string position', JSON.stringify({ action: 'click', x: SECRET }), 'action.x'],
    ['text not a string', JSON.stringify({ action: 'type', text: 42 }), 'action.text'],
    ['bad direction', JSON.stringify({ action: 'scroll', direction: SECRET }), 'action.direction'],
    ['bad repeat', JSON.stringify({ action: 'key', keys: 'enter', repeat: 0.5 }), 'action.repeat'],
    ['empty keys', JSON.stringify({ action: 'key', keys: '' }), 'action.keys'],
    ['negative amount', JSON.stringify({ action: 'scroll', amount: -3 }), 'action.amount'],
  ])('rejects %s, naming the field and never the value', (_, action, field) => {
    const bad = { ...step({ action_type: 'click' }), action };
    let error: unknown;
    try {
      parseCanonical({ ...bad, step_index: 7 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CanonicalActionError);
    expect((error as Error).message).toContain('step 7');
    expect((error as Error).message).toContain(field);
    expect((error as Error).message).not.toContain(SECRET);
  });

  it('rejects an action whose type disagrees with the action_type column', () => {
    const s = { ...step({ action_type: 'click', x: 0.5, y: 0.5 }), action_type: 'type' };
    expect(() => parseCanonical(s)).toThrow(/action_type/);
  });
});

describe('parseSteps', () => {
  it('orders steps by step_index, the array position standing in for a missing one', () => {
    const a = step(
      { action_type: 'wait', duration_ms: 10 },
      { step_index: 1, screen_width: 1280, screen_height: 800 },
    );
    const b = step({ action_type: 'key', keys: 'enter' }, { step_index: 0 });
    const steps = parseSteps({ episode_id: 'e', steps: [a, b] });
    expect(steps.map((s) => s.index)).toEqual([0, 1]);
    expect(steps.map((s) => s.action.action)).toEqual(['key', 'wait']);
    expect(steps[1]?.screen).toEqual({ width: 1280, height: 800 });
    const { step_index: _, ...unindexed } = b;
    expect(parseSteps({ episode_id: 'e', steps: [unindexed, a] }).map((s) => s.index)).toEqual([0, 1]);
  });

  it('has no screen when a side is missing or zero', () => {
    expect(screenOf({ ...step({ action_type: 'wait' }), screen_width: null })).toBeNull();
    expect(screenOf({ ...step({ action_type: 'wait' }), screen_height: 0 })).toBeNull();
  });
});

describe('FallbackCounter', () => {
  it('counts per format and reason and serialises sorted', () => {
    const c = new FallbackCounter();
    c.count('pyautogui', 'switch_app');
    c.count('anthropic', 'type_secure', 2);
    c.count('anthropic', 'type_secure');
    expect(c.get('anthropic', 'type_secure')).toBe(3);
    expect(c.total()).toBe(4);
    expect(JSON.stringify(c)).toBe('{"anthropic:type_secure":3,"pyautogui:switch_app":1}');
  });
});

describe('helpers', () => {
  it('rounds and clamps pixels into the screen', () => {
    expect(toPixel(0.5123, 1920)).toBe(984);
    expect(toPixel(1, 1920)).toBe(1919);
    expect(toPixel(-0.1, 1920)).toBe(0);
  });

  it('words the task from the label, else from the apps', () => {
    expect(taskInstruction({ episode_id: 'e', steps: [], task_label: ' Send the report ' })).toBe(
      'Send the report',
    );
    expect(taskInstruction({ episode_id: 'e', steps: [], apps: ['a', 'b'] })).toContain('using a, b');
  });
});
