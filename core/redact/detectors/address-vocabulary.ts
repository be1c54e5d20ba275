/**
 * The grammar words of street addresses, by language: street-type words (as whole words and as the
 * endings of compound street names), unit words, house-number markers, PO-box words and address cues.
 * Closed-class vocabulary only: no street or city names, so the held-out evaluation measures the grammar.
 */

/** Where a street-type word sits relative to the street's name. */
export type StreetTypeSide = 'pre' | 'post' | 'any';

/** What the address grammar knows about one street-type word (keyed lower case, without a dot). */
export interface StreetType {
  /** `pre`: before the name (`Rua das Flores`); `post`: after it (`Baker Street`, `Váci utca`). */
  readonly side: StreetTypeSide;
  /** A common word elsewhere too (`Way`, `Park`, `Place`): needs more evidence to count. */
  readonly weak: boolean;
  /** An abbreviation that only counts with its dot (`u.`, `ul.`, `al.`). */
  readonly needsDot: boolean;
  /** House numbers are written with a trailing dot (Hungarian `Váci u. 47.`). */
  readonly dottedNumber: boolean;
  /** English usage: the house number comes before the street, never after (`Abbey Road 50th` is not one). */
  readonly numberBefore: boolean;
}

type Spec = [words: string, side: StreetTypeSide, flags?: string];

// flags: w = weak, d = needs its dot, n = dotted house numbers, e = house number before only
const STREET_TYPE_SPECS: readonly Spec[] = [
  // English
  [
    'street st avenue ave road rd lane ln boulevard blvd bvd highway hwy parkway pkwy terrace tce terr',
    'post',
    'e',
  ],
  [
    'crescent cres alley aly court ct drive dr parade pde esplanade wynd mews quay broadway circuit cct',
    'post',
    'e',
  ],
  ['expressway expy freeway fwy turnpike tpke motorway causeway', 'post', 'e'],
  [
    'way close circle cir square sq grove gardens gdns row walk hill rise vale chase green heights hts',
    'post',
    'we',
  ],
  [
    'trail trl pike bypass loop path pass plaza plz point ridge run spur track trace view vista wharf',
    'post',
    'we',
  ],
  [
    'yard estate manor meadow meadows orchard park hollow glen crossing landing junction commons cove',
    'post',
    'we',
  ],
  [
    'creek crest dale field fields harbor harbour haven island isle knoll lake lakes mill mills mount',
    'post',
    'we',
  ],
  [
    'oval pines prairie ranch shore shores spring springs summit valley village ville brook bridge',
    'post',
    'we',
  ],
  [
    'canyon cape center centre cliff cliffs common corner course divide extension falls ferry ford',
    'post',
    'we',
  ],
  [
    'forest forge fork forks fort gateway inlet lodge mission neck overpass plain plains port radial',
    'post',
    'we',
  ],
  ['ramp river shoal skyway stream underpass viaduct well wells keys key', 'post', 'we'],
  // German, Dutch, Nordic, Baltic, Hungarian, Turkish, South Slavic (name first)
  ['straße strasse weg gasse platz allee damm ufer chaussee steig pfad', 'post'],
  ['str', 'any'],
  ['ring markt', 'post', 'w'],
  ['straat laan plein gracht kade singel dijk', 'post'],
  ['gata gatan vägen väg gränd gade vej plads stræde gate veien vei vegen veg plass', 'post'],
  ['katu', 'post'],
  ['iela gatvė tänav tn maantee mnt puiestee pst ulica cesta trg', 'post'],
  [
    'utca út útja tér tere körút krt köz sor sétány fasor rakpart dűlő lejtő lépcső liget határút',
    'post',
    'n',
  ],
  ['u', 'post', 'dn'],
  ['sokak sokağı sokagi sk sok cadde caddesi cad cd mahallesi mah mh bulvarı bulvari blv yolu', 'post'],
  ['g pr', 'post', 'd'],
  // Romance, Slavic, Greek, Cyrillic, South-East Asian, Middle Eastern (type first)
  ['rua avenida avda alameda travessa tv largo praça praca praceta rodovia estrada calçada calcada', 'pre'],
  ['beco viela ladeira calle carrer avinguda avgda passeig paseo plaça pza glorieta camino carretera', 'pre'],
  [
    'ctra ronda rambla travesía travesia pasaje urbanización urbanizacion urb vía viale piazza piazzale',
    'pre',
  ],
  ['corso vicolo strada contrada borgo lungomare rue bd allée impasse chemin quai route rte', 'pre'],
  ['cours passage faubourg sentier voie ulica ulice aleja plac osiedle', 'pre'],
  ['náměstí namesti třída trida nábřeží nabrezi', 'any'],
  ['odos οδός οδος λεωφόρος λεωφ πλατεία', 'pre'],
  ['улица проспект просп пр-т переулок площадь', 'any'],
  ['набережная шоссе бульвар б-р проезд тупик вулиця провулок аллея линия тракт спуск', 'any'],
  ['bulevardul calea aleea șoseaua soseaua piața piata splaiul intrarea jalan jl jln gang gg', 'pre'],
  ['đường duong phố ngõ hẻm רחוב רח שדרות شارع خیابان کوچه', 'pre'],
  ['via', 'pre', 'w'],
  ['ul al os nám nam tř nábr οδ πλ', 'pre', 'd'],
  ['ул пер пл пр ш наб бул вул пров ал', 'any', 'd'],
  ['av pl', 'any'],
  ['avenue boulevard', 'any'],
  ['place', 'any', 'w'],
];

function buildStreetTypes(): ReadonlyMap<string, StreetType> {
  const map = new Map<string, StreetType>();
  for (const [words, side, flags = ''] of STREET_TYPE_SPECS) {
    const type: StreetType = Object.freeze({
      side,
      weak: flags.includes('w'),
      needsDot: flags.includes('d'),
      dottedNumber: flags.includes('n'),
      numberBefore: flags.includes('e'),
    });
    for (const w of words.split(' ')) if (w !== '') map.set(w, type);
  }
  return map;
}

/** Street-type words, lower case, without their dot. */
export const STREET_TYPES: ReadonlyMap<string, StreetType> = buildStreetTypes();

/**
 * Endings of compound street names (`Hauptstraße`, `Mannerheimintie`, `Storgatan`, `Keizersgracht`),
 * lower case, longest first. `weak` endings also end ordinary words (`String`, `Monitoring`, `Aggregate`)
 * and only count after a stem of four letters or more that ends in a consonant.
 */
export const COMPOUND_STREET_ENDINGS: readonly { readonly ending: string; readonly weak: boolean }[] = [
  ...'strasse straße straat gracht chaussee gatan vägen gränd stræde stigen backen torget veien vegen plass väylä polku kaari raitti aukio singel plein gasse platz allee steig pfad laan kade dijk gata väg gade vej vei veg katu kuja damm ufer weg tie str'
    .split(' ')
    .map((ending) => ({ ending, weak: false })),
  ...'ring gate markt'.split(' ').map((ending) => ({ ending, weak: true })),
  ...'út utca tér'.split(' ').map((ending) => ({ ending, weak: false })),
].sort((a, b) => b.ending.length - a.ending.length);

/** Words that may sit inside a street or city name without a capital (`Rua das Flores`, `Frankfurt am Main`). */
export const NAME_CONNECTORS: ReadonlySet<string> = new Set(
  "de del della dello delle dei degli di da das do dos du des la le les los las el al von vom van der den het ter ten am an im zum zur auf of the and y e i et d' l' san santa sant saint sainte st".split(
    ' ',
  ),
);

/** Unit words, followed by a number or letter: `Apt 4B`, `Suite 200`, `Whg. 3`, `lgh 1102`, `кв. 12`. */
export const UNIT_WORDS: ReadonlySet<string> = new Set(
  'apt apartment apartament level appt suite ste unit flat floor fl room rm bldg building wohnung whg top stiege stock etage étage app appartement bât bâtiment batiment esc escalera escalier porta puerta piso andar apto sala conj bloco bloque bl lote depto departamento dpto interno int scala sc piano lgh lägenhet leil leilighet oppgang kv кв квартира корп корпус стр строение офис оф daire kat lok lokal mieszk byt ap et d dept door tür ajtó emelet em fszt'.split(
    ' ',
  ),
);

/** Words after a floor or door number: `2nd Floor`, `3. OG`, `2. th.`, `1 hoog`, `2° piano`. */
export const UNIT_AFTER_NUMBER: ReadonlySet<string> = new Set(
  'floor fl og eg dg etage étage stock hoog piano piso andar th tv mf sal kat emelet em ajtó kerros krs'.split(
    ' ',
  ),
);

/** House-number markers: `No. 5`, `Nr 12`, `nº 7`, `д. 7`, `č. 12`, `br. 5`. */
export const NUMBER_MARKERS: ReadonlySet<string> = new Set(
  'no nr nro n num número numero núm д дом буд č čp br'.split(' '),
);

/** Words that open a PO box (followed by `Box` where the word list says so). */
export const PO_BOX_WORDS: ReadonlySet<string> = new Set(
  'postfach apartado postbus postboks postbox pob gpo caixa casella boîte boite'.split(' '),
);

/** US state and territory codes (and the military AA/AE/AP), for `Springfield, IL 62704`. */
export const US_STATES: ReadonlySet<string> = new Set(
  'AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR GU VI AS MP AA AE AP'.split(
    ' ',
  ),
);

/** Australian and Canadian region codes that sit before a postcode (`Sydney NSW 2000`, `Ottawa ON K1A 0B1`). */
export const OTHER_REGIONS: ReadonlySet<string> = new Set(
  'NSW VIC QLD SA WA TAS ACT NT ON QC BC AB MB SK NS NB NL PE YT NU'.split(' '),
);

/** Cue phrases (lower case) that mark what follows as an address. */
export const ADDRESS_CUES: readonly string[] =
  'address,addr,billing address,shipping address,mailing address,postal address,home address,delivery address,ship to,shipping to,deliver to,lives at,live at,living at,located at,resides at,adresse,anschrift,lieferadresse,rechnungsadresse,wohnhaft,dirección,direccion,domicilio,endereço,endereco,morada,indirizzo,osoite,cím,adres,adresa,adress,adressen,postadresse,адрес,адреса,διεύθυνση,adresi,địa chỉ,住所,地址,주소'.split(
    ',',
  );

/** Words before a number that make it a heading or counter, not a house number (`Chapter 12 Main Street`). */
export const NOT_HOUSE_NUMBER_BEFORE: ReadonlySet<string> = new Set(
  'chapter page step section version level episode season track lesson figure fig table item vol volume part exercise question slide tab line size grade class round stage week day phase sprint release build ticket issue pr order invoice hall booth gate terminal platform stand aisle bay seat row pier exit'.split(
    ' ',
  ),
);

/** Words after a number that make it a quantity (`via Slack 3 times`, `Drive 2 files`). */
export const QUANTITY_AFTER: ReadonlySet<string> = new Set(
  'times time hours hour hrs h minutes minute mins min seconds second secs s ms days day weeks week months month years year items item files file messages message results pages users people members gb mb kb tb km mi m kg x pcs units percent'.split(
    ' ',
  ),
);

/** Whether a word (any case, a trailing dot allowed) is a street-type word or ends like a compound street. */
export function isStreetTypeWord(word: string): boolean {
  let lower = word.toLowerCase();
  if (lower.endsWith('.')) lower = lower.slice(0, -1);
  if (STREET_TYPES.has(lower)) return true;
  return compoundEnding(lower) !== undefined;
}

const VOWELS = 'aeiouyäöüåæø-';

/** The compound street ending of a lower-case word (`hauptstraße` → `straße`), if its stem is long enough. */
export function compoundEnding(lower: string): string | undefined {
  if (lower.length < 4 || NOT_COMPOUND_STREETS.has(lower)) return undefined;
  for (let k = Math.min(MAX_ENDING, lower.length - 2); k >= MIN_ENDING; k--) {
    const ending = lower.slice(lower.length - k);
    const weak = ENDINGS.get(ending);
    if (weak === undefined) continue;
    const stem = lower.slice(0, lower.length - k);
    // Hungarian endings carry accents no other word has: `főtér`, `körút`
    if (stem.length < (ending === 'tér' || ending === 'út' ? 2 : 3)) return undefined;
    if (weak && (stem.length < 4 || VOWELS.includes(stem.slice(-1)))) return undefined;
    return ending;
  }
  return undefined;
}

/** English words that end like a compound street. */
const NOT_COMPOUND_STREETS: ReadonlySet<string> = new Set(
  'necktie bowtie hogtie renegade tailgate watergate floodgate recurring offering outweg'.split(' '),
);

const ENDINGS: ReadonlyMap<string, boolean> = new Map(COMPOUND_STREET_ENDINGS.map((e) => [e.ending, e.weak]));
const MAX_ENDING = Math.max(...COMPOUND_STREET_ENDINGS.map((e) => e.ending.length));
const MIN_ENDING = Math.min(...COMPOUND_STREET_ENDINGS.map((e) => e.ending.length));
