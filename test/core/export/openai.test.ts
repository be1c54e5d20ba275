/**
 * OpenAI computer-use adapter. The shapes declared in core/export/openai.ts are checked against the `openai`
 * package's types at compile time (tsc: the assertions below fail to compile if a declared shape stops being
 * assignable to ResponseComputerToolCall & co.), and every produced item is checked at run time against the
 * interfaces read from the package's .d.ts: exact keys (required present, nothing undeclared), string-literal
 * values (buttons, statuses, roles), plus integer pixels inside the display (what types cannot say).
 */
import fc from 'fast-check';
import type {
  ComputerUsePreviewTool,
  EasyInputMessage,
  ResponseComputerToolCall,
  ResponseOutputMessage,
} from 'openai/resources/responses/responses';
import { describe, expect, it } from 'vitest';
import { FallbackCounter, idStem, parseSteps } from '#core/export/episode.js';
import {
  type OpenAIComputerAction,
  type OpenAIComputerCall,
  type OpenAIMessage,
  type OpenAIRecord,
  openaiAction,
  openaiRecord,
} from '#core/export/openai.js';
import { OPENAI_ACTIONS, OPENAI_CALL, openaiItemProblems } from '../../fixtures/action-space-schemas.js';
import { ALL_KINDS, episode, exportEpisode, NASTY_STRINGS, step } from './arbitraries.js';

/** True when A is assignable to B (no distribution over unions). */
type Assignable<A, B> = [A] extends [B] ? true : false;
const typeChecks: [
  Assignable<OpenAIComputerCall, ResponseComputerToolCall>,
  Assignable<OpenAIComputerAction, NonNullable<ResponseComputerToolCall['action']>>,
  Assignable<OpenAIMessage, ResponseOutputMessage>,
  Assignable<OpenAIRecord['tools'][0], ComputerUsePreviewTool>,
  Assignable<OpenAIRecord['input'][0], EasyInputMessage>,
] = [true, true, true, true, true];

const DISPLAY = { width: 1920, height: 1080 };

function mapOne(s: (typeof ALL_KINDS)[number]) {
  const fallbacks: string[] = [];
  const parsed = parseSteps(episode([s]))[0];
  if (parsed === undefined) throw new Error('no step');
  return {
    mapped: openaiAction(parsed.action, parsed.screen === null ? null : DISPLAY, (r) => fallbacks.push(r)),
    fallbacks,
  };
}

describe('openai: declared shapes', () => {
  it('are assignable to the openai package types (checked by tsc)', () => {
    expect(typeChecks.every(Boolean)).toBe(true);
  });

  it('reads the action variants from the package declarations (no triple click among them)', () => {
    expect(Object.keys(OPENAI_ACTIONS).sort()).toEqual(
      ['click', 'double_click', 'drag', 'keypress', 'move', 'screenshot', 'scroll', 'type', 'wait'].sort(),
    );
    expect(OPENAI_ACTIONS.click?.literals.button).toEqual(['left', 'right', 'wheel', 'back', 'forward']);
    expect(OPENAI_CALL.required).toContain('call_id');
  });

  it('the runtime shape check rejects what the types reject', () => {
    const call = (action: object) => ({
      type: 'computer_call',
      id: 'cu',
      call_id: 'c',
      pending_safety_checks: [],
      status: 'completed',
      action,
    });
    expect(openaiItemProblems(call({ type: 'click', button: 'left', x: 1, y: 2 }), DISPLAY)).toEqual([]);
    expect(openaiItemProblems(call({ type: 'click', button: 'middle', x: 1, y: 2 }), DISPLAY)).toEqual([
      'action.button',
    ]);
    expect(openaiItemProblems(call({ type: 'triple_click', x: 1, y: 2 }), DISPLAY)).toEqual(['action.type']);
    expect(openaiItemProblems(call({ type: 'wait', ms: 5 }), DISPLAY)).toEqual(['action.extra ms']);
    expect(openaiItemProblems(call({ type: 'move', x: 0.5, y: 2 }), DISPLAY)).toEqual(['x not a pixel']);
  });
});

describe('openai: mappings', () => {
  it.each([
    [0, [{ type: 'click', button: 'left', x: 984, y: 335 }], []],
    [1, [{ type: 'click', button: 'right', x: 480, y: 810 }], []],
    [2, [{ type: 'click', button: 'back', x: 480, y: 810 }], []],
    [3, [{ type: 'double_click', x: 192, y: 216, keys: null }], []],
    [
      4,
      [
        { type: 'double_click', x: 192, y: 216, keys: null },
        { type: 'click', button: 'left', x: 192, y: 216 },
      ],
      ['triple_click'],
    ],
    [5, [{ type: 'click', button: 'right', x: 1728, y: 972 }], []],
    [6, [{ type: 'click', button: 'wheel', x: 1919, y: 1079 }], []],
    [
      7,
      [
        {
          type: 'drag',
          path: [
            { x: 192, y: 216 },
            { x: 768, y: 216 },
          ],
        },
      ],
      [],
    ],
    [
      8,
      [
        {
          type: 'drag',
          path: [
            { x: 192, y: 216 },
            { x: 768, y: 216 },
          ],
        },
      ],
      ['drag_button'],
    ],
    [9, [{ type: 'scroll', x: 960, y: 540, scroll_x: 0, scroll_y: 300 }], []],
    [10, [{ type: 'scroll', x: 960, y: 540, scroll_x: -100, scroll_y: 0 }], []],
    [11, [{ type: 'type', text: 'Quarterly report' }], []],
    [13, [{ type: 'keypress', keys: ['CTRL', 's'] }], []],
    [14, [{ type: 'keypress', keys: ['CTRL', 'SHIFT', 't'] }], []],
    [15, [{ type: 'keypress', keys: ['CMD', 'l'] }], ['fn_modifier']],
    [16, [{ type: 'keypress', keys: ['CTRL', '\\'] }], []],
    [17, Array(3).fill({ type: 'keypress', keys: ['ENTER'] }), []],
    [18, [{ type: 'keypress', keys: ['ARROWLEFT'] }], []],
    [20, [{ type: 'keypress', keys: ['LAUNCHMAIL'] }], ['key_unmapped']],
    [23, [{ type: 'wait' }], ['wait_duration']],
  ])('ALL_KINDS[%i] → %j', (i, actions, reasons) => {
    const { mapped, fallbacks } = mapOne(ALL_KINDS[i] as (typeof ALL_KINDS)[number]);
    expect(mapped).toEqual({ kind: 'calls', actions });
    expect(fallbacks).toEqual(reasons);
  });

  it.each([
    [12, 'type_secure'],
    [19, 'key_unnamed'],
    [21, 'switch_app'],
    [22, 'focus_window'],
    [24, 'no_screen'],
    [25, 'no_position'],
  ])('ALL_KINDS[%i] falls back to an assistant message, counted as %s', (i, reason) => {
    const { mapped, fallbacks } = mapOne(ALL_KINDS[i] as (typeof ALL_KINDS)[number]);
    expect(mapped.kind).toBe('text');
    expect(fallbacks).toEqual([reason]);
  });
});

describe('openai: transcripts', () => {
  it('writes the hand-made episode, every item in shape', () => {
    const fallbacks = new FallbackCounter();
    const record = openaiRecord(episode(ALL_KINDS), fallbacks);
    expect(record.tools).toEqual([
      { type: 'computer_use_preview', display_width: 1920, display_height: 1080, environment: 'windows' },
    ]);
    expect(record.input).toEqual([{ type: 'message', role: 'user', content: 'Update the budget' }]);
    for (const item of record.output) expect(openaiItemProblems(item, DISPLAY)).toEqual([]);
    expect(fallbacks.toJSON()).toEqual({
      'openai:drag_button': 1,
      'openai:fn_modifier': 1,
      'openai:focus_window': 1,
      'openai:key_unmapped': 1,
      'openai:key_unnamed': 1,
      'openai:no_position': 1,
      'openai:no_screen': 1,
      'openai:switch_app': 1,
      'openai:triple_click': 1,
      'openai:type_secure': 1,
      'openai:wait_duration': 1,
    });
  });

  it('takes the environment as an option', () => {
    const record = openaiRecord(episode([]), new FallbackCounter(), { environment: 'mac' });
    expect(record.tools[0].environment).toBe('mac');
  });

  it('accounts for every step with well-shaped items, deterministically', () => {
    fc.assert(
      fc.property(exportEpisode, (ep) => {
        const fallbacks = new FallbackCounter();
        const record = openaiRecord(ep, fallbacks);
        const display = { width: record.tools[0].display_width, height: record.tools[0].display_height };
        const stem = idStem(ep.episode_id);
        const steps = parseSteps(ep);
        // every item names its step; every step has items, in order
        const stepOf = (id: string) => Number(id.split('_')[2]);
        expect([...new Set(record.output.map((o) => stepOf(o.id)))]).toEqual(steps.map((s) => s.index));
        for (const item of record.output) {
          expect(openaiItemProblems(item, display)).toEqual([]);
          expect(item.id.startsWith(item.type === 'message' ? `msg_${stem}_` : `cu_${stem}_`)).toBe(true);
          if (item.type === 'computer_call') expect(item.call_id).toBe(item.id.replace(/^cu_/, 'call_'));
        }
        for (const s of steps) {
          const items = record.output.filter((o) => stepOf(o.id) === s.index);
          if (items[0]?.type === 'message') {
            const own: string[] = [];
            openaiAction(s.action, s.screen === null ? null : display, (r) => own.push(r));
            expect(own.length).toBeGreaterThan(0);
          } else if (s.action.action === 'type') {
            expect(items.map((i) => (i as OpenAIComputerCall).action)).toEqual([
              { type: 'type', text: s.action.text },
            ]);
          } else if (s.action.action === 'key' || s.action.action === 'hotkey') {
            expect(items).toHaveLength(s.action.repeat ?? 1);
          }
        }
        expect(openaiRecord(ep, new FallbackCounter())).toEqual(record);
        expect(JSON.parse(JSON.stringify(record))).toEqual(record);
      }),
      { numRuns: 150 },
    );
  });

  it('types nasty text exactly', () => {
    const record = openaiRecord(
      episode(NASTY_STRINGS.map((text) => step({ action_type: 'type', text }))),
      new FallbackCounter(),
    );
    const typed = (JSON.parse(JSON.stringify(record)) as OpenAIRecord).output.map(
      (o) => ((o as OpenAIComputerCall).action as { text: string }).text,
    );
    expect(typed).toEqual(NASTY_STRINGS);
  });
});
