import { describe, expect, it } from 'vitest';
import { parsePolicy, scrubberOptionsFor } from '#core/redact/policy.js';
import { createScrubber } from '#core/redact/scrubber.js';

const key = new Uint8Array(32).fill(7);
const scrub = (policy: Record<string, unknown>, text: string) =>
  createScrubber(scrubberOptionsFor(parsePolicy({ version: 'v1', ...policy }), key)).scrub(text).text;

describe('policy minScore: a confidence threshold per entity type', () => {
  // A name found by evidence (greeting, shape) scores below 1; a validated card scores 1.
  const text = 'Hi Oskari Mäkinen, card 4111 1111 1111 1111 is blocked';

  it('by default scrubs both the name and the card', () => {
    const out = scrub({}, text);
    expect(out).not.toContain('Mäkinen');
    expect(out).not.toContain('4111');
  });

  it('raising the PERSON threshold keeps only names with strong evidence and touches no other type', () => {
    // Weak evidence: a name in running prose with no cue word; strong: a greeting before it.
    const weak = 'the report Oskari Mäkinen sent, card 4111 1111 1111 1111';
    expect(scrub({}, weak)).not.toContain('Mäkinen');
    const strict = scrub({ minScore: { PERSON: 0.95 } }, weak);
    expect(strict).toContain('Oskari Mäkinen');
    expect(strict).not.toContain('4111');
    expect(scrub({ minScore: { PERSON: 0.95 } }, text)).not.toContain('Mäkinen');
  });

  it('a threshold of 0 for phones turns a bare digit group with no cue into a phone', () => {
    const bare = 'ticket 8123 4567 reopened';
    expect(scrub({}, bare)).toBe(bare);
    expect(scrub({ minScore: { PHONE: 0 } }, bare)).not.toBe(bare);
  });

  it('rejects a threshold outside 0..1 or for an unknown type, naming the field', () => {
    expect(() => parsePolicy({ version: 'v1', minScore: { PERSON: 2 } })).toThrow(/policy\.minScore\.PERSON/);
    expect(() => parsePolicy({ version: 'v1', minScore: { NAME: 0.5 } })).toThrow(/policy\.minScore/);
  });
});
