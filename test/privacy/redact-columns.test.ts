/**
 * Issue 15, observation 4: no per-key characters and no unscrubbed or guessable columns. `key_name` is
 * never stored for a key that produces a character (AltGr, alt/option, class `other`) or for any key in a
 * secure field; `field_role` and `field_name` are scrubbed; `event_id` and `field_id` are keyed HMACs, the
 * same for the same input so deduplication still works.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { WorktraceEventInput } from '#core/contract/event-contract.js';
import { Pseudonymizer } from '#core/redact/pseudonym.js';
import { redactBatch } from '#core/redact/transform.js';
import { makeEvent } from '../fixtures/events.js';
import { sources, TEST_KEY, testContext } from '../fixtures/redact.js';

const focus = () => makeEvent('focus', { appId: 'notepad', processName: 'notepad', seq: 0 });
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('key names (observation 4)', () => {
  it('are never stored for keys that produce a character, nor for class other', async () => {
    const k = (seq: number, e: Partial<WorktraceEventInput & { type: 'key_down' }>) =>
      makeEvent('key_down', { seq, modifiers: [], char: undefined, ...e } as never);
    const out = await redactBatch(
      sources([
        focus(),
        // AltGr+q types "@" on a German layout (Windows reports AltGr as ctrl+alt)
        k(1, { key: 'q', keyClass: 'char', char: '@', modifiers: ['ctrl', 'alt'] }),
        makeEvent('key_up', {
          seq: 2,
          key: 'q',
          keyClass: 'char',
          char: undefined,
          modifiers: ['ctrl', 'alt'],
        }),
        // option+e on macOS
        k(3, { key: 'e', keyClass: 'char', char: 'é', modifiers: ['alt'] }),
        // alt+f with no character reported, and a key of class other
        k(4, { key: 'f', keyClass: 'char', modifiers: ['alt'] }),
        k(5, { key: 'ü', keyClass: 'other' }),
        k(6, { key: 'ß', keyClass: 'other', char: 'ß' }),
        // a command chord keeps its key name
        k(7, { key: 'c', keyClass: 'char', char: 'c', modifiers: ['ctrl'] }),
        k(8, { key: 'Enter', keyClass: 'enter' }),
      ]),
      testContext(),
    );
    const names = out.rows.map((r) => r.key_name).filter((n) => n !== null && n !== undefined);
    expect(names).toEqual(['c', 'Enter']);
    expect(JSON.stringify(out.rows)).not.toMatch(/"(q|@|e|é|f|ü|ß)"/);
  });

  it('are never stored for any key in a secure field', async () => {
    const out = await redactBatch(
      sources([
        focus(),
        makeEvent('ui_element', { role: 'textbox', name: 'Password', secure: true, seq: 1 }),
        makeEvent('key_down', { key: 'Enter', keyClass: 'enter', char: undefined, seq: 2 }),
        makeEvent('key_down', { key: 'v', keyClass: 'char', char: 'v', modifiers: ['ctrl'], seq: 3 }),
        makeEvent('hotkey', { modifiers: ['ctrl'], key: 'v', seq: 4 }),
        makeEvent('key_down', { key: 'F5', keyClass: 'function', char: undefined, seq: 5 }),
      ]),
      testContext(),
    );
    const keys = out.rows.filter((r) => r.event_type === 'key_down' || r.event_type === 'hotkey');
    expect(keys).toHaveLength(4);
    expect(keys.map((r) => r.key_name ?? null)).toEqual([null, null, null, null]);
    expect(keys.map((r) => r.key_class ?? null)).toEqual(['enter', 'char', null, 'function']);
  });
});

describe('field columns (observation 4)', () => {
  it('field_role and field_name are scrubbed', async () => {
    const out = await redactBatch(
      sources([
        focus(),
        makeEvent('text', {
          seq: 1,
          field: {
            id: 'f1',
            role: 'maria.gonzalez@example.com 4111 1111 1111 1111 AKIAIOSFODNN7EXAMPLE',
            name: 'Card of jane.roe@example.net',
          },
        }),
      ]),
      testContext(),
    );
    const row = out.rows.find((r) => r.event_type === 'text');
    expect(row?.field_role).toMatch(/<EMAIL:[0-9a-f]{6}>/);
    expect(JSON.stringify(out.rows)).not.toMatch(/maria|4111 1111|AKIAIOSFODNN7EXAMPLE|jane\.roe/);
  });

  it('field_id is a keyed HMAC: a guessed name cannot be confirmed, the same id maps the same way', async () => {
    const agentId = `f${sha('textbox\u001fPassword').slice(0, 24)}`;
    const text = (seq: number) =>
      makeEvent('text', { seq, field: { id: agentId, role: 'textbox', name: 'Password' } });
    const out = await redactBatch(sources([focus(), text(1), text(2)]), testContext());
    const ids = out.rows.filter((r) => r.event_type === 'text').map((r) => r.field_id);
    expect(ids[0]).not.toBe(agentId);
    expect(ids[0]).not.toContain(sha('textbox\u001fPassword').slice(0, 24));
    expect(ids[0]).toBe(ids[1]);
    const otherKey = await redactBatch(sources([focus(), text(1)]), {
      ...testContext(),
      pseudonymizer: new Pseudonymizer({ key: new Uint8Array(32).fill(9), version: 'k2' }),
    });
    expect(otherKey.rows.find((r) => r.event_type === 'text')?.field_id).not.toBe(ids[0]);
  });
});

describe('event ids (observation 4)', () => {
  it('are keyed HMACs of the agent id: deterministic (deduplication still works), never the id as sent', async () => {
    const e = makeEvent('mouse_move', { eventId: 'maria_gonzalez_20260101_0001', seq: 1 });
    const a = await redactBatch(sources([e]), testContext());
    const b = await redactBatch(sources([e]), testContext());
    const other = await redactBatch(
      sources([{ ...e, eventId: 'maria_gonzalez_20260101_0002' }]),
      testContext(),
    );
    const id = a.rows[0]?.event_id;
    expect(id).not.toContain('maria');
    expect(id).toBe(b.rows[0]?.event_id);
    expect(other.rows[0]?.event_id).not.toBe(id);
    expect(id).toBe(new Pseudonymizer(TEST_KEY).of('event', 'maria_gonzalez_20260101_0001'));
  });

  it('a server-coalesced text run gets a keyed id too, not an unkeyed hash of its first key', async () => {
    const first = makeEvent('key_down', { key: 'h', keyClass: 'char', char: 'h', seq: 1 });
    const out = await redactBatch(
      sources([focus(), first, makeEvent('key_down', { key: 'i', keyClass: 'char', char: 'i', seq: 2 })]),
      testContext(),
    );
    const run = out.rows.find((r) => r.event_type === 'text');
    expect(run?.text).toBe('hi');
    expect(run?.event_id).not.toContain(sha(first.eventId).slice(0, 32));
    expect(run?.event_id).not.toContain(first.eventId);
  });
});
