/**
 * The word lists the detectors load: multi-locale given names and surnames (generated from faker's locale
 * data by `npm run lexicons`, held-out values left out), the person names compromise knows, the UI and
 * common-English vocabulary that keeps menu items and settings names from reading as names, and street-type
 * words. Organisations add their own names by policy.
 */
import { ENGLISH_WORDS } from './lexicons/english-words.js';
import { GIVEN_NAMES } from './lexicons/given-names.js';
import { NLP_NAMES } from './lexicons/nlp-names.js';
import { SURNAMES } from './lexicons/surnames.js';
import { UI_WORDS } from './lexicons/ui-words.js';

/** A generated `|`-separated lexicon as a set. */
const setOf = (joined: string): ReadonlySet<string> => new Set(joined.split('|'));

/** Given names of 50+ locales, in `lexiconKey` form (NFKC, lower case). */
export const GIVEN_NAME_KEYS: ReadonlySet<string> = setOf(GIVEN_NAMES);

/** Surnames of 50+ locales, in `lexiconKey` form. */
export const SURNAME_KEYS: ReadonlySet<string> = setOf(SURNAMES);

/** Person names in compromise's lexicon (the name detector asks compromise about spans), lower case. */
export const NLP_NAME_KEYS: ReadonlySet<string> = setOf(NLP_NAMES);

/**
 * Lower-case words of user interfaces and everyday English (menu items, settings, buttons, app names,
 * function words): a capitalised run made only of them is UI text, not a person.
 */
export const UI_WORD_KEYS: ReadonlySet<string> = new Set([
  ...ENGLISH_WORDS.split('|'),
  ...UI_WORDS.split(/\s+/).filter(Boolean),
]);

/** Street-type words that end a street address ("42 Elm Street") and are never surnames in that position. */
export const STREET_SUFFIXES: ReadonlySet<string> = new Set([
  'Street',
  'St',
  'Avenue',
  'Ave',
  'Road',
  'Rd',
  'Boulevard',
  'Blvd',
  'Lane',
  'Ln',
  'Drive',
  'Dr',
  'Court',
  'Ct',
  'Way',
  'Place',
  'Pl',
  'Terrace',
  'Square',
  'Sq',
  'Parkway',
  'Pkwy',
  'Highway',
  'Hwy',
  'Circle',
  'Cir',
  'Close',
  'Crescent',
  'Gardens',
  'Grove',
  'Row',
  'Walk',
  'Mews',
  'Hill',
]);

/**
 * Every word list the detectors load as evidence FOR an entity, by name. The redaction evaluation scores
 * only values outside all of them (test/eval/holdout.test.ts checks), so its figures measure
 * generalisation, not lookup. UI_WORD_KEYS is left out on purpose: it only ever lowers a score, and
 * registering it would drop the hardest names (Rose, Young, King) from the evaluation.
 */
export const DETECTOR_WORD_LISTS: Readonly<Record<string, ReadonlySet<string>>> = Object.freeze({
  givenNames: GIVEN_NAME_KEYS,
  surnames: SURNAME_KEYS,
  nlpNames: NLP_NAME_KEYS,
  streetSuffixes: STREET_SUFFIXES,
});
