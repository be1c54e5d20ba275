import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACTION_SPACES, EXPORT_FORMATS, FallbackCounter, isExportFormat } from '#core/export/index.js';
import { ALL_KINDS, episode, exportEpisode } from './arbitraries.js';

describe('ACTION_SPACES', () => {
  it('lists the episode adapters by name', () => {
    expect(EXPORT_FORMATS).toEqual(['anthropic', 'openai', 'pyautogui']);
    for (const f of EXPORT_FORMATS) expect(ACTION_SPACES[f].id).toBe(f);
    expect(isExportFormat('openai')).toBe(true);
    expect(isExportFormat('toString')).toBe(false);
  });

  it('gives one JSON record per episode, carrying its id, counting fallbacks under its own name', () => {
    for (const f of EXPORT_FORMATS) {
      const fallbacks = new FallbackCounter();
      const record = ACTION_SPACES[f].episodeRecord(episode(ALL_KINDS), fallbacks);
      expect(record.episode_id).toBe('ep-1');
      expect(fallbacks.total()).toBeGreaterThan(0);
      expect(Object.keys(fallbacks.toJSON()).every((k) => k.startsWith(`${f}:`))).toBe(true);
    }
  });

  it('never throws on a valid episode', () => {
    fc.assert(
      fc.property(exportEpisode, (ep) => {
        for (const f of EXPORT_FORMATS) ACTION_SPACES[f].episodeRecord(ep, new FallbackCounter());
      }),
    );
  });
});
