/**
 * The held-out values the corpus may use: given names, surnames, streets and cities from faker's locale
 * data that `isHeldOut` keeps for evaluation and that no detector word list (DETECTOR_WORD_LISTS, or any
 * lexicon file under core/redact/lexicons/) contains, compared word by word on `lexiconKey`. Street-type
 * words ("Street", "katu", "Rua") are grammar, which detectors are meant to know; every other word of a
 * street, and the stem of a compound like "Virtasenkatu", must be held out too.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { allFakers, type Faker } from '@faker-js/faker';
import { DETECTOR_WORD_LISTS } from '#core/redact/lexicon.js';
import { isHeldOut, lexiconKey } from './holdout.js';

/** The faker locales the corpus draws from (24). */
export const CORPUS_LOCALES = [
  'en_US',
  'en_GB',
  'de',
  'fr',
  'es',
  'it',
  'pt_BR',
  'pt_PT',
  'nl',
  'fi',
  'sv',
  'nb_NO',
  'da',
  'pl',
  'cs_CZ',
  'hu',
  'el',
  'ru',
  'tr',
  'ja',
  'ko',
  'zh_CN',
  'vi',
  'ro',
] as const;
/** One corpus locale. */
export type CorpusLocale = (typeof CORPUS_LOCALES)[number];

/** Where generated detector lexicons live (read generically: JSON arrays/objects of strings, modules of string literals, or text). */
export const LEXICON_DIR = new URL('../../core/redact/lexicons/', import.meta.url);

/** Street-type and address grammar words (many languages), exempt from the held-out word check. */
const GRAMMAR_WORDS = new Set(
  `street st avenue ave road rd lane ln drive dr court ct way place pl boulevard blvd close crescent gardens
  grove row walk mews hill square sq terrace parkway highway circle creek alley
  straße strasse str weg gasse platz allee ring damm ufer chaussee
  rue avenue allée voie quai passage impasse chemin route place de du des la le l d
  calle avenida plaza paseo camino carretera ronda travesía glorieta del los las el y
  via viale piazza strada borgo contrada rotonda incrocio corso vicolo largo di della
  rua avenida travessa alameda marginal rodovia praça largo beco calçada caminho escadas estrada das dos da do
  straat laan weg plein gracht dijk kade singel van der den
  katu tie kuja polku kaari linja raitti rinne penger ranta väylä
  gatan vägen gränden gärdet allén västra östra norra södra övre undre
  gate gata veien vei sgate svei bakken øvre nedre søndre gamle østre vestre
  vej gade allé stræde
  ul ulica al aleja pl plac os osiedle rondo rynek skwer szosa park bulw droga ogród
  náměstí nám třída nábřeží na u v
  utca u út tér körút köz fasor dűlő főtér főút határút körtér lakótelep liget sétány sor
  οδός οδ λεωφ πλ παρ
  улица ул проспект пр площадь пл переулок пер набережная наб аллея ал шоссе
  sokak sk cadde cad bulvar mahalle mah
  đường phố
  strada str bulevardul bd aleea intrarea calea piața splaiul`
    .split(/\s+/)
    .filter(Boolean),
);

/** Splits a value into compared words: lexiconKey, then whitespace, hyphens, dots and apostrophes. */
export function wordsOf(value: string): string[] {
  return lexiconKey(value)
    .split(/[\s\-‐‑'’.,/()]+/u)
    .filter((w) => w.length > 0);
}

function stringsIn(value: unknown, into: string[]): void {
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) for (const v of value) stringsIn(v, into);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) stringsIn(v, into);
}

/** The entries of a generated lexicon module: its string literals, split on `|`, newlines and spaces. */
function literalsOf(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const out: string[] = [];
  for (const m of code.matchAll(/'([^'\\]*(?:\\.[^'\\]*)*)'|"([^"\\]*(?:\\.[^"\\]*)*)"|`([^`]*)`/g))
    out.push(...(m[1] ?? m[2] ?? m[3] ?? '').split(/[|\s]+/));
  return out;
}

function lexiconFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...lexiconFiles(path));
    else out.push(path);
  }
  return out.sort();
}

/** Every detector word list by name, as lexiconKey sets: DETECTOR_WORD_LISTS and the lexicon files. */
export function detectorLists(): Map<string, Set<string>> {
  const lists = new Map<string, Set<string>>();
  for (const [name, set] of Object.entries(DETECTOR_WORD_LISTS))
    lists.set(name, new Set([...set].map(lexiconKey)));
  for (const path of lexiconFiles(LEXICON_DIR.pathname)) {
    const raw = readFileSync(path, 'utf8');
    const values: string[] = [];
    if (path.endsWith('.json')) stringsIn(JSON.parse(raw), values);
    else if (/\.[cm]?[jt]s$/.test(path)) values.push(...literalsOf(raw));
    else values.push(...raw.split(/\r?\n/));
    lists.set(
      `file:${path.slice(LEXICON_DIR.pathname.length)}`,
      new Set(values.map(lexiconKey).filter((v) => v !== '')),
    );
  }
  return lists;
}

/** The kinds of held-out value the corpus plants. */
export type HeldOutKind = 'given' | 'surname' | 'street' | 'city';

/** One held-out value a sample uses (recorded so the disjointness test can check it). */
export interface HeldOutUse {
  readonly kind: HeldOutKind;
  readonly value: string;
}

/** The lists a value is found in, word by word (the whole value too), grammar words exempt. */
export function listHits(value: string, lists: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const hits: string[] = [];
  const key = lexiconKey(value);
  const words = wordsOf(value).filter((w) => !GRAMMAR_WORDS.has(w));
  for (const [name, set] of lists) {
    if (set.has(key) || words.some((w) => set.has(w))) hits.push(name);
  }
  return hits;
}

/** Proper-name parts of a street: its non-grammar words, and the stems of compounds ending in grammar. */
function properParts(value: string, suffixes: readonly string[]): string[] {
  const parts: string[] = [];
  for (const w of wordsOf(value)) {
    if (GRAMMAR_WORDS.has(w) || /^\d/.test(w)) continue;
    parts.push(w);
    const suffix = suffixes.find((s) => w.length > s.length + 2 && w.endsWith(s));
    if (suffix) parts.push(w.slice(0, -suffix.length).replace(/s$/, ''));
  }
  return parts;
}

/** The held-out pools of one locale. */
export interface LocalePools {
  readonly locale: CorpusLocale;
  readonly faker: Faker;
  readonly given: readonly string[];
  readonly surnames: readonly string[];
  readonly streets: readonly string[];
  readonly cities: readonly string[];
}

function flat(value: unknown): string[] {
  const out: string[] = [];
  stringsIn(value, out);
  return [...new Set(out.filter((v) => v.trim() !== '' && !v.includes('{{')))].sort();
}

/** Builds one locale's pools; `lists` are the detector lists (`detectorLists()`). */
export function localePools(
  locale: CorpusLocale,
  lists: ReadonlyMap<string, ReadonlySet<string>>,
  seed: number,
): LocalePools {
  const faker = allFakers[locale];
  const defs = faker.rawDefinitions;
  const usableWord = (v: string) => isHeldOut(v) && listHits(v, lists).length === 0;
  const given = flat(defs.person?.first_name).filter((v) => usableWord(v) && wordsOf(v).every(isHeldOut));
  const surnames = flat(defs.person?.last_name).filter((v) => usableWord(v) && wordsOf(v).every(isHeldOut));
  const suffixes = flat([
    defs.location?.street_suffix,
    defs.location?.common_street_suffix,
    [...GRAMMAR_WORDS],
  ]).map(lexiconKey);
  // Streets and cities are composed by faker's own locale patterns; sampled, then filtered.
  faker.seed(seed);
  const streets = new Set<string>();
  const cities = new Set<string>();
  for (let i = 0; i < 3000 && (streets.size < 60 || cities.size < 40); i++) {
    const street = faker.location.street();
    if (usableWord(street) && properParts(street, suffixes).every((p) => p.length < 2 || isHeldOut(p)))
      streets.add(street);
    const city = faker.location.city();
    if (
      !/\d/.test(city) &&
      usableWord(city) &&
      wordsOf(city).every((w) => GRAMMAR_WORDS.has(w) || isHeldOut(w))
    )
      cities.add(city);
  }
  return {
    locale,
    faker,
    given,
    surnames,
    streets: [...streets].sort(),
    cities: [...cities].sort(),
  };
}
