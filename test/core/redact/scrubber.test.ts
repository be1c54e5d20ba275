import fc from 'fast-check';
import { checkSync } from 'recheck';
import { describe, expect, it } from 'vitest';
import { ibanValid, luhnValid, shannonEntropy, withLuhnDigit } from '#core/redact/detectors.js';
import type { EntityType } from '#core/redact/scrub-types.js';
import { createScrubber, SCRUBBER_PATTERNS } from '#core/redact/scrubber.js';

const KEY = new Uint8Array(32).fill(7);
const scrubber = createScrubber({
  key: KEY,
  denyTerms: ['Project Falcon', 'Globex'],
  names: ['Quinn Ravel'],
});
const typesIn = (text: string) => scrubber.scrub(text).findings.map((f) => f.type);

describe('scrubber: entity types', () => {
  const hits: [EntityType, string, string][] = [
    ['EMAIL', 'mail jane.doe+tag@mail.example.co.uk now', 'jane.doe+tag@mail.example.co.uk'],
    ['PHONE', 'call +44 20 7946 0958 today', '+44 20 7946 0958'],
    ['PHONE', 'call (555) 123-4567', '(555) 123-4567'],
    ['PHONE', 'call 555-123-4567', '555-123-4567'],
    ['PHONE', 'ruf 030 12345678 an', '030 12345678'],
    ['CARD', 'pay 4111 1111 1111 1111 ok', '4111 1111 1111 1111'],
    ['CARD', 'pay 5500-0000-0000-0004', '5500-0000-0000-0004'],
    ['IBAN', 'iban DE89 3704 0044 0532 0130 00.', 'DE89 3704 0044 0532 0130 00'],
    ['IBAN', 'iban gb82west12345698765432', 'gb82west12345698765432'],
    ['SSN', 'ssn 123-45-6789', '123-45-6789'],
    ['IPV4', 'host 10.0.12.255 down', '10.0.12.255'],
    ['IPV6', 'addr fe80::1ff:fe23:4567:890a up', 'fe80::1ff:fe23:4567:890a'],
    ['MAC', 'mac 00-1A-2B-3C-4D-5E', '00-1A-2B-3C-4D-5E'],
    ['ADDRESS', 'ship to 221 Baker Street today', '221 Baker Street'],
    ['ADDRESS', 'Lieferung Hauptstraße 12a', 'Hauptstraße 12a'],
    ['PERSON', 'ask Maria Gonzalez about it', 'Maria Gonzalez'],
    ['PERSON', 'ask quinn ravel about it', 'quinn ravel'],
    ['PERSON', 'cc Dr. Watson', 'Dr. Watson'],
    ['AWS_ACCESS_KEY', 'id AKIAIOSFODNN7EXAMPLE', 'AKIAIOSFODNN7EXAMPLE'],
    [
      'AWS_SECRET_KEY',
      'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    ],
    ['GCP_KEY', 'key AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW', 'AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW'],
    [
      'AZURE_KEY',
      'AccountKey=Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFy==;',
      'Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFy==',
    ],
    ['GITHUB_TOKEN', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789'],
    ['GITLAB_TOKEN', 'glpat-abcdefghij0123456789', 'glpat-abcdefghij0123456789'],
    ['SLACK_TOKEN', 'xoxb-123456789012-abcdefghijkl', 'xoxb-123456789012-abcdefghijkl'],
    ['STRIPE_KEY', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc'],
    ['OPENAI_KEY', 'sk-proj-abcdefghijklmnopqrstuvwxyz012345', 'sk-proj-abcdefghijklmnopqrstuvwxyz012345'],
    [
      'JWT',
      't eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
    ],
    ['BEARER_TOKEN', 'Authorization: Bearer abc123def456ghi', 'abc123def456ghi'],
    [
      'PRIVATE_KEY',
      '-----BEGIN PRIVATE KEY-----\nMIIEvQ\n-----END PRIVATE KEY-----',
      '-----BEGIN PRIVATE KEY-----\nMIIEvQ\n-----END PRIVATE KEY-----',
    ],
    ['PASSWORD', 'password=hunter2!', 'hunter2!'],
    ['PASSWORD', '{"passwd": "s3 cr3t"}', 's3 cr3t'],
    ['PASSWORD', 'postgres://app:pa55word@db:5432/x', ':pa55word@'],
    ['SECRET', 'token=abc', 'abc'],
    ['SECRET', 'tok Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0Lm end', 'Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0Lm'],
    ['URL_QUERY', 'https://x.example.com/p?id=42', '42'],
    ['URL_FRAGMENT', 'https://x.example.com/p#section-2', 'section-2'],
    ['URL_USERINFO', 'https://bob@x.example.com/p', 'bob@'],
    ['DENY_TERM', 'status of project falcon?', 'project falcon'],
    ['DENY_TERM', 'Globex renewal', 'Globex'],
  ];

  it.each(hits)('finds %s in %j', (type, text, value) => {
    const { text: out, findings } = scrubber.scrub(text);
    const f = findings.find((x) => x.type === type);
    expect(f, JSON.stringify(findings)).toBeDefined();
    if (f) expect(text.slice(f.start, f.end)).toBe(value);
    if (type !== 'URL_USERINFO' && type !== 'PASSWORD')
      expect(out).toMatch(new RegExp(`<${type}:[0-9a-f]{6}>`));
    expect(out).not.toContain(value);
  });

  const misses: [string, string, EntityType][] = [
    ['a Luhn-failing card', 'pay 4111 1111 1111 1112', 'CARD'],
    ['an IBAN with a bad checksum', 'iban DE89 3704 0044 0532 0130 01', 'IBAN'],
    ['an SSN with area 000', 'ssn 000-12-3456', 'SSN'],
    ['an SSN with area 666', 'ssn 666-12-3456', 'SSN'],
    ['a date', 'on 2024-01-15 we', 'PHONE'],
    ['a version number', 'v 10.2.3.4567', 'PHONE'],
    ['a short number', 'order 12345', 'PHONE'],
    ['a time of day', 'at 10:30:00 sharp', 'IPV6'],
    ['an IPv4 out of range', 'n 300.1.1.1', 'IPV4'],
    ['an email without a domain dot', 'user@localhost', 'EMAIL'],
    ['a UUID record id', 'id 3f2504e0-4f89-11d3-9a0c-0305e82c3301', 'SECRET'],
    ['an ordinary long word', 'internationalisation_configuration_2024', 'SECRET'],
    ['a capitalised non-name pair', 'Quarterly Report', 'PERSON'],
    ['a street-less number', '42 Quarterly Reports', 'ADDRESS'],
  ];

  it.each(misses)('does not flag %s', (_name, text, type) => {
    expect(typesIn(text)).not.toContain(type);
  });
});

describe('scrubber: behaviour', () => {
  it('drops URL userinfo and keeps scheme, host and path', () => {
    expect(scrubber.scrub('postgres://app:pa55word@db.internal:5432/prod').text).toBe(
      'postgres://db.internal:5432/prod',
    );
  });

  it('tokenises query values, keeps query keys', () => {
    expect(scrubber.scrub('https://a.example.com/s?q=cats&page=2').text).toMatch(
      /^https:\/\/a\.example\.com\/s\?q=<URL_QUERY:[0-9a-f]{6}>&page=<URL_QUERY:[0-9a-f]{6}>$/,
    );
  });

  it('gives the same value the same token and different values different tokens', () => {
    const a = scrubber.scrub('x jane@example.org').text;
    const b = scrubber.scrub('y JANE@example.org z').text;
    const c = scrubber.scrub('x john@example.org').text;
    expect(a.slice(2)).toBe(b.slice(2, -2));
    expect(a).not.toBe(c);
  });

  it('gives different tokens under a different key', () => {
    const other = createScrubber({ key: new Uint8Array(32).fill(8) });
    expect(other.scrub('jane@example.org').text).not.toBe(scrubber.scrub('jane@example.org').text);
  });

  it('masks without a token when the policy says mask', () => {
    const masking = createScrubber({ key: KEY, actions: { EMAIL: 'mask' } });
    expect(masking.scrub('to jane@example.org').text).toBe('to <EMAIL>');
  });

  it('switches off a detector when the policy disables it', () => {
    const noEmail = createScrubber({ key: KEY, disabled: ['EMAIL'] });
    expect(noEmail.scrub('to jane@example.org').findings).toEqual([]);
  });

  it('reports findings as offsets into the input, never values', () => {
    const { findings } = scrubber.scrub('Customer jane.doe@example.org called');
    expect(findings).toEqual([{ type: 'EMAIL', start: 9, end: 29 }]);
  });

  it('reads context cues across a placeholder written by an earlier pass', () => {
    // the cue sits before a placeholder; facts blank placeholders without shifting offsets
    const { text } = scrubber.scrub('Phone: <EMAIL:0a1b2c> or 8123 4567');
    expect(text).toMatch(/^Phone: <EMAIL:0a1b2c> or <PHONE:[0-9a-f]{6}>$/);
    expect(scrubber.scrub('Build <EMAIL:0a1b2c> or 8123 4567').text).toBe(
      'Build <EMAIL:0a1b2c> or 8123 4567',
    );
  });

  it('caps a field before matching and marks the cut', () => {
    const capped = createScrubber({ key: KEY, maxFieldChars: 10 });
    expect(capped.scrub('abcdefghijklmnop').text).toBe('abcdefghij<TRUNCATED>');
  });
});

const luhnCard = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 15, maxLength: 15 }).map((ds) => {
  const body = `4${ds.join('')}`;
  for (let check = 0; check <= 9; check++) if (luhnValid(body + check)) return body + check;
  return body;
});
const word = fc.stringMatching(/^[a-z]{1,8}$/);
const filler = fc.array(word, { maxLength: 6 }).map((ws) => ws.join(' '));
const ibanArb = fc.stringMatching(/^[0-9]{18}$/).map((bban) => {
  const body = `DE00${bban}`;
  const rearranged = `${bban}DE00`.replace(/[A-Z]/g, (ch) => String(ch.charCodeAt(0) - 55));
  const check = 98 - Number(BigInt(rearranged) % 97n);
  return `DE${String(check).padStart(2, '0')}${body.slice(4)}`;
});
const planted: [EntityType, fc.Arbitrary<string>][] = [
  [
    'EMAIL',
    fc
      .tuple(word, word, fc.constantFrom('com', 'org', 'de', 'io'))
      .map(([a, b, t]) => `${a}.${b}@${b}mail.${t}`),
  ],
  [
    'PHONE',
    fc
      .tuple(
        fc.integer({ min: 1, max: 99 }),
        fc.stringMatching(/^[1-9][0-9]{2}$/),
        fc.stringMatching(/^[0-9]{7}$/),
      )
      .map(([c, a, n]) => `+${c} ${a} ${n}`),
  ],
  ['CARD', luhnCard],
  ['IBAN', ibanArb],
  [
    'SSN',
    fc
      .tuple(
        fc.integer({ min: 1, max: 665 }),
        fc.integer({ min: 1, max: 99 }),
        fc.integer({ min: 1, max: 9999 }),
      )
      .map(
        ([a, g, s]) =>
          `${String(a).padStart(3, '0')}-${String(g).padStart(2, '0')}-${String(s).padStart(4, '0')}`,
      ),
  ],
  ['IPV4', fc.ipV4()],
  [
    'IPV6',
    fc
      .ipV6()
      .filter(
        (ip) =>
          (ip.includes(':') && !/^[:.0-9]*$/.test(ip.replace(/[a-f]/g, ''))) || ip.split(':').length > 3,
      ),
  ],
  ['AWS_ACCESS_KEY', fc.stringMatching(/^[A-Z0-9]{16}$/).map((s) => `AKIA${s}`)],
  [
    'JWT',
    fc
      .tuple(
        fc.stringMatching(/^[A-Za-z0-9_-]{10,30}$/),
        fc.stringMatching(/^[A-Za-z0-9_-]{10,60}$/),
        fc.stringMatching(/^[A-Za-z0-9_-]{20,43}$/),
      )
      .map(([h, p, s]) => `eyJ${h}.eyJ${p}.${s}`),
  ],
  [
    'PRIVATE_KEY',
    fc
      .stringMatching(/^[A-Za-z0-9+/]{20,200}$/)
      .map((b) => `-----BEGIN EC PRIVATE KEY-----\n${b}\n-----END EC PRIVATE KEY-----`),
  ],
];

describe('scrubber: properties', () => {
  it.each(planted)('no generated %s survives when embedded in random text', (_type, arb) => {
    fc.assert(
      fc.property(filler, arb, filler, (before, value, after) => {
        const out = scrubber.scrub(`${before} ${value} ${after}`).text;
        expect(out).not.toContain(value);
      }),
      { numRuns: 150 },
    );
  });

  it('scrubbing is idempotent', () => {
    const anyPlanted = fc.oneof(...planted.map(([, a]) => a));
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string({ maxLength: 30 }), anyPlanted), { maxLength: 6 }), (parts) => {
        const once = scrubber.scrub(parts.join(' ')).text;
        expect(scrubber.scrub(once).text).toBe(once);
      }),
      { numRuns: 300 },
    );
  });

  it('passes again only when needed: the result equals always passing until nothing is found', () => {
    // Values next to the words name, address and context rules read: cues, given names, lower-case words,
    // house numbers, street words, scripts without case, and separators that glue or split them.
    const piece = fc.oneof(
      fc.constantFrom(
        'Hi',
        'Dear',
        'Grüß dich',
        'Phone:',
        'call me on',
        'Name:',
        'lives at',
        'Billing address:',
        'with',
        'NINO',
        'Maria',
        'Gonzalez',
        'Rebekka',
        'jane',
        'smith',
        'Dr.',
        '홍지혜',
        '向天宇',
        '16',
        'N',
        '6th Street',
        'Rua das Flores 210',
        'Hauptstraße 12a',
        'Apt. 4',
        'WA 69907',
        '8123 4567',
        '612 345 678',
        '555 0142',
        'ext. 12',
        '2024-01-15',
        'ZG 91 60 36 A',
        'password=hunter2',
        'order',
        'report',
        'contact',
        'for details',
        '1:0',
        'AE 09012',
        'x204',
      ),
      ...planted.map(([, a]) => a),
    );
    const sep = fc.constantFrom(' ', '  ', ', ', '\n', '', '-', ': ', ' | ', '::', '.', '(', ') ', '/', '=');
    const text = fc.array(fc.tuple(piece, sep), { minLength: 1, maxLength: 8 }).map((p) => p.flat().join(''));
    const reference = createScrubber({
      key: KEY,
      denyTerms: ['Globex'],
      names: ['Quinn Ravel'],
      rescan: 'always',
    });
    fc.assert(
      fc.property(text, (t) => {
        expect(scrubber.scrub(t)).toEqual(reference.scrub(t));
      }),
      { numRuns: 1500 },
    );
  });

  it('findings never overlap and stay inside the input', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string({ maxLength: 20 }), ...planted.map(([, a]) => a)), { maxLength: 5 }),
        (parts) => {
          const text = parts.join(' ');
          const { findings } = scrubber.scrub(text);
          let last = 0;
          for (const f of findings) {
            expect(f.start).toBeGreaterThanOrEqual(last);
            expect(f.end).toBeLessThanOrEqual(text.length);
            last = f.end;
          }
        },
      ),
    );
  });
});

describe('scrubber: linear time', () => {
  it('runs its own copies of the global regexes: the shared definitions are frozen and untouched', () => {
    expect(SCRUBBER_PATTERNS.every((re) => Object.isFrozen(re))).toBe(true);
    const a = createScrubber({ key: KEY });
    const b = createScrubber({ key: KEY });
    const text =
      'mail jane@example.com, card 4111 1111 1111 1111, see https://x.example/?t=abc <EMAIL:0a1b2c>';
    expect(b.scrub(text)).toEqual(a.scrub(text));
    expect(SCRUBBER_PATTERNS.every((re) => re.lastIndex === 0)).toBe(true);
  });

  it.each(SCRUBBER_PATTERNS.map((re) => [re.source.slice(0, 50), re] as const))(
    'pattern %s is ReDoS-safe',
    (_s, re) => {
      const result = checkSync(re.source, re.flags.replace('g', ''), { timeout: 20_000 });
      expect(result.status, JSON.stringify(result)).toBe('safe');
    },
  );

  it.each([
    ['repeated @', 'a@'.repeat(50_000)],
    ['digits and separators', '1 2-3 '.repeat(17_000)],
    ['hex and colons', 'a:'.repeat(50_000)],
    ['token characters', 'Ab1'.repeat(34_000)],
    ['BEGIN markers', '-----BEGIN PRIVATE KEY-----'.repeat(4_000)],
    ['URL-ish', 'http://a?b=c&'.repeat(8_000)],
    ['words', 'John Smith '.repeat(9_000)],
  ])('scrubs a 100 KB adversarial field (%s) in milliseconds', (_name, field) => {
    const big = createScrubber({ key: KEY, maxFieldChars: 200_000 });
    const started = performance.now();
    big.scrub(field);
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it('measures entropy alike on ASCII and on any other text', () => {
    expect(shannonEntropy('aabb')).toBe(1);
    expect(shannonEntropy('abcd')).toBe(2);
    expect(shannonEntropy('')).toBe(0);
    // the same distribution in characters beyond ASCII takes the general path and must agree
    const shifted = (t: string) =>
      Array.from(t, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0x100)).join('');
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii', maxLength: 300 }), (t) => {
        expect(shannonEntropy(t)).toBeCloseTo(shannonEntropy(shifted(t)), 12);
      }),
    );
  });

  it('checks IBAN and Luhn helpers directly', () => {
    expect(ibanValid('GB82 WEST 1234 5698 7654 32')).toBe(true);
    expect(ibanValid('GB82 WEST 1234 5698 7654 33')).toBe(false);
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(withLuhnDigit('411111111111111')).toBe('4111111111111111');
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{1,18}$/), (body) => {
        const card = withLuhnDigit(body);
        expect(card.slice(0, -1)).toBe(body);
        expect(luhnValid(card)).toBe(true);
      }),
    );
  });
});

describe('scrubber: name lexicon without org lists', () => {
  const bare = createScrubber({ key: KEY });
  // An org list that never matches switches the detector to its all-words scan.
  const listed = createScrubber({ key: KEY, names: ['zzqx vorn'], denyTerms: ['qqzx'] });

  it.each([
    ['ask Maria Gonzalez about it', 'ask <PERSON:'],
    ['Maria Gonzalez, John Smith', 'PERSON'],
  ])('finds given name + capitalised word in %j', (text, expected) => {
    expect(bare.scrub(text).text).toContain(expected);
  });

  it.each([
    'xMaria Gonzalez',
    'Maria gonzalez',
    'Maria 5 Gonzalez',
    'Maria  Gonzalez',
    'Maria_Gonzalez',
    'at 12 Maria Street',
  ])('leaves %j alone', (text) => {
    expect(bare.scrub(text).findings.filter((f) => f.type === 'PERSON')).toEqual([]);
  });

  it('gives the same result as the all-words scan on any mix of words and separators', () => {
    const word = fc.constantFrom(
      'Maria',
      'John',
      'Gonzalez',
      'Smith',
      'Street',
      'report',
      'x',
      'Émile',
      'Ödön',
    );
    const sep = fc.constantFrom(' ', '  ', ', ', '-', '_', "'", '.', '\n', '5');
    const text = fc.array(fc.tuple(word, sep), { maxLength: 12 }).map((p) => p.flat().join(''));
    fc.assert(
      fc.property(text, (t) => {
        expect(bare.scrub(t)).toEqual(listed.scrub(t));
      }),
      { numRuns: 500 },
    );
  });
});
