/**
 * The `fresh2` split of the redaction corpus: a second sealed set of templates, written after detector
 * tuning on the `fresh` split began, by someone who has not read the detectors, in wordings and structures
 * that neither corpus.ts nor fresh-templates.ts uses: CRM activity timelines, support-chat transcripts,
 * checkout and order-confirmation screens, transfer forms with confirmation of payee, HR onboarding,
 * expense reports, meeting notes with attendees, shared-drive and PDF viewer titles, address-book cards,
 * clinic portals, boarding passes (printed and barcode), shipping labels, profile titles, env dumps,
 * kubectl / helm / docker commands with credentials, CI logs, autofill drop-downs, password-manager items,
 * spreadsheet rows, LDIF, SWIFT MT103, SIP headers, names inside sentences with no cue word and names in
 * several scripts side by side. Values come from corpus.ts's own makers (`c.fullName()`, `c.address()`,
 * `c.phone()`...) and from values.ts / secrets.ts, so only the contexts are new.
 *
 * Keep this file out of the repository detector tuners read until the fresh2 figures have been taken.
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

/** What a fresh2 template writes through: corpus.ts's SampleBuilder satisfies it structurally. */
export interface Fresh2Builder {
  readonly text: string;
  add(s: string): Fresh2Builder;
  value(type: EvalClass, v: string): Fresh2Builder;
}

/** The part of corpus.ts's SampleContext that fresh2 templates use (SampleContext satisfies it). */
export interface Fresh2Context {
  readonly b: Fresh2Builder;
  readonly d: Dice;
  readonly pools: LocalePools;
  readonly latin: LocalePools;
  readonly locale: CorpusLocale;
  given(pools?: LocalePools): string;
  surname(pools?: LocalePools): string;
  fullName(): string;
  postcode(): string;
  address(): string;
  personalId(): { label: string; value: string };
  maybeObfuscate(v: string, kinds: readonly Obfuscation[]): string;
  email(): string;
  phone(): string;
  userName(): string;
  secret(only?: 'token' | 'password'): { key: string; value: string };
}

/** A fresh2 template: the same call shape as corpus.ts's `Template`. */
export type Fresh2Template = (c: Fresh2Context) => void;

// ---------------------------------------------------------------------------------------------------
// Helpers over the context's own makers.

const CJK = new Set<CorpusLocale>(['ja', 'ko', 'zh_CN']);
const FAMILY_FIRST = new Set<CorpusLocale>(['hu', 'ja', 'ko', 'zh_CN', 'vi']);

/** Upper case, letter by letter, keeping letters whose capital does not lower back (ß, ı). */
function caps(s: string): string {
  let out = '';
  for (const ch of s) {
    const u = ch.toUpperCase();
    out += u.toLowerCase() === ch.toLowerCase() ? u : ch;
  }
  return out;
}

/** "Given Surname" in the locale's order, always with both parts (no initials, no lower case). */
function plainName(c: Fresh2Context): string {
  const g = c.given();
  const s = c.surname();
  if (CJK.has(c.locale)) return `${s}${g}`;
  return FAMILY_FIRST.has(c.locale) ? `${s} ${g}` : `${g} ${s}`;
}

/** A Latin-script person ("Given Surname"), whatever the locale: travellers, foreign colleagues. */
function latinName(c: Fresh2Context): string {
  return `${c.given(c.latin)} ${c.surname(c.latin)}`;
}

/** A name as printed on travel documents: SURNAME/GIVEN, Latin script. */
function travelName(c: Fresh2Context): string {
  return `${caps(c.surname(c.latin))}/${caps(c.given(c.latin))}`;
}

/** The local address cut into one line per comma-separated part (house numbers stay with their street). */
function addressLines(c: Fresh2Context): string {
  const out: string[] = [];
  for (const raw of c.address().split(',')) {
    const p = raw.trim();
    if (p === '') continue;
    if (out.length > 0 && (/^\d{1,4}[a-zA-Z]?$/.test(p) || /^\d+º/.test(p) || p.length <= 4))
      out[out.length - 1] += `, ${p}`;
    else out.push(p);
  }
  return out.join('\n');
}

const bankIban = (c: Fresh2Context): string => iban(c.d, IBAN_COUNTRY_OF_LOCALE[c.locale]);

/** Field names forms of each scheme's country print next to the id. */
const ID_FIELD: Readonly<Record<string, readonly string[]>> = {
  GB: ['National Insurance number', 'NI No'],
  FR: ['Numéro de sécurité sociale (NIR)', 'N° INSEE'],
  ES: ['NIF', 'Nº de DNI'],
  BR: ['CPF do titular', 'CPF/MF'],
  NL: ['BSN-nummer', 'Sofinummer'],
  FI: ['Henkilötunnus (HETU)', 'Hetu-nro'],
  SE: ['Personnr', 'Personnummer (ÅÅMMDD-XXXX)'],
  NO: ['Fødselsnr.', 'Personnummer (11 siffer)'],
  PL: ['Numer PESEL', 'PESEL pracownika'],
  CZ: ['Rodné č.', 'Rodné číslo zaměstnance'],
  TR: ['TC Kimlik Numarası', 'Kimlik No'],
  CN: ['居民身份证号码', '证件号码'],
  RO: ['Cod Numeric Personal', 'CNP angajat'],
};

/**
 * An id under the field name a form of the locale prints: the local scheme where values.ts has one, an
 * SSN in the US, else a foreign employee's id under its own country's field name and the country code.
 */
function fieldId(c: Fresh2Context): { label: string; value: string } {
  if (c.locale === 'en_US')
    return { label: c.d.pick(['Social Security Number', 'SSN (xxx-xx-xxxx)']), value: ssn(c.d) };
  const own = ID_COUNTRY_OF_LOCALE[c.locale];
  const id = nationalId(c.d, own);
  const label = c.d.pick(ID_FIELD[id.country] ?? ['ID']);
  return { label: own ? label : `${id.country} ${label}`, value: id.value };
}

function shape(id: string): (d: Dice) => string {
  const s = SECRET_SHAPES.find((x) => x.id === id);
  if (!s) throw new Error(`secrets.ts has no shape ${id}`);
  return s.make;
}

/** An environment-variable name for a secret key (`//registry...:_authToken` -> `NPM_TOKEN`-like). */
const envName = (key: string): string =>
  key
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '') || 'API_TOKEN';

/** A phone number as dialled from a URI: no trunk `(0)`, extension, spaces, dots or brackets. */
const dialled = (c: Fresh2Context): string =>
  c
    .phone()
    .replace(/\s*(?:x|ext\.?)\s*\d+$/, '')
    .replace('(0)', '')
    .replace(/[\s().-]/g, '');

const ip = (c: Fresh2Context): string => (c.d.chance(0.7) ? ipv4(c.d) : ipv6(c.d));
const digits = (c: Fresh2Context, n: number): string => c.d.chars('0123456789', n);
const money = (c: Fresh2Context): string => `${c.d.int(12, 2400)},${c.d.pick(['00', '50', '90', '15'])}`;
const hhmm = (c: Fresh2Context): string =>
  `${String(c.d.int(7, 18)).padStart(2, '0')}:${c.d.pick(['00', '05', '15', '30', '42', '55'])}`;

/** Lines where a name is just the subject or object of a sentence: no greeting, label or honorific. */
const BARE_LINES: Readonly<Record<CorpusLocale, readonly string[]>> = {
  en_US: ["{n} is out sick today so I'm covering the queue", 'looks like {f} already merged it'],
  en_GB: ['{n} reckons the figures are off by a fortnight', '{f} has the keys to the comms room'],
  de: ['{n} ist heute krank, ich übernehme die Tickets', 'laut {f} ist das Budget schon freigegeben'],
  fr: ["{n} est en congé jusqu'à lundi", 'd’après {f}, le client a déjà payé'],
  es: ['{n} está de baja esta semana', 'según {f} el cliente ya pagó'],
  it: ['{n} è in ferie fino a lunedì', 'secondo {f} il cliente ha già pagato'],
  pt_BR: ['{n} tá de folga hoje, eu cubro', 'segundo {f} o cliente já pagou'],
  pt_PT: ['{n} está de férias até segunda', 'segundo {f}, o cliente já pagou'],
  nl: ['{n} is vandaag ziek, ik neem het over', 'volgens {f} is de factuur al betaald'],
  fi: ['{n} on tänään sairaana, hoidan tiketit', '{f} sanoi että lasku on jo maksettu'],
  sv: ['{n} är sjuk idag, jag tar ärendena', 'enligt {f} är fakturan redan betald'],
  nb_NO: ['{n} er syk i dag, jeg tar sakene', 'ifølge {f} er fakturaen allerede betalt'],
  da: ['{n} er syg i dag, jeg tager sagerne', 'ifølge {f} er fakturaen allerede betalt'],
  pl: ['{n} jest dziś na L4, przejmuję zgłoszenia', '{f} mówi, że faktura jest już opłacona'],
  cs_CZ: ['{n} je dnes nemocná, přebírám tikety', '{f} říká, že faktura je zaplacená'],
  hu: ['{n} ma beteg, átveszem a jegyeit', '{f} szerint a számla már ki van fizetve'],
  el: ['{n} λείπει σήμερα, αναλαμβάνω εγώ', '{f} λέει ότι το τιμολόγιο πληρώθηκε'],
  ru: ['{n} сегодня на больничном, я подменю', '{f} говорит, что счёт уже оплачен'],
  tr: ['{n} bugün hasta, taleplere ben bakıyorum', '{f} faturanın ödendiğini söyledi'],
  ja: ['{s}は本日休暇です', '本件は{f}が対応済みです'],
  ko: ['오늘은 {f} 대신 제가 처리할게요', '{f} 말로는 이미 결제됐대요'],
  zh_CN: ['{f}今天请假，我来处理', '据{f}说发票已经付了'],
  vi: ['{f} hôm nay nghỉ ốm, mình xử lý thay', 'theo {f} thì hoá đơn đã thanh toán rồi'],
  ro: ['{n} e în concediu medical azi, preiau eu', 'după {f}, factura e deja plătită'],
};

/** Writes a line with one placeholder ({n} given name, {s} surname, {f} full name), labelling the name. */
function bareLine(c: Fresh2Context, line: string): void {
  const m = /\{([nsf])\}/.exec(line);
  if (!m) {
    c.b.add(line);
    return;
  }
  const name = m[1] === 'n' ? c.given() : m[1] === 's' ? c.surname() : plainName(c);
  c.b
    .add(line.slice(0, m.index))
    .value('PERSON', name)
    .add(line.slice(m.index + 3));
}

/** Letter closings of each locale, for signatures. */
const CLOSINGS: Partial<Record<CorpusLocale, string>> = {
  de: 'Mit freundlichen Grüßen',
  fr: 'Bien cordialement,',
  es: 'Un saludo,',
  it: 'Cordiali saluti,',
  pt_BR: 'Atenciosamente,',
  pt_PT: 'Com os melhores cumprimentos,',
  nl: 'Met vriendelijke groet,',
  fi: 'Ystävällisin terveisin',
  sv: 'Med vänliga hälsningar',
  nb_NO: 'Med vennlig hilsen',
  da: 'Med venlig hilsen',
  pl: 'Z poważaniem',
  cs_CZ: 'S pozdravem',
  hu: 'Üdvözlettel:',
  el: 'Με εκτίμηση,',
  ru: 'С уважением,',
  tr: 'Saygılarımla,',
  ja: 'よろしくお願いいたします。',
  ko: '감사합니다.',
  zh_CN: '此致敬礼',
  vi: 'Trân trọng,',
  ro: 'Cu stimă,',
};

const TITLES = ['Controller', 'Key Account Manager', 'HR Business Partner', 'Team Lead Support', 'CFO'];

// ---------------------------------------------------------------------------------------------------

/** The fresh2 templates, by sample kind (every kind has some, so the corpus's kind cycle works). */
export const FRESH2_TEMPLATES: Record<SampleKind, readonly Fresh2Template[]> = {
  'window-title': [
    (c) =>
      c.b
        .value('PERSON', plainName(c))
        .add(` – Payslip 2026-${c.d.pick(['09', '10', '11'])}.pdf – Adobe Acrobat Pro (64-bit)`),
    (c) =>
      c.b
        .add('Performance review 2026 (')
        .value('PERSON', c.fullName())
        .add(').docx - SharePoint - Microsoft Edge'),
    (c) =>
      c.b
        .add(`(${c.d.int(2, 9)}) `)
        .value('PERSON', plainName(c))
        .add(` – ${c.d.pick(TITLES)} – Fabrikam | LinkedIn`),
    (c) => c.b.add(`Northwind Traders · `).value('PERSON', c.fullName()).add(' · Activity | Pipedrive'),
    (c) => c.b.value('EMAIL', c.email()).add(' – Vault: Work – Bitwarden'),
    (c) =>
      c.b
        .add('Appointment confirmed – Dr ')
        .value('PERSON', c.surname())
        .add(` – ${c.d.pick(['Doctolib', 'Jameda', 'Zocdoc'])} — Mozilla Firefox`),
    (c) =>
      c.b.add('Incoming call – ').value('PERSON', c.fullName()).add(' (').value('PHONE', c.phone()).add(')'),
    (c) =>
      c.b
        .add(`Expense report ER-${digits(c, 5)} – `)
        .value('PERSON', c.fullName())
        .add(' – SAP Concur'),
    (c) =>
      c.b
        .add('scan_')
        .value('PERSON', `${c.surname()}-${c.given()}`)
        .add(`_passport_${digits(c, 4)}.pdf (page 1 of 2) - Foxit PDF Reader`),
  ],
  chat: [
    (c) => bareLine(c, c.d.pick(BARE_LINES[c.locale])),
    (c) => {
      const h = c.d.int(8, 17);
      const m = c.d.int(10, 50);
      const agent = c.given();
      c.b
        .add(`[${h}:${m}] `)
        .value('PERSON', agent)
        .add(
          ` (Support): thanks for waiting! could you confirm the phone number on the account?\n[${h}:${m + 2}] You: `,
        )
        .value('PHONE', c.phone())
        .add(`\n[${h}:${m + 3}] `)
        .value('PERSON', agent)
        .add(' (Support): perfect, found it');
    },
    (c) =>
      c.b.value('PERSON', c.fullName()).add(' → ').value('PERSON', latinName(c)).add(': handover done ✅'),
    (c) => c.b.add("we're at ").value('ADDRESS', c.address()).add(', ring twice, the bell is broken'),
    (c) => c.b.value('PHONE', c.phone()).add(" ← that's the courier, he calls before 5"),
    (c) => c.b.add('invite ').value('EMAIL', c.email()).add(' as a guest to the channel pls'),
    (c) =>
      c.b
        .add('put the hotel on the company card ')
        .value('CARD', c.maybeObfuscate(cardNumber(c.d, 15), ['nbsp', 'zero-width']))
        .add(', receipt is in the folder'),
    (c) =>
      c.b
        .add('guest wifi upstairs: ')
        .value('SECRET', c.secret('password').value)
        .add(' (changes every monday)'),
    (c) => c.b.value('PERSON', plainName(c).toLowerCase()).add(' approved it already, go ahead'),
  ],
  mail: [
    (c) =>
      c.b
        .add(`Thank you for your order #${digits(c, 7)}!\n\nShipping to:\n`)
        .value('PERSON', plainName(c))
        .add('\n')
        .value('ADDRESS', addressLines(c))
        .add('\n\nEstimated delivery: 3–5 business days'),
    (c) =>
      c.b
        .add('Meeting notes – vendor review\nAttendees: ')
        .value('PERSON', c.fullName())
        .add(', ')
        .value('PERSON', c.fullName())
        .add(', ')
        .value('PERSON', latinName(c))
        .add(' (guest)\nActions:\n- ')
        .value('PERSON', c.given())
        .add(' to send the revised quote by Friday'),
    (c) =>
      c.b
        .add('Welcome aboard! Your onboarding buddy is ')
        .value('PERSON', c.fullName())
        .add('.\nYour login: ')
        .value('USERNAME', c.userName())
        .add('\nTemporary password: ')
        .value('SECRET', c.secret('password').value)
        .add('\nYou will be asked to change it at first sign-in.'),
    (c) =>
      c.b
        .add(`You sent €${money(c)} to `)
        .value('PERSON', plainName(c))
        .add('\nTo account: ')
        .value('IBAN', bankIban(c))
        .add('\nReference: rent November'),
    (c) =>
      c.b
        .add('This is a reminder of your appointment with Dr ')
        .value('PERSON', c.surname())
        .add(` on ${c.d.int(1, 28)}/12 at ${hhmm(c)}, `)
        .value('ADDRESS', c.address())
        .add('.\nTo cancel, call the practice on ')
        .value('PHONE', c.phone())
        .add(' at least 24 h in advance.'),
    (c) =>
      c.b
        .value('PERSON', c.fullName())
        .add(` submitted expense report "Client visit" (€ ${money(c)}) for your approval.\nReimbursement to `)
        .value('IBAN', bankIban(c)),
    (c) =>
      c.b
        .add('Good news! Your parcel for ')
        .value('PERSON', c.fullName())
        .add(' is out for delivery to ')
        .value('ADDRESS', c.address())
        .add(' today between 10:00 and 14:00.'),
  ],
  form: [
    (c) =>
      c.b
        .add('Contact\nEmail  ')
        .value('EMAIL', c.email())
        .add('\nDelivery\nFirst name  ')
        .value('PERSON', c.given())
        .add('   Last name  ')
        .value('PERSON', c.surname())
        .add('\nAddress  ')
        .value('ADDRESS', c.address())
        .add('\nPhone (for delivery updates)  ')
        .value('PHONE', c.phone()),
    (c) =>
      c.b
        .add('Beneficiary name | ')
        .value('PERSON', plainName(c))
        .add('\nBeneficiary IBAN | ')
        .value('IBAN', c.maybeObfuscate(bankIban(c), ['nbsp', 'zero-width']))
        .add(`\nAmount | ${money(c)} EUR\nReference | Invoice 2026-${digits(c, 3)}`),
    (c) => {
      const id = fieldId(c);
      c.b
        .add('Step 2 of 4 · Personal details\nLegal name  ')
        .value('PERSON', plainName(c))
        .add(`\n${id.label}  `)
        .value('ID', c.maybeObfuscate(id.value, ['zero-width']))
        .add(`\nDate of birth  ${c.d.int(1, 28)}.${c.d.int(1, 12)}.19${c.d.int(60, 99)}`);
    },
    (c) =>
      c.b
        .add('Patient  ')
        .value('PERSON', `${c.surname()}, ${c.given()}`)
        .add('\nTreating physician  Dr ')
        .value('PERSON', c.surname())
        .add('\nIn case of emergency  ')
        .value('PHONE', c.phone()),
    (c) =>
      c.b
        .add('Employee ')
        .value('PERSON', c.fullName())
        .add(' · Cost centre 4410 · Corporate card ')
        .value('CARD', cardNumber(c.d, 16))
        .add(' · Payout account ')
        .value('IBAN', bankIban(c)),
    (c) =>
      c.b
        .add('Login · portal.example.com\nusername\n')
        .value('EMAIL', c.email())
        .add('\npassword\n')
        .value('SECRET', c.secret('password').value)
        .add('\nlast modified 12 days ago'),
    (c) =>
      c.b
        .value('PERSON', plainName(c))
        .add('\n')
        .value('ADDRESS', c.address())
        .add('\n―――――\n')
        .value('EMAIL', c.email())
        .add('\nManage addresses…'),
    (c) =>
      c.b
        .add('BOARDING PASS\nName of passenger  ')
        .value('PERSON', travelName(c))
        .add(
          ` ${c.d.pick(['MR', 'MS', 'MRS'])}\nFlight ${c.d.pick(['LH', 'AF', 'SK', 'AY', 'TK'])} ${c.d.int(100, 2999)}  Seat ${c.d.int(2, 38)}${c.d.pick(['A', 'C', 'D', 'F'])}  Gate B${c.d.int(1, 40)}`,
        ),
    (c) => {
      const id = fieldId(c);
      c.b.add(`Box 3 — ${id.label}\n[ `).value('ID', id.value).add(' ]');
    },
  ],
  signature: [
    (c) =>
      c.b
        .add(`${CLOSINGS[c.locale] ?? 'Kind regards,'}\n\n`)
        .value('PERSON', c.fullName())
        .add(`\n${c.d.pick(TITLES)}\nFabrikam · `)
        .value('ADDRESS', c.address())
        .add('\nTel. ')
        .value('PHONE', c.phone()),
    (c) =>
      c.b
        .value('PERSON', plainName(c))
        .add(` | ${c.d.pick(TITLES)}\nM `)
        .value('PHONE', c.phone())
        .add(' | E ')
        .value('EMAIL', c.email())
        .add('\nlinkedin.com/in/')
        .value('USERNAME', c.userName()),
    (c) =>
      c.b
        .add('━━━━━━━━━━━━━━━━\nTailspin Toys / Sales Dept.\n')
        .value('PERSON', c.fullName())
        .add('\nTEL: ')
        .value('PHONE', c.phone())
        .add('\nMail: ')
        .value('EMAIL', c.email())
        .add('\n━━━━━━━━━━━━━━━━'),
    (c) =>
      c.b
        .value('PERSON', c.fullName())
        .add('\nManaging Director\nAssistant: ')
        .value('PERSON', c.fullName())
        .add(' · ')
        .value('PHONE', c.phone()),
    (c) =>
      c.b
        .add('-- \n')
        .value('PERSON', plainName(c))
        .add('\nOffice: ')
        .value('PHONE', c.phone())
        .add(' | Mobile: ')
        .value('PHONE', c.phone())
        .add('\n')
        .value('ADDRESS', c.address()),
    (c) =>
      c.b
        .value('PERSON', `${c.given()} ${caps(c.surname())}`)
        .add(' · she/her · working hours Mon–Thu\n')
        .value('EMAIL', c.email()),
  ],
  'address-form': [
    (c) =>
      c.b
        .add('FROM: Wingtip Fulfilment, Hall 3\nSHIP TO:\n')
        .value('PERSON', caps(plainName(c)))
        .add('\n')
        .value('ADDRESS', addressLines(c))
        .add(`\nTRACKING 1Z${c.d.chars('0123456789ABCDEFGHJKLMNPRSTUVWXYZ', 16)}  WEIGHT 2.4 KG`),
    (c) =>
      c.b
        .add('We could not verify this address.\nYou entered: ')
        .value('ADDRESS', c.address())
        .add('\nSuggested: ')
        .value('ADDRESS', c.address())
        .add('\n[Use suggested]  [Keep what I entered]'),
    (c) => c.b.add('c/o ').value('PERSON', c.fullName()).add(', ').value('ADDRESS', c.address()),
    (c) =>
      c.b
        .add('Change of address\nPrevious: ')
        .value('ADDRESS', c.address())
        .add('\nNew: ')
        .value('ADDRESS', c.address())
        .add('\nValid from: 01.01.2027'),
    (c) =>
      c.b
        .add('Praxis Dr ')
        .value('PERSON', c.surname())
        .add(' · ')
        .value('ADDRESS', c.address())
        .add(' · 2nd floor, lift available'),
    (c) =>
      c.b
        .add(`Team dinner 🍝 Fri ${hhmm(c)}\n📍 `)
        .value('ADDRESS', c.address())
        .add('\nGoing: 7 · Maybe: 2'),
    (c) =>
      c.b
        .value('PERSON', plainName(c))
        .add(' (home)\n')
        .value('ADDRESS', c.address())
        .add('\n')
        .value('PHONE', c.phone())
        .add('\n[Edit] [Delete] [Set as default]'),
  ],
  'error-dialog': [
    (c) =>
      c.b
        .add('Confirm your payment\nWe sent a code to ')
        .value('PHONE', c.phone())
        .add(' to approve the charge on card ')
        .value('CARD', cardNumber(c.d))
        .add('.\n[Resend code]'),
    (c) =>
      c.b
        .add("The name doesn't match the account. Payee: ")
        .value('PERSON', plainName(c))
        .add(', account ')
        .value('IBAN', bankIban(c))
        .add('. Do you still want to continue?'),
    (c) =>
      c.b
        .add('Address not deliverable: ')
        .value('ADDRESS', c.address())
        .add(' (postcode does not match the town)'),
    (c) =>
      c.b
        .add('The password for ')
        .value('EMAIL', c.email())
        .add(' was changed on another device. Sign in again to keep syncing.'),
    (c) =>
      c.b
        .add('Error from server (Forbidden): pods is forbidden: User "')
        .value('EMAIL', c.email())
        .add('" cannot list resource "pods" in API group "" in the namespace "payments"'),
    (c) =>
      c.b
        .add('\\\\fs01\\users\\')
        .value('USERNAME', c.userName())
        .add(' is not accessible. Access is denied.'),
    (c) => {
      const id = fieldId(c);
      c.b
        .add(`Cannot save: ${id.label} `)
        .value('ID', id.value)
        .add(' is already assigned to employee ')
        .value('PERSON', c.fullName())
        .add('.');
    },
    (c) =>
      c.b
        .add('SSL handshake with ')
        .value('IP', ipv4(c.d))
        .add(`:${c.d.pick(['443', '8443', '993'])} failed: certificate has expired`),
  ],
  log: [
    (c) =>
      c.b
        .add(`${hhmm(c)}  `)
        .value('PERSON', c.fullName())
        .add(' logged a call with ')
        .value('PERSON', c.fullName())
        .add(' (')
        .value('PHONE', c.phone())
        .add(`)\n${hhmm(c)}  Email sent to `)
        .value('EMAIL', c.email())
        .add('\nYesterday  Deal moved to Negotiation by ')
        .value('PERSON', c.given()),
    (c) => {
      const s = c.secret('token');
      c.b
        .add(`2026-12-02T08:41:${c.d.int(10, 59)}.4821Z + echo "${envName(s.key)}=`)
        .value('SECRET', s.value)
        .add('" >> "$GITHUB_ENV"');
    },
    (c) =>
      c.b
        .add('[Pipeline] sh\n+ git clone --depth 1 https://')
        .value('SECRET', `x-access-token:${shape('github-classic')(c.d)}`)
        .add("@github.com/acme/infra.git\nCloning into 'infra'..."),
    (c) =>
      c.b
        .add('{"event":"checkout.completed","customer":{"name":"')
        .value('PERSON', c.fullName())
        .add('","email":"')
        .value('EMAIL', c.email())
        .add('","phone":"')
        .value('PHONE', c.phone())
        .add('"},"client_ip":"')
        .value('IP', ip(c))
        .add('"}'),
    (c) => {
      const id = fieldId(c);
      c.b
        .add(
          `# Query_time: ${c.d.int(1, 9)}.${digits(c, 3)}  Rows_examined: ${c.d.int(10000, 99999)}\nSELECT * FROM customers WHERE national_id = '`,
        )
        .value('ID', id.value)
        .add("' OR email = '")
        .value('EMAIL', c.email())
        .add("';");
    },
    (c) =>
      c.b
        .add(`#${digits(c, 5)} reassigned from `)
        .value('PERSON', c.given())
        .add(' to ')
        .value('PERSON', c.given())
        .add(' · requester ')
        .value('EMAIL', c.email()),
    (c) =>
      c.b
        .add(`kernel: [UFW BLOCK] IN=eth0 OUT= SRC=`)
        .value('IP', ipv4(c.d))
        .add(' DST=')
        .value('IP', ipv4(c.d))
        .add(` LEN=60 PROTO=TCP SPT=${c.d.int(30000, 65000)} DPT=22 SYN`),
    (c) =>
      c.b
        .add('webhook charge.refunded: €')
        .add(money(c))
        .add(' back to card ')
        .value('CARD', cardNumber(c.d))
        .add(' (holder ')
        .value('PERSON', caps(plainName(c)))
        .add(')'),
  ],
  config: [
    (c) =>
      c.b
        .add('services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_USER: ')
        .value('USERNAME', c.userName())
        .add('\n      POSTGRES_PASSWORD: ')
        .value('SECRET', c.secret('password').value),
    (c) =>
      c.b
        .add('auth:\n  rootPassword: "')
        .value('SECRET', c.secret('password').value)
        .add('"\n  existingSecret: ""\nsmtp:\n  from: ')
        .value('EMAIL', c.email()),
    (c) => {
      const s = c.secret('token');
      c.b
        .add(`APP_ENV=production\nLOG_LEVEL=warn\n${envName(s.key)}=`)
        .value('SECRET', s.value)
        .add('\nADMIN_EMAIL=')
        .value('EMAIL', c.email());
    },
    (c) =>
      c.b
        .add('https://')
        .value('SECRET', `${c.userName()}:${shape('gitlab')(c.d)}`)
        .add('@gitlab.example.com'),
    (c) =>
      c.b
        .add('Host bastion\n  HostName ')
        .value('IP', ip(c))
        .add('\n  User ')
        .value('USERNAME', c.userName())
        .add('\n  IdentityFile ~/.ssh/id_ed25519'),
    (c) =>
      c.b
        .add('db_password  = "')
        .value('SECRET', c.secret('password').value)
        .add('"\nallowed_cidr = "')
        .value('IP', ipv4(c.d))
        .add('/32"'),
    (c) => c.b.add('users:\n- name: ci-deployer\n  user:\n    token: ').value('SECRET', shape('jwt')(c.d)),
    (c) =>
      c.b
        .add('[global]\nindex-url = https://')
        .value('SECRET', `${c.userName()}:${urlPassword(c.d)}`)
        .add('@nexus.example.com/repository/pypi/simple'),
  ],
  terminal: [
    (c) =>
      c.b
        .add('$ kubectl create secret generic db-creds -n prod --from-literal=username=')
        .value('USERNAME', c.userName())
        .add(' --from-literal=password=')
        .value('SECRET', c.secret('password').value),
    (c) =>
      c.b
        .add(
          '$ kubectl create secret docker-registry regcred --docker-server=registry.example.com --docker-username=',
        )
        .value('USERNAME', c.userName())
        .add(' --docker-password=')
        .value('SECRET', c.secret('token').value)
        .add(' --docker-email=')
        .value('EMAIL', c.email()),
    (c) =>
      c.b
        .add("$ helm upgrade --install grafana grafana/grafana --set adminPassword='")
        .value('SECRET', c.secret('password').value)
        .add("' --set smtp.user=")
        .value('EMAIL', c.email()),
    (c) => {
      const s = c.secret('token');
      c.b
        .add('$ docker run -d -e MYSQL_ROOT_PASSWORD=')
        .value('SECRET', c.secret('password').value)
        .add(` -e ${envName(s.key)}=`)
        .value('SECRET', s.value)
        .add(' -p 3306:3306 mysql:8');
    },
    (c) => {
      const a = c.secret('token');
      const b = c.secret('token');
      c.b
        .add("$ env | grep -iE 'token|key|secret'\n")
        .add(`${envName(a.key)}=`)
        .value('SECRET', a.value)
        .add(`\n${envName(b.key)}${envName(b.key) === envName(a.key) ? '_OLD' : ''}=`)
        .value('SECRET', b.value);
    },
    (c) => {
      const u = c.userName();
      const s = c.secret('token');
      c.b
        .add('C:\\> set\nUSERNAME=')
        .value('USERNAME', u)
        .add('\nUSERPROFILE=C:\\Users\\')
        .value('USERNAME', u)
        .add(`\n${envName(s.key)}=`)
        .value('SECRET', s.value);
    },
    (c) =>
      c.b
        .add('$ scp backup-2026-11-03.sql.gz ')
        .value('USERNAME', c.userName())
        .add('@')
        .value('IP', ipv4(c.d))
        .add(':/var/backups/'),
    (c) => {
      const u = c.userName();
      c.b
        .add('$ npm login\nUsername: ')
        .value('USERNAME', u)
        .add('\nPassword:\nEmail: (this IS public) ')
        .value('EMAIL', c.email())
        .add('\nLogged in as ')
        .value('USERNAME', u)
        .add(' on https://registry.npmjs.org/.');
    },
    (c) => {
      const u = c.userName();
      c.b
        .add('$ gh auth status --show-token\ngithub.com\n  ✓ Logged in to github.com account ')
        .value('USERNAME', u)
        .add(' (keyring)\n  ✓ Token: ')
        .value('SECRET', shape('github-classic')(c.d));
    },
  ],
  header: [
    (c) => {
      const [name, make] = c.d.pick([
        ['X-Shopify-Access-Token', shape('shopify')],
        ['DD-API-KEY', (d: Dice) => d.chars('0123456789abcdef', 32)],
        ['api-key', shape('generic-api-key')],
        ['X-Auth-Token', shape('digitalocean')],
        ['X-Figma-Token', shape('generic-api-key')],
      ] as const);
      c.b.add(`${name}: `).value('SECRET', make(c.d));
    },
    (c) =>
      c.b
        .add('Received: from mail.example.org ([')
        .value('IP', ipv4(c.d))
        .add('])\nX-Originating-IP: [')
        .value('IP', ipv4(c.d))
        .add(']'),
    (c) => {
      const v6 = c.d.chance(0.5);
      c.b.add(v6 ? 'Forwarded: for="[' : 'Forwarded: for=');
      c.b.value('IP', v6 ? ipv6(c.d) : ipv4(c.d));
      c.b.add(v6 ? ']";proto=https;by=edge-3' : ';proto=https;by=edge-3');
    },
    (c) =>
      c.b
        .add('X-Forwarded-User: ')
        .value('USERNAME', c.userName())
        .add('\nX-Forwarded-Email: ')
        .value('EMAIL', c.email())
        .add('\nX-Real-IP: ')
        .value('IP', ip(c)),
    (c) =>
      c.b
        .add(':authority: api.example.com\n:method: GET\n:path: /v2/me\nauthorization: Token ')
        .value('SECRET', c.secret('token').value),
    (c) =>
      c.b
        .add('From: "')
        .value('PERSON', plainName(c))
        .add('" <sip:')
        .value('PHONE', dialled(c))
        .add('@pbx.example.com>;tag=')
        .add(c.d.chars('0123456789abcdef', 8)),
    (c) => c.b.add('Sec-WebSocket-Protocol: graphql-ws, ').value('SECRET', shape('jwt')(c.d)),
  ],
  'home-path': [
    (c) =>
      c.b
        .add('/Users/')
        .value('USERNAME', c.userName())
        .add('/.Trash/Bewerbung ')
        .value('PERSON', c.surname())
        .add('.pdf'),
    (c) => c.b.add('~').value('USERNAME', c.userName()).add('/public_html/index.php'),
    (c) =>
      c.b.add('\\\\wsl.localhost\\Ubuntu\\home\\').value('USERNAME', c.userName()).add('\\.kube\\config'),
    (c) => {
      const u = c.userName();
      c.b
        .value('USERNAME', u)
        .add(`@LAPTOP-${c.d.chars('0123456789ABCDEF', 6)} MINGW64 /c/Users/`)
        .value('USERNAME', u)
        .add('/source/repos/api (main)');
    },
    (c) =>
      c.b
        .add('  File "/home/')
        .value('USERNAME', c.userName())
        .add('/.local/lib/python3.12/site-packages/requests/api.py", line 73, in get'),
    (c) => c.b.add('/var/crash/_home_').value('USERNAME', c.userName()).add('_bin_sync-agent.1000.crash'),
    (c) =>
      c.b.add('$ docker run -v /home/').value('USERNAME', c.userName()).add('/data:/data --rm etl:latest'),
    (c) =>
      c.b
        .add('[ERROR] Could not read settings: C:\\Users\\')
        .value('USERNAME', c.userName())
        .add('\\.m2\\settings.xml (Access is denied)'),
  ],
  structured: [
    (c) =>
      c.b
        .add('kundennr;name;email;telefon;iban\n')
        .add(`${digits(c, 6)};`)
        .value('PERSON', plainName(c))
        .add(';')
        .value('EMAIL', c.email())
        .add(';')
        .value('PHONE', c.phone())
        .add(';')
        .value('IBAN', bankIban(c))
        .add(`\n${digits(c, 6)};`)
        .value('PERSON', plainName(c))
        .add(';')
        .value('EMAIL', c.email())
        .add(';;'),
    (c) =>
      c.b
        .add('{\n  "firstName": "')
        .value('PERSON', c.given())
        .add('",\n  "lastName": "')
        .value('PERSON', c.surname())
        .add('",\n  "shippingAddress": "')
        .value('ADDRESS', c.address())
        .add('",\n  "marketingOptIn": false\n}'),
    (c) => {
      const name = travelName(c);
      c.b
        .add('M1')
        .value('PERSON', name)
        .add(
          `${' '.repeat(Math.max(1, 20 - name.length))}E${c.d.chars('ABCDEFGHJKLMNPQRSTUVWXYZ', 6)} FRAHEL${c.d.pick(['AY', 'LH'])} 0${c.d.int(100, 999)} 31${c.d.int(0, 9)}Y0${c.d.int(10, 38)}C0042 100`,
        );
    },
    (c) =>
      c.b
        .add(':20:REF')
        .add(digits(c, 8))
        .add('\n:32A:261103EUR')
        .add(money(c))
        .add('\n:50K:/')
        .value('IBAN', bankIban(c).replace(/ /g, ''))
        .add('\n')
        .value('PERSON', caps(plainName(c)))
        .add('\n:59:/')
        .value('IBAN', iban(c.d).replace(/ /g, ''))
        .add('\n')
        .value('PERSON', caps(plainName(c))),
    (c) => {
      const u = c.userName();
      c.b
        .add('dn: uid=')
        .value('USERNAME', u)
        .add(',ou=people,dc=corp,dc=example\nobjectClass: inetOrgPerson\ncn: ')
        .value('PERSON', plainName(c))
        .add('\nmail: ')
        .value('EMAIL', c.email())
        .add('\ntelephoneNumber: ')
        .value('PHONE', c.phone());
    },
    (c) =>
      c.b
        .add('MECARD:N:')
        .value('PERSON', `${c.surname()},${c.given()}`)
        .add(';TEL:')
        .value('PHONE', dialled(c))
        .add(';EMAIL:')
        .value('EMAIL', c.email())
        .add(';;'),
    (c) => {
      const id = fieldId(c);
      c.b
        .add(`- customer: ${digits(c, 5)}\n  tax_id: "`)
        .value('ID', id.value)
        .add(`"\n  segment: retail`);
    },
    (c) =>
      c.b
        .add('{"allowed_ips": ["')
        .value('IP', ipv4(c.d))
        .add('", "')
        .value('IP', ipv6(c.d))
        .add('"], "mfa": true}'),
    (c) =>
      c.b
        .add('Holder\tCard\tLimit\n')
        .value('PERSON', plainName(c))
        .add('\t')
        .value('CARD', cardNumber(c.d))
        .add(`\t${c.d.int(1, 9)} 000`),
    (c) =>
      c.b
        .add('employee,badge,door_pin\n')
        .value('PERSON', c.given())
        .add(`,B-${digits(c, 4)},`)
        .value('SECRET', pin(c.d)),
  ],
};

/** How many fresh2 templates there are (all kinds together). */
export const FRESH2_TEMPLATE_COUNT = Object.values(FRESH2_TEMPLATES).reduce((n, t) => n + t.length, 0);
