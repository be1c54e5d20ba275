/**
 * pyautogui adapter: every line of code is parsed with the Python grammar (@lezer/python) and must be exactly
 * one expression statement holding one call, with no error nodes; string literals are decoded back with a
 * small Python-literal decoder and must give the original text.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FallbackCounter, parseSteps } from '#core/export/episode.js';
import { pyautoguiCode, pyautoguiRecord, pythonCoord, pythonString } from '#core/export/pyautogui.js';
import {
  decodePythonString,
  type PythonCall,
  parsePythonCall,
  pythonCallProblems,
} from '../../fixtures/action-space-schemas.js';
import { ALL_KINDS, episode, exportEpisode, NASTY_STRINGS, nastyString, step } from './arbitraries.js';

/** The lines of a step's code, each parsed. */
const callsOf = (code: string): PythonCall[] => code.split('\n').map(parsePythonCall);

/** The code of one step alone, and the fallbacks it took. */
function codeOf(s: (typeof ALL_KINDS)[number]) {
  const fallbacks: string[] = [];
  const parsed = parseSteps(episode([s]))[0];
  if (parsed === undefined) throw new Error('no step');
  return { code: pyautoguiCode(parsed.action, (r) => fallbacks.push(r)), fallbacks };
}

describe('pyautogui: the checks themselves', () => {
  it('the call parser rejects what is not exactly one call', () => {
    expect(parsePythonCall("pyautogui.press('enter')")).toEqual({
      callee: 'pyautogui.press',
      args: [{ name: null, node: 'String', text: "'enter'" }],
    });
    for (const bad of [
      "pyautogui.write(message='a'b')",
      'x = f()',
      'f(); g()',
      "f('a\\')",
      'f(',
      'f() + 1',
    ]) {
      expect(() => parsePythonCall(bad)).toThrow();
      expect(pythonCallProblems(bad)).toHaveLength(1);
    }
    expect(pythonCallProblems("pyautogui.hotkey('ctrl', '\\\\')")).toEqual([]);
  });

  it('the decoder reads what Python would', () => {
    expect(decodePythonString("'it\\'s \\\\ \\n \\x41 \\u00e9 \\U0001f600'")).toBe("it's \\ \n A é 😀");
  });
});

describe('pyautogui: mappings', () => {
  it.each([
    [0, 'pyautogui.click(x=0.5123, y=0.3104)', []],
    [1, 'pyautogui.rightClick(x=0.25, y=0.75)', []],
    [2, "computer.click(x=0.25, y=0.75, button='back')", ['click_button']],
    [3, 'pyautogui.doubleClick(x=0.1, y=0.2)', []],
    [4, 'pyautogui.tripleClick(x=0.1, y=0.2)', []],
    [5, 'pyautogui.rightClick(x=0.9, y=0.9)', []],
    [6, 'pyautogui.middleClick(x=1.0, y=1.0)', []],
    [7, "pyautogui.moveTo(x=0.1, y=0.2)\npyautogui.dragTo(x=0.4, y=0.2, button='left')", []],
    [8, "pyautogui.moveTo(x=0.1, y=0.2)\npyautogui.dragTo(x=0.4, y=0.2, button='right')", []],
    [9, 'pyautogui.moveTo(x=0.5, y=0.5)\npyautogui.scroll(-3)', []],
    [10, 'pyautogui.moveTo(x=0.5, y=0.5)\npyautogui.hscroll(-1)', []],
    [11, "pyautogui.write(message='Quarterly report')", []],
    [12, 'computer.type(text=None)', ['type_secure']],
    [13, "pyautogui.hotkey('ctrl', 's')", []],
    [14, "pyautogui.hotkey('ctrl', 'shift', 't')", []],
    [15, "pyautogui.hotkey('win', 'fn', 'l')", []],
    [16, "pyautogui.hotkey('ctrl', '\\\\')", []],
    [17, "pyautogui.press('enter', presses=3)", []],
    [18, "pyautogui.press('left')", []],
    [19, "computer.key(keys='arrow')", ['key_unnamed']],
    [20, "pyautogui.press('launchmail')", ['key_unmapped']],
    [21, "computer.switch_app(app='com.microsoft.Outlook')", ['switch_app']],
    [22, 'computer.focus_window(window=\'Inbox — "Q3"\')', ['focus_window']],
    [23, 'time.sleep(4.2)', []],
    [24, 'pyautogui.click(x=0.5, y=0.5)', []],
    [25, 'pyautogui.click()', ['no_position']],
  ])('ALL_KINDS[%i] → %s', (i, expected, reasons) => {
    const { code, fallbacks } = codeOf(ALL_KINDS[i] as (typeof ALL_KINDS)[number]);
    expect(code).toBe(expected);
    expect(fallbacks).toEqual(reasons);
    expect(() => callsOf(code)).not.toThrow();
  });

  it('repeats a hotkey line per press and scrolls up with positive clicks', () => {
    expect(codeOf(step({ action_type: 'hotkey', keys: 'ctrl+z', repeat: 2 })).code).toBe(
      "pyautogui.hotkey('ctrl', 'z')\npyautogui.hotkey('ctrl', 'z')",
    );
    expect(codeOf(step({ action_type: 'scroll', scroll_direction: 'up', scroll_amount: 6 })).code).toBe(
      'pyautogui.scroll(2)',
    );
  });

  it('writes coordinates as clamped floats with at most 4 decimals', () => {
    expect([0, 1, 0.5, 0.12345, -0.2, 1.7, 0.00004].map(pythonCoord)).toEqual([
      '0.0',
      '1.0',
      '0.5',
      '0.1235',
      '0.0',
      '1.0',
      '0.0',
    ]);
  });
});

describe('pyautogui: literals', () => {
  it('round-trips nasty strings through a Python literal', () => {
    for (const s of NASTY_STRINGS) expect(decodePythonString(pythonString(s))).toBe(s);
    fc.assert(fc.property(nastyString, (s) => decodePythonString(pythonString(s)) === s));
  });

  it('keeps every literal on one line, parseable as a call argument', () => {
    fc.assert(
      fc.property(nastyString, (s) => {
        const line = `pyautogui.write(message=${pythonString(s)})`;
        expect(line).not.toMatch(/[\n\r\u2028\u2029]/);
        const call = parsePythonCall(line);
        expect(call.args).toHaveLength(1);
        expect(call.args[0]?.name).toBe('message');
        expect(decodePythonString(call.args[0]?.text ?? '')).toBe(s);
      }),
    );
  });
});

describe('pyautogui: records', () => {
  it('counts the hand-made fallbacks', () => {
    const fallbacks = new FallbackCounter();
    const record = pyautoguiRecord(episode(ALL_KINDS), fallbacks);
    expect(record.instruction).toBe('Update the budget');
    expect(record.steps.map((s) => s.step_index)).toEqual(ALL_KINDS.map((_, i) => i));
    expect(fallbacks.toJSON()).toEqual({
      'pyautogui:click_button': 1,
      'pyautogui:focus_window': 1,
      'pyautogui:key_unmapped': 1,
      'pyautogui:key_unnamed': 1,
      'pyautogui:no_position': 1,
      'pyautogui:switch_app': 1,
      'pyautogui:type_secure': 1,
    });
  });

  it('gives every step parseable code, typed text decoding to the original, deterministically', () => {
    fc.assert(
      fc.property(exportEpisode, (ep) => {
        const fallbacks = new FallbackCounter();
        const record = pyautoguiRecord(ep, fallbacks);
        const steps = parseSteps(ep);
        expect(record.steps.map((s) => s.step_index)).toEqual(steps.map((s) => s.index));
        for (const [i, s] of record.steps.entries()) {
          const calls = callsOf(s.code);
          const action = steps[i]?.action;
          for (const c of calls) expect(c.callee).toMatch(/^(pyautogui|computer|time)\.[A-Za-z_]+$/);
          if (calls.some((c) => c.callee.startsWith('computer.'))) {
            const own: string[] = [];
            if (action) pyautoguiCode(action, (r) => own.push(r));
            expect(own.length).toBeGreaterThan(0);
          }
          if (action?.action === 'type' && typeof action.text === 'string')
            expect(decodePythonString(calls[0]?.args[0]?.text ?? '')).toBe(action.text);
          for (const c of calls.filter((c) => c.callee.startsWith('pyautogui.')))
            for (const arg of c.args.filter((a) => a.name === 'x' || a.name === 'y')) {
              expect(arg.text).toMatch(/^(0|1)\.\d{1,4}$/);
              expect(Number(arg.text)).toBeLessThanOrEqual(1);
            }
        }
        expect(pyautoguiRecord(ep, new FallbackCounter())).toEqual(record);
        expect(JSON.parse(JSON.stringify(record))).toEqual(record);
      }),
      { numRuns: 200 },
    );
  });
});
