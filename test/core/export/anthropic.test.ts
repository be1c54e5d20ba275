/**
 * Anthropic computer-tool adapter: every input is checked against the input schema @ai-sdk/anthropic
 * publishes for computer_20250124 (its zod validator, and its JSON Schema with Ajv, which also rejects keys
 * the schema does not declare); transcripts account for every step; fallbacks are counted.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AnthropicComputerInput,
  type AnthropicMessage,
  anthropicAction,
  anthropicRecord,
  type ToolResultBlock,
  type ToolUseBlock,
} from '#core/export/anthropic.js';
import { FallbackCounter, idStem, parseSteps } from '#core/export/episode.js';
import { anthropicInputProblems } from '../../fixtures/action-space-schemas.js';
import { ALL_KINDS, episode, exportEpisode, NASTY_STRINGS, step } from './arbitraries.js';

const toolUses = (messages: readonly AnthropicMessage[]): ToolUseBlock[] =>
  messages.flatMap((m) => m.content.filter((b): b is ToolUseBlock => b.type === 'tool_use'));

/** The mapping of one step alone (fresh counter), for literal examples. */
function mapOne(s: (typeof ALL_KINDS)[number]) {
  const fallbacks: string[] = [];
  const parsed = parseSteps(episode([s]))[0];
  if (parsed === undefined) throw new Error('no step');
  const display = parsed.screen === null ? null : { width: 1920, height: 1080 };
  return { mapped: anthropicAction(parsed.action, display, (r) => fallbacks.push(r)), fallbacks };
}

describe('anthropic: the schema check itself', () => {
  it('rejects what the published schema rejects', async () => {
    expect(await anthropicInputProblems({ action: 'left_click', coordinate: [1, 2] })).toEqual([]);
    expect(await anthropicInputProblems({ action: 'left_click', coordinate: [1.5, 2] })).not.toEqual([]);
    expect(
      await anthropicInputProblems({ action: 'switch_app' } as unknown as AnthropicComputerInput),
    ).not.toEqual([]);
    expect(
      await anthropicInputProblems({ action: 'type', text: 'x', app: 'y' } as AnthropicComputerInput),
    ).not.toEqual([]);
  });
});

describe('anthropic: mappings', () => {
  it.each([
    [0, { action: 'left_click', coordinate: [984, 335] }, []],
    [1, { action: 'right_click', coordinate: [480, 810] }, []],
    [3, { action: 'double_click', coordinate: [192, 216] }, []],
    [4, { action: 'triple_click', coordinate: [192, 216] }, []],
    [5, { action: 'right_click', coordinate: [1728, 972] }, []],
    [6, { action: 'middle_click', coordinate: [1919, 1079] }, []],
    [7, { action: 'left_click_drag', start_coordinate: [192, 216], coordinate: [768, 216] }, []],
    [9, { action: 'scroll', coordinate: [960, 540], scroll_direction: 'down', scroll_amount: 3 }, []],
    [10, { action: 'scroll', coordinate: [960, 540], scroll_direction: 'left', scroll_amount: 1 }, []],
    [11, { action: 'type', text: 'Quarterly report' }, []],
    [13, { action: 'key', text: 'ctrl+s' }, []],
    [14, { action: 'key', text: 'ctrl+shift+t' }, []],
    [15, { action: 'key', text: 'super+l' }, ['fn_modifier']],
    [16, { action: 'key', text: 'ctrl+backslash' }, []],
    [18, { action: 'key', text: 'Left' }, []],
    [20, { action: 'key', text: 'launchmail' }, ['key_unmapped']],
    [23, { action: 'wait', duration: 4.2 }, []],
    [24, { action: 'left_click' }, ['no_screen']],
    [25, { action: 'left_click' }, ['no_position']],
  ])('ALL_KINDS[%i] → %j', (i, input, reasons) => {
    const { mapped, fallbacks } = mapOne(ALL_KINDS[i] as (typeof ALL_KINDS)[number]);
    expect(mapped).toEqual({ kind: 'tool', inputs: [input] });
    expect(fallbacks).toEqual(reasons);
  });

  it('presses a repeated key once per repeat', () => {
    const { mapped } = mapOne(step({ action_type: 'key', keys: 'enter', repeat: 3 }));
    expect(mapped).toEqual({ kind: 'tool', inputs: Array(3).fill({ action: 'key', text: 'Return' }) });
  });

  it.each([
    [2, 'click_button', /back mouse button/],
    [8, 'drag_button', /right mouse button/],
    [12, 'type_secure', /secure field/],
    [19, 'key_unnamed', /"arrow"/],
    [21, 'switch_app', /com\.microsoft\.Outlook/],
    [22, 'focus_window', /Inbox/],
  ])('ALL_KINDS[%i] falls back to words, counted as %s', (i, reason, text) => {
    const { mapped, fallbacks } = mapOne(ALL_KINDS[i] as (typeof ALL_KINDS)[number]);
    expect(mapped.kind).toBe('text');
    expect(mapped.kind === 'text' && mapped.text).toMatch(text);
    expect(fallbacks).toEqual([reason]);
  });
});

describe('anthropic: transcripts', () => {
  it('writes the hand-made episode as tool_use/tool_result turns, every input valid', async () => {
    const fallbacks = new FallbackCounter();
    const record = anthropicRecord(episode(ALL_KINDS), fallbacks);
    expect(record.tools).toEqual([
      { type: 'computer_20250124', name: 'computer', display_width_px: 1920, display_height_px: 1080 },
    ]);
    expect(record.messages[0]).toEqual({
      role: 'user',
      content: [{ type: 'text', text: 'Update the budget' }],
    });
    for (const use of toolUses(record.messages)) expect(await anthropicInputProblems(use.input)).toEqual([]);
    expect(toolUses(record.messages)[0]?.id).toBe(`toolu_${idStem('ep-1')}_0_0`);
    expect(fallbacks.toJSON()).toEqual({
      'anthropic:click_button': 1,
      'anthropic:drag_button': 1,
      'anthropic:fn_modifier': 1,
      'anthropic:focus_window': 1,
      'anthropic:key_unmapped': 1,
      'anthropic:key_unnamed': 1,
      'anthropic:no_position': 1,
      'anthropic:no_screen': 1,
      'anthropic:switch_app': 1,
      'anthropic:type_secure': 1,
    });
  });

  it('says what is in focus after each step', () => {
    const record = anthropicRecord(
      episode([
        step({ action_type: 'click', x: 0.1, y: 0.1 }),
        step({ action_type: 'switch_app', app_id: 'com.apple.Safari' }, { window_title: 'Start' }),
      ]),
      new FallbackCounter(),
    );
    const result = record.messages[2]?.content[0] as ToolResultBlock;
    expect(result.content[0]?.text).toBe('Done. In focus: app com.apple.Safari, window "Start".');
  });

  it('declares a default display, counted, when no step knows its screen', () => {
    const fallbacks = new FallbackCounter();
    const record = anthropicRecord(
      episode([step({ action_type: 'wait', duration_ms: 5 }, { screen_width: null })]),
      fallbacks,
    );
    expect(record.tools[0].display_width_px).toBe(1920);
    expect(fallbacks.get('anthropic', 'no_display')).toBe(1);
  });

  it('accounts for every step, pairs every tool_use with its result, and passes the published schema', async () => {
    await fc.assert(
      fc.asyncProperty(exportEpisode, async (ep) => {
        const fallbacks = new FallbackCounter();
        const record = anthropicRecord(ep, fallbacks);
        const steps = parseSteps(ep);
        const display = {
          width: record.tools[0].display_width_px,
          height: record.tools[0].display_height_px,
        };
        expect(record.messages).toHaveLength(1 + 2 * steps.length);
        const stem = idStem(ep.episode_id);
        for (const [i, s] of steps.entries()) {
          const said = record.messages[1 + 2 * i] as AnthropicMessage;
          const heard = record.messages[2 + 2 * i] as AnthropicMessage;
          expect([said.role, heard.role]).toEqual(['assistant', 'user']);
          const uses = said.content.filter((b): b is ToolUseBlock => b.type === 'tool_use');
          if (uses.length === 0) {
            // a fallback: words, counted
            expect(said.content).toEqual([{ type: 'text', text: expect.any(String) }]);
            const own: string[] = [];
            anthropicAction(s.action, s.screen === null ? null : display, (r) => own.push(r));
            expect(own.length).toBeGreaterThan(0);
            continue;
          }
          expect(uses.map((u) => u.id)).toEqual(uses.map((_, n) => `toolu_${stem}_${s.index}_${n}`));
          expect(heard.content.map((b) => (b as ToolResultBlock).tool_use_id)).toEqual(uses.map((u) => u.id));
          for (const u of uses) {
            expect(await anthropicInputProblems(u.input)).toEqual([]);
            for (const c of [u.input.coordinate, u.input.start_coordinate].filter((c) => c !== undefined)) {
              expect(c[0]).toBeGreaterThanOrEqual(0);
              expect(c[0]).toBeLessThan(display.width);
              expect(c[1]).toBeLessThan(display.height);
            }
          }
          const first = uses[0]?.input as AnthropicComputerInput;
          if (s.action.action === 'type') expect(first).toEqual({ action: 'type', text: s.action.text });
          if (s.action.action === 'wait') expect(first.duration).toBe((s.action.duration_ms ?? 0) / 1000);
          if (s.action.action === 'key' || s.action.action === 'hotkey')
            expect(uses).toHaveLength(s.action.repeat ?? 1);
          if (first.action === 'scroll') expect(first.scroll_amount).toBeGreaterThanOrEqual(1);
        }
        // deterministic, and plain JSON: nasty strings survive serialisation unchanged
        expect(anthropicRecord(ep, new FallbackCounter())).toEqual(record);
        expect(JSON.parse(JSON.stringify(record))).toEqual(record);
      }),
      { numRuns: 150 },
    );
  });

  it('types nasty text exactly', () => {
    const record = anthropicRecord(
      episode(NASTY_STRINGS.map((text) => step({ action_type: 'type', text }))),
      new FallbackCounter(),
    );
    const typed = toolUses(JSON.parse(JSON.stringify(record)).messages).map((u) => u.input.text);
    expect(typed).toEqual(NASTY_STRINGS);
  });
});
