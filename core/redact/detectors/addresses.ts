/**
 * Street addresses: a house number, capitalised words and a street-type word (`12 Baker Street`), and the
 * German `…straße 5` form.
 */
import { STREET_SUFFIXES } from '../lexicon.js';
import { collect, copyPatterns, type DetectorLayer, type Enabled, freezePatterns } from './common.js';

/** Named regexes, exported so the ReDoS test can analyse every one. Frozen: layers run copies. */
export const ADDRESS_PATTERNS = freezePatterns({
  streetAddress: /\b\d{1,5}[A-Za-z]? (?:[A-Z][a-z]{1,20} ){1,3}([A-Z][a-z]{1,12})\b\.?/g,
  germanStreet:
    /\b[A-ZÄÖÜ][a-zäöüß]{2,30}(?:straße|strasse|weg|gasse|platz|allee|ring|damm) \d{1,4}[a-z]?\b/g,
} as const);

/** The street-address layer, with its own regex copies. */
export function addressLayer(on: Enabled): DetectorLayer {
  const P = copyPatterns(ADDRESS_PATTERNS);
  return (out, text, f) => {
    if (!on('ADDRESS') || !f.hasUpper || f.digits === 0) return;
    collect(out, P.streetAddress, text, 'ADDRESS', 45, 0, (v) => {
      const suffix = /([A-Z][a-z]+)\.?$/.exec(v)?.[1];
      return suffix && STREET_SUFFIXES.has(suffix) ? v.toLowerCase() : undefined;
    });
    collect(out, P.germanStreet, text, 'ADDRESS', 45, 0, (v) => v.toLowerCase());
  };
}
