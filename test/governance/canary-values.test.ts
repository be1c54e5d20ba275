import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canaryEvents, canaryValues } from '#core/governance/canary.js';
import { createScrubber } from '#core/redact/scrubber.js';

/** The free text the canary session carries, joined as the redactor sees it field by field. */
function textsOf(events: ReturnType<typeof canaryEvents>): string[] {
  const texts: string[] = [];
  let typed = '';
  for (const e of events as unknown as Record<string, unknown>[]) {
    if (e.type === 'key_down' && typeof e.char === 'string') typed += e.char;
    else if (e.type === 'key_up' && e.key !== 'Enter') continue;
    else if (typed !== '') {
      texts.push(typed);
      typed = '';
    }
    for (const k of ['windowTitle', 'title', 'text'] as const) if (typeof e[k] === 'string') texts.push(e[k]);
  }
  return texts;
}

describe('canary values', () => {
  const scrubber = createScrubber({ key: new Uint8Array(32).fill(3) });

  it('plant a made-up person and street that the scrubber removes for any nonce (shape and context, no lexicon)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9a-f]{16}$/), (nonce) => {
        const values = canaryValues(nonce);
        const texts = textsOf(canaryEvents(values, 0)).filter((t) => !t.startsWith('Sq'));
        const scrubbed = texts.map((t) => scrubber.scrub(t).text).join('\n');
        for (const kind of [
          'PERSON_GIVEN',
          'PERSON',
          'ADDRESS',
          'EMAIL',
          'CARD',
          'PHONE',
          'AWS_ACCESS_KEY',
        ]) {
          const v = values.find((c) => c.kind === kind)?.value as string;
          expect(texts.join('\n')).toContain(v);
          expect(scrubbed).not.toContain(v);
        }
      }),
      { numRuns: 300 },
    );
  });
});
