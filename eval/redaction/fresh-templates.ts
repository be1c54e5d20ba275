/**
 * The `fresh` split of the redaction corpus: templates written after detector tuning began, by someone who
 * has not read the detectors, in wordings and structures no template in corpus.ts uses (ticket and CRM
 * titles, calendar invites, meeting windows, file names in title bars, commit authors, HR and payment forms,
 * delivery notes, invoices, shell prompts and environment dumps, browser bars with credentials, huddles,
 * voicemail transcripts, national ids under their local names, addresses split over lines or fields, names
 * as "Surname, Given", in capitals, in lower case, alone in greetings of many languages, or away from any
 * cue word). Values come from corpus.ts's own makers (`c.fullName()`, `c.address()`, `c.phone()`...) and
 * from values.ts / secrets.ts, so only the contexts are new.
 *
 * Drop this file next to corpus.ts (eval/redaction/) and wire it in as README.md says. Keep it out of the
 * repository that detector tuners read until the fresh figures have been taken.
 */
import type { Dice } from '../../agent/simulator/values.js';
import type { EvalClass, SampleKind } from './corpus.js';
import type { CorpusLocale, LocalePools } from './held-out-pools.js';
import { pin, SECRET_SHAPES, urlPassword } from './secrets.js';
import {
  cardNumber,
  IBAN_COUNTRY_OF_LOCALE,
  ID_COUNTRY_OF_LOCALE,
  iban,
  ipv4,
  ipv6,
  nationalId,
  type Obfuscation,
  ssn,
} from './values.js';

/** What a fresh template writes through: corpus.ts's SampleBuilder satisfies it structurally. */
export interface FreshBuilder {
  readonly text: string;
  add(s: string): FreshBuilder;
  value(type: EvalClass, v: string): FreshBuilder;
}

/** The part of corpus.ts's SampleContext that fresh templates use (SampleContext satisfies it). */
export interface FreshContext {
  readonly b: FreshBuilder;
  readonly d: Dice;
  readonly pools: LocalePools;
  readonly latin: LocalePools;
  readonly locale: CorpusLocale;
  given(pools?: LocalePools): string;
  surname(pools?: LocalePools): string;
  fullName(): string;
  street(): string;
  city(): string;
  postcode(): string;
  address(): string;
  personalId(): { label: string; value: string };
  maybeObfuscate(v: string, kinds: readonly Obfuscation[]): string;
  email(): string;
  phone(): string;
  userName(): string;
  secret(only?: 'token' | 'password'): { key: string; value: string };
}

/** A fresh template: the same call shape as corpus.ts's `Template`. */
export type FreshTemplate = (c: FreshContext) => void;

// ---------------------------------------------------------------------------------------------------
// Small helpers built on the context's own makers (no value logic of corpus.ts is repeated here).

const CJK = new Set<CorpusLocale>(['ja', 'ko', 'zh_CN']);
const SURNAME_FIRST = new Set<CorpusLocale>(['hu', 'ja', 'ko', 'zh_CN', 'vi']);

/** BCP 47 tag of a corpus locale (for locale-aware upper-casing). */
const tag = (l: CorpusLocale): string => l.replace('_', '-');

/** "Surname, Given" (CJK: surname and given name unspaced, as written there). */
function surnameGiven(c: FreshContext): string {
  const g = c.given();
  const s = c.surname();
  return CJK.has(c.locale) ? `${s}${g}` : `${s}, ${g}`;
}

/** The family name in capitals, French/administrative style: "DUPONT Marie" or "Marie DUPONT". */
function capsSurname(c: FreshContext): string {
  const g = c.given();
  const s = c.surname().toLocaleUpperCase(tag(c.locale));
  if (CJK.has(c.locale)) return `${s} ${g}`;
  return SURNAME_FIRST.has(c.locale) || c.d.chance(0.5) ? `${s} ${g}` : `${g} ${s}`;
}

/** Transliterates a Latin-script name part to a lower-case ASCII e-mail/login word. */
function slug(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, 'd')
    .replace(/[łŁ]/g, 'l')
    .replace(/[øØ]/g, 'o')
    .replace(/ß/g, 'ss')
    .replace(/[æÆ]/g, 'ae')
    .replace(/ı/g, 'i')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

const COMPANY_DOMAINS = [
  'fabrikam.com',
  'tailspin.io',
  'wingtip.de',
  'adatum.fr',
  'litware.nl',
  'proseware.co.uk',
];

/** A person and a work address built from the same name (Latin scripts), else the context's own pair. */
function personWithEmail(c: FreshContext): { name: string; email: string } {
  if (c.pools !== c.latin) return { name: c.fullName(), email: c.email() };
  const g = c.given();
  const s = c.surname();
  const gs = slug(g);
  const ss = slug(s);
  const name = SURNAME_FIRST.has(c.locale) ? `${s} ${g}` : `${g} ${s}`;
  if (gs === '' || ss === '') return { name, email: c.email() };
  const local = c.d.pick([`${gs}.${ss}`, `${gs[0]}.${ss}`, `${ss}${gs[0]}`, `${gs}_${ss}`]);
  return { name, email: `${local}@${c.d.pick(COMPANY_DOMAINS)}` };
}

/** A phone number squeezed to digits (for tel: links, CSV, CDRs); obfuscated draws are kept as drawn. */
function compactPhone(c: FreshContext): string {
  const p = c.phone();
  if (!/^[+\d][\d ().-]+\d$/.test(p)) return p;
  return p.replace(/\(0\)/, '').replace(/[ ().-]/g, '');
}

/**
 * The locale's one-line address cut into lines at the commas its format writes; short parts (house
 * numbers, units, "CA 90210") stay on the line before them, as on an envelope.
 */
function multiLineAddress(c: FreshContext): string {
  const lines: string[] = [];
  for (const part of c.address().split(/,\s*/)) {
    const p = part.trim();
    if (p === '') continue;
    const short = p.length <= 8 || !/\p{L}{3}/u.test(p);
    if (short && lines.length > 0) lines[lines.length - 1] += `, ${p}`;
    else lines.push(p);
  }
  return lines.join('\n');
}

/** Address field labels as forms print them: street, postcode, city. */
const ADDRESS_FIELDS: Partial<Record<CorpusLocale, readonly [string, string, string]>> = {
  de: ['Straße', 'PLZ', 'Ort'],
  fr: ['Adresse', 'Code postal', 'Ville'],
  es: ['Dirección', 'Código postal', 'Localidad'],
  it: ['Indirizzo', 'CAP', 'Città'],
  pt_BR: ['Logradouro', 'CEP', 'Cidade'],
  pt_PT: ['Morada', 'Código postal', 'Localidade'],
  nl: ['Straat', 'Postcode', 'Plaats'],
  fi: ['Katuosoite', 'Postinumero', 'Postitoimipaikka'],
  sv: ['Gatuadress', 'Postnummer', 'Ort'],
  nb_NO: ['Gateadresse', 'Postnummer', 'Poststed'],
  da: ['Vejnavn', 'Postnr.', 'By'],
  pl: ['Ulica', 'Kod pocztowy', 'Miejscowość'],
  cs_CZ: ['Ulice', 'PSČ', 'Obec'],
  hu: ['Utca', 'Irányítószám', 'Település'],
  ro: ['Strada', 'Cod poștal', 'Localitate'],
  tr: ['Adres', 'Posta kodu', 'İlçe'],
};

const localIban = (c: FreshContext): string => iban(c.d, IBAN_COUNTRY_OF_LOCALE[c.locale]);

/** What a form of that country calls the id, in its own language. */
const ID_LABELS: Readonly<Record<string, readonly string[]>> = {
  GB: ['NI number', 'National Insurance No.', 'NINO'],
  FR: ['N° de sécurité sociale', 'NIR', 'Numéro de sécu'],
  ES: ['DNI', 'NIF', 'Documento nacional de identidad'],
  BR: ['CPF', 'Nº do CPF'],
  NL: ['BSN', 'Burgerservicenummer'],
  FI: ['Henkilötunnus', 'Hetu'],
  SE: ['Personnummer', 'Pers.nr'],
  NO: ['Fødselsnummer', 'F.nr.'],
  PL: ['PESEL', 'Nr PESEL'],
  CZ: ['Rodné číslo', 'R.č.'],
  TR: ['T.C. Kimlik No', 'TCKN'],
  CN: ['身份证号', '公民身份号码'],
  RO: ['CNP', 'Cod numeric personal'],
};

/** A national id under its local label (SSN in the US; a foreign scheme where the locale has none). */
function localId(c: FreshContext): { label: string; value: string } {
  if (c.locale === 'en_US')
    return { label: c.d.pick(['Social Security No.', 'SSN#', 'Soc. Sec. #']), value: ssn(c.d) };
  const id = nationalId(c.d, ID_COUNTRY_OF_LOCALE[c.locale]);
  return { label: c.d.pick(ID_LABELS[id.country] ?? ['ID']), value: id.value };
}

function shape(id: string): (d: Dice) => string {
  const s = SECRET_SHAPES.find((x) => x.id === id);
  if (!s) throw new Error(`secrets.ts has no shape ${id}`);
  return s.make;
}

/** `user:password` as typed into URLs and `-u` flags (labelled as one SECRET, as corpus.ts does). */
const credentials = (c: FreshContext): string => `${c.userName()}:${urlPassword(c.d)}`;

const ip = (c: FreshContext): string => (c.d.chance(0.65) ? ipv4(c.d) : ipv6(c.d));
const hex = (c: FreshContext, n: number): string => c.d.chars('0123456789abcdef', n);
const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'];
const when = (c: FreshContext): string =>
  `${c.d.pick(DAYS)} ${c.d.int(1, 28)} ${c.d.pick(['Nov', 'Dec', 'Jan'])} ${c.d.pick(['2026', '2027'])} ${c.d.int(8, 17)}:${c.d.pick(['00', '30'])}`;

/** Chat lines of each locale with a first name ({n}) or, where custom asks for it, a surname ({s}). */
const LOCAL_LINES: Readonly<Record<CorpusLocale, readonly string[]>> = {
  en_US: ['morning {n}! coffee at 10?', 'thx {n} 🙏 that fixed it'],
  en_GB: ['cheers {n}, all sorted', 'ta {n}, owe you one'],
  de: ['Servus {n}, kurze Frage zum Angebot', 'Danke dir {n}! Passt so.', 'Grüß dich {n} 👋'],
  fr: ['Bonsoir {n}, tu as vu le devis ?', 'merci {n} !! trop top'],
  es: ['Buenas {n}, ¿tienes un minuto?', 'gracias {n}, ya está'],
  it: ['Salve {n}, ci sentiamo dopo?', 'grazie mille {n}'],
  pt_BR: ['E aí {n}, tudo certo?', 'valeu {n}!'],
  pt_PT: ['Boa tarde {n}, já viste o email?', 'obrigado {n}, fica para amanhã'],
  nl: ['Goedemorgen {n}, heb je even?', 'dank je {n}, top!'],
  fi: ['Huomenta {n}! ehditkö katsoa?', 'kiitti {n} 👍'],
  sv: ['God morgon {n}, har du en minut?', 'tack {n}!'],
  nb_NO: ['God morgen {n}, har du tid nå?', 'takk {n}, supert'],
  da: ['Godmorgen {n}, har du lige et øjeblik?', 'tak {n}!'],
  pl: ['Hej {n}, masz chwilę?', 'dzięki {n}, już działa'],
  cs_CZ: ['Čau {n}, máš chvilku?', 'díky {n}!'],
  hu: ['Jó reggelt {n}! ráérsz?', 'köszi {n}, így jó'],
  el: ['Καλησπέρα {n}, έχεις λίγο χρόνο;', 'ευχαριστώ {n}!'],
  ru: ['Добрый день, {n}! Есть минутка?', 'спасибо, {n}, всё работает'],
  tr: ['İyi günler {n}, müsait misin?', 'teşekkürler {n}!'],
  ja: ['{s}さん、確認お願いします', 'おはようございます、{s}さん'],
  ko: ['{s}님, 확인 부탁드립니다', '안녕하세요 {n}님!'],
  zh_CN: ['{s}总，你好！现在方便吗？', '谢谢{n}！'],
  vi: ['Chào anh {n}, anh rảnh không?', 'cảm ơn chị {n} nhé'],
  ro: ['Bună ziua {n}, ai un minut?', 'mersi {n}!'],
};

/** Writes a line holding one name placeholder ({n} first name, {s} surname), labelling the name. */
function localLine(c: FreshContext, line: string): void {
  const m = /\{([ns])\}/.exec(line);
  if (!m) {
    c.b.add(line);
    return;
  }
  const name = m[1] === 's' ? c.surname() : c.given();
  c.b
    .add(line.slice(0, m.index))
    .value('PERSON', name)
    .add(line.slice(m.index + 3));
}

// ---------------------------------------------------------------------------------------------------

/** The fresh templates, by sample kind (every kind has some, so the corpus's kind cycle works). */
export const FRESH_TEMPLATES: Record<SampleKind, readonly FreshTemplate[]> = {
  'window-title': [
    (c) => {
      const a = personWithEmail(c);
      c.b
        .add('Invitation: ')
        .value('PERSON', a.name)
        .add(' <> ')
        .value('PERSON', c.fullName())
        .add(` catch-up @ ${when(c)} - ${c.d.int(9, 11)}:45 (CET) (`)
        .value('EMAIL', a.email)
        .add(')');
    },
    (c) => c.b.add('Zoom Meeting - ').value('PERSON', c.fullName()).add("'s Personal Meeting Room"),
    (c) =>
      c.b
        .add(`${c.d.pick(['Contract', 'Vertrag', 'Contrat', 'Offer'])}_`)
        .value('PERSON', c.surname())
        .add(`_${c.d.pick(['2024', '2025', 'final_v3'])}.docx - Word`),
    (c) =>
      c.b
        .add('Lebenslauf_')
        .value('PERSON', `${c.given()}_${c.surname()}`)
        .add('.pdf - Adobe Acrobat Reader'),
    (c) => c.b.value('PERSON', surnameGiven(c)).add(' | Contacts | HubSpot'),
    (c) =>
      c.b
        .add(`INC00${c.d.int(10000, 99999)} | Laptop will not boot - `)
        .value('PERSON', c.fullName())
        .add(' | ServiceNow'),
    (c) => {
      const a = personWithEmail(c);
      c.b
        .add(`[OPS-${c.d.int(100, 9999)}] Offboarding: `)
        .value('PERSON', a.name)
        .add(' (')
        .value('EMAIL', a.email)
        .add(') - Jira');
    },
    (c) => c.b.add('Opportunity: ').value('PERSON', capsSurname(c)).add(' – Renewal FY27 | Salesforce'),
    (c) =>
      c.b
        .add('https://')
        .value('SECRET', credentials(c))
        .add('@intranet.example.org/wiki/Onboarding - Mozilla Firefox'),
    (c) => c.b.add('Meet – ').value('PERSON', c.given()).add(' is presenting'),
    (c) =>
      c.b
        .add('Huddle with ')
        .value('PERSON', c.given())
        .add(', ')
        .value('PERSON', c.given())
        .add(' and 2 others - Slack'),
    (c) => c.b.add('crm.example.com/contacts/search?q=').value('EMAIL', c.email()).add(' - Microsoft Edge'),
  ],
  chat: [
    (c) => localLine(c, c.d.pick(LOCAL_LINES[c.locale])),
    (c) =>
      c.b
        .add('lol ')
        .value('PERSON', c.given().toLocaleLowerCase(tag(c.locale)))
        .add(" you're on mute"),
    (c) =>
      c.b
        .add('did ')
        .value('PERSON', c.given())
        .add(' ever send the slides? asking for ')
        .value('PERSON', c.given()),
    (c) => c.b.add('+1 to what ').value('PERSON', c.fullName()).add(' said in standup'),
    (c) => c.b.add('new iban for the expense refund ').value('IBAN', localIban(c)).add(' pls update'),
    (c) =>
      c.b
        .add('box is ')
        .value('IP', ipv4(c.d))
        .add(', log in as ')
        .value('USERNAME', c.userName())
        .add(' pw ')
        .value('SECRET', c.secret('password').value),
    (c) =>
      c.b
        .add('booking the offsite on my card ')
        .value('CARD', cardNumber(c.d))
        .add(' exp 03/28, will expense it'),
    (c) =>
      c.b.add('the reviewer was ').value('PERSON', c.surname()).add(' not ').value('PERSON', c.surname()),
    (c) => c.b.value('PERSON', c.fullName()).add(' started a huddle in #design-crit'),
    (c) =>
      c.b
        .add('ok so ')
        .value('PERSON', c.given().toLocaleLowerCase(tag(c.locale)))
        .add(' and i will take the night shift'),
    (c) => c.b.add('whatsapp me ').value('PHONE', c.phone()).add(' 🙂'),
  ],
  mail: [
    (c) => {
      const a = personWithEmail(c);
      c.b
        .value('PERSON', a.name)
        .add(` has invited you to "Q4 planning"\nWhen: ${when(c)}\nWhere: `)
        .value('ADDRESS', c.address())
        .add('\nOrganizer: ')
        .value('EMAIL', a.email);
    },
    (c) =>
      c.b
        .add('Voicemail from ')
        .value('PHONE', c.phone())
        .add(' (0:42)\nTranscript: "Hi, it\'s ')
        .value('PERSON', c.given())
        .add(', could you call me back on ')
        .value('PHONE', c.phone())
        .add(' before five, thanks."'),
    (c) => {
      const a = personWithEmail(c);
      c.b
        .add('Cc: ')
        .value('PERSON', a.name)
        .add(' <')
        .value('EMAIL', a.email)
        .add('>; ')
        .value('EMAIL', c.email());
    },
    (c) =>
      c.b
        .add('I am away until 8 December with no access to e-mail. For anything urgent please reach out to ')
        .value('PERSON', c.fullName())
        .add(' (')
        .value('PHONE', c.phone())
        .add(').'),
    (c) =>
      c.b
        .add('Delivery has failed to these recipients or groups:\n\n')
        .value('EMAIL', c.email())
        .add("\nThe recipient's mailbox is full."),
    (c) =>
      c.b
        .add(`Invoice INV-${c.d.int(10000, 99999)} — `)
        .value('PERSON', surnameGiven(c))
        .add(`\nAmount due: €${c.d.int(100, 9999)},00 within 14 days\nPlease transfer to `)
        .value('IBAN', localIban(c)),
    (c) => c.b.add('— ').value('PERSON', c.given()).add('\n(sent from my phone, excuse typos)'),
  ],
  form: [
    (c) => {
      const id = localId(c);
      c.b
        .add('Employee: ')
        .value('PERSON', surnameGiven(c))
        .add(`\nEmployee no.: E-${c.d.int(10000, 99999)}\n${id.label}: `)
        .value('ID', id.value)
        .add('\nStart date: 2027-01-04');
    },
    (c) =>
      c.b
        .add('Cardholder name\n')
        .value('PERSON', capsSurname(c))
        .add('\nCard number\n')
        .value('CARD', cardNumber(c.d))
        .add('\nExpiry\n09/29'),
    (c) =>
      c.b
        .add('SEPA mandate · debtor ')
        .value('PERSON', c.fullName())
        .add(' · ')
        .value('IBAN', localIban(c))
        .add(' · mandate ref MND-2291'),
    (c) => {
      const id = localId(c);
      c.b.add(`${id.label} `).value('ID', id.value);
    },
    (c) =>
      c.b
        .add('Visitor ')
        .value('PERSON', c.fullName())
        .add(' | host ')
        .value('PERSON', c.fullName())
        .add(` | badge ${c.d.int(100, 999)} | mobile `)
        .value('PHONE', c.phone()),
    (c) => c.b.add('Taxpayer ').value('PERSON', c.fullName()).add(', SSN ').value('ID', ssn(c.d)),
    (c) =>
      c.b
        .add('Reimburse to\n  ')
        .value('PERSON', capsSurname(c))
        .add('\n  Bank account ')
        .value('IBAN', localIban(c)),
    (c) =>
      c.b
        .add(`DOB 19${c.d.int(50, 99)}-0${c.d.int(1, 9)}-1${c.d.int(0, 9)} · `)
        .value('PERSON', c.fullName())
        .add(' · ')
        .value('PHONE', c.phone()),
    (c) =>
      c.b
        .add('Username  ')
        .value('USERNAME', c.userName())
        .add('   Password  ')
        .value('SECRET', c.secret('password').value),
    (c) => {
      const id = localId(c);
      c.b.add(`{"field": "${id.label}", "value": "`).value('ID', id.value).add('", "verified": true}');
    },
    (c) => c.b.add('Door code / Türcode: ').value('SECRET', pin(c.d)),
  ],
  signature: [
    (c) =>
      c.b
        .value('PERSON', capsSurname(c))
        .add('\nmobile: ')
        .value('PHONE', c.phone())
        .add('\nskype: ')
        .value('USERNAME', c.userName()),
    (c) =>
      c.b
        .add('BEGIN:VCARD\nVERSION:3.0\nFN:')
        .value('PERSON', c.fullName())
        .add('\nTEL;TYPE=cell:')
        .value('PHONE', c.phone())
        .add('\nEMAIL;TYPE=work:')
        .value('EMAIL', c.email())
        .add('\nEND:VCARD'),
    (c) =>
      c.b
        .value('PERSON', c.fullName())
        .add(' (she/her) · ')
        .value('ADDRESS', c.address())
        .add(' · tel:')
        .value('PHONE', compactPhone(c)),
  ],
  'address-form': [
    (c) =>
      c.b
        .add(`DELIVERY NOTE ${c.d.int(1000, 9999)}\nConsignee:\n`)
        .value('PERSON', c.fullName())
        .add('\n')
        .value('ADDRESS', multiLineAddress(c)),
    (c) =>
      c.b
        .add('Recipient ')
        .value('PERSON', capsSurname(c))
        .add(' · ')
        .value('ADDRESS', c.address())
        .add(' · ')
        .value('PHONE', c.phone()),
    (c) => c.b.add('Your parcel is waiting at ').value('ADDRESS', c.address()).add('. Pick-up code 4471.'),
    (c) => c.b.add('Directions to ').value('ADDRESS', c.address()).add(' - Google Maps'),
    (c) => c.b.add('we moved! new place from 1 Jan: ').value('ADDRESS', c.address()),
    (c) => c.b.value('PERSON', surnameGiven(c)).add('\n').value('ADDRESS', multiLineAddress(c)),
    (c) => {
      const [street, pc, city] = ADDRESS_FIELDS[c.locale] ?? ['Street', 'ZIP / Postcode', 'City'];
      const sep = c.d.pick([': ', '\t']);
      c.b
        .add(`${street}${sep}`)
        .value('ADDRESS', `${c.street()} ${c.d.int(1, 180)}`)
        .add(`\n${pc}${sep}`)
        .value('ADDRESS', c.postcode())
        .add(`\n${city}${sep}`)
        .value('ADDRESS', c.city());
    },
    (c) =>
      c.b
        .add('Rechnungsanschrift | Adresse de facturation | Invoice address\n')
        .value('ADDRESS', c.address().replace(/, /g, ' · ')),
  ],
  'error-dialog': [
    (c) => c.b.add('Cannot send message: mailbox ').value('EMAIL', c.email()).add(' is full (552 5.2.2)'),
    (c) =>
      c.b
        .add('Sync failed for contact "')
        .value('PERSON', surnameGiven(c))
        .add('": number ')
        .value('PHONE', c.phone())
        .add(' rejected by carrier'),
    (c) =>
      c.b.add('Transfer rejected: beneficiary account ').value('IBAN', localIban(c)).add(' closed (AC04)'),
    (c) =>
      c.b
        .add("Authentication failed for '")
        .value('USERNAME', c.userName())
        .add("' from ")
        .value('IP', ip(c)),
    (c) =>
      c.b
        .add("TypeError: Cannot read properties of undefined (reading 'zip') at formatAddress(\"")
        .value('ADDRESS', c.address())
        .add('")'),
    (c) =>
      c.b
        .add("The file 'Zeugnis_")
        .value('PERSON', c.surname())
        .add(".pdf' is locked for editing by ")
        .value('PERSON', c.fullName())
        .add('.'),
    (c) => c.b.add('Charge failed: card ').value('CARD', cardNumber(c.d)).add(' has expired.'),
  ],
  log: [
    (c) => {
      const a = personWithEmail(c);
      c.b
        .add(`commit ${hex(c, 40)}\nAuthor: `)
        .value('PERSON', a.name)
        .add(' <')
        .value('EMAIL', a.email)
        .add('>\nDate:   Mon Nov 3 09:12:44 2026 +0100\n\n    fix: rounding in invoice totals');
    },
    (c) => {
      const a = personWithEmail(c);
      c.b
        .add(`${c.d.pick(['Signed-off-by', 'Co-authored-by', 'Reviewed-by'])}: `)
        .value('PERSON', a.name)
        .add(' <')
        .value('EMAIL', a.email)
        .add('>');
    },
    (c) =>
      c.b
        .value('IP', ip(c))
        .add(' - ')
        .value('USERNAME', c.userName())
        .add(' [03/Nov/2026:10:14:03 +0000] "GET /reports/q3 HTTP/1.1" 200 5120'),
    (c) =>
      c.b
        .add(`sshd[${c.d.int(1000, 9999)}]: Accepted publickey for `)
        .value('USERNAME', c.userName())
        .add(' from ')
        .value('IP', ip(c))
        .add(` port ${c.d.int(30000, 65000)} ssh2`),
    (c) =>
      c.b
        .add(`postfix/smtp[${c.d.int(1000, 9999)}]: 4F2A1C: to=<`)
        .value('EMAIL', c.email())
        .add('>, relay=mx.example.net[')
        .value('IP', ipv4(c.d))
        .add(']:25, status=sent (250 OK)'),
    (c) =>
      c.b
        .add('CDR 2026-11-03 10:02:11 inbound ')
        .value('PHONE', compactPhone(c))
        .add(' -> ext 2201 dur 00:03:12'),
    (c) =>
      c.b
        .add('{"level":"info","msg":"payout profile updated","holder":"')
        .value('PERSON', c.fullName())
        .add('","iban":"')
        .value('IBAN', localIban(c))
        .add('"}'),
    (c) =>
      c.b
        .add('DEBUG charges.create amount=4200 currency=EUR source[number]=')
        .value('CARD', cardNumber(c.d))
        .add(' source[exp]=11/28'),
    (c) => {
      const s = c.secret('token');
      c.b.add('time=2026-11-03T10:14:03Z level=debug msg="client init" token=').value('SECRET', s.value);
    },
    (c) => {
      const id = localId(c);
      c.b.add(`kyc: document check passed for ${id.label} `).value('ID', id.value).add(' (score 0.97)');
    },
  ],
  config: [
    (c) =>
      c.b
        .add('machine api.example.com login ')
        .value('USERNAME', c.userName())
        .add(' password ')
        .value('SECRET', c.secret('password').value),
    (c) =>
      c.b
        .add('[default]\naws_access_key_id = ')
        .value('SECRET', shape('aws-access-key-id')(c.d))
        .add('\naws_secret_access_key = ')
        .value('SECRET', shape('aws-secret-access-key')(c.d))
        .add('\nregion = eu-central-1'),
    (c) =>
      c.b
        .add('{"auths": {"registry.example.com": {"auth": "')
        .value('SECRET', Buffer.from(credentials(c)).toString('base64'))
        .add('"}}}'),
    (c) =>
      c.b.add('db.internal:5432:orders:').value('SECRET', `${c.userName()}:${c.secret('password').value}`),
    (c) => {
      const s = c.secret('token');
      c.b
        .add(
          `apiVersion: v1\nkind: Secret\nmetadata:\n  name: app-creds\nstringData:\n  ${s.key.toLowerCase()}: `,
        )
        .value('SECRET', s.value);
    },
    (c) =>
      c.b
        .add('[smtp]\nuser = "')
        .value('EMAIL', c.email())
        .add('"\npassword = "')
        .value('SECRET', c.secret('password').value)
        .add('"'),
    (c) =>
      c.b
        .add('spring.datasource.url=jdbc:postgresql://')
        .value('IP', ipv4(c.d))
        .add(':5432/app?user=app&password=')
        .value('SECRET', c.secret('password').value),
  ],
  terminal: [
    (c) =>
      c.b
        .value('USERNAME', c.userName())
        .add(
          `@${c.d.pick(['laptop-42', 'build01', 'MacBook-Pro', 'devbox'])}:~/src/api$ git push origin main`,
        ),
    (c) => {
      const s = c.secret('token');
      c.b
        .add('$ printenv | sort\nHOME=/home/')
        .value('USERNAME', c.userName())
        .add(`\nLANG=en_US.UTF-8\n${s.key.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}=`)
        .value('SECRET', s.value)
        .add('\nPATH=/usr/local/bin:/usr/bin:/bin');
    },
    (c) => {
      const s = c.secret('token');
      c.b
        .add('PS C:\\Users\\')
        .value('USERNAME', c.userName())
        .add(`> $env:${s.key.toUpperCase().replace(/[^A-Z0-9_]/g, '_')} = "`)
        .value('SECRET', s.value)
        .add('"');
    },
    (c) => c.b.add('$ ssh -p 2222 ').value('USERNAME', c.userName()).add('@').value('IP', ipv4(c.d)),
    (c) => c.b.add('$ curl -sS -u ').value('SECRET', credentials(c)).add(' https://ci.example.com/api/json'),
    (c) =>
      c.b
        .add(`$ history | tail -2\n  ${c.d.int(400, 999)}  mysql -h `)
        .value('IP', ipv4(c.d))
        .add(' -u admin --password=')
        .value('SECRET', c.secret('password').value)
        .add(`\n  ${c.d.int(1000, 1100)}  history | tail -2`),
    (c) =>
      c.b
        .add('$ aws configure\nAWS Access Key ID [None]: ')
        .value('SECRET', shape('aws-access-key-id')(c.d))
        .add('\nAWS Secret Access Key [None]: ')
        .value('SECRET', shape('aws-secret-access-key')(c.d))
        .add('\nDefault region name [None]: eu-west-1'),
    (c) => {
      const u = c.userName();
      c.b
        .add('sudo: ')
        .value('USERNAME', u)
        .add(' : 3 incorrect password attempts ; TTY=pts/0 ; PWD=/home/')
        .value('USERNAME', u)
        .add(' ; USER=root');
    },
  ],
  header: [
    (c) => c.b.add('X-Forwarded-For: ').value('IP', ipv4(c.d)).add(', ').value('IP', ip(c)),
    (c) =>
      c.b
        .add('Set-Cookie: __Host-sid=')
        .value('SECRET', c.secret('token').value)
        .add('; Path=/; Secure; HttpOnly; SameSite=Lax'),
    (c) =>
      c.b.add('Proxy-Authorization: Basic ').value('SECRET', Buffer.from(credentials(c)).toString('base64')),
    (c) =>
      c.b
        .add('From: "')
        .value('PERSON', surnameGiven(c))
        .add('" <')
        .value('EMAIL', c.email())
        .add('>\nReply-To: ')
        .value('EMAIL', c.email()),
    (c) => c.b.add('PRIVATE-TOKEN: ').value('SECRET', shape('gitlab')(c.d)),
    (c) =>
      c.b
        .add('GET wss://stream.example.com/socket?access_token=')
        .value('SECRET', c.secret('token').value)
        .add('&v=2'),
  ],
  'home-path': [
    (c) => c.b.add('Z:\\Profiles\\').value('USERNAME', c.userName()).add('.V6\\Desktop\\budget 2027.xlsx'),
    (c) => c.b.add('/var/mail/').value('USERNAME', c.userName()),
    (c) =>
      c.b
        .add('C:\\Users\\')
        .value('USERNAME', c.userName())
        .add('\\OneDrive - Contoso\\HR\\Contract_')
        .value('PERSON', c.surname())
        .add('.docx'),
    (c) => c.b.add('Signed in as CONTOSO\\').value('USERNAME', c.userName()),
    (c) =>
      c.b
        .add('/Users/')
        .value('USERNAME', c.userName())
        .add('/Library/Application Support/Code/User/settings.json'),
    (c) => c.b.add('file:///home/').value('USERNAME', c.userName()).add('/Pictures/passport_scan.jpg'),
  ],
  structured: [
    (c) => c.b.add('tel:').value('PHONE', compactPhone(c)),
    (c) => c.b.add('mailto:').value('EMAIL', c.email()).add('?subject=Invoice%20question'),
    (c) =>
      c.b
        .add('"')
        .value('PERSON', c.fullName())
        .add('","')
        .value('EMAIL', c.email())
        .add('","')
        .value('PHONE', c.phone())
        .add('","')
        .value('IBAN', localIban(c))
        .add('"'),
    (c) => {
      const id = localId(c);
      c.b.add('id_number=').value('ID', id.value).add('&country=').add(c.locale.slice(0, 2));
    },
    (c) => c.b.add('listen [').value('IP', ipv6(c.d)).add(']:8443 ssl;'),
    (c) =>
      c.b
        .add('BCD\n002\n1\nSCT\n\n')
        .value('PERSON', capsSurname(c))
        .add('\n')
        .value('IBAN', iban(c.d, IBAN_COUNTRY_OF_LOCALE[c.locale]).replace(/ /g, ''))
        .add(`\nEUR${c.d.int(10, 999)}.00`),
    (c) =>
      c.b.add('PAN=').value('CARD', cardNumber(c.d)).add('|EXP=1128|NAME=').value('PERSON', capsSurname(c)),
    (c) => c.b.add('ip6 ').value('IP', ipv6(c.d)).add(' dev eth0 scope global'),
  ],
};

/** How many fresh templates there are (all kinds together). */
export const FRESH_TEMPLATE_COUNT = Object.values(FRESH_TEMPLATES).reduce((n, t) => n + t.length, 0);
