/**
 * Person names, scored from evidence as Presidio scores them, so UI strings stay untouched. A field is cut
 * into words (one pass over char codes, a class table for Latin, Greek and Cyrillic); runs of name-shaped
 * words (capitalised, ALL-CAPS, caseless scripts, initials, particles such as `van der`) are candidates,
 * and each run's score adds up what speaks for a person:
 *
 * - lexicons: given names and surnames of 50+ locales (`npm run lexicons`), hyphenated parts too;
 * - cues before: honorifics in many languages (`Dr.`, `Herr`, `Mme`, `Sra.`, `Pani`), greetings and thanks
 *   (`Hi`, `Hej`, `Szia`, `gracias`, `kiitos`), form labels with a colon (`Name:`), on the line above
 *   (`Cardholder name`) or role labels without one (`Recipient`, `host`), phrases (`Chat with`, `reach out
 *   to`), a self-introduction (`it's`, `ich bin`), a messaging app's title segment, a closing line or a
 *   lone dash before a signature, a personal document's file name (`Lebenslauf_Maija_Virtanen.pdf`,
 *   `Bewerbung Virtanen.pdf`, `scan_Virtanen-Maija_passport.pdf`); a label set off by two spaces or a tab
 *   (`Legal name  Maija Virtanen`), a later item of a labelled list (`Attendees: A. B, Maija Virtanen`), a
 *   table header naming the cell's column (`kundennr;name;email`), a SWIFT party field (`:59:`) on the line
 *   above, a call notification (`Incoming call – `), a card holder in capitals (`holder MAIJA VIRTANEN`);
 * - cues after: an email address in `<…>` or `(…)`, pronouns (`(she/her)`), `wrote:`, `and I`, a
 *   vocative (`Maija, can you…`, `maija you're on mute`), a messaging app after a title separator (in the
 *   first two segments only), a verb, `→` (a handover), a job title on the next line, a chat role after a
 *   timestamp (`[17:20] Maija (Support):`), `).docx` after a parenthesised name;
 * - a word of the run in the local part of an email address in the same field;
 * - grammar: two or more capitalised words, initials (`J. Smith`), `Surname, Given` after a cue, above an
 *   address or in a CSV cell, a whole title segment or quoted cell, `A <> B`, and a lone unknown capitalised
 *   word inside a lowercase sentence (not after `in`, `the`…, not in German text, whose nouns are
 *   capitalised);
 * - compromise's opinion, asked only about undecided runs inside sentences, where its grammar works;
 *
 * and what speaks against it: words of user interfaces and everyday English (`Save As`, `Open Recent`,
 * `Privacy Settings`), words with everyday endings (`Authentication`), street-type words of many languages,
 * ALL-CAPS runs without a strong cue (acronyms), a word before a number (a field label), letters glued to
 * digits or code marks (`Lua%0933`), handles (`madlen.unger`), kebab-case identifiers (`ci-deployer`), a
 * run ending in an everyday word no lexicon knows (`Wingtip Fulfilment`). A run made only of everyday words is never
 * a name. Single words need a cue; lowercase names need a cue or a segment of their own.
 */
import { createRequire } from 'node:module';
import { GIVEN_NAME_KEYS, NLP_NAME_KEYS, STREET_SUFFIXES, SURNAME_KEYS, UI_WORD_KEYS } from '../lexicon.js';
import { UI_WORDS } from '../lexicons/ui-words.js';
import { STREET_TYPES } from './address-vocabulary.js';
import { type Candidate, copyPatterns, type DetectorLayer, type Enabled, freezePatterns } from './common.js';

/** Named regexes, exported so the ReDoS test can analyse every one. Frozen: layers run copies. */
export const NAME_PATTERNS = freezePatterns({
  /** Text that may hold a name without capitals: caseless scripts, or a greeting before a lowercase word. */
  nameHint:
    /[\u0590-\u07ff\u0e00-\u0e7f\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]|\b(?:hi|hey|hello|dear|thanks|thx|cheers|regards|hej|hallo|moi|hei|ciao|hola|szia|ahoj|olá|oi|with|to|cc|ping|copy|ask|tell|remind|invite|contact|name|from|by|host|visitor|holder|owner|gracias|grazie|merci|danke|obrigad[oa]|tack|takk|kiitos|kiitti|dzięki|köszi|díky|děkuji|bedankt|ta|and (?:i|me)|you['’]re|you are|it['’]s|this is|i['’]m|said|told|asked|agreed|approved|confirmed|signed)\b/i,
  // The patterns below are not global: they never write `lastIndex`, so the frozen definitions run as is.
  /** `Maija Virtanen <maija@…`, `Maija Virtanen (maija@…)` */
  emailAfter: /^ ?[<(][^>)\s@]{1,64}@/,
  /** Pronouns after a name (`Maija Virtanen (she/her)`): only people state them. */
  pronounsAfter: /^ ?\((?:she|he|they|ze|xe|ey)\/(?:her|hers|him|his|them|theirs|zir|xem|em|she|he|they)\)/,
  /** A person coordinated with the writer (`maija and I will…`). */
  andMe: /^ and (?:i|me)\b/,
  /** A self-introduction before a name (`Hi, it's Maija`, `this is Maija`, `ich bin Maija`). */
  introBefore:
    /(?:^|[\s,;("'])(?:it['’]s|this is|here is|i['’]m|i am|my name is|je suis|ich bin|hier ist|me llamo|soy|sono|sou|aqui é|jestem|jsem|olen|vagyok|ik ben|jag heter|jeg er)$/,
  /** A line that is only a dash before a signature name (`— Maija`, `-- Maija`, `~Maija`). */
  dashLine: /^(?:--?|—|–|~)$/,
  /** `Maija <> Ferenc` (a meeting) or `Maija → Ferenc` (a handover) after a span. */
  pairAfter: /^ (?:<>|→|->) /,
  /** `Maija <> Ferenc`, `Maija → Ferenc` before a span. */
  pairBefore: / (?:<>|→|->)$/,
  /** A SWIFT MT party field (`:50K:` ordering customer, `:59:` beneficiary): its next line is a name. */
  swiftParty: /^:(?:50|59)[a-z]?:/,
  /** Verbs of saying and doing after a person (`Maija Virtanen said`): a weak cue. */
  verbAfter:
    /^(?:['’]s| (?:said|says|told|asked|replied|mentioned|thinks|thought|agreed|confirmed|approved|joined|left|wants|needs|called|emailed|messaged|promised|suggested|explained|reported|shared|signed|is|was|will|has|had|can|could|would|should|does|did|[a-z]{2,12}ed)\b)/,
  /** `Maija Virtanen wrote:` */
  wroteAfter:
    /^,? (?:wrote|writes|schrieb|a écrit|escribió|escreveu|ha scritto|kirjoitti|írta|napisał|napsal)\b/,
  /** A window-title separator after a span. */
  separatorAfter: /^ ?[-|–—·•] /,
  /** A notification counter or timestamp that starts a title or a chat line (`(3) `, `[10:32] `). */
  counter: /^[([][\d:., ]{1,12}[)\]]$/,
  /** A vocative: `Maija, can you…` at the start of a line. */
  vocative:
    /^, (?:can|could|would|will|please|pls|are|do|did|have|when|where|what|how|any|is|i|we|you|thanks|thank)\b/,
  /** A person addressed before `you're`/`are you` (`lol maija you're on mute`), wherever on the line. */
  vocativeYou: /^,? (?:you['’]re|you are|you['’]ve|are you|did you|can you|could you)\b/,
  /** A parenthesised status or role after a title segment (`Maija Virtanen (External) - Teams`). */
  statusAfter: /^ \([\p{L} .-]{1,30}\)/u,
  /** A window-title separator (or a label colon) before a span. */
  separatorEnd: /[-|–—·•:]$/,
  /** The first word after a separator (an app name). */
  appWord: /^[\p{L}.]{1,20}/u,
  /** A messaging app and a separator ending the text before a span (`WhatsApp - `). */
  appBefore: /(?:^|[-|–—:] )([\p{L}.]{1,20}) ?[-|–—:]$/u,
  /** After a mentioned name: a space and a lowercase word (`@Maija please`). */
  mentionAfter: /^[\p{L}'’-]{1,40},? ([a-z]{2,12})\b/u,
  /** A digit. */
  hasDigit: /\d/,
  /** Two spaces or a tab that part a form label from its value (`Legal name  Saige Jerde`). */
  wideGap: /\S(?: {2,}|\t\s*)$| {3}$/,
  /** A call notification and a dash before a caller. */
  callBefore: /(?:^|\s)(?:incoming|missed|outgoing) call ?[-–—:]$/,
  /** A file extension right after a span (`Bewerbung Berg.pdf`). */
  extensionAfter: /^\.[a-z][a-z0-9]{1,4}\b/,
  /** The end of a parenthesised part of a file name (`(Siv Berg).docx`). */
  parenFileAfter: /^\)\.[a-z][a-z0-9]{1,4}\b/,
  /** A form label opening a line (`Attendees: `). */
  listLabel: /^\s*(\p{L}{2,20}):\s/u,
  /** What a list of names does not hold: digits, colons, brackets, sentence ends. */
  notInList: /[\d:;()<>[\]!?]/,
  /** A sentence end inside a text (`. then`). */
  sentenceEnd: /\.\s+\p{Ll}/u,
  /** A role in parentheses and a colon after a chat speaker (`[17:20] Siv (Support): …`). */
  chatRoleAfter: /^ \([\p{L} ]{1,20}\): /u,
  /** A label and its value on one line, parted by a colon or a wide gap. */
  labelValue: /\S(?::\s+| {2,}|\t\s*)\S/,
  /** Quotes and spaces at the end of a text (`"name": "`). */
  quotesEnd: /["'“”‘’\s]{1,4}$/,
  /** What may stand right before a cue word. */
  cueOpen: /[\s([,;|>"'“«]/,
  /** What may follow the last word of a lowercase name. */
  clauseEnd: /[\s,!.:;)"'|·]/,
  /** Derivational endings of everyday words (`Authentication`, `Deployment`), not of names. */
  wordSuffix: /(?:[st]ion|ness|ship|ware|ology|ization|isation|ability|.{6}ment)$/,
} as const);

/** Scores: what each piece of evidence adds. Tuned on the held-out evaluation, not on test names. */
const SCORE = {
  /** A word found in a given-name or surname lexicon. */
  lexicon: 0.45,
  /** A lexicon word that is also an everyday word (`Rose`, `Will`). */
  ambiguous: 0.2,
  /** A capitalised or caseless word found in no lexicon. */
  unknown: 0.15,
  /** An ALL-CAPS word found in no lexicon (acronyms are common). */
  unknownUpper: 0.05,
  /** An everyday or UI word. */
  common: -0.15,
  /** Two or more words. */
  several: 0.1,
  /** Initials with a capitalised word (`J. Smith`, `Smith J.`). */
  initials: 0.25,
  /** `Surname, Given` shape. */
  inverted: 0.1,
  /** Honorific, greeting, form label, `Chat with`, signature after a closing line, `Name <email>`. */
  strongCue: 0.5,
  /** Bare `with`/`by`, a messaging app after a title separator, a chat line `Name: …`. */
  weakCue: 0.35,
  /** compromise tags the run as a person. */
  nlp: 0.3,
  /** A lone unknown capitalised word inside a lowercase sentence. */
  properSingle: 0.35,
  /** A single word needs a strong cue; this is its base. */
  single: 0.3,
  /** Two or more capitalised words, none an everyday word, after a lowercase word mid-sentence. */
  proper: 0.1,
  /** A run that is a whole segment of a `|`- or ` - `-separated line (signature, window title). */
  segment: 0.2,
} as const;

/** Runs scoring below this are not reported at all (the policy threshold decides among the rest). */
const REPORT_FROM = 0.25;
/**
 * Runs inside a sentence without a cue scoring in [NLP_FROM, 0.5) are put to compromise: its grammar reads
 * prose. Asked about form fields and titles too (before issue 14's fresh split), it named only street names
 * there and changed no recall.
 */
const NLP_FROM = 0.3;
/** Characters of context passed to compromise around a run. */
const NLP_WINDOW = 80;
/** compromise calls per field at most (a long capitalised field must not cost one per run). */
const MAX_NLP_CALLS = 8;
/** Characters before a span searched for its cues. */
const HEAD_MAX = 160;
/** Words in a run beyond which it is a heading, not a name. */
const MAX_RUN_WORDS = 6;

const words = (s: string): ReadonlySet<string> => new Set(s.split(/\s+/).filter(Boolean));

/** Honorifics and titles that precede a name (lower case, without the dot). */
const HONORIFICS = words(`mr mrs ms miss mx dr prof sir dame madam herr frau fräulein mme mlle mons monsieur
  madame mademoiselle sr sra srta srª señor señora señorita dott dottssa dottoressa sig sigra signor signora
  signorina pan pani panna hr fru frk dhr mevr mevrouw heer rouva herra neiti úr asszony ifj ing mgr bc doc
  judr mudr phdr rndr dipl sayın bay bayan ông bà anh chị г-н г-жа господин госпожа κ κα κος κύριος κυρία
  don doña dña dom dona`);
/** Honorifics that are everyday words too: they only count before a word that is not one. */
const WEAK_HONORIFICS = words('pan bay don dom dona anh bà ông sir dame doc ing bc');

/** Greetings and thanks before a name (`Hi Maija`, `Kedves Ferenc`): strong cues, even for lowercase. */
const GREETINGS = words(`dear hi hey hello hiya howdy hej hejsan hallo moi moikka hei heippa terve bonjour
  salut coucou hola olá ola oi ciao salve szia sziasztok kedves tisztelt ahoj čau cześć czesc witaj witam
  servus moin hoi hoihoi tere labas sveiki merhaba selam привет здравствуйте γεια chào thanks thank thx ty
  cheers morning afternoon evening liebe lieber geehrte geehrter cher chère querido querida estimado
  estimada estimados caro cara gentile gentilissima drogi droga szanowny szanowna milý milá vážený vážená
  hyvä beste geachte kära bäste kære kjære sayın dragă bună buna dobrý dobry dzień dzien buenos buenas
  días dias bom boa buongiorno buonasera goede guten καλημέρα σου добрый xin good-morning dobrý-den
  dia día tarde den
  gracias grazie merci danke dank obrigado obrigada valeu tack takk tak kiitos dzięki dziękuję köszönöm
  köszi děkuji díky bedankt dankjewel teşekkürler sağol спасибо ευχαριστώ grüß grüezi servus e-aí
  grüß-dich grüß-gott grazie-mille kiitti καλησπέρα καληνύχτα χαίρετε gràcies hvala mulțumesc mersi zdravo
  dzień-dobry buenos-días buenas-tardes bom-dia boa-tarde guten-tag guten-morgen goede-morgen god-morgen
  γεια-σου xin-chào добрый-день`);
/** Form labels: strong cues when followed by `:` (`Name: …`, `Assigned to: …`). */
const LABELS = words(`name names fullname contact customer client assignee reporter owner author requester
  sender recipient attendee attendees organizer organiser participant participants employee manager user
  firstname lastname surname forename givenname familyname middlename
  holder cardholder patient person candidate applicant lead from to cc bcc von an à de para od do kimden kime
  van aan nom prénom nombre nome cognome nachname vorname imię nazwisko jméno příjmení meno nimi név
  fn όνομα имя фамилия adı ad soyad tên 이름 姓名 名前 氏名 by attn attention displayname addressee consignee
  beneficiary payee signatory guest visitor passenger student host taxpayer debtor creditor consignor
  shipper tenant landlord buyer seller caller callee driver reviewer approver interviewer interviewee
  speaker presenter sponsor inhaber empfänger absender destinataire expéditeur titular
  destinatário remetente destinatario mittente intestatario ontvanger afzender odbiorca nadawca
  příjemce odesílatel vastaanottaja lähettäjä címzett feladó mottagare avsändare alıcı gönderen`);
/** Word pairs before a name, strong without a colon (`Chat with`, `Assigned to`). */
const PHRASES = words(`chat-with meeting-with call-with sync-with lunch-with catch-up-with conversation-with
  message-from email-from mail-from assigned-to created-by shared-by invited-by sent-by modified-by
  updated-by approved-by reviewed-by submitted-by requested-by behalf-of reply-to 1-1-with 1:1-with
  interview-with dinner-with coffee-with call-from according-to ship-to deliver-to send-to bill-to
  care-of reach-out-to talk-to speak-to speak-with talk-with escalate-to forward-to forwarded-to
  reassigned-from reassigned-to handed-over-to handover-to incoming-call missed-call
  editing-by edited-by opened-by owned-by locked-by checked-out-by`);
/** The last word of a job title (`Managing Director`, `Key Account Manager`, `Geschäftsführerin`). */
const JOB_TITLES = words(`director manager engineer developer designer consultant controller partner ceo cfo
  cto coo cio cmo president officer lead analyst architect assistant specialist coordinator administrator
  accountant advisor adviser associate intern head founder co-founder recruiter scientist researcher
  editor counsel attorney lawyer secretary treasurer supervisor representative executive vp chair
  geschäftsführer geschäftsführerin leiter leiterin directeur directrice gérant gérante gerente direttore
  direttrice responsabile kierownik dyrektor ředitel ředitelka johtaja igazgató directeur-général`);
/** Role labels after which a name is conventionally printed in capitals (cards, tickets, payments). */
const CAPS_ROLES = words('holder cardholder passenger beneficiary payee remitter');
/** Single words before a name, weak cues (`with Maija`, `by Ferenc`). */
const WEAK_BEFORE =
  words(`with by mit avec con com met med kanssa ile cc ping copy ask tell invite remind contact
  for to user owner assignee author member employee customer colleague manager calling message dm`);
/** Role labels that are cues without a colon too (`Recipient Maija Virtanen`, `host Ferenc Kovács`). */
const ROLE_LABELS: ReadonlySet<string> = new Set(
  [...LABELS].filter((l) => l.length >= 4 && !['from', 'para', 'kimden', 'name', 'names'].includes(l)),
);
/** Words before a proper noun that is a place, product or organisation rather than a person. */
const THING_BEFORE = words(`in at near from via into onto across around inside outside towards toward through
  visiting of on like than the a an this that these those our your their its my new old using via install
  installed open opened run running deploy deployed launch launched upgrade update updated uses use calls
  restart restarted start started stop stopped enable enabled disable disabled configure configured migrate
  migrated build built load loaded import imported export exported query queried supports requires sync
  synced connect connected`);
/** German function words: in a field that has one, a capitalised word mid-sentence is a noun. */
const GERMAN_FUNCTION_WORDS = words(`und oder der die das den dem des ein eine einen einem einer zum zur im am
  vom beim ist sind nicht mit für auf aus bei nach von zu ich wir sie er es du ihr bitte noch auch schon
  kurze kurz neue neuen alle`);
/** Closing lines before a signature. */
const CLOSINGS = words(`regards best thanks thank-you many-thanks cheers sincerely yours-sincerely
  yours-truly yours best-regards kind-regards warm-regards best-wishes br brgds rgds mvh
  med-vänlig-hälsning vänliga-hälsningar hälsningar mfg mit-freundlichen-grüßen viele-grüße liebe-grüße
  beste-grüße grüße gruß cordialement bien-à-vous amitiés saludos un-saludo atentamente cumprimentos
  atenciosamente abraços cordiali-saluti saluti distinti-saluti pozdrawiam z-poważaniem s-pozdravem
  s-pozdravom üdvözlettel üdv terveisin ystävällisin-terveisin met-vriendelijke-groet groeten groetjes
  venlig-hilsen hilsen saygılarımla с-уважением με-εκτίμηση trân-trọng -- — xoxo love`);
/** Personal documents that are filed under their person's name (`Lebenslauf_Maija_Virtanen.pdf`). */
const PERSONAL_DOCUMENTS = words(`cv resume résumé lebenslauf zeugnis arbeitszeugnis bewerbung contract
  contrat contrato contratto vertrag arbeitsvertrag kontrakt sopimus szerződés smlouva umowa payslip
  paystub gehaltsabrechnung lohnabrechnung nómina offer passport reisepass
  passeport pasaporte passaporto visa reference referenz certificate zertifikat appraisal evaluation
  termination onboarding offboarding nda headshot portrait`);
/** Messaging and mail apps whose window titles carry a person (`Maija Virtanen - Outlook`). */
const MESSAGING_APPS = words(`outlook teams microsoft slack zoom whatsapp skype signal telegram discord
  messenger webex gmail mail thunderbird chat hangouts facetime imessage messages lync linkedin wechat line
  viber element mattermost rocket.chat zulip meet google`);
/** Weak cues that also take lowercase names (`ping villy nissen`, `copy mateusz kurowski`). */
const LOWERCASE_WEAK = words('ping copy cc ask tell remind invite contact');
/** Keywords that follow a code annotation (`@Override public`), not a mentioned person. */
const CODE_WORDS = words(
  'public private protected internal static final abstract void class interface fun def val var let const return async override open suspend inline',
);
/** Lowercase particles inside a name (`van der Berg`, `de la Cruz`, `bin Rashid`). */
const PARTICLES = words(
  'van von der den de del della la le du des da dos das di bin binti ibn al el ter ten zu',
);
/** Lowercase prefixes joined to a capitalised name (`al-Sayed`, `d'Alembert`, `O'Brien` is capitalised). */
const JOINED_PREFIX = /^(?:al|el|ul|ibn|bin|d|dell|dall|l)['’-]\p{Lu}/u;

/** Street-type words (addresses, never names); the address layer beats names on overlap anyway. */
const STREET_KEYS: ReadonlySet<string> = new Set([
  ...[...STREET_SUFFIXES].map((s) => s.toLowerCase()),
  // the address grammar's street-type words of every language (`Avenida`, `Travessa`, `Quai`), but not the
  // weak ones that are everyday words or names too (`Via`, `Place`), nor the abbreviations that read as
  // initials (`g.`, `u.`)
  ...[...STREET_TYPES].filter(([k, t]) => !t.weak && !t.needsDot && k.length > 2).map(([k]) => k),
]);

/** How a word is written. */
type Shape = 'title' | 'upper' | 'initial' | 'lower' | 'caseless' | 'other';

interface Word {
  readonly start: number;
  readonly end: number;
  readonly key: string;
  readonly shape: Shape;
  /** Whether a name lexicon knows the key: 1 yes, 0 no, -1 not looked up yet. */
  named: number;
  /** Whether the key is an everyday or UI word: 1 yes, 0 no, -1 not looked up yet. */
  common: number;
}

/** Whether a name lexicon knows the word (looked up once per word). */
function named(w: Word): boolean {
  if (w.named < 0) w.named = inNameLexicon(w.key) ? 1 : 0;
  return w.named === 1;
}

/** Whether the word is everyday or UI vocabulary (looked up once per word). */
function common(w: Word): boolean {
  if (w.common < 0) {
    const k = w.key;
    const everyday =
      isCommon(k) ||
      (w.shape === 'title' && k.length >= 8 && NAME_PATTERNS.wordSuffix.test(k) && !named(w)) ||
      // a lowercase compound is everyday when a part is (`app-creds`, `follow-up`)
      (w.shape === 'lower' && k.includes('-') && k.split('-').some(isCommon)) ||
      // a capitalised compound of everyday words is one too (`Mon-Thu`, `Read-Only`)
      (w.shape !== 'lower' && k.includes('-') && k.split('-').every(isCommon));
    w.common = everyday ? 1 : 0;
  }
  return w.common === 1;
}

/** Letter classes: what the tokenizer needs to know of a character. */
const CH = { none: 0, lower: 1, upper: 2, caseless: 3, modifier: 4, mark: 5 } as const;

const CLASS_TESTS: readonly [RegExp, number][] = [
  [/\p{Ll}/u, CH.lower],
  [/[\p{Lu}\p{Lt}]/u, CH.upper],
  [/\p{Lo}/u, CH.caseless],
  [/\p{Lm}/u, CH.modifier],
  [/\p{M}/u, CH.mark],
];

/** The class of one UTF-16 unit (a lone surrogate is none). */
function classify(ch: string): number {
  for (const [re, cls] of CLASS_TESTS) if (re.test(ch)) return cls;
  return CH.none;
}

/** Classes of Latin, Greek and Cyrillic, tabled once so the tokenizer's loop asks no regex for them. */
const TABLED = 0x530;
const CLASS_TABLE: Uint8Array = (() => {
  const t = new Uint8Array(TABLED);
  for (let c = 0; c < TABLED; c++) t[c] = classify(String.fromCharCode(c));
  return t;
})();

/** The class of the character at `i`. */
function classAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  return c < TABLED ? (CLASS_TABLE[c] as number) : classify(text[i] as string);
}

const isLetter = (cls: number): boolean => cls !== CH.none && cls !== CH.mark;

/** `'`, `’` and `-` join the parts of a word (`O'Brien`, `Jean-Luc`). */
const isJoiner = (c: number): boolean => c === 39 || c === 0x2019 || c === 45;

/** How the word [start, end) of `text` is written. */
function shapeAt(text: string, start: number, end: number): Shape {
  let seen = 0;
  for (let i = start + 1; i < end; i++) seen |= 1 << classAt(text, i);
  return shapeOf(text, start, end, classAt(text, start), seen);
}

/** The shape of a word from its first character's class and the classes seen after it (bit per class). */
function shapeOf(text: string, start: number, end: number, first: number, seen: number): Shape {
  const lower = (seen & (1 << CH.lower)) !== 0;
  const upper = (seen & (1 << CH.upper)) !== 0;
  if (first === CH.upper) {
    if (lower) return upper && isCamel(text, start, end) ? 'other' : 'title';
    if (end - start === 1) return text.charCodeAt(end) === 46 ? 'initial' : 'other';
    return 'upper';
  }
  if (first === CH.lower) {
    if (!upper) return 'lower';
    if (end - start > 2 && joinedEarly(text, start, end) && JOINED_PREFIX.test(text.slice(start, start + 6)))
      return 'title';
    // an inner capital in a lowercase word is code or a brand (`gwHqaN`, `iPhone`), not a lowercase name
    return 'other';
  }
  if (first === CH.caseless) return end - start <= 8 ? 'caseless' : 'other';
  return lower ? 'lower' : 'other';
}

/** Whether a joiner stands among the first five characters of a word (`al-`, `d'`, `dall'`). */
function joinedEarly(text: string, start: number, end: number): boolean {
  for (let i = start + 1; i < end && i < start + 5; i++) if (isJoiner(text.charCodeAt(i))) return true;
  return false;
}

/** An inner capital after three letters (`GitHub`, `IntelliJ`, `JavaScript`): a product, not `McDonald`. */
function isCamel(text: string, start: number, end: number): boolean {
  if (end - start < 4 || classAt(text, start + 1) !== CH.lower || classAt(text, start + 2) !== CH.lower)
    return false;
  for (let i = start + 3; i < end; i++) {
    const cls = classAt(text, i);
    if (cls === CH.upper) return !text.startsWith('Mac', start) && !text.startsWith('Fitz', start);
    if (!isLetter(cls)) return false;
  }
  return false;
}

/** Whether a word (lower case) is in a name lexicon, hyphenated parts each counting. */
function inNameLexicon(key: string): boolean {
  if (GIVEN_NAME_KEYS.has(key) || SURNAME_KEYS.has(key) || NLP_NAME_KEYS.has(key)) return true;
  if (!key.includes('-')) return false;
  const parts = key.split('-');
  return parts.every((p) => GIVEN_NAME_KEYS.has(p) || SURNAME_KEYS.has(p));
}

/** Whether a word is everyday or UI vocabulary, or one of the cue words. */
const isCommon = (key: string): boolean =>
  UI_WORD_KEYS.has(key) || STREET_KEYS.has(key) || GREETINGS.has(key) || LABELS.has(key) || CLOSINGS.has(key);

/** A caseless word (CJK, Hangul) written as surname + given name without a space. */
function cjkEvidence(key: string): number {
  if (key.length < 2 || key.length > 4) return 0;
  for (const cut of [2, 1]) {
    if (key.length - cut < 1 || !SURNAME_KEYS.has(key.slice(0, cut))) continue;
    return SCORE.lexicon - SCORE.unknown + (GIVEN_NAME_KEYS.has(key.slice(cut)) ? SCORE.unknown : 0);
  }
  return 0;
}

/** Words of user interfaces (the hand-written list, without the everyday-English one). */
const UI_ONLY_KEYS: ReadonlySet<string> = new Set(UI_WORDS.split(/\s+/).filter(Boolean));

/**
 * A surname that is also an everyday English word (`Baker`, `Richter`, `Fischer`) after a given name the
 * lexicons know: a name, not an organisation, unless the word is UI, street or cue vocabulary or has an
 * everyday word ending.
 */
function surnameAfterGiven(prev: Word, w: Word): boolean {
  return (
    w.shape === 'title' &&
    named(prev) &&
    !common(prev) &&
    !named(w) &&
    !UI_ONLY_KEYS.has(w.key) &&
    !STREET_KEYS.has(w.key) &&
    !GREETINGS.has(w.key) &&
    !LABELS.has(w.key) &&
    !CLOSINGS.has(w.key) &&
    !NAME_PATTERNS.wordSuffix.test(w.key)
  );
}

/** What one word says about a person: lexicon hit, unknown, or everyday word. */
function wordEvidence(w: Word): number {
  if (named(w)) return common(w) ? SCORE.ambiguous : SCORE.lexicon;
  if (common(w)) return SCORE.common;
  if (w.shape === 'upper') return w.key.length <= 3 ? SCORE.common : SCORE.unknownUpper;
  if (w.shape === 'caseless') return SCORE.unknown + cjkEvidence(w.key);
  return SCORE.unknown;
}

/** compromise's person finder, loaded on first use so that start-up does not pay for it. */
type PeopleOf = (text: string) => readonly { offset: { start: number; length: number } }[];

function loadPeopleOf(): PeopleOf {
  type Nlp = (t: string) => {
    people(): {
      json(o: { offset: true; text: false; terms: false }): { offset: { start: number; length: number } }[];
    };
  };
  // A literal `require` where one exists (the CommonJS Lambda bundle then carries compromise); in ES
  // modules (the CLI, tests) a require made on first use, so only fields with a name question load it.
  const nlp: Nlp =
    typeof require === 'function' ? require('compromise') : createRequire(import.meta.url)('compromise');
  return (text) => nlp(text).people().json({ offset: true, text: false, terms: false });
}

/** Whether compromise finds a person covering [start, end) of a text. */
type NlpCheck = (text: string, start: number, end: number) => boolean;

/** The person-name layer. */
export function nameLayer(on: Enabled): DetectorLayer {
  const P = copyPatterns(NAME_PATTERNS);
  let peopleOf: PeopleOf | undefined;
  const nlpAgrees: NlpCheck = (text, start, end) => {
    peopleOf ??= loadPeopleOf();
    const from = Math.max(0, start - NLP_WINDOW);
    for (const p of peopleOf(text.slice(from, end + NLP_WINDOW))) {
      const s = p.offset.start + from;
      if (s <= start && s + p.offset.length >= end - 1) return true;
    }
    return false;
  };
  return (out, text, f) => {
    if (!on('PERSON')) return;
    if (!f.hasUpper && !P.nameHint.test(text)) return;
    new FieldNames(text, f.lower, nlpAgrees).scan(out);
  };
}

/** One field's words and the name runs found in them. */
class FieldNames {
  private readonly ws: Word[] = [];
  private nlpCalls = 0;
  /** Local parts of the field's email addresses, found on first use. */
  private locals: string[] | undefined;
  /** The cells of the field's first line, split at the last delimiter asked about. */
  private header: { delim: string; cells: string[] } | undefined;
  /** Whether the field reads as German, found on first use. */
  private german: boolean | undefined;

  constructor(
    private readonly text: string,
    private readonly lower: string,
    private readonly nlpAgrees: NlpCheck,
  ) {
    const n = text.length;
    let i = 0;
    while (i < n) {
      const first = classAt(text, i);
      if (!isLetter(first)) {
        i++;
        continue;
      }
      const start = i;
      let seen = 0;
      // letters and marks, with inner apostrophes and hyphens (`O'Brien`, `Jean-Luc`, `al-Sayed`)
      while (++i < n) {
        const cls = classAt(text, i);
        if (cls !== CH.none) {
          seen |= 1 << cls;
          continue;
        }
        if (!isJoiner(text.charCodeAt(i)) || i + 1 >= n || classAt(text, i + 1) === CH.none) break;
      }
      // a possessive is the name and a cue (`Maija's laptop`)
      const end =
        i - start > 2 &&
        text.charCodeAt(i - 1) === 115 &&
        isJoiner(text.charCodeAt(i - 2)) &&
        text.charCodeAt(i - 2) !== 45
          ? i - 2
          : i;
      this.ws.push({
        start,
        end,
        key: lower.slice(start, end),
        shape: end === i ? shapeOf(text, start, end, first, seen) : shapeAt(text, start, end),
        named: -1,
        common: -1,
      });
    }
  }

  private w(i: number): Word {
    return this.ws[i] as Word;
  }

  /** The text between word i-1 and word i. */
  private gap(i: number): string {
    return this.text.slice(this.w(i - 1).end, this.w(i).start);
  }

  /**
   * Where the line holding `pos` starts, looking back at most HEAD_MAX characters: cues stand close to
   * a name, and a long one-line field must not cost a scan of its line per run.
   */
  private lineHead(pos: number): number {
    const from = Math.max(0, pos - HEAD_MAX);
    const nl = this.lower.lastIndexOf('\n', pos - 1);
    return nl >= from ? nl + 1 : from;
  }

  /** Whether words i-1 and i are parted by one space. */
  private spaced(i: number): boolean {
    const prev = this.w(i - 1).end;
    return this.w(i).start === prev + 1 && this.text.charCodeAt(prev) === 32;
  }

  /** Reports every name candidate of the field. */
  scan(out: Candidate[]): void {
    const { ws } = this;
    let i = 0;
    while (i < ws.length) {
      const w = this.w(i);
      if (w.shape === 'lower') {
        i = this.lowercaseRun(out, i);
        continue;
      }
      if (!continuesRun(w)) {
        i++;
        continue;
      }
      // one space between words; after an initial or an honorific also `.`, `. ` or `.-`
      let j = i;
      // in a personal document's file name, `_` parts the words (`Lebenslauf_Maija_Virtanen.pdf`)
      const underscored = this.afterDocument(w.start);
      while (j + 1 < ws.length && j - i < MAX_RUN_WORDS + 2) {
        const next = this.w(j + 1);
        const g = this.gap(j + 1);
        const prev = this.w(j);
        const dotted = prev.shape === 'initial' || HONORIFICS.has(prev.key);
        const joins =
          g === ' ' || (dotted && (g === '. ' || g === '.' || g === '.-')) || (underscored && g === '_');
        if (!joins || !(continuesRun(next) || (next.shape === 'lower' && PARTICLES.has(next.key)))) break;
        j++;
      }
      this.scoreRun(out, i, j);
      i = j + 1;
    }
  }

  /** The cue before `start`: 2 strong (greeting, label, phrase, closing line), 1 weak (`with`), 0 none. */
  private cueBefore(start: number): number {
    const { lower } = this;
    const lineStart = this.lineHead(start);
    const trimmed = lower.slice(lineStart, start).trimEnd();
    if (trimmed === '') return Math.max(this.signatureCue(lineStart), this.labelLineCue(lineStart));
    if (this.afterApp(trimmed) || this.mention(start) || this.afterDocument(start)) return 2;
    if (NAME_PATTERNS.dashLine.test(trimmed) || NAME_PATTERNS.introBefore.test(trimmed)) return 2;
    if (NAME_PATTERNS.pairBefore.test(trimmed)) return 1;
    // a caller after a call notification and a dash (`Incoming call – Siv Berg`)
    if (NAME_PATTERNS.callBefore.test(trimmed)) return 2;
    // a later item of a labelled list (`Attendees: A. Berg, Siv Lind, …`)
    if (trimmed.endsWith(',') && this.inLabelledList(lineStart, start)) return 2;
    // `Name: `, `name=`, `"name": "`: a label, however quoted
    const unquoted = trimmed.replace(NAME_PATTERNS.quotesEnd, '');
    const colon = unquoted.endsWith(':') || unquoted.endsWith('=');
    const body = (colon ? unquoted.slice(0, -1).replace(NAME_PATTERNS.quotesEnd, '') : unquoted)
      .replace(/[,!]$/, '')
      .trimEnd();
    const idx = lastWordBefore(this.ws, start);
    if (idx < 0 || this.w(idx).end !== lineStart + body.length) return 0;
    // a cue is a word of its own: `to:` in `https://host.to:pass@…` is not one
    const firstCue = idx > 1 ? idx - 2 : 0;
    if (!this.opensCue(idx, lineStart) && !this.opensCue(Math.max(firstCue, idx - 1), lineStart)) return 0;
    const last = this.w(idx).key;
    const pair = idx > 0 && this.spaced(idx) ? `${this.w(idx - 1).key}-${last}` : '';
    const triple = pair && idx > 1 && this.spaced(idx - 1) ? `${this.w(idx - 2).key}-${pair}` : '';
    if (PHRASES.has(pair) || PHRASES.has(triple) || GREETINGS.has(pair)) return 2;
    // a form label set off by two spaces or a tab instead of a colon (`Legal name  Saige Jerde`)
    if (!colon && LABELS.has(last) && NAME_PATTERNS.wideGap.test(this.text.slice(start - 3, start))) return 2;
    if (colon) return LABELS.has(last) ? 2 : 0;
    if (GREETINGS.has(last)) return 2;
    if (CLOSINGS.has(last) && this.startsLine(idx, lineStart)) return 2;
    if (CLOSINGS.has(pair) && this.startsLine(idx - 1, lineStart)) return 2;
    return WEAK_BEFORE.has(last) || ROLE_LABELS.has(last) ? 1 : 0;
  }

  /** Whether a line's head is a form label and a list of names (`cc: A. Berg, Siv Lind,`). */
  private inLabelledList(lineStart: number, start: number): boolean {
    // `lower` (placeholders of an earlier pass blanked) for the marks, the text for sentence ends
    const head = this.lower.slice(lineStart, start);
    const label = NAME_PATTERNS.listLabel.exec(head);
    if (!label || !LABELS.has(label[1] as string)) return false;
    const from = lineStart + label[0].length;
    return (
      !NAME_PATTERNS.notInList.test(head.slice(label[0].length)) &&
      !NAME_PATTERNS.sentenceEnd.test(this.text.slice(from, start))
    );
  }

  /** Whether word k starts its line or follows what may stand before a cue (a space, `(`, a quote). */
  private opensCue(k: number, lineStart: number): boolean {
    const at = this.w(k).start;
    return at === lineStart || NAME_PATTERNS.cueOpen.test(this.text[at - 1] as string);
  }

  /** Whether only spaces stand between the line start and word k. */
  private startsLine(k: number, lineStart: number): boolean {
    return this.lower.slice(lineStart, this.w(k).start).trim() === '';
  }

  /** A span alone on its line under a label line (`Cardholder name`, `Consignee:`): a form's value. */
  private labelLineCue(lineStart: number): number {
    if (lineStart === 0) return 0;
    const prevStart = this.lower.lastIndexOf('\n', lineStart - 2) + 1;
    if (NAME_PATTERNS.swiftParty.test(this.lower.slice(prevStart, prevStart + 6))) return 2;
    const raw = this.lower.slice(prevStart, lineStart - 1).trim();
    const line = raw.replace(/:$/, '');
    if (line === '' || line.length > 40 || NAME_PATTERNS.hasDigit.test(line)) return 0;
    // a label with its value (`Legal name  Siv Berg`, `Name: Siv Berg`) is no label of the line below
    // (asked of the text: a later pass's `lower` blanks an earlier pass's placeholders, `Name: <PERSON:…>`)
    if (NAME_PATTERNS.labelValue.test(this.text.slice(prevStart, lineStart - 1).trim())) return 0;
    const parts = line.split(/\s+/);
    // three words without a colon are as often a job title (`Key Account Manager`) unless one is `name`
    if (parts.length === 3 && raw === line && !parts.includes('name')) return 0;
    return parts.length <= 3 && parts.some((p) => LABELS.has(p)) ? 2 : 0;
  }

  /** A span alone on its line above a job title (`Siv Berg\nManaging Director`): a signature. */
  private jobTitleBelow(start: number, end: number): boolean {
    if (this.text[end] !== '\n' || this.lower.slice(this.lineHead(start), start).trim() !== '') return false;
    const next = this.lower.indexOf('\n', end + 1);
    const line = this.lower.slice(end + 1, next === -1 ? undefined : next).trim();
    if (line === '' || line.length > 40 || NAME_PATTERNS.hasDigit.test(line)) return false;
    return JOB_TITLES.has(line.slice(line.lastIndexOf(' ') + 1).replace(/[.,]$/, ''));
  }

  /** `scan_Berg-Siv_passport.pdf`: an underscore and a personal document's name follow the span. */
  private beforeDocument(end: number): boolean {
    if (this.text[end] !== '_') return false;
    const idx = lastWordBefore(this.ws, end) + 1;
    return idx < this.ws.length && this.w(idx).start === end + 1 && PERSONAL_DOCUMENTS.has(this.w(idx).key);
  }

  /** `Bewerbung Berg.pdf`: a personal document's name and a space before the span. */
  private documentBefore(start: number): boolean {
    const idx = lastWordBefore(this.ws, start);
    return (
      idx >= 0 &&
      this.w(idx).end === start - 1 &&
      this.text[start - 1] === ' ' &&
      PERSONAL_DOCUMENTS.has(this.w(idx).key)
    );
  }

  /** `Lebenslauf_Maija…`: the span follows a personal document's name and an underscore. */
  private afterDocument(start: number): boolean {
    const idx = lastWordBefore(this.ws, start);
    return (
      idx >= 0 &&
      this.text[start - 1] === '_' &&
      this.w(idx).end === start - 1 &&
      PERSONAL_DOCUMENTS.has(this.w(idx).key)
    );
  }

  /** Whether a word of the span (three letters or more) is part of an email address's local part. */
  private inEmailLocal(from: number, to: number): boolean {
    if (!this.text.includes('@')) return false;
    this.locals ??= emailLocals(this.lower);
    if (this.locals.length === 0) return false;
    for (let k = from; k <= to; k++) {
      const key = this.w(k).key;
      if (key.length >= 3 && this.locals.some((l) => l.includes(key))) return true;
    }
    return false;
  }

  /** A span alone on its line after a closing line (`Regards,`, `Thanks!`, `--`) is a signature. */
  private signatureCue(lineStart: number): number {
    const { lower } = this;
    if (lineStart === 0) return 0;
    let end = lineStart - 1;
    let start = lower.lastIndexOf('\n', end - 1) + 1;
    if (lower.slice(start, end).trim() === '' && start > 0) {
      end = start - 1;
      start = lower.lastIndexOf('\n', end - 1) + 1;
    }
    const line = lower
      .slice(start, end)
      .trim()
      .replace(/[,.!]+$/, '')
      .replace(/\s+/g, '-');
    if (CLOSINGS.has(line)) return 2;
    // a closing with a word before it (`Bien cordialement`, `Med vennlig hilsen`)
    const parts = line.split('-');
    return parts.length <= 4 && CLOSINGS.has(parts[parts.length - 1] as string) ? 2 : 0;
  }

  /** `WhatsApp - Maija`: a messaging app's title segment before the span. */
  private afterApp(head: string): boolean {
    const m = NAME_PATTERNS.appBefore.exec(head);
    return m !== null && MESSAGING_APPS.has(m[1] as string);
  }

  /** `@Maija please…`: a mention followed by a lowercase word (not `@Override public`). */
  private mention(start: number): boolean {
    if (this.text[start - 1] !== '@' || (start > 1 && !/\s/.test(this.text[start - 2] as string)))
      return false;
    const m = NAME_PATTERNS.mentionAfter.exec(this.text.slice(start, start + 60));
    return m !== null && !CODE_WORDS.has(m[1] as string);
  }

  /** A span alone on its line, followed by a line with a house number or postcode (an envelope). */
  private aboveAddress(start: number, end: number): boolean {
    const lineStart = this.lineHead(start);
    const lineEnd = this.lower.indexOf('\n', end);
    if (lineEnd === -1 || this.lower.slice(lineStart, start).trim() !== '') return false;
    if (this.lower.slice(end, lineEnd).replace(/[,;]/g, '').trim() !== '') return false;
    const next = this.lower.indexOf('\n', lineEnd + 1);
    return NAME_PATTERNS.hasDigit.test(this.lower.slice(lineEnd + 1, next === -1 ? undefined : next));
  }

  /** Cues after a span: `Name <email>` and `Name wrote:` (2), a messaging app after a separator (1). */
  private cueAfter(start: number, end: number): number {
    const after = this.lower.slice(end, end + 40);
    if (
      NAME_PATTERNS.emailAfter.test(after) ||
      NAME_PATTERNS.wroteAfter.test(after) ||
      NAME_PATTERNS.pronounsAfter.test(after) ||
      NAME_PATTERNS.vocativeYou.test(after) ||
      NAME_PATTERNS.andMe.test(after)
    )
      return 2;
    if (NAME_PATTERNS.pairAfter.test(after)) return 1;
    if (this.jobTitleBelow(start, end)) return 1;
    // a file named after a person in parentheses (`Performance review 2026 (Siv Berg).docx`)
    if (this.text[start - 1] === '(' && NAME_PATTERNS.parenFileAfter.test(after)) return 1;
    if (this.beforeDocument(end) || (NAME_PATTERNS.extensionAfter.test(after) && this.documentBefore(start)))
      return 2;
    // a chat speaker with a role, after a timestamp (`[17:20] Siv (Support): thanks`)
    if (NAME_PATTERNS.chatRoleAfter.test(after) && this.afterCounter(start)) return 2;
    const sep = NAME_PATTERNS.separatorAfter.exec(after);
    // the person of an app's title is among its first two segments: the third of `(3) Siv Berg – CFO –
    // Fabrikam | LinkedIn` is an employer
    if (sep && this.startsSegment(start) && separators(this.lower, this.lineHead(start), start) < 2) {
      const app = NAME_PATTERNS.appWord.exec(after.slice(sep[0].length))?.[0];
      if (app && MESSAGING_APPS.has(app)) return 2;
    }
    if (NAME_PATTERNS.vocative.test(after) && this.startsSegment(start)) return 2;
    return NAME_PATTERNS.verbAfter.test(after) ? 1 : 0;
  }

  /** Whether a span starts its line or follows a title separator (`RE: Budget - <span>`). */
  private startsSegment(start: number): boolean {
    const lineStart = this.lineHead(start);
    const head = this.lower.slice(lineStart, start).trimEnd();
    return head === '' || NAME_PATTERNS.separatorEnd.test(head) || NAME_PATTERNS.counter.test(head);
  }

  /** Whether only a timestamp or counter (`[17:20] `, `(3) `) stands before a span on its line. */
  private afterCounter(start: number): boolean {
    return NAME_PATTERNS.counter.test(this.lower.slice(this.lineHead(start), start).trimEnd());
  }

  /** Whether a span is a whole segment of a separated line (`Maija Virtanen | Sales | …`). */
  private isSegment(start: number, end: number): boolean {
    if (!this.startsSegment(start)) return false;
    const lineEnd = this.lower.indexOf('\n', end);
    const tail = this.lower.slice(end, lineEnd === -1 ? undefined : lineEnd);
    const head = this.lower.slice(this.lineHead(start), start).trim();
    const sep = NAME_PATTERNS.separatorAfter.test(tail) || NAME_PATTERNS.statusAfter.test(tail);
    // a field that is the span alone is not one: `Neue Nachricht`, `受信トレイ` are menu items
    return (sep || tail.trim() === '') && (sep || head !== '');
  }

  /** The strongest cue around a span: 2 strong, 1 weak, 0 none. */
  private cueOf(start: number, end: number, from: number, to: number): number {
    const cue = Math.max(this.cueBefore(start), this.cueAfter(start, end));
    if (cue === 2 || this.inEmailLocal(from, to) || this.underNameHeader(start, end)) return 2;
    // a lone word above a line with digits is as often a form label (`Expiry`)
    return cue > 0 ? cue : from < to && this.aboveAddress(start, end) ? 1 : 0;
  }

  /**
   * Whether a span fills a cell of a delimited table (`;`, `,`, tab, `|`) whose header, the field's first
   * line, names the column with a label (`kundennr;name;email`, `Holder\tCard`, `full_name,badge`).
   */
  private underNameHeader(start: number, end: number): boolean {
    const { text } = this;
    const lineStart = this.lower.lastIndexOf('\n', start - 1) + 1;
    if (lineStart === 0) return false;
    const open = start === lineStart ? '' : (text[start - 1] as string);
    const close = text[end] ?? '\n';
    const delim = open === '' ? close : open;
    if (!TABLE_DELIMITERS.includes(delim) || (close !== delim && close !== '\n' && close !== '\r'))
      return false;
    let column = 0;
    for (let i = text.indexOf(delim, lineStart); i !== -1 && i < start; i = text.indexOf(delim, i + 1))
      column++;
    if (this.header?.delim !== delim)
      this.header = { delim, cells: this.lower.slice(0, this.lower.indexOf('\n')).split(delim) };
    const header = this.header.cells;
    if (header.length < 2 || column >= header.length) return false;
    const cell = (header[column] as string).trim().replace(/^["']|["']$/g, '');
    return cell.length <= 30 && cell.split(/[\s_-]+/).some((p) => LABELS.has(p));
  }

  /** Whether a span fills a quoted cell of a CSV line (at the line start or after a comma). */
  private csvCell(start: number, end: number): boolean {
    if (!this.quotedCell(start, end)) return false;
    return start === 1 || this.text[start - 2] === '\n' || this.text[start - 2] === ',';
  }

  /** Whether a number or an earlier pass's placeholder (`<ID:…>`) follows a span after a space. */
  private beforeValue(end: number): boolean {
    if (this.text.charCodeAt(end) !== 32) return false;
    const next = this.text.charCodeAt(end + 1);
    if (next >= 48 && next <= 57) return true;
    const after = this.text.charCodeAt(end + 2);
    return next === 60 && after >= 65 && after <= 90;
  }

  /** Whether a span fills a quoted value of its own (`"Maija Virtanen","maija@…"`). */
  private quotedCell(start: number, end: number): boolean {
    const q = this.text[start - 1];
    return (q === '"' || q === "'") && this.text[end] === q;
  }

  /** Mid-sentence: the span follows a lowercase word on its line (`I spoke to Maija Virtanen`). */
  private midSentence(first: number): boolean {
    return first > 0 && this.w(first - 1).shape === 'lower' && this.spaced(first);
  }

  /**
   * A lone capitalised word inside a lowercase sentence (`the reviewer was Mraz not Boyer`), found in no
   * word list: a proper noun, and in typed text most often a person. Not after words that introduce
   * places, products or organisations (`in Lisbon`, `the Hubble`, `our Zorbix`).
   */
  private properNoun(first: number, w: Word): boolean {
    if (w.shape !== 'title' || common(w) || !this.midSentence(first)) return false;
    if (w.end < this.text.length && this.text.charCodeAt(w.end) === 46 && w.end + 1 < this.text.length)
      return false; // `Foo.bar`, `Config.yaml`
    return !THING_BEFORE.has(this.w(first - 1).key) && !this.nounsCapitalised();
  }

  /** Whether the field reads as German (whose nouns are capitalised): one of its function words occurs. */
  private nounsCapitalised(): boolean {
    this.german ??= this.ws.some((w) => w.shape === 'lower' && GERMAN_FUNCTION_WORDS.has(w.key));
    return this.german;
  }

  /**
   * Lowercase names: after a strong cue (`hi maija,`, `Deliver to: angélique prevost,`, `Best regards,` on
   * the line before), or two or three unknown words with a weaker one (`copy villy nissen`, `liliane towne |
   * Sales`). At most three words, none an everyday word, ending the clause.
   */
  private lowercaseRun(out: Candidate[], i: number): number {
    const { ws } = this;
    let j = i;
    while (j < ws.length && j - i < 3) {
      const w = this.w(j);
      // two letters do as a later word (`hoàng thái vũ`, `mỹ phương`) but not alone
      if (w.shape !== 'lower' || w.key.length < (j === i ? 3 : 2) || common(w) || HONORIFICS.has(w.key))
        break;
      if (j > i && !this.spaced(j)) break;
      j++;
    }
    if (j === i) return i + 1;
    // one kebab-case word is an identifier (`ci-deployer`), unless each part is a name (`jean-luc`)
    if (j - i === 1 && this.w(i).key.includes('-') && !named(this.w(i))) return j;
    const last = this.w(j - 1);
    const start = this.w(i).start;
    const end = last.end;
    // a handle or an identifier (`madlen.unger`, `jdoe_admin`) is a user name, not a lowercase name
    const after = this.text[end];
    if ((after === '.' || after === '_') && isLetter(classAt(this.text, end + 1))) return j;
    if (gluedAt(this.text, end) || gluedAt(this.text, start - 1)) return j;
    // the clause must end here: not before a capitalised word or another unknown word
    // (a placeholder of an earlier pass, `<PERSON:…>`, counts as a capitalised word)
    const placeholderNext = this.text[end] === ' ' && this.text[end + 1] === '<';
    if (j < ws.length && (this.spaced(j) || placeholderNext) && this.w(j).shape !== 'lower') return j;
    if (!NAME_PATTERNS.clauseEnd.test(this.text[end] ?? '\n')) return j;
    if (j - i === 1 && PARTICLES.has(this.w(i).key)) return j;
    const before = this.cueBefore(start);
    // of the weak cues only chat verbs: `with exponential backoff` is prose, `ping villy nissen` a person
    const prev = i > 0 ? this.w(i - 1).key : '';
    const weak = before === 1 && (LOWERCASE_WEAK.has(prev) || ROLE_LABELS.has(prev)) ? 1 : 0;
    const cue = Math.max(before === 2 ? 2 : weak, this.cueAfter(start, end));
    let score = 0;
    for (let k = i; k < j; k++) score += named(this.w(k)) ? SCORE.lexicon : 0.1;
    if (cue === 2) score += SCORE.single + SCORE.strongCue;
    else if (j - i < 2) return j;
    else if (cue === 1) score += SCORE.several + SCORE.weakCue;
    else if (this.isSegment(start, end) || this.quotedCell(start, end))
      score += SCORE.several + SCORE.segment;
    else return j;
    const norm = this.lower.slice(start, end).replace(/\s+/g, ' ');
    out.push({ type: 'PERSON', start, end, priority: 36, norm, score: Math.min(1, score) });
    return j;
  }

  /** Trims, scores and reports the run of words [from, to] (joining a `Surname, Given` pair). */
  private scoreRun(out: Candidate[], runFrom: number, runTo: number): void {
    let from = runFrom;
    let to = runTo;
    // leading everyday words are verbs and cues (`Ask Maija`, `Dear Maija`), not part of the name
    while (from <= to && skippable(this.w(from))) from++;
    if (from > to) return;
    // a leading honorific is a cue, kept in the span
    let honorific = false;
    if (HONORIFICS.has(this.w(from).key) && from < to) {
      honorific = !WEAK_HONORIFICS.has(this.w(from).key) || !common(this.w(from + 1));
    }
    const lo = honorific ? from + 1 : from;
    // trailing particles go, and everyday words while two words remain (`Maija Virtanen Meeting Notes`)
    while (to > lo && this.w(to).shape !== 'initial') {
      const w = this.w(to);
      if (w.shape === 'lower' || (common(w) && !named(w) && to - lo >= 2)) to--;
      else break;
    }
    if (lo > to) return;
    // particles right before the run belong to it (`name: de Jonge`), unless a trimmed cue word stands
    // before them (`Dobrý den Radhost`)
    let first0 = lo;
    while (!honorific && first0 > 0 && this.isParticleBefore(first0)) first0--;
    if (first0 < lo && first0 > 0 && this.spaced(first0) && this.w(first0 - 1).shape !== 'lower') first0 = lo;
    const names: Word[] = [];
    let initials = 0;
    let titled = false;
    for (let k = lo; k <= to; k++) {
      const w = this.w(k);
      if (w.shape === 'initial') initials++;
      else if (w.shape !== 'lower') names.push(w);
      // a two-letter capitalised word is as often an abbreviation (`Nr PESEL`) unless a lexicon knows it
      if (w.shape === 'title' && (w.key.length > 2 || named(w))) titled = true;
    }
    if (names.length === 0 || names.length > MAX_RUN_WORDS) return;
    const start = this.w(honorific ? from : first0).start;
    let end = this.w(to).end;
    if (this.w(to).shape === 'initial' && this.text[end] === '.') end++;
    // letters glued to digits are a fragment of a token (`Zx9Qw8…`, `v2Beta`), not a name
    if (gluedAt(this.text, end) || gluedAt(this.text, start - 1)) return;

    let evidence = 0;
    let everyday = 0;
    let unknown = 0;
    for (let k = 0; k < names.length; k++) {
      const w = names[k] as Word;
      let e = wordEvidence(w);
      if (e === SCORE.common && k > 0 && surnameAfterGiven(names[k - 1] as Word, w)) e = SCORE.ambiguous;
      // an ALL-CAPS lexicon word alone is as likely an acronym (`SAP`, `ARGO`)
      if (w.shape === 'upper' && e === SCORE.lexicon && !titled) e = SCORE.ambiguous;
      if (e === SCORE.common) everyday++;
      // unknown words add up to two: a longer capitalised run is a heading or a title (`Lorem Ipsum Dolor`)
      if (e === SCORE.unknown && ++unknown > 2) continue;
      evidence += e;
    }
    if (everyday === names.length && !honorific) return;
    // a name then an everyday word that no lexicon knows is an organisation (`Wingtip Fulfilment`)
    const lastWord = names[names.length - 1] as Word;
    if (
      !honorific &&
      names.length >= 2 &&
      lastWord.shape === 'title' &&
      common(lastWord) &&
      !named(lastWord) &&
      !surnameAfterGiven(names[names.length - 2] as Word, lastWord)
    )
      return;

    const inverted = names.length === 1 && initials === 0 ? this.givenAfterComma(start, to, end) : undefined;
    if (inverted) {
      for (const g of inverted.given) evidence += wordEvidence(g);
      end = inverted.end;
    }
    const count = names.length + (inverted ? inverted.given.length : 0);
    const cue = honorific ? 2 : this.cueOf(start, end, lo, to);
    let score = evidence;
    if (count >= 2) score += SCORE.several;
    if (initials > 0) score += SCORE.initials;
    if (inverted) score += SCORE.inverted;
    if (count === 1 && initials === 0) {
      // one word: a strong cue, or a known name with a weak one
      if (evidence <= 0) return;
      // a word before a number is a field's label (`Fødselsnummer 17080641834`), unless a strong cue says otherwise
      if (cue < 2 && this.beforeValue(end)) return;
      if (cue === 2) score += SCORE.single + SCORE.strongCue;
      else if (cue === 1) score += SCORE.weakCue;
      else if (
        names[0]?.shape === 'caseless' &&
        (this.isSegment(start, end) ||
          // a CSV cell or an envelope's first line of a name's length (a JSON value's key decides instead:
          // `"field": "身份证号"` is a field name)
          (end - start <= 4 && (this.csvCell(start, end) || this.aboveAddress(start, end))))
      )
        score += SCORE.single + SCORE.segment;
      else if (this.properNoun(first0, names[0] as Word)) score += SCORE.properSingle;
      else return;
    } else if (cue === 2) score += SCORE.strongCue;
    // ALL-CAPS words alone are acronyms and codes (`NINO ZG`) unless a strong cue speaks for a name
    else if (
      !titled &&
      initials === 0 &&
      names.every((w) => w.shape !== 'caseless') &&
      !this.capsHolder(lo, to, everyday)
    )
      return;
    else if (cue === 1) score += SCORE.weakCue;
    else if (this.isSegment(start, end) || this.chatLine(start, end) || this.quotedCell(start, end))
      score += SCORE.segment;
    else if (everyday === 0 && titled && this.midSentence(first0)) score += SCORE.proper;
    if (
      cue === 0 &&
      count >= 2 &&
      titled &&
      score >= NLP_FROM &&
      score < 0.5 &&
      this.midSentence(first0) &&
      this.nlpCalls++ < MAX_NLP_CALLS &&
      this.nlpAgrees(this.text, start, end)
    )
      score += SCORE.nlp;
    if (score < REPORT_FROM) return;
    const norm = this.lower.slice(start, end).replace(/\s+/g, ' ');
    out.push({ type: 'PERSON', start, end, priority: cue === 2 ? 38 : 36, norm, score: Math.min(1, score) });
  }

  /**
   * Cards, tickets and remittances print their holder in capitals (`(holder TRESSA BRASK)`, `passenger
   * QUILLON OYBACH`): two or three ALL-CAPS words, none an everyday word, right after such a role label.
   */
  private capsHolder(lo: number, to: number, everyday: number): boolean {
    if (everyday > 0 || lo === 0 || to - lo < 1 || to - lo > 2 || !this.spaced(lo)) return false;
    if (!CAPS_ROLES.has(this.w(lo - 1).key)) return false;
    for (let k = lo; k <= to; k++) if (this.w(k).shape !== 'upper' || this.w(k).key.length < 2) return false;
    return true;
  }

  /** Whether word k-1 is a lowercase particle joined to word k by a space. */
  private isParticleBefore(k: number): boolean {
    const w = this.w(k - 1);
    return w.shape === 'lower' && PARTICLES.has(w.key) && this.spaced(k);
  }

  /** `Maija Virtanen: see you at 3` at the start of a line (a chat transcript). */
  private chatLine(start: number, end: number): boolean {
    const lineStart = this.lineHead(start);
    return this.text.startsWith(': ', end) && this.text.slice(lineStart, start).trim() === '';
  }

  /**
   * `Surname, Given`: the one word before `end` is followed by `, ` and one or two name words, none an
   * everyday word; taken when a cue is strong, the surname is ALL CAPS, a title separator or messaging
   * app follows, or both halves are in the lexicons.
   */
  private givenAfterComma(
    start: number,
    to: number,
    end: number,
  ): { given: Word[]; end: number } | undefined {
    const { ws } = this;
    if (to + 1 >= ws.length || this.text.slice(end, this.w(to + 1).start) !== ', ') return undefined;
    const given: Word[] = [];
    for (let k = to + 1; k < ws.length && given.length < 2; k++) {
      const w = this.w(k);
      if (w.shape !== 'title' && w.shape !== 'caseless') break;
      if (k > to + 1 && !this.spaced(k)) break;
      given.push(w);
    }
    if (given.length === 0 || given.some(common)) return undefined;
    const surname = this.w(to);
    if (common(surname)) return undefined;
    const givenEnd = (given[given.length - 1] as Word).end;
    const taken =
      surname.shape === 'upper' ||
      this.cueBefore(start) > 0 ||
      this.cueAfter(start, givenEnd) > 0 ||
      this.isSegment(start, givenEnd) ||
      this.quotedCell(start, givenEnd) ||
      this.aboveAddress(start, givenEnd) ||
      (SURNAME_KEYS.has(surname.key) && GIVEN_NAME_KEYS.has((given[0] as Word).key));
    return taken ? { given, end: givenEnd } : undefined;
  }
}

/** The local parts (`maija.virtanen`) of the email addresses in a lower-cased text. */
function emailLocals(lower: string): string[] {
  const out: string[] = [];
  for (let at = lower.indexOf('@'); at > 0; at = lower.indexOf('@', at + 1)) {
    let s = at;
    while (s > 0 && s > at - 64 && LOCAL_CHAR.test(lower[s - 1] as string)) s--;
    if (s < at) out.push(lower.slice(s, at));
  }
  return out;
}
const LOCAL_CHAR = /[a-z0-9._+-]/;

/** A leading word that is a verb or a cue (`Ask Maija`, `Dear Maija`), not part of the name. */
const skippable = (w: Word): boolean =>
  !HONORIFICS.has(w.key) &&
  (w.shape === 'lower' || (common(w) && !named(w)) || PERSONAL_DOCUMENTS.has(w.key));

/** What parts the cells of a table line. */
const TABLE_DELIMITERS = ';,\t|';

/** Characters that glue letters into a token (`Lua%0933`, `pw#Lua`): digits and marks of code. */
const GLUE = new Set([...'0123456789%&+#$*^~'].map((c) => c.charCodeAt(0)));

/** Whether the character at `i` glues a word into a larger token (a password, an identifier). */
function gluedAt(text: string, i: number): boolean {
  return GLUE.has(text.charCodeAt(i));
}

/** How many title separators (` – `, ` | `, ` - `) stand in [from, to) of a text. */
function separators(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from + 1; i < to; i++) {
    if (text.charCodeAt(i - 1) === 32 && TITLE_SEPARATORS.includes(text[i] as string)) n++;
  }
  return n;
}
const TITLE_SEPARATORS = '-|–—·•';

/** Words that can begin or continue a run. */
const continuesRun = (w: Word): boolean =>
  w.shape === 'title' || w.shape === 'upper' || w.shape === 'initial' || w.shape === 'caseless';

/** Index of the last word ending at or before `pos` (binary search). */
function lastWordBefore(ws: readonly Word[], pos: number): number {
  let lo = 0;
  let hi = ws.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((ws[mid] as Word).end <= pos) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
