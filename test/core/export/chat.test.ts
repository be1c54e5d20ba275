import { describe, expect, it } from 'vitest';
import { chatRecord, SFT_SYSTEM_PROMPT } from '#core/export/chat.js';
import { CANONICAL_KEYS } from '#core/sequence/action-json.js';
import { ACTION_TYPES } from '#core/sequence/actions.js';

describe('SFT_SYSTEM_PROMPT', () => {
  it('names every canonical key and every action type', () => {
    for (const k of CANONICAL_KEYS) expect(SFT_SYSTEM_PROMPT).toContain(`"${k}"`);
    for (const t of ACTION_TYPES) expect(SFT_SYSTEM_PROMPT).toMatch(new RegExp(`\\b${t}\\b`));
  });

  it('names no key the canonical action does not have', () => {
    const [described = '', example = ''] = SFT_SYSTEM_PROMPT.split('Example: ');
    const quoted = [...described.matchAll(/"([a-z_]+)"\s*(?:\(|,|and|for)/g)].map((m) => m[1]);
    expect(quoted.length).toBeGreaterThan(10);
    for (const k of quoted) expect(CANONICAL_KEYS).toContain(k);
    for (const k of Object.keys(JSON.parse(example.replace(/\.$/, '')))) expect(CANONICAL_KEYS).toContain(k);
  });
});

describe('chatRecord', () => {
  it('builds system, user and assistant messages from an sft_examples row', () => {
    const next = '{"action":"hotkey","keys":"ctrl+s"}';
    expect(chatRecord({ app_id: 'excel', context: 'click in excel', next_action: next })).toEqual({
      messages: [
        { role: 'system', content: SFT_SYSTEM_PROMPT },
        { role: 'user', content: 'App: excel\nPrevious steps: click in excel' },
        { role: 'assistant', content: next },
      ],
    });
  });

  it('marks the first step of an episode and an unknown app', () => {
    const [, user] = chatRecord({ context: '', next_action: '{"action":"wait","duration_ms":5}' }).messages;
    expect(user?.content).toBe('App: unknown\nPrevious steps: (task start)');
  });
});
