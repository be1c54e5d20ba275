import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONTRACT_ARTIFACTS, renderJsonSchema, renderMarkdown } from '#core/contract/contract-schema.js';
import { EVENT_TYPES } from '#core/contract/event-contract.js';

describe('checked-in contract artefacts', () => {
  it('the JSON Schema file is up to date (run `npm run contract` if this fails)', () => {
    expect(readFileSync(CONTRACT_ARTIFACTS.jsonSchema, 'utf8')).toBe(renderJsonSchema());
  });

  it('the Markdown reference is up to date (run `npm run contract` if this fails)', () => {
    expect(readFileSync(CONTRACT_ARTIFACTS.markdown, 'utf8')).toBe(renderMarkdown());
  });

  it('documents every field of every event type', () => {
    const md = renderMarkdown();
    for (const type of EVENT_TYPES) expect(md).toContain(`## \`${type}\``);
    const undocumented = md.split('\n').filter((l) => l.startsWith('| `') && l.trimEnd().endsWith('|  |'));
    expect(undocumented).toEqual([]);
  });
});
