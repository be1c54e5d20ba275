/** Counts as people type them on a command line: `100000000`, `1e8`, `100M`, `1B`, `2.5k`, `1_000_000`. */

import { ERROR_CODES, WorktraceError } from '../errors.js';

/** A count that is not a positive number, or not written as one. */
export class CountError extends WorktraceError {
  override readonly name = 'CountError';
  readonly code = ERROR_CODES.usage;
}

const SUFFIXES: Readonly<Record<string, number>> = { k: 1e3, m: 1e6, b: 1e9, g: 1e9 };

/** Parses a positive count; `what` names the option in the error. Suffixes k, M, B (or G) are case-insensitive. */
export function parseCount(text: string, what: string): number {
  const m = /^(\d+(?:[._]\d+)*(?:e\d+)?)([kmbg])?$/i.exec(text.trim());
  const value = m?.[1]
    ? Number(m[1].replaceAll('_', '')) * (SUFFIXES[m[2]?.toLowerCase() ?? ''] ?? 1)
    : Number.NaN;
  if (!Number.isFinite(value) || value <= 0)
    throw new CountError(
      `${what} must be a positive number such as 1000000, 1e6, 100M or 1B (got "${text}")`,
    );
  return value;
}
