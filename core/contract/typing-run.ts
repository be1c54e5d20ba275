/**
 * Typing runs: how printable keys coalesce into field-level text. One rule for the agent (on device)
 * and the redactor (server side, for old agents that still send keys one by one).
 */

/** The text after one backspace: the last code point removed (never half a surrogate pair). */
export function deleteLastCodePoint(text: string): string {
  return Array.from(text).slice(0, -1).join('');
}
