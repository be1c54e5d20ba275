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
  ['főút sugárút körtér körönd lakótelep lakópark sikátor udvar átjáró', 'post', 'n'],
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
  ['incrocio rotonda salita discesa traversa vico piazzetta circonvallazione galleria', 'pre'],
  ['cours passage faubourg sentier voie ulica ulice aleja plac osiedle bulwar skwer rondo wybrzeże', 'pre'],
  ['náměstí namesti třída trida nábřeží nabrezi', 'any'],
  ['odos οδός οδος λεωφόρος λεωφ πλατεία πάροδος παροδος', 'pre'],
  ['улица проспект просп пр-т переулок площадь', 'any'],
  ['набережная шоссе бульвар б-р проезд тупик вулиця провулок аллея линия тракт спуск', 'any'],
  ['bulevardul calea aleea șoseaua soseaua piața piata splaiul intrarea jalan jl jln gang gg', 'pre'],
  ['đường duong phố ngõ hẻm רחוב רח שדרות شارع خیابان کوچه', 'pre'],
  ['via', 'pre', 'w'],
  ['ul al os bulw wyb tř nábr οδ πλ παρ', 'pre', 'd'],
  ['nám nam', 'any', 'd'],
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
  "de del della dello delle dei degli di da das do dos du des la le les los las el al von vom van der den het ter ten am an im zum zur auf of the and y e i et d' l' san santa sant saint sainte st u nad pod".split(
    ' ',
  ),
);

/** Unit words, followed by a number or letter: `Apt 4B`, `Suite 200`, `Whg. 3`, `lgh 1102`, `кв. 12`. */
export const UNIT_WORDS: ReadonlySet<string> = new Set(
  'apt apartment apartament level m appt suite ste unit flat floor fl room rm bldg building wohnung whg top stiege stock etage étage app appartement bât bâtiment batiment esc escalera escalier porta puerta piso andar apto sala conj bloco bloque bl lote depto departamento dpto interno int scala sc piano lgh lägenhet leil leilighet oppgang kv кв квартира корп корпус стр строение офис оф daire kat lok lokal mieszk byt ap et d dept door tür ajtó emelet em fszt'.split(
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
  if (lower.length < 4) return undefined;
  // most words end in two letters no ending ends in: no slice for them
  const tail = (lower.charCodeAt(lower.length - 2) << 16) | lower.charCodeAt(lower.length - 1);
  if (!ENDING_TAILS.has(tail) || NOT_COMPOUND_STREETS.has(lower)) return undefined;
  for (let k = Math.min(MAX_ENDING, lower.length - 2); k >= MIN_ENDING; k--) {
    if (!ENDING_LENGTHS.has(k)) continue;
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
const ENDING_LENGTHS: ReadonlySet<number> = new Set(COMPOUND_STREET_ENDINGS.map((e) => e.ending.length));
/** The last two characters of every compound ending as one number (`(c1 << 16) | c2`): a cheap first test. */
export const ENDING_TAILS: ReadonlySet<number> = new Set(
  COMPOUND_STREET_ENDINGS.map(
    ({ ending: e }) => (e.charCodeAt(e.length - 2) << 16) | e.charCodeAt(e.length - 1),
  ),
);

/** The part of an address a form field holds. */
export type FormPart = 'street' | 'house' | 'unit' | 'postcode' | 'city' | 'place' | 'region';

type LabelSpec = [part: FormPart, phrases: string];

// Field labels of address forms (checkout, CRM, shipping, registration), lower case, one phrase per comma,
// punctuation dropped (`Postnr.` → `postnr`, `ZIP / Postcode` is two labels of the same part).
const FORM_LABEL_SPECS: readonly LabelSpec[] = [
  [
    'street',
    'street,street address,street name,street and number,address,address line 1,address 1,address1,addr,line 1,straße,strasse,str,straße und hausnummer,straße und nr,anschrift,adresse,rue,voie,adresse postale,numéro et rue,dirección,direccion,calle,domicilio,vía,morada,endereço,endereco,logradouro,rua,indirizzo,via,gateadresse,gatenavn,gate,vejnavn,vej,gade,gatuadress,adress,utdelningsadress,katuosoite,osoite,katu,ulice,adresa,ulica,utca,cím,közterület,közterület neve,adres,sokak,cadde,mahalle,strada,stradă,adresă,улица,адрес,οδός,διεύθυνση,straat,straatnaam,住所,番地,地址,街道,详细地址,주소,도로명,도로명 주소,đường,địa chỉ',
  ],
  [
    'house',
    'house number,house no,number,no,nr,hausnummer,hausnr,huisnummer,numéro,número,numero,husnummer,číslo,číslo popisné,házszám,bina no,kapı no,номер дома,дом,αριθμός,号',
  ],
  [
    'unit',
    'address line 2,address 2,address2,line 2,apartment,apt,suite,unit,flat,apartment suite,adresszusatz,zusatz,complément,complément d adresse,piso,puerta,complemento,interno,scala,lgh,lägenhet,leilighet,byt,emelet,ajtó,daire,квартира,кв,διαμέρισμα',
  ],
  [
    'postcode',
    'zip,zip code,zipcode,postcode,post code,postal code,postal,zip postal code,postleitzahl,plz,code postal,cp,código postal,codigo postal,cep,cap,postnummer,postnr,postinumero,irányítószám,irsz,psč,posta kodu,cod poștal,cod postal,kod pocztowy,почтовый индекс,индекс,ταχυδρομικός κώδικας,τκ,郵便番号,邮编,邮政编码,우편번호',
  ],
  [
    'city',
    'city,town,town city,city town,suburb,locality,ort,stadt,wohnort,ville,localité,commune,ciudad,localidad,población,poblacion,municipio,cidade,localidade,città,citta,comune,località,localita,poststed,sted,by,postort,stad,postitoimipaikka,kaupunki,paikkakunta,kotikunta,obec,město,mesto,település,város,helység,ilçe,i̇lçe,İlçe,şehir,sehir,localitate,oraș,oras,miejscowość,miasto,город,населённый пункт,населенный пункт,πόλη,περιοχή,plaats,woonplaats,市区町村,城市,도시,시군구',
  ],
  [
    'place',
    'plz ort,plz und ort,postleitzahl und ort,postleitzahl ort,code postal et ville,code postal ville,cp ville,código postal y ciudad,código postal y localidad,cep cidade,código postal e localidade,cap città,cap e città,postcode plaats,postcode en plaats,postnummer og sted,postnummer och ort,postnummer ort,postinumero ja toimipaikka,psč obec,psč a obec,irányítószám és település,zip city,zip code and city,postcode and town,postcode town,postcode city,postal code and city,kod pocztowy i miejscowość,индекс и город',
  ],
  [
    'region',
    'state,province,region,county,state province,bundesland,kanton,provincia,estado,uf,région,département,regione,kraj,megye,województwo,fylke,län,il,область,регион,νομός,都道府県,省,시도',
  ],
];

function buildFormLabels(): ReadonlyMap<string, FormPart> {
  const map = new Map<string, FormPart>();
  for (const [part, phrases] of FORM_LABEL_SPECS) for (const p of phrases.split(',')) map.set(p, part);
  return map;
}

/** Form field labels (lower case, words joined by one space) and the address part each one holds. */
export const FORM_LABELS: ReadonlyMap<string, FormPart> = buildFormLabels();

/** Every leading run of words of a form label (`zip`, `zip code`): a label is read only while it can still match. */
export const FORM_LABEL_PREFIXES: ReadonlySet<string> = new Set(
  [...FORM_LABELS.keys()].flatMap((label) => {
    const words = label.split(' ');
    return words.map((_, i) => words.slice(0, i + 1).join(' '));
  }),
);
