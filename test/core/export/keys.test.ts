import { describe, expect, it } from 'vitest';
import { parseChord } from '#core/export/keys.js';

describe('parseChord', () => {
  it.each([
    ['enter', [], 'enter', 'named'],
    ['arrowleft', [], 'left', 'named'],
    ['pagedown', [], 'pagedown', 'named'],
    ['ctrl+shift+t', ['ctrl', 'shift'], 't', 'char'],
    ['ctrl++', ['ctrl'], '+', 'char'],
    ['+', [], '+', 'char'],
    ['ctrl+\\', ['ctrl'], '\\', 'char'],
    ['ctrl+ ', ['ctrl'], 'space', 'named'],
    ['ctrl+shift', ['ctrl'], 'shift', 'named'],
    ['meta+fn+f5', ['meta', 'fn'], 'f5', 'named'],
    ['arrow', [], 'arrow', 'unnamed'],
    ['ctrl+navigation', ['ctrl'], 'navigation', 'unnamed'],
    ['launchmail', [], 'launchmail', 'unknown'],
  ])('%j → modifiers %j, key %j (%s)', (keys, modifiers, key, kind) => {
    expect(parseChord(keys)).toEqual({ modifiers, key, kind });
  });
});
