/**
 * The labelled redaction corpus: deterministic (seeded) samples of text shaped like telemetry -- window
 * titles, chat and mail lines, ticket and CRM form fields, signatures, addresses typed into forms, error
 * dialogs and logs, config files, terminals and headers holding secrets, home paths -- in 24 faker
 * locales, with every planted value labelled by class and offsets. Names, streets and cities are held out
 * (`held-out-pools.ts`), so a detector that only looks values up in its lists scores nothing on them.
 */
import { Dice, seededRandom } from '../../agent/simulator/values.js';
import { FRESH_TEMPLATES } from './fresh-templates.js';
import { FRESH2_TEMPLATES } from './fresh2-templates.js';
import {
  CORPUS_LOCALES,
  type CorpusLocale,
  detectorLists,
  type HeldOutUse,
  type LocalePools,
  localePools,
} from './held-out-pools.js';
import { pin, SECRET_SHAPES, urlPassword } from './secrets.js';
import {
  cardNumber,
  fillPattern,
  ID_COUNTRY_OF_LOCALE,
  iban,
  ipv4,
  ipv6,
  nationalId,
  type Obfuscation,
  obfuscate,
  ssn,
} from './values.js';

/** The evaluation classes (scrubber entity types map onto these in score.ts). */
export const EVAL_CLASSES = [
  'PERSON',
  'ADDRESS',
  'EMAIL',
  'PHONE',
  'CARD',
  'IBAN',
  'ID',
  'IP',
  'SECRET',
  'USERNAME',
] as const;
/** One evaluation class. */
export type EvalClass = (typeof EVAL_CLASSES)[number];

/** One labelled value: class and [start, end) offsets into the sample text. */
export interface GoldSpan {
  readonly type: EvalClass;
  readonly start: number;
  readonly end: number;
}

/** One labelled sample. */
export interface Sample {
  readonly text: string;
  readonly spans: readonly GoldSpan[];
  readonly kind: SampleKind;
  readonly locale: CorpusLocale;
  /**
   * `dev` samples come from the even-numbered templates of each kind, `test` from the odd ones and from
   * the test-only templates. Tuning reads dev only (`--misses` prints dev examples only), so test figures
   * also measure generalisation across contexts and shapes, not just across values.
   */
  readonly split: 'dev' | 'test' | 'fresh' | 'fresh2';
  /** The held-out names, streets and cities the sample uses (for the disjointness test). */
  readonly heldOut: readonly HeldOutUse[];
}

/** The shapes of telemetry text the corpus produces. */
export const SAMPLE_KINDS = [
  'window-title',
  'chat',
  'mail',
  'form',
  'signature',
  'address-form',
  'error-dialog',
  'log',
  'config',
  'terminal',
  'header',
  'home-path',
  'structured',
] as const;
/** One shape of telemetry text. */
export type SampleKind = (typeof SAMPLE_KINDS)[number];

/** Assembles text from literal pieces and labelled values. */
class SampleBuilder {
  text = '';
  readonly spans: GoldSpan[] = [];
  readonly heldOut: HeldOutUse[] = [];
  add(s: string): this {
    this.text += s;
    return this;
  }
  value(type: EvalClass, v: string): this {
    this.spans.push({ type, start: this.text.length, end: this.text.length + v.length });
    this.text += v;
    return this;
  }
}

/** Country calling codes of the corpus locales. */
const CALLING_CODES: Readonly<Record<CorpusLocale, string>> = {
  en_US: '1',
  en_GB: '44',
  de: '49',
  fr: '33',
  es: '34',
  it: '39',
  pt_BR: '55',
  pt_PT: '351',
  nl: '31',
  fi: '358',
  sv: '46',
  nb_NO: '47',
  da: '45',
  pl: '48',
  cs_CZ: '420',
  hu: '36',
  el: '30',
  ru: '7',
  tr: '90',
  ja: '81',
  ko: '82',
  zh_CN: '86',
  vi: '84',
  ro: '40',
};

/** Locales whose names are written family name first. */
const FAMILY_FIRST = new Set<CorpusLocale>(['hu', 'ja', 'ko', 'zh_CN', 'vi']);
/** Locales whose names are written without a space between family and given name. */
const UNSPACED = new Set<CorpusLocale>(['ja', 'zh_CN', 'ko']);

/** Greetings as people type them, per locale (the English ones apply everywhere too). */
const GREETINGS: Partial<Record<CorpusLocale, readonly string[]>> = {
  de: ['Hallo', 'Hi', 'Liebe', 'Moin'],
  fr: ['Bonjour', 'Salut', 'Coucou'],
  es: ['Hola', 'Buenos días'],
  it: ['Ciao', 'Buongiorno'],
  pt_BR: ['Olá', 'Oi', 'Bom dia'],
  pt_PT: ['Olá', 'Bom dia'],
  nl: ['Hoi', 'Hallo', 'Beste'],
  fi: ['Hei', 'Moi'],
  sv: ['Hej', 'Hejsan'],
  nb_NO: ['Hei', 'Hallo'],
  da: ['Hej', 'Kære'],
  pl: ['Cześć', 'Dzień dobry'],
  cs_CZ: ['Ahoj', 'Dobrý den'],
  hu: ['Szia', 'Kedves'],
  el: ['Γεια σου', 'Καλημέρα'],
  ru: ['Привет', 'Здравствуйте'],
  tr: ['Merhaba', 'Selam'],
  ro: ['Bună', 'Salut'],
  vi: ['Chào', 'Xin chào'],
};

const ascii = (s: string): string =>
  s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ß/g, 'ss')
    .replace(/[øØ]/g, 'o')
    .replace(/[łŁ]/g, 'l')
    .replace(/[æÆ]/g, 'ae')
    .replace(/đ/gi, 'd')
    .toLowerCase()
    .replace(/[^a-z]/g, '');

/** What a template has at hand: dice, the locale's pools and value makers that label as they write. */
class SampleContext {
  readonly b = new SampleBuilder();
  constructor(
    readonly d: Dice,
    readonly pools: LocalePools,
    /** A Latin-script locale's pools, for user names and e-mail local parts. */
    readonly latin: LocalePools,
  ) {}

  get locale(): CorpusLocale {
    return this.pools.locale;
  }

  given(pools = this.pools): string {
    const v = this.d.pick(pools.given);
    this.b.heldOut.push({ kind: 'given', value: v });
    return v;
  }

  surname(pools = this.pools): string {
    const v = this.d.pick(pools.surnames);
    this.b.heldOut.push({ kind: 'surname', value: v });
    return v;
  }

  /** A full name in the locale's order; sometimes "Surname, Given", lower case or with an initial. */
  fullName(): string {
    const g = this.given();
    const s = this.surname();
    if (UNSPACED.has(this.locale)) return this.d.chance(0.5) ? `${s}${g}` : `${s} ${g}`;
    const form = this.d.int(0, 9);
    if (form === 0) return `${s}, ${g}`;
    if (form === 1) return `${g} ${s}`.toLowerCase();
    if (form === 2) return `${g[0]}. ${s}`;
    return FAMILY_FIRST.has(this.locale) ? `${s} ${g}` : `${g} ${s}`;
  }

  greeting(): string {
    const local = GREETINGS[this.locale] ?? [];
    return this.d.pick([...local, 'Hi', 'Hello', 'Dear', 'Hey', 'Thanks']);
  }

  street(): string {
    const v = this.d.pick(this.pools.streets);
    this.b.heldOut.push({ kind: 'street', value: v });
    return v;
  }

  city(): string {
    const v = this.d.pick(this.pools.cities);
    this.b.heldOut.push({ kind: 'city', value: v });
    return v;
  }

  postcode(): string {
    const patterns = this.pools.faker.rawDefinitions.location?.postcode;
    const list = Array.isArray(patterns) ? (patterns as string[]) : ['#####'];
    return fillPattern(this.d, this.d.pick(list));
  }

  /** An address in the locale's format, with unit parts; the whole of it is one ADDRESS value. */
  address(): string {
    const { d } = this;
    if (this.locale === 'en_US' && d.chance(0.15)) {
      // US military mail: PSC/Unit and Box, APO/FPO/DPO with an AA/AE/AP "state" and a ZIP.
      const form = d.int(0, 2);
      if (form === 0)
        return `PSC ${d.int(1000, 9999)}, Box ${d.int(1000, 9999)}, APO AE ${d.int(9000, 9999).toString().padStart(5, '0')}`;
      if (form === 1)
        return `Unit ${d.int(2000, 9999)} Box ${d.int(1000, 9999)}, DPO AP ${d.int(96200, 96699)}`;
      return `USNS ${this.surname()}, FPO AA ${d.int(34000, 34099)}`;
    }
    const n = String(d.int(1, 240));
    const street = this.street();
    const city = this.city();
    const pc = this.postcode();
    switch (this.locale) {
      case 'en_US':
        return `${n} ${street}${d.chance(0.4) ? `, ${d.pick(['Apt', 'Apt.', 'Suite', 'Unit', '#'])} ${d.int(1, 40)}${d.pick(['', 'B', 'C'])}` : ''}, ${city}, ${d.pick(['CA', 'NY', 'TX', 'WA', 'IL', 'OR'])} ${pc}`;
      case 'en_GB':
        return `${d.chance(0.3) ? `Flat ${d.int(1, 30)}, ` : ''}${n} ${street}, ${city}, ${pc}`;
      case 'fr':
        return `${d.chance(0.2) ? `Bât. ${d.pick(['A', 'B', 'C'])}, ` : ''}${n}${d.chance(0.2) ? ' bis' : ''} ${street}, ${pc} ${city}`;
      case 'es':
        return `${street}, ${n}, ${d.int(1, 9)}º ${d.pick(['A', 'B', 'Izda.', 'Dcha.'])}, ${pc} ${city}`;
      case 'it':
        return `${street} ${n}${d.chance(0.3) ? `, int. ${d.int(1, 20)}` : ''}, ${pc} ${city}`;
      case 'pt_PT':
        return `${street} ${n}, ${d.int(1, 9)}º ${d.pick(['Esq.', 'Dto.', 'Frente'])}, ${pc} ${city}`;
      case 'pt_BR':
        return `${street}, ${n}${d.chance(0.5) ? `, Apto ${d.int(11, 304)}` : ''} - ${city} - ${d.pick(['SP', 'RJ', 'MG', 'RS'])}, ${pc}`;
      case 'fi':
        return `${street} ${n}${d.chance(0.6) ? ` ${d.pick(['A', 'B', 'C'])} ${d.int(1, 60)}` : ''}, ${pc} ${city}`;
      case 'sv':
        return `${street} ${n}${d.chance(0.4) ? ` lgh ${d.int(1001, 1404)}` : ''}, ${pc.slice(0, 3)} ${pc.slice(3)} ${city}`;
      case 'pl':
        return `ul. ${street} ${n}${d.chance(0.5) ? `/${d.int(1, 80)}` : ''}, ${pc} ${city}`;
      case 'cs_CZ':
        return `${street} ${d.int(100, 2999)}/${d.int(1, 60)}, ${pc} ${city}`;
      case 'hu':
        return `${pc} ${city}, ${street} ${n}. ${d.chance(0.5) ? `${d.int(1, 8)}. em. ${d.int(1, 12)}.` : ''}`.trim();
      case 'ru':
        return `${street}, д. ${n}, кв. ${d.int(1, 300)}, ${pc} ${city}`;
      case 'el':
        return `${street} ${n}, ${pc} ${city}`;
      case 'tr':
        return `${street} No: ${n}${d.chance(0.5) ? ` D: ${d.int(1, 30)}` : ''}, ${pc} ${city}`;
      case 'ro':
        return `${street} nr. ${n}${d.chance(0.5) ? `, bl. ${d.pick(['A', 'B', 'C4'])}, ap. ${d.int(1, 90)}` : ''}, ${pc} ${city}`;
      case 'ja':
        return `〒${pc} ${city}${street}`;
      case 'ko':
        return `${city} ${street} ${n}${d.chance(0.5) ? `, ${d.int(101, 120)}동 ${d.int(101, 1504)}호` : ''}`;
      case 'zh_CN':
        return `${city}${street}${n}号${d.chance(0.5) ? ` ${d.int(1, 30)}栋${d.int(101, 2801)}室` : ''}`;
      case 'vi':
        return `${n} ${street}, Phường ${d.int(1, 15)}, Quận ${d.int(1, 12)}, ${city}`;
      default:
        // de, nl, nb_NO, da: street, number (unit), postcode city.
        return `${street} ${n}${d.chance(0.3) ? d.pick(['a', 'b', ' 2. tv', ' 3 hoog', ' H0201']) : ''}, ${pc} ${city}`;
    }
  }

  /** A US SSN (always in en_US, sometimes elsewhere) or the locale's national id, with its form label. */
  personalId(): { label: string; value: string } {
    if (this.locale === 'en_US' || this.d.chance(0.25)) return { label: 'SSN', value: ssn(this.d) };
    return { label: 'National ID', value: nationalId(this.d, ID_COUNTRY_OF_LOCALE[this.locale]).value };
  }

  maybeObfuscate(v: string, kinds: readonly Obfuscation[]): string {
    return this.d.chance(0.12) ? obfuscate(this.d, v, this.d.pick(kinds)) : v;
  }

  email(): string {
    const g = ascii(this.given(this.latin)) || 'user';
    const s = ascii(this.surname(this.latin)) || 'name';
    const local = this.d.pick([`${g}.${s}`, `${g[0]}${s}`, `${g}${this.d.int(1, 99)}`, `${s}.${g[0]}`]);
    const free = this.pools.faker.rawDefinitions.internet?.free_email;
    const domain = this.d.chance(0.5)
      ? this.d.pick((free as string[] | undefined) ?? ['example.com'])
      : `${this.d.pick(['acme', 'northwind', 'contoso', 'globex', 'initech'])}.${this.d.pick(['com', 'io', 'de', 'fr', 'co.uk', 'com.br'])}`;
    return this.maybeObfuscate(`${local}@${domain}`, ['fullwidth-at', 'zero-width', 'fullwidth']);
  }

  /** A phone number in one of the locale's formats, or a variant: `(0)` trunk, dots, extension. */
  phone(): string {
    const { d } = this;
    const formats = Object.values(this.pools.faker.rawDefinitions.phone_number?.format ?? {})
      .flat()
      .filter((f): f is string => typeof f === 'string' && !f.includes('{'));
    let v = fillPattern(d, d.pick(formats.length > 0 ? formats : ['### ### ####']));
    const variant = d.int(0, 9);
    const cc = CALLING_CODES[this.locale];
    if (variant === 0) v = `+${cc} (0)${d.int(10, 99)} ${fillPattern(d, '#### ###')}`;
    else if (variant === 1) v = v.replace(/[ -]/g, '.');
    else if (variant === 2 && !/x\d/.test(v))
      v = `${v} ${d.pick(['x', 'ext. ', 'ext ', 'x'])}${d.int(10, 9999)}`;
    return this.maybeObfuscate(v, ['fullwidth', 'nbsp', 'zero-width']);
  }

  userName(): string {
    const g = ascii(this.given(this.latin)) || 'user';
    const s = ascii(this.surname(this.latin)) || 'name';
    return this.d.pick([`${g[0]}${s}`, `${g}.${s}`, `${s}${g[0]}`, g, `${g}${s[0]}`]);
  }

  /** A provider secret and a key it is stored under; `only` narrows the shapes (`token`: one-line tokens). */
  secret(only?: 'token' | 'password'): { key: string; value: string } {
    const shapes =
      only === 'password'
        ? SECRET_SHAPES.filter((s) => s.id === 'password')
        : only === 'token'
          ? SECRET_SHAPES.filter((s) => !MULTI_PART_SHAPES.has(s.id))
          : SECRET_SHAPES;
    const shape = this.d.pick(shapes);
    return { key: this.d.pick(shape.keys), value: shape.make(this.d) };
  }
}

type Template = (c: SampleContext) => void;

/** Shapes that are not sent as one header or CLI token (PEM blocks, webhook URLs, 1Password Secret Keys). */
const MULTI_PART_SHAPES = new Set(['pem-private-key', 'slack-webhook', '1password-secret-key', 'password']);

const APPS = ['Teams', 'Outlook', 'Slack', 'Zoom', 'Google Meet', 'WhatsApp', 'Webex'];

const TEMPLATES: Record<SampleKind, readonly Template[]> = {
  'window-title': [
    (c) => c.b.add('Chat with ').value('PERSON', c.fullName()).add(' - Microsoft Teams'),
    (c) => c.b.value('PERSON', c.fullName()).add(' - Outlook'),
    (c) => c.b.add('Inbox - ').value('EMAIL', c.email()).add(' - Outlook'),
    (c) => c.b.value('PERSON', c.fullName()).add(' | Slack'),
    (c) =>
      c.b
        .add('Meeting with ')
        .value('PERSON', c.fullName())
        .add(` - ${c.d.pick(APPS)}`),
    (c) => c.b.add('RE: Contract renewal - ').value('PERSON', c.fullName()).add(' - Message (HTML)'),
    (c) => c.b.add('Contact: ').value('PERSON', c.fullName()).add(' - Salesforce - Google Chrome'),
    (c) => c.b.add(`${c.d.pick(['WhatsApp', 'Signal', 'Telegram'])} - `).value('PERSON', c.given()),
  ],
  chat: [
    (c) => c.b.add(`${c.greeting()} `).value('PERSON', c.given()).add(', can you check the numbers?'),
    (c) => c.b.add('Thanks, ').value('PERSON', c.fullName()),
    (c) => c.b.add('call me on ').value('PHONE', c.phone()).add(' when you are free'),
    (c) => c.b.add('I spoke with ').value('PERSON', c.fullName()).add(' yesterday, she will send the file'),
    (c) => c.b.add('my mobile is ').value('PHONE', c.phone()),
    (c) => c.b.add('@').value('PERSON', c.given()).add(' please review the PR when you can'),
    (c) =>
      c.b
        .add('ping ')
        .value('PERSON', c.fullName())
        .add(' about the invoice, mail ')
        .value('EMAIL', c.email()),
  ],
  mail: [
    (c) => c.b.add(`${c.greeting()} `).value('PERSON', c.fullName()).add(','),
    (c) => c.b.add('Best regards,\n').value('PERSON', c.fullName()),
    (c) =>
      c.b
        .add('Please send the invoice to ')
        .value('EMAIL', c.email())
        .add(' and copy ')
        .value('PERSON', c.fullName()),
    (c) =>
      c.b.add('On Tue, ').value('PERSON', c.fullName()).add(' <').value('EMAIL', c.email()).add('> wrote:'),
    (c) => c.b.add('Cheers, ').value('PERSON', c.given()),
  ],
  form: [
    (c) => c.b.add('Name: ').value('PERSON', c.fullName()),
    (c) => c.b.add('Phone: ').value('PHONE', c.phone()),
    (c) =>
      c.b.add('Customer name: ').value('PERSON', c.fullName()).add('  Email: ').value('EMAIL', c.email()),
    (c) => c.b.add('Billing address: ').value('ADDRESS', c.address()),
    (c) =>
      c.b
        .add('Card number: ')
        .value('CARD', c.maybeObfuscate(cardNumber(c.d), ['fullwidth', 'nbsp', 'zero-width'])),
    (c) => c.b.add('IBAN: ').value('IBAN', c.maybeObfuscate(iban(c.d), ['fullwidth', 'nbsp', 'zero-width'])),
    (c) => {
      const id = c.personalId();
      c.b.add(`${id.label}: `).value('ID', c.maybeObfuscate(id.value, ['fullwidth', 'zero-width']));
    },
    (c) => {
      const id = c.personalId();
      c.b.add(`${c.d.pick(['ID number', 'Personal code', 'Tax ID'])}: `).value('ID', id.value);
    },
    (c) =>
      c.b.add('Contact person: ').value('PERSON', c.fullName()).add('; mobile ').value('PHONE', c.phone()),
    (c) => c.b.add('PIN: ').value('SECRET', pin(c.d)),
  ],
  signature: [
    (c) =>
      c.b
        .add('--\n')
        .value('PERSON', c.fullName())
        .add(
          `\n${c.d.pick(['Account Manager', 'Senior Engineer', 'Head of Finance', 'Office Manager'])}\nT: `,
        )
        .value('PHONE', c.phone())
        .add('\n')
        .value('EMAIL', c.email())
        .add('\n')
        .value('ADDRESS', c.address()),
    (c) =>
      c.b
        .value('PERSON', c.fullName())
        .add(' | Sales | ')
        .value('PHONE', c.phone())
        .add(' | ')
        .value('EMAIL', c.email()),
  ],
  'address-form': [
    (c) => c.b.add('Shipping address: ').value('ADDRESS', c.address()),
    (c) => c.b.value('ADDRESS', c.address()),
    (c) => c.b.add('she lives at ').value('ADDRESS', c.address()),
    (c) => c.b.add('Deliver to: ').value('PERSON', c.fullName()).add(', ').value('ADDRESS', c.address()),
  ],
  'error-dialog': [
    (c) => c.b.add('Error: user ').value('EMAIL', c.email()).add(' not found in directory'),
    (c) => c.b.add('Payment declined for card ').value('CARD', cardNumber(c.d)).add(' (code 05)'),
    (c) =>
      c.b
        .add('Could not connect to ')
        .value('IP', c.d.chance(0.6) ? ipv4(c.d) : ipv6(c.d))
        .add(' (connection refused)'),
    (c) => c.b.add('Invalid IBAN ').value('IBAN', iban(c.d)).add(' - please check and retry'),
    (c) => c.b.add('The contact ').value('PERSON', c.fullName()).add(' already exists. Merge records?'),
  ],
  log: [
    (c) =>
      c.b
        .add(`2026-11-${String(c.d.int(1, 30)).padStart(2, '0')}T10:14:03Z INFO login ok user=`)
        .value('EMAIL', c.email())
        .add(' ip=')
        .value('IP', ipv4(c.d)),
    (c) =>
      c.b
        .add('WARN rate limit exceeded for client ')
        .value('IP', c.d.chance(0.5) ? ipv6(c.d) : ipv4(c.d))
        .add(' after 120 requests'),
    (c) => c.b.add('DEBUG sms sent to ').value('PHONE', c.phone()).add(' status=delivered'),
  ],
  config: [
    (c) => {
      const s = c.secret('token');
      c.b.add(`${s.key}=`).value('SECRET', s.value);
    },
    (c) => {
      const s = c.secret('token');
      c.b.add(`  ${s.key}: "`).value('SECRET', s.value).add('"');
    },
    (c) => {
      const s = c.secret('token');
      c.b.add(`{"${s.key}": "`).value('SECRET', s.value).add('", "region": "eu-west-1"}');
    },
    (c) => {
      const s = c.secret('token');
      c.b
        .add(`const ${c.d.pick(['token', 'apiKey', 'secret'])} = '`)
        .value('SECRET', s.value)
        .add("';");
    },
    (c) => {
      const s = c.secret('password');
      c.b.add(`${s.key}${c.d.pick(['=', ': ', ' = '])}`).value('SECRET', s.value);
    },
    (c) => {
      const s = c.secret();
      if (s.value.startsWith('-----')) c.b.add('$ cat ~/.ssh/id_rsa\n').value('SECRET', s.value);
      else if (s.value.startsWith('https:')) c.b.add('SLACK_WEBHOOK_URL=').value('SECRET', s.value);
      else c.b.add(`${s.key}: `).value('SECRET', s.value);
    },
    (c) => c.b.add('DB_PASSWORD=').value('SECRET', c.secret('password').value),
  ],
  terminal: [
    (c) => {
      const s = c.secret('token');
      c.b.add(`$ export ${s.key.replace(/[^A-Za-z0-9_]/g, '_')}=`).value('SECRET', s.value);
    },
    (c) =>
      c.b
        .add('$ git clone https://')
        .value('SECRET', `${c.userName()}:${urlPassword(c.d)}`)
        .add('@git.example.com/team/repo.git'),
    (c) =>
      c.b
        .add('$ psql postgres://')
        .value('SECRET', `app:${urlPassword(c.d)}`)
        .add(`@db.internal:5432/orders`),
    (c) => c.b.add('$ mysql -u root -p').value('SECRET', c.secret('password').value),
  ],
  header: [
    (c) => c.b.add('Authorization: Bearer ').value('SECRET', c.secret('token').value),
    (c) => c.b.add('x-api-key: ').value('SECRET', c.secret('token').value),
    (c) =>
      c.b
        .add('curl -H "Authorization: Bearer ')
        .value('SECRET', c.secret('token').value)
        .add('" https://api.example.com/v1/items'),
    (c) =>
      c.b
        .add('Authorization: Basic ')
        .value('SECRET', Buffer.from(`${c.userName()}:${urlPassword(c.d)}`).toString('base64')),
  ],
  'home-path': [
    (c) => c.b.add('C:\\Users\\').value('USERNAME', c.userName()).add('\\Documents\\Q3 forecast.xlsx'),
    (c) => c.b.add('/home/').value('USERNAME', c.userName()).add('/projects/api/.env'),
    (c) => c.b.add('/Users/').value('USERNAME', c.userName()).add('/Downloads/invoice-2291.pdf'),
    (c) =>
      c.b
        .add("FileNotFoundError: [Errno 2] No such file or directory: '/home/")
        .value('USERNAME', c.userName())
        .add("/data/report.csv'"),
  ],
  structured: [
    (c) =>
      c.b.add('card ').value('CARD', c.maybeObfuscate(cardNumber(c.d), ['fullwidth', 'nbsp', 'zero-width'])),
    (c) => c.b.add('Kontonummer / IBAN ').value('IBAN', iban(c.d)),
    (c) => c.b.add('id ').value('ID', c.personalId().value),
    (c) => c.b.add('server ').value('IP', ipv4(c.d)).add(' and ').value('IP', ipv6(c.d)),
    (c) => c.b.add('mail me at ').value('EMAIL', c.email()),
    (c) => c.b.add('Tel. ').value('PHONE', c.phone()),
  ],
};

/**
 * Templates that only ever produce test-split samples: contexts and shapes written after detector tuning
 * began, with fewer cue words, so the test split is not only the odd half of what tuning has seen.
 */
const TEST_ONLY_TEMPLATES: Partial<Record<SampleKind, readonly Template[]>> = {
  'window-title': [
    (c) => c.b.value('PERSON', c.fullName()).add(' (External) | Microsoft Teams'),
    (c) => c.b.add('Shared with ').value('PERSON', c.fullName()).add(' - Google Drive'),
    (c) => c.b.add('1:1 ').value('PERSON', c.given()).add(' / ').value('PERSON', c.given()).add(' - Zoom'),
  ],
  chat: [
    (c) => c.b.value('PERSON', c.given()).add(" said they can't make it today"),
    (c) => c.b.add('can you forward this to ').value('PERSON', c.fullName()).add('?'),
    (c) => c.b.add('new number: ').value('PHONE', c.phone()),
    (c) => c.b.add('text me at ').value('PHONE', c.phone()).add(' if the train is late'),
  ],
  mail: [
    (c) =>
      c.b
        .add('From: ')
        .value('PERSON', c.fullName())
        .add('\nSent: Monday 3 November 2026 09:12\nTo: ')
        .value('EMAIL', c.email()),
    (c) => c.b.add('Kind regards\n').value('PERSON', c.fullName()).add('\n').value('PHONE', c.phone()),
  ],
  form: [
    (c) =>
      c.b
        .add('Contact\t')
        .value('PERSON', c.fullName())
        .add('\t')
        .value('PHONE', c.phone())
        .add('\t')
        .value('EMAIL', c.email()),
    (c) =>
      c.b
        .add('Emergency contact: ')
        .value('PERSON', c.fullName())
        .add(' (')
        .value('PHONE', c.phone())
        .add(')'),
    (c) => c.b.add('Account holder: ').value('PERSON', c.fullName()).add('; ').value('IBAN', iban(c.d)),
  ],
  'address-form': [
    (c) => c.b.add('Ship to ').value('PERSON', c.fullName()).add(' at ').value('ADDRESS', c.address()),
    (c) => c.b.add('{"address": "').value('ADDRESS', c.address()).add('", "verified": false}'),
  ],
  'error-dialog': [
    (c) => c.b.add('Validation failed: phone "').value('PHONE', c.phone()).add('" is not allowed'),
    (c) => c.b.add('Duplicate record: ').value('EMAIL', c.email()),
  ],
  log: [
    (c) => c.b.add('audit: ').value('PERSON', c.fullName()).add(' exported report Q3-sales.xlsx'),
    (c) =>
      c.b
        .add('user_email="')
        .value('EMAIL', c.email())
        .add('" src_ip=')
        .value('IP', c.d.chance(0.5) ? ipv4(c.d) : ipv6(c.d)),
  ],
  config: [
    (c) => c.b.add('//registry.npmjs.org/:_authToken=').value('SECRET', c.secret('token').value),
    (c) => c.b.add('Cookie: session=').value('SECRET', c.secret('token').value).add('; theme=dark'),
  ],
  terminal: [
    (c) =>
      c.b
        .add(`$ docker login -u ${c.d.pick(['ci', 'deploy', 'admin'])} -p `)
        .value('SECRET', c.secret('password').value)
        .add(' registry.example.com'),
    (c) => c.b.add("$ PGPASSWORD='").value('SECRET', c.secret('password').value).add("' psql -h db -U app"),
    (c) =>
      c.b
        .add('$ git remote add origin https://')
        .value('SECRET', `${c.userName()}:${c.secret('token').value}`)
        .add('@github.com/acme/app.git'),
  ],
  header: [
    (c) => c.b.add('GET /v1/items?api_key=').value('SECRET', c.secret('token').value).add(' HTTP/1.1'),
  ],
  'home-path': [
    (c) => c.b.add('C:\\Users\\').value('USERNAME', c.userName()).add('\\AppData\\Local\\Temp\\setup.log'),
    (c) => c.b.add('/mnt/c/Users/').value('USERNAME', c.userName()).add('/Desktop/notes.txt'),
    (c) => c.b.add('\\\\fileserver\\home$\\').value('USERNAME', c.userName()).add('\\Documents'),
  ],
  structured: [
    (c) => c.b.add('card no. ').value('CARD', cardNumber(c.d)).add(' exp 08/27'),
    (c) => c.b.add('ip: ').value('IP', ipv6(c.d)),
    (c) => c.b.add('Personnummer/ID: ').value('ID', c.personalId().value),
  ],
};

/** How large a corpus to generate. */
export interface CorpusOptions {
  /** @default 1 */
  readonly seed?: number;
  /** Samples per locale. @default 120 */
  readonly perLocale?: number;
  /** Locales to draw from. @default CORPUS_LOCALES */
  readonly locales?: readonly CorpusLocale[];
  /** Generate the sealed `fresh` split only (fresh-templates.ts), on its own dice stream. */
  readonly fresh?: boolean;
  /** Generate the sealed `fresh2` split only (fresh2-templates.ts), on its own dice stream; wins over `fresh`. */
  readonly fresh2?: boolean;
}

const NON_LATIN_LOCALES = new Set<CorpusLocale>(['el', 'ru', 'ja', 'ko', 'zh_CN']);

/**
 * Generates the corpus: per locale, `perLocale` samples cycling through the kinds (so every kind and class
 * appears in every locale), each from a template picked by the seeded dice. Same options, same corpus.
 */
export function generateCorpus(options: CorpusOptions = {}): Sample[] {
  const seed = options.seed ?? 1;
  const perLocale = options.perLocale ?? 120;
  const lists = detectorLists();
  const locales = options.locales ?? CORPUS_LOCALES;
  const fallback = localePools('en_US', lists, seed);
  const out: Sample[] = [];
  locales.forEach((locale, li) => {
    const pools = locale === 'en_US' ? fallback : localePools(locale, lists, seed);
    const latin = NON_LATIN_LOCALES.has(locale) ? fallback : pools;
    const salt = options.fresh2 ? 0xf2e5 : options.fresh ? 0x5eed : 0;
    const d = new Dice(seededRandom(seed * 1_000_003 + li * 7919 + salt));
    for (let i = 0; i < perLocale; i++) {
      const kind = SAMPLE_KINDS[(i + li) % SAMPLE_KINDS.length] as SampleKind;
      const c = new SampleContext(d, pools, latin);
      const sealed = options.fresh2 ? FRESH2_TEMPLATES : options.fresh ? FRESH_TEMPLATES : undefined;
      const tuned = sealed ? [] : TEMPLATES[kind];
      const templates = sealed ? sealed[kind] : [...tuned, ...(TEST_ONLY_TEMPLATES[kind] ?? [])];
      const t = d.int(0, templates.length - 1);
      (templates[t] as Template)(c);
      const split = options.fresh2
        ? 'fresh2'
        : options.fresh
          ? 'fresh'
          : t < tuned.length && t % 2 === 0
            ? 'dev'
            : 'test';
      out.push({ text: c.b.text, spans: c.b.spans, kind, locale, split, heldOut: c.b.heldOut });
    }
  });
  return out;
}
