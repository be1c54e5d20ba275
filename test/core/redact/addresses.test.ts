import { describe, expect, it } from 'vitest';
import { createScrubber } from '#core/redact/scrubber.js';

// Street and city names below are made up for these tests; none comes from a detector list or from faker.
const scrubber = createScrubber({ key: new Uint8Array(32) });

/** The ADDRESS findings of a field, as [start, end) pairs. */
const addressSpans = (text: string) =>
  scrubber
    .scrub(text)
    .findings.filter((f) => f.type === 'ADDRESS')
    .map((f) => [f.start, f.end] as const);

/** Asserts that one ADDRESS finding covers the whole of `address` inside `text`, and nothing of it is left. */
function expectWholeAddress(text: string, address: string): void {
  const at = text.indexOf(address);
  expect(at, 'test setup: address not in text').toBeGreaterThanOrEqual(0);
  const spans = addressSpans(text);
  const covering = spans.find(([s, e]) => s <= at && e >= at + address.length);
  expect(covering, `${JSON.stringify(spans)} in ${JSON.stringify(text)}`).toBeDefined();
  const out = scrubber.scrub(text).text.replace(/<[A-Z_]+(?::[0-9a-f]{6})?>/g, ' ');
  for (const part of address.split(/[\s,]+/)) {
    if (/\d/.test(part) || part.length >= 4) expect(out).not.toContain(part);
  }
}

describe('addresses: what slipped through before (fails on the old scrubber)', () => {
  it.each([
    [
      'a Finnish street with staircase and flat',
      'Osoite: Lumikkikatu 14 B 22, 00100 Helsinki',
      'Lumikkikatu 14 B 22, 00100 Helsinki',
    ],
    ['a Portuguese street, type first', 'Enviar para Rua das Gaivotas 210', 'Rua das Gaivotas 210'],
    ['a Hungarian street with a dotted number', 'Cím: Pintyő u. 47.', 'Pintyő u. 47.'],
    ['a US military address', 'Ship to PSC 1234, Box 5678, APO AE 09012', 'PSC 1234, Box 5678, APO AE 09012'],
    ['the apartment part', 'deliver to 221B Quillon Street, Apt 4B today', '221B Quillon Street, Apt 4B'],
    ['the suite part before the street', 'Suite 200, 1 Tarrow Street', 'Suite 200, 1 Tarrow Street'],
    [
      'the postcode and city',
      'Lieferung Amselgrundstraße 5, 10115 Vellberg',
      'Amselgrundstraße 5, 10115 Vellberg',
    ],
    [
      'a US city, state and ZIP',
      '742 Ombrell Terrace, Brindlewood, IL 62704',
      '742 Ombrell Terrace, Brindlewood, IL 62704',
    ],
  ])('%s', (_name, text, address) => expectWholeAddress(text, address));
});

describe('addresses: house number before or after the street', () => {
  it.each([
    ['221B Quillon Street', 'ship to 221B Quillon Street today'],
    ['Rua das Gaivotas 210, 1000-001 Lisboa Nova', 'Rua das Gaivotas 210, 1000-001 Lisboa Nova'],
    ['Calle Olmedal 5, 3º B, 28013 Valdemora', 'Calle Olmedal 5, 3º B, 28013 Valdemora'],
    ['Via Tornesi 12, 00184 Castrano RM', 'Indirizzo: Via Tornesi 12, 00184 Castrano RM'],
    ['Marktbrunnenstraße 5a', 'Lieferung Marktbrunnenstraße 5a'],
    ['12 rue des Tilleuls Verts, 75002 Parisette', 'Livraison au 12 rue des Tilleuls Verts, 75002 Parisette'],
    ['ul. Brzozowa 3/5, 00-950 Warszówek', 'ul. Brzozowa 3/5, 00-950 Warszówek'],
    ['Hruškova 12/345, 110 00 Praha 1', 'Hruškova 12/345, 110 00 Praha 1'],
    ['Kvarngatan 7, 111 22 Sjöholm', 'Kvarngatan 7, 111 22 Sjöholm'],
    ['Lyngbakkegade 12, 2. th., 1100 Havnby', 'Lyngbakkegade 12, 2. th., 1100 Havnby'],
    ['Reigersgracht 123-II, 1015 CJ Amstelveld', 'Reigersgracht 123-II, 1015 CJ Amstelveld'],
    ['Odos Kalavrias 45, 105 63 Athina', 'Odos Kalavrias 45, 105 63 Athina'],
    ['ул. Берёзовая, д. 7, кв. 12', 'Адрес: ул. Берёзовая, д. 7, кв. 12'],
    ['Grünspechtweg 14, A-1010 Wien', 'Grünspechtweg 14, A-1010 Wien'],
    ['Route de Vessy 12, 1202 Genoud', 'Route de Vessy 12, 1202 Genoud'],
    ['Rosenhagen Caddesi No: 5 D: 3, 34710 Kadıköy', 'Rosenhagen Caddesi No: 5 D: 3, 34710 Kadıköy'],
    [
      'Avenida Tormenta, 1578 - Vila Clara - SP, 01310-100',
      'Avenida Tormenta, 1578 - Vila Clara - SP, 01310-100',
    ],
    ['1056 Szeglak, Pintyő utca 12. 3. em. 5.', '1056 Szeglak, Pintyő utca 12. 3. em. 5.'],
    ['Flat 3, 10 Quillon Road, Brindle SW1A 2AA', 'Flat 3, 10 Quillon Road, Brindle SW1A 2AA'],
    ['24 Tarrow Drive, Ottawin, ON K1A 0B1', '24 Tarrow Drive, Ottawin, ON K1A 0B1'],
    ['Sydmoor 10, 0159 Oslovik', 'Sydmoor 10, 0159 Oslovik'],
    ['東京都千代田区丸の内1-1-1', '住所 東京都千代田区丸の内1-1-1'],
    ['서울특별시 강남구 솔밭로 123', '서울특별시 강남구 솔밭로 123'],
    ['솔밭9길 135, 116동 143호', '주소: 솔밭9길 135, 116동 143호'],
    ['青州市杏林路88号 5栋1203室', '青州市杏林路88号 5栋1203室'],
    ['45 Cây Sung, Phường 7, Quận 3, Thành Lạc', '45 Cây Sung, Phường 7, Quận 3, Thành Lạc'],
    ["124 bis Place d'Orvain, 75781 Courvoie", "Shipping address: 124 bis Place d'Orvain, 75781 Courvoie"],
    ['9033 Nagyvölgy, Péter főtér 157. 4. em. 2.', '9033 Nagyvölgy, Péter főtér 157. 4. em. 2.'],
    ['Прибрежная ал., д. 26, кв. 196, 959477 Сосновск', 'Прибрежная ал., д. 26, кв. 196, 959477 Сосновск'],
    ['125 Tarrow Islands, Apt 15C, Zorvale, NY 86846', '125 Tarrow Islands, Apt 15C, Zorvale, NY 86846'],
  ])('masks all of %j', (address, text) => expectWholeAddress(text, address));

  it('masks a multi-line signature address and keeps the phone a phone', () => {
    const text = 'Tamsin Vell\n12 Quillon Street\nBrindle NW1 6XE\nT: +44 20 7946 0958';
    expectWholeAddress(text, '12 Quillon Street\nBrindle NW1 6XE');
    expect(scrubber.scrub(text).findings.map((f) => f.type)).toContain('PHONE');
  });

  it('does not swallow an email after the address', () => {
    const text = 'Kvarngatan 7, 111 22 Sjöholm, kontakt@example.org';
    expectWholeAddress(text, 'Kvarngatan 7, 111 22 Sjöholm');
    expect(scrubber.scrub(text).findings.map((f) => f.type)).toContain('EMAIL');
  });
});

describe('addresses: PO boxes', () => {
  it.each([
    ['PO Box 123, Brindlewood, CA 90210', 'PO Box 123, Brindlewood, CA 90210'],
    ['Postfach 12 34, 10115 Vellberg', 'Postfach 12 34, 10115 Vellberg'],
    ['Apartado 45, 28080 Valdemora', 'Apartado 45, 28080 Valdemora'],
    ['Unit 2050 Box 4190, FPO AP 96522', 'Unit 2050 Box 4190, FPO AP 96522'],
  ])('masks all of %j', (address, text) => expectWholeAddress(text, address));

  it('leaves a bare Box label alone', () => {
    expect(addressSpans('Box 12 selected')).toEqual([]);
  });
});

describe('addresses: what is not an address', () => {
  it.each([
    ['a page counter', 'Page 2 of 10'],
    ['a wizard step', 'Step 3 Review Order'],
    ['an OS name', 'Windows 11 Pro'],
    ['a phone model', 'iPhone 15 Pro Max'],
    ['a product', 'Office 365'],
    ['a version with a letter', 'Version 14 B'],
    ['a song title', 'Route 66'],
    ['a route name in an app', 'Route Planner 2'],
    ['a shop name', 'Hollywood Boulevard Cinema 4'],
    ['a musical', 'Avenue Q 2'],
    ['a room booking (a unit needs a street)', 'Room 12 booked'],
    ['a date', 'Tuesday, 12 March 2024'],
    ['a quantity', '3 Items Selected'],
    ['a heading before a street-like phrase', 'Chapter 12 Main Street'],
    ['a button with a weak street word', 'Place Order 2'],
    ['a cloud drive count', 'Google Drive 2 files'],
    ['a channel count', 'sent via Slack 3 times'],
    ['a list heading with a plural street word', '10 Best Views'],
    ['a loop in a log line', '1 Infinite Loop iterations'],
    ['a log line', '2024-01-15 10:30:00 INFO Server started on port 8080'],
    ['a fiscal quarter', 'Q4 FY2026'],
    ['a postcode-shaped number alone', 'Invoice 10115 Berlin GmbH'],
    ['a time and room', 'Meeting at 10:30 in Room 4'],
    ['a sentence with a street word and a year', 'Abbey Road 50th Anniversary'],
    ['a weekday and date', 'Tuesday, 2 December 2026'],
    ['a room number before a weak street word', 'Room 101 Conference Bridge'],
    ['a weak type-first word before a count', 'Via Email 3 Attachments'],
    ['a list heading with a park', 'Top 5 Central Park Attractions'],
    ['an English word ending like a compound street', 'Necktie 5'],
    ['a base64 blob with a street ending inside', 'sha512-ek4zb05sUU1vd3NpcFcweG9pWFBQbGQxRjNMOU1mYXo0'],
  ])('leaves %s alone', (_name, text) => {
    expect(addressSpans(text)).toEqual([]);
  });
});

describe('addresses: cues and vocabulary', () => {
  it('takes a street without a street-type word after a cue', () => {
    expectWholeAddress('Billing address: Kalavrias 45, Athina', 'Kalavrias 45, Athina');
  });

  it('does not take the same shape without a cue or postcode', () => {
    expect(addressSpans('Kalavrias 45 attendees')).toEqual([]);
  });

  it('exports the street-type vocabulary for other layers', async () => {
    const { isStreetTypeWord } = await import('#core/redact/detectors/addresses.js');
    expect(
      ['Street', 'St.', 'Rua', 'utca', 'Lumikkikatu', 'Kvarngatan', 'ул.'].map(isStreetTypeWord),
    ).toEqual([true, true, true, true, true, true, true]);
    expect(['Baker', 'Katie', 'String', 'Monitoring', 'Aggregate'].map(isStreetTypeWord)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('scrubs 100 KB fields of address-like words in linear time', () => {
    // only the address layer's cost: the name layer has its own adversarial test
    const big = createScrubber({ key: new Uint8Array(32), maxFieldChars: 200_000, disabled: ['PERSON'] });
    for (const field of [
      '12 Rua de la Street 3 B, '.repeat(4_000),
      'Postfach 1, 10115 Ab '.repeat(5_000),
      'Street: Ab 1, PLZ: 10115, Ort: Cd, '.repeat(3_000),
      'Rua Ab\n1 - Cd · '.repeat(6_000),
    ]) {
      const started = performance.now();
      big.scrub(field);
      expect(performance.now() - started).toBeLessThan(1500);
    }
  });
});

/** Asserts that every value is covered by an ADDRESS finding and that every label is left as it is. */
function expectFormMasked(text: string, values: readonly string[], labels: readonly string[]): void {
  const spans = addressSpans(text);
  for (const value of values) {
    const at = text.indexOf(value);
    expect(at, `test setup: ${value} not in text`).toBeGreaterThanOrEqual(0);
    const covering = spans.find(([s, e]) => s <= at && e >= at + value.length);
    expect(covering, `${value}: ${JSON.stringify(spans)} in ${JSON.stringify(text)}`).toBeDefined();
  }
  const out = scrubber.scrub(text).text;
  for (const label of labels) expect(out).toContain(label);
}

describe('addresses: labelled form fields', () => {
  it.each([
    [
      'English labels with colons',
      'Street: Quillon Drive 140\nZIP / Postcode: MK29 3JJ\nCity: Brindlewood',
      ['Quillon Drive 140', 'MK29 3JJ', 'Brindlewood'],
      ['Street:', 'ZIP / Postcode:', 'City:'],
    ],
    [
      'German labels with tabs, no street-type word',
      'Straße\tAmselblick 85\nPLZ\t81605\nOrt\tVellberg',
      ['Amselblick 85', '81605', 'Vellberg'],
      ['Straße\t', 'PLZ\t', 'Ort\t'],
    ],
    [
      'French labels of two words',
      'Adresse\tPassage des Tilleuls 137\nCode postal\t56971\nVille\tParisette',
      ['Passage des Tilleuls 137', '56971', 'Parisette'],
      ['Adresse', 'Code postal', 'Ville'],
    ],
    [
      'Czech labels whose street label is a street-type word',
      'Ulice: Hruškova 55\nPSČ: 110 00\nObec: Sjölany',
      ['Hruškova 55', '110 00', 'Sjölany'],
      ['Ulice:', 'PSČ:', 'Obec:'],
    ],
    [
      'Greek values under English labels',
      'Street\tΚαλαβρίας 161\nZIP / Postcode\t375 21\nCity\tΑθηνούλα',
      ['Καλαβρίας 161', '375 21', 'Αθηνούλα'],
      ['Street', 'ZIP / Postcode', 'City'],
    ],
    [
      'a Japanese block address under a street label',
      'Street\t3丁目8番2号 114\nZIP / Postcode\t413-5479\nCity\t杏林町',
      ['3丁目8番2号 114', '413-5479', '杏林町'],
      ['Street', 'City'],
    ],
    [
      'US labels with a state',
      'Street Address: 12 Ombrell Ave\nCity: Brindlewood\nState: IL\nZIP: 62704',
      ['12 Ombrell Ave', 'Brindlewood', 'IL', '62704'],
      ['Street Address:', 'City:', 'State:', 'ZIP:'],
    ],
    [
      'labelled fields on one line',
      'Straße: Amselgrundstr. 5, PLZ: 10115, Ort: Vellberg',
      ['Amselgrundstr. 5', '10115', 'Vellberg'],
      ['Straße:', 'PLZ:', 'Ort:'],
    ],
  ])('%s', (_name, text, values, labels) => expectFormMasked(text, values, labels));

  it.each([
    ['a version and a build number', 'Version: 12\nBuild: 4471\nNo: 5'],
    ['a byline and a date', 'By: Alice\nDate: 2024-05-01'],
    ['a counter and a status', 'Number: 3\nState: Open'],
    ['a street label holding a word only', 'Street: unknown\nNotes: 12 calls'],
  ])('leaves %s alone', (_name, text) => {
    expect(addressSpans(text)).toEqual([]);
  });
});

describe('addresses: parts across separators and lines', () => {
  it.each([
    [
      'middle dots between parts',
      'Invoice address\nТаёжная ул. · д. 221 · кв. 3 · 682602 Сосновск',
      'Таёжная ул. · д. 221 · кв. 3 · 682602 Сосновск',
    ],
    [
      'a Brazilian number on the line after the street',
      'Barros\nAlameda Tormenta\n203 - Vila Clara - RS, 49379-945',
      'Alameda Tormenta\n203 - Vila Clara - RS, 49379-945',
    ],
    [
      'a Brazilian street, number and district between dots',
      'Travessa Tormenta · 225 - Vila Clara - MG · 81000-464',
      'Travessa Tormenta · 225 - Vila Clara - MG · 81000-464',
    ],
    [
      'a flat on the line before the street',
      'Consignee:\nFlat 24\n57 Quillon Mews\nBrindle, TA9 2SW',
      'Flat 24\n57 Quillon Mews\nBrindle, TA9 2SW',
    ],
    [
      'a ship on the line before its FPO',
      'Karelle\nUSNS Quillon\nFPO AA 34046',
      'USNS Quillon\nFPO AA 34046',
    ],
    [
      'a Hungarian postcode and city before the street, after a middle dot',
      'Virág Zita · 1021 Szeglak, Pintyő park 74. 6. em. 3. · tel',
      '1021 Szeglak, Pintyő park 74. 6. em. 3.',
    ],
    [
      'a Hungarian postcode and city on the line before',
      'Pintér, Gyuri\n0737 Szeglak\nPintyő sétány 219.',
      '0737 Szeglak\nPintyő sétány 219.',
    ],
    [
      'a Hungarian housing estate',
      '4467 Szeglak, Pintyő lakótelep 186. 8. em. 1.',
      '4467 Szeglak, Pintyő lakótelep 186. 8. em. 1.',
    ],
    [
      'an outward and inward code after a city',
      '152 Ombrell Terrace, Brindlewood, SO79 17Z · 0934',
      '152 Ombrell Terrace, Brindlewood, SO79 17Z',
    ],
    [
      'a city ending a sentence',
      'Waiting at 75 Ombrell Alley, Phường 6, Quận 10, Thành Lạc. Pick-up code 4471.',
      '75 Ombrell Alley, Phường 6, Quận 10, Thành Lạc',
    ],
    [
      'a Dutch street opening with an article',
      'Recipient · de Quillonlaan 117, 4106 BQ Amstelveld · +31',
      'de Quillonlaan 117, 4106 BQ Amstelveld',
    ],
    [
      'an Italian crossing',
      'Incrocio Tornesi 202, int. 15, 73792 Castrano',
      'Incrocio Tornesi 202, int. 15, 73792 Castrano',
    ],
    [
      'a Polish boulevard after ul.',
      'ul. bulw. Brzozowa 88/16, 81-587 Warszówek',
      'ul. bulw. Brzozowa 88/16, 81-587 Warszówek',
    ],
    ['a Greek side street', 'Παρ. Καλαβρίας 65, 728 52 Αθηνούλα', 'Παρ. Καλαβρίας 65, 728 52 Αθηνούλα'],
  ])('%s', (_name, text, address) => expectWholeAddress(text, address));

  it.each([
    [
      'a Polish flat after the house number',
      'ul. Brzozowa 10/12 m. 5, 00-590 Warszówek',
      'ul. Brzozowa 10/12 m. 5, 00-590 Warszówek',
    ],
    [
      'a Hungarian floor in Roman numerals',
      'Cím: 1052 Szeglak, Pintyő u. 12. II. em. 4.',
      '1052 Szeglak, Pintyő u. 12. II. em. 4.',
    ],
    [
      'a province after a slash',
      'Adres: Çiçek Bulvarı No: 45 Daire: 3, 06690 Kavaklı/Ankara',
      'Çiçek Bulvarı No: 45 Daire: 3, 06690 Kavaklı/Ankara',
    ],
    [
      'a long postcode closing the line',
      'Адрес: ул. Берёзовая, д. 7, кв. 12, 125009',
      'ул. Берёзовая, д. 7, кв. 12, 125009',
    ],
  ])('%s', (_name, text, address) => expectWholeAddress(text, address));

  it.each([
    [
      'a saint in the city name',
      '102 Ombrell Road, St. Quillon, NP10 2KJ · tel',
      '102 Ombrell Road, St. Quillon, NP10 2KJ',
    ],
    [
      'a direction letter before an ordinal street',
      'K. Vell · 1 N 6th Street, Brindlewood, CA 98987 · tel',
      '1 N 6th Street, Brindlewood, CA 98987',
    ],
    [
      'a Czech square after its name',
      'Nové bydliště: Hruškovo nám. 170/43, 53208 Blatnice',
      'Hruškovo nám. 170/43, 53208 Blatnice',
    ],
    [
      'a Czech town with a lower-case preposition',
      'Hruškova 329/39, 56732 Újezdec u Brna',
      'Hruškova 329/39, 56732 Újezdec u Brna',
    ],
    [
      'a Hungarian door before a window-title dash',
      'Directions to 4126 Szeglak, Pintyő sor 126. 2. em. 3. - Maps',
      '4126 Szeglak, Pintyő sor 126. 2. em. 3.',
    ],
  ])('%s', (_name, text, address) => expectWholeAddress(text, address));

  it.each([
    ['an ISO date after a label', 'DOB 1971-05-15 · Quillon, Klara · 196361'],
    ['a day-first date after a word', 'Release 15/05/1971 · Notes, Build · 204551'],
  ])('does not read %s as a house number', (_name, text) => {
    expect(addressSpans(text)).toEqual([]);
  });

  it('does not carry a type-first street across a line break', () => {
    const text = 'Where: Contrada Tornesi 67, 22874 Castrano\nOrganizer: someone';
    expectWholeAddress(text, 'Contrada Tornesi 67, 22874 Castrano');
    expect(scrubber.scrub(text).text).toContain('Organizer');
  });

  it('takes a postcode-and-city label as one part', () => {
    expectFormMasked(
      'Straße und Hausnummer: Lindenhag 7\nPostleitzahl und Ort: 50667 Vellberg',
      ['Lindenhag 7', '50667 Vellberg'],
      ['Straße und Hausnummer:', 'Postleitzahl und Ort:'],
    );
  });

  it('does not run past a street into a path or a count', () => {
    expect(scrubber.scrub('See 12 Quillon Street/Docs').text).toContain('/Docs');
    expect(scrubber.scrub('12 Quillon Street, 20245 people').text).toContain('20245 people');
  });

  it('keeps the app name after a dash in a window title', () => {
    const text = 'Directions to 144 Impasse Tornesi, 24939 Courvoie - Google Maps';
    expectWholeAddress(text, '144 Impasse Tornesi, 24939 Courvoie');
    expect(scrubber.scrub(text).text).toContain('Google Maps');
  });

  it.each([
    ['a code of letters and digits without a city', 'Ref AB12 34C approved'],
    ['a sentence with a cue-like word and a count', 'Resolved by clearing the cache, 12 items left'],
    ['a gerund ending like a compound street', 'Clearing 2024 Results'],
    ['a game title', 'Street Fighter 2'],
  ])('leaves %s alone', (_name, text) => {
    expect(addressSpans(text)).toEqual([]);
  });
});
