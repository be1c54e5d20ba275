/**
 * Chat fine-tuning records from `sft_examples` rows (core/views/sql/sft_examples.sql): the previous steps as
 * context, the next canonical action (core/sequence/action-json.ts) as the assistant's reply.
 */

/** The system prompt of every chat record: the canonical action's keys, as action-json.ts writes them. */
export const SFT_SYSTEM_PROMPT =
  'You operate a desktop computer to complete a work task. Given the app and the previous steps, reply with ' +
  'the next action only, as one JSON object with only the keys the action uses: "action" (click, ' +
  'double_click, triple_click, right_click, middle_click, drag, scroll, type, hotkey, key, switch_app, ' +
  'focus_window or wait); "x", "y" (pointer position, 0..1 of the screen width and height, 4 decimals) for ' +
  'clicks, drags and scrolls; "to_x", "to_y" (drag end, 0..1); "button" (left, right or middle) for clicks ' +
  'and drags; "direction" (up, down, left or right) and "amount" (wheel units) for scroll; "keys" (lower ' +
  'case, "+"-joined, modifiers first in ctrl+alt+shift+meta+fn order, e.g. "ctrl+s", "enter") and ' +
  '"repeat" (presses, when more than one) for key and hotkey; "text" for type (null when typed into a ' +
  'secure field); "duration_ms" for wait; "app" for switch_app; "window" (window title) for focus_window. ' +
  'Example: {"action":"click","x":0.5123,"y":0.3104,"button":"left"}.';

/** One chat message. */
export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

/** One sft_examples row as a chat-style fine-tuning record. */
export function chatRecord(row: Record<string, unknown>): { messages: ChatMessage[] } {
  const context = typeof row.context === 'string' && row.context !== '' ? row.context : '(task start)';
  return {
    messages: [
      { role: 'system', content: SFT_SYSTEM_PROMPT },
      { role: 'user', content: `App: ${String(row.app_id ?? 'unknown')}\nPrevious steps: ${context}` },
      { role: 'assistant', content: String(row.next_action) },
    ],
  };
}
