import { describe, expect, it } from 'vitest';
import { parseCount } from '#core/cost/count.js';

describe('parseCount', () => {
  it('reads plain, scientific and suffixed counts', () => {
    expect(parseCount('100000000', 'n')).toBe(1e8);
    expect(parseCount('1e8', 'n')).toBe(1e8);
    expect(parseCount('100M', 'n')).toBe(1e8);
    expect(parseCount('1B', 'n')).toBe(1e9);
    expect(parseCount('1b', 'n')).toBe(1e9);
    expect(parseCount('2.5k', 'n')).toBe(2500);
    expect(parseCount('1_000_000', 'n')).toBe(1e6);
    expect(parseCount(' 281.6 ', 'n')).toBe(281.6);
  });

  it('names the option and the text in one line when it is not a positive count', () => {
    for (const bad of ['', 'abc', '-5', '0', '1.2.3', '10X', '1e', 'NaN', 'Infinity'])
      expect(() => parseCount(bad, '--events-per-day'), bad).toThrow(
        /^--events-per-day must be a positive number such as 1000000, 1e6, 100M or 1B \(got ".*"\)$/,
      );
  });
});
