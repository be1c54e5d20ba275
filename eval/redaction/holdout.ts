/**
 * The held-out split. Every source list (given names, surnames, street names, cities from faker's locale
 * data) is split by a hash of the value: about a third is held out for the redaction evaluation and never
 * enters a list the detectors load; the rest may feed the detectors' lexicons (`npm run lexicons`).
 * Splitting by value, not by entry, keeps a name that several locales share on one side.
 */
import { createHash } from 'node:crypto';

/** The key a value is split and compared on: NFKC, lower case, trimmed. */
export function lexiconKey(value: string): string {
  return value.normalize('NFKC').trim().toLowerCase();
}

/** Whether a source value is held out for evaluation (so it must stay out of every detector list). */
export function isHeldOut(value: string): boolean {
  const digest = createHash('sha256')
    .update(`worktrace-holdout:${lexiconKey(value)}`)
    .digest();
  return (digest[0] as number) % 3 === 0;
}
