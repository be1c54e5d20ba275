/**
 * Scenarios for the privacy fuzzer: a fast-check plan (users, sessions of steps, record mutations, KPL
 * aggregation, delivery faults) and its materialisation into Kinesis payloads with a marker planted in every
 * string and id. The materialiser is the oracle: it knows each session's real context (app in focus, field
 * in focus, who the user is) whatever the pipeline was able to see, and tags every marker with the classes
 * that forbid it (see markers.ts).
 */
import agg from 'aws-kinesis-agg';
import fc from 'fast-check';
import { type Policy, parsePolicy } from '#core/redact/policy.js';
import type { LeakClass, MarkerBook } from './fuzz-markers.js';

/** 2026-11-02T09:00:00Z: every session starts within minutes of it. */
export const BASE_TS = Date.UTC(2026, 10, 2, 9, 0, 0);

/** The policy every scenario runs under (opt-outs come from the registry, never from the policy). */
export const FUZZ_POLICY: Policy = parsePolicy({
  version: 'fuzz-policy-1',
  excludedApps: ['com.example.vault', 'keepass'],
  excludedDomains: ['bank.example.com'],
  excludedRoles: ['works-council'],
});

interface AppDef {
  readonly name: string;
  readonly excluded: boolean;
  /** Focus fields for a variant; `path` is a marker for the URL path (or the app id), if the app uses one. */
  readonly focus: (variant: number, path: string) => { appId: string; processName: string; url?: string };
}

const pick = <T>(list: readonly T[], n: number): T => list[n % list.length] as T;

/** Apps a session can focus; excluded ones are reached in every spelling the policy should still match. */
export const APPS: readonly AppDef[] = [
  { name: 'editor', excluded: false, focus: () => ({ appId: 'com.example.editor', processName: 'editor' }) },
  {
    name: 'browser',
    excluded: false,
    focus: (_v, path) => ({
      appId: 'com.google.Chrome',
      processName: 'chrome',
      url: `https://desk.example.com/tickets/${path}`,
    }),
  },
  {
    name: 'vault (excluded app id)',
    excluded: true,
    focus: (v) => ({ appId: pick(['com.example.vault', 'COM.Example.Vault'], v), processName: 'vaultd' }),
  },
  {
    name: 'keepass (excluded process)',
    excluded: true,
    focus: (v) => ({ appId: 'org.keepassxc.KeePassXC', processName: pick(['keepass', 'KeePass'], v) }),
  },
  {
    name: 'bank (excluded domain)',
    excluded: true,
    focus: (v, path) => ({
      appId: 'com.google.Chrome',
      processName: 'chrome',
      url: pick(
        [
          `https://bank.example.com/accounts/${path}`,
          `https://online.bank.example.com/${path}`,
          `HTTPS://Online.Bank.Example.COM:8443/${path}`,
          `https://jane@bank.example.com/${path}`,
          `https://bank.example.com./${path}`,
        ],
        v,
      ),
    }),
  },
  {
    name: 'custom (marker app id)',
    excluded: false,
    focus: (_v, name) => ({ appId: `com.example.${name}`, processName: name }),
  },
];

/** How a record is broken on its way in. */
export const MUTATIONS = [
  'unknown-key',
  'unknown-id-key',
  'wrong-type',
  'id-number',
  'id-object',
  'oversize-field',
  'oversize-event',
  'truncated',
  'non-utf8',
  'binary',
  'not-an-object',
  'double-encoded',
] as const;
export type MutationKind = (typeof MUTATIONS)[number];
export interface Mutation {
  readonly kind: MutationKind;
  readonly pick: number;
}

/** Steps a session takes; a step emits one or more events. */
export type Step =
  | { readonly k: 'focus'; readonly app: number; readonly variant: number; readonly gap: number }
  | { readonly k: 'element'; readonly secure: boolean; readonly gap: number }
  /** Printable keys one by one: plain, with alt held (option+key types a character), or of class other. */
  | { readonly k: 'type'; readonly style: number; readonly gap: number }
  | { readonly k: 'text'; readonly secure: boolean; readonly mut: Mutation | null; readonly gap: number }
  /** Into a secure field, type, out again. */
  | { readonly k: 'login'; readonly style: number; readonly gap: number }
  /** Into an excluded app or domain, a dialog and some typing, back to the editor. */
  | { readonly k: 'visit'; readonly app: number; readonly variant: number; readonly gap: number }
  | {
      readonly k: 'key' | 'hotkey' | 'click' | 'wheel' | 'dialog' | 'task' | 'clipboard' | 'screen';
      readonly mut: Mutation | null;
      readonly gap: number;
    };

export interface UserPlan {
  readonly optedOut: boolean;
  readonly excludedRole: boolean;
  readonly host: boolean;
}

export interface SessionPlan {
  readonly user: number;
  readonly app: number;
  readonly variant: number;
  readonly steps: readonly Step[];
}

/** What happens to one handler invocation. */
export interface InvocationKnob {
  /** A new container (handler instance, empty session state) takes this invocation. */
  readonly fresh: boolean;
  /** Writes that fail in this invocation. */
  readonly failPuts: number;
  readonly failZone: 'events' | 'quarantine';
  /** After success, the same batch is delivered again (at-least-once delivery). */
  readonly redeliver: boolean;
}

export interface DeliveryPlan {
  /** Batch sizes, used in turn. */
  readonly batchSizes: readonly number[];
  /** KPL aggregate sizes, used in turn (under 2: a plain record). */
  readonly aggregate: readonly number[];
  /** Per aggregate, in turn: 0 intact, 1 checksum flipped, 2 truncated, 3 a byte flipped inside. */
  readonly corrupt: readonly number[];
  /** Every n-th Kinesis record is a malformed event-source record (0: none). */
  readonly malformedEvery: number;
  readonly invocations: readonly InvocationKnob[];
}

export interface Plan {
  readonly nonce: number;
  readonly users: readonly UserPlan[];
  readonly sessions: readonly SessionPlan[];
  readonly delivery: DeliveryPlan;
}

const rarely = fc.constantFrom(false, false, false, true);
const gap = fc.constantFrom(40, 300, 1500, 6000, 70_000);
/** Apps to focus: a bit less than half the time an excluded one. */
const app = fc.constantFrom(0, 1, 5, 0, 1, 2, 3, 4);
const arbMutation: fc.Arbitrary<Mutation | null> = fc.option(
  fc.record({ kind: fc.constantFrom(...MUTATIONS), pick: fc.nat({ max: 11 }) }),
  { freq: 3, nil: null },
);
// fc.option's freq is the chance of nil (1 in freq); flip it so about 1 event in 4 is broken.
const maybeMutation: fc.Arbitrary<Mutation | null> = fc
  .tuple(arbMutation, fc.nat({ max: 3 }))
  .map(([m, n]) => (n === 0 ? m : null));

const arbStep: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({ k: fc.constant('focus' as const), app, variant: fc.nat({ max: 4 }), gap }),
  },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('element' as const), secure: fc.boolean(), gap }) },
  {
    weight: 3,
    arbitrary: fc.record({ k: fc.constant('type' as const), style: fc.constantFrom(0, 0, 1, 2), gap }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ k: fc.constant('text' as const), secure: fc.boolean(), mut: maybeMutation, gap }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ k: fc.constant('login' as const), style: fc.constantFrom(0, 0, 1, 2), gap }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant('visit' as const),
      app: fc.constantFrom(2, 3, 4),
      variant: fc.nat({ max: 4 }),
      gap,
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      k: fc.constantFrom(
        'dialog' as const,
        'task' as const,
        'click' as const,
        'key' as const,
        'hotkey' as const,
        'wheel' as const,
        'clipboard' as const,
        'screen' as const,
      ),
      mut: maybeMutation,
      gap,
    }),
  },
);

/** The fuzzer's plans. */
export const arbPlan: fc.Arbitrary<Plan> = fc.record({
  nonce: fc.nat(),
  users: fc.array(fc.record({ optedOut: rarely, excludedRole: rarely, host: fc.boolean() }), {
    minLength: 1,
    maxLength: 3,
  }),
  sessions: fc.array(
    fc.record({
      user: fc.nat({ max: 2 }),
      app,
      variant: fc.nat({ max: 4 }),
      steps: fc.array(arbStep, { minLength: 1, maxLength: 24 }),
    }),
    { minLength: 1, maxLength: 3 },
  ),
  delivery: fc.record({
    batchSizes: fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 6 }),
    aggregate: fc.array(fc.constantFrom(0, 0, 2, 3, 5), { minLength: 1, maxLength: 6 }),
    corrupt: fc.array(fc.constantFrom(0, 0, 0, 1, 2, 3), { minLength: 1, maxLength: 4 }),
    malformedEvery: fc.constantFrom(0, 0, 0, 0, 7, 13),
    invocations: fc.array(
      fc.record({
        fresh: rarely,
        failPuts: fc.constantFrom(0, 0, 0, 0, 0, 1, 2),
        failZone: fc.constantFrom('events' as const, 'quarantine' as const),
        redeliver: rarely,
      }),
      { minLength: 1, maxLength: 8 },
    ),
  }),
});

/** One user record (before KPL aggregation). */
export interface UserRecord {
  /** `<session>:<seq>` of the event it carries. */
  readonly key: string;
  /** True for focus and ui_element events, which set a session's context. */
  readonly context: boolean;
  readonly data: Buffer;
  readonly partitionKey: string;
  readonly ts: number;
  /** Human-readable origin, for failure reports. */
  readonly label: string;
}

/** One Kinesis record's payload (a plain user record, or a KPL aggregate of several). */
export interface StreamPayload {
  readonly data: Buffer;
  readonly partitionKey: string;
  readonly label: string;
}

/** A materialised scenario. */
export interface Scenario {
  readonly userRecords: readonly UserRecord[];
  readonly payloads: readonly StreamPayload[];
  /** Raw user ids the opt-out registry lists (as pseudonyms). */
  readonly optedOutUserIds: readonly string[];
}

interface UserIds {
  readonly plan: UserPlan;
  readonly userId: string;
  readonly deviceId: string;
  readonly hostName: string | undefined;
  readonly department: string;
  readonly tags: readonly LeakClass[];
  readonly index: number;
}

const FILLER = 'lorem ';

/** Writes one session's events, tracking its real context. */
class SessionWriter {
  private t: number;
  private seq = 0;
  private step = 0;
  private app: AppDef;
  private secureField = false;
  /** The context the server can know: context events it never decoded leave it as it was. */
  private visibleFocusKnown = false;
  private visibleExcluded = false;
  private visibleSecure = false;
  /** Whether the record being written is one the server will not decode (a corrupted aggregate). */
  private carrierLost = false;
  private taskOpen = false;
  private appId = '';
  readonly out: UserRecord[] = [];
  private readonly sessionId: string;

  constructor(
    private readonly book: MarkerBook,
    private readonly user: UserIds,
    private readonly index: number,
    start: SessionPlan,
    /** `<session>:<seq>` of the records that will not be decodable. */
    private readonly lost: ReadonlySet<string>,
  ) {
    this.t = BASE_TS + index * 7_000;
    this.sessionId = book.word(['id:session'], `s${index} sessionId`);
    this.app = APPS[0] as AppDef;
    this.focus(start.app, start.variant);
  }

  private get where(): string {
    return `s${this.index}#${this.step}`;
  }

  /**
   * Tags of content shown or typed right now. `secure` is 'own' when the event itself says so. When the
   * server could not decode the focus or secure-field event that set the context, the class says what it
   * could know instead: `unknown-context` while it never read a focus of the session (it knows it does not
   * know), `stale-context` when it holds an older, readable context (it cannot tell without contiguous
   * seqs). A record that is itself undecodable keeps the real classes (its bytes only reach quarantine).
   */
  private contentTags(secure: false | 'own' | 'field' = false): LeakClass[] {
    const tags: LeakClass[] = [...this.user.tags];
    const lost: LeakClass = this.visibleFocusKnown ? 'stale-context' : 'unknown-context';
    const known = (visible: boolean) => this.carrierLost || visible;
    if (this.app.excluded) tags.push(known(this.visibleExcluded) ? 'excluded-app' : lost);
    if (secure === 'own') tags.push('secure');
    if (secure === 'field') tags.push(known(this.visibleSecure) ? 'secure' : lost);
    return tags;
  }

  private content(what: string, secure: false | 'own' | 'field' = false): string {
    return this.book.word(this.contentTags(secure), `${this.where} ${what}`);
  }

  /** Updates the server-visible context after a context event (unless its record is lost). */
  private contextSeen(excluded: boolean | null, secure: boolean): void {
    if (this.carrierLost) return;
    if (excluded !== null) {
      this.visibleExcluded = excluded;
      this.visibleFocusKnown = true;
    }
    this.visibleSecure = secure;
  }

  private envelope(): Record<string, unknown> {
    const u = this.user;
    this.seq += 1;
    this.t += 20;
    this.carrierLost = this.lost.has(`${this.index}:${this.seq}`);
    return {
      schemaVersion: 1,
      eventId: this.book.word(['id:event'], `${this.where} eventId (seq ${this.seq})`),
      userId: u.userId,
      deviceId: u.deviceId,
      ...(u.hostName === undefined ? {} : { hostName: u.hostName }),
      sessionId: this.sessionId,
      seq: this.seq,
      ts: this.t,
      org: {
        role: u.plan.excludedRole ? pick(['works-council', 'Works-Council'], u.index) : 'engineer',
        department: u.department,
      },
    };
  }

  private emit(
    event: Record<string, unknown>,
    mut: Mutation | null,
    secure: false | 'own' | 'field' = false,
  ): void {
    const what = `${event.type as string}${mut ? ` (${mut.kind}/${mut.pick})` : ''}`;
    this.out.push({
      key: `${this.index}:${event.seq as number}`,
      context: event.type === 'focus' || event.type === 'ui_element',
      data: mut ? this.mutate(event, mut, secure) : Buffer.from(JSON.stringify(event)),
      partitionKey: this.sessionId,
      ts: event.ts as number,
      label: `s${this.index}/u${this.user.index}#${this.step} ${what} [${this.contextLabel()}]`,
    });
  }

  private contextLabel(): string {
    const parts = [this.app.name];
    if (this.secureField) parts.push('secure field');
    if (this.user.plan.optedOut) parts.push('opted-out user');
    if (this.user.plan.excludedRole) parts.push('excluded role');
    return parts.join(', ');
  }

  focus(app: number, variant: number): void {
    this.app = APPS[app % APPS.length] as AppDef;
    this.secureField = false;
    const envelope = this.envelope();
    this.contextSeen(this.app.excluded, false);
    const f = this.app.focus(variant, this.content('focus.url path or app id'));
    this.appId = f.appId;
    this.emit({ ...envelope, type: 'focus', ...f, windowTitle: this.content('focus.windowTitle') }, null);
  }

  private element(secure: boolean): void {
    this.secureField = secure;
    const envelope = this.envelope();
    this.contextSeen(null, secure);
    this.emit(
      {
        ...envelope,
        type: 'ui_element',
        role: this.content('ui_element.role'),
        name: this.content('ui_element.name'),
        secure,
        bounds: { x: 10, y: 20, width: 100, height: 30 },
      },
      null,
    );
  }

  private type(style: number): void {
    // An old agent: printable keys one by one (the server coalesces them, or keeps key names only). The
    // keys travel in many records, so the marker's class follows the context the server can know.
    this.carrierLost = false;
    const typed = this.content(`typed keys (style ${style})`, this.secureField ? 'field' : false);
    for (const c of typed) {
      if (style === 0) {
        const key = { key: c, keyClass: 'char', char: c, modifiers: [] };
        this.emit({ ...this.envelope(), type: 'key_down', ...key }, null);
        this.t += 60;
        this.emit({ ...this.envelope(), type: 'key_up', ...key }, null);
      } else {
        // Key downs only, so that key names joined in seq order spell the marker if they are kept.
        const key =
          style === 1
            ? { key: c, keyClass: 'char', char: c, modifiers: ['alt'] }
            : { key: c, keyClass: 'other', char: c, modifiers: [] };
        this.emit({ ...this.envelope(), type: 'key_down', ...key }, null);
        this.t += 60;
      }
    }
  }

  private text(ownSecure: boolean, mut: Mutation | null): void {
    const envelope = this.envelope();
    const secure = ownSecure ? 'own' : this.secureField ? 'field' : false;
    this.emit(
      {
        ...envelope,
        type: 'text',
        field: {
          id: this.book.word([...this.contentTags(), 'id:field'], `${this.where} text.field.id`),
          role: this.content('text.field.role'),
          name: this.content('text.field.name'),
        },
        text: this.content('text.text', secure),
        secure: ownSecure,
        keyCount: 10,
        durationMs: 900,
      },
      mut,
      secure,
    );
  }

  run(s: Step): void {
    this.step += 1;
    switch (s.k) {
      case 'focus':
        this.focus(s.app, s.variant);
        break;
      case 'element':
        this.element(s.secure);
        break;
      case 'type':
        this.type(s.style);
        break;
      case 'text':
        this.text(s.secure, s.mut);
        break;
      case 'login':
        this.element(true);
        this.t += 200;
        this.type(s.style);
        this.t += 200;
        this.text(false, null);
        this.element(false);
        break;
      case 'visit':
        this.focus(s.app, s.variant);
        this.t += 300;
        this.run({ k: 'dialog', mut: null, gap: 300 });
        this.type(0);
        this.focus(0, 0);
        break;
      case 'key':
        this.emit(
          { ...this.envelope(), type: 'key_down', key: 'Enter', keyClass: 'enter', modifiers: [] },
          s.mut,
        );
        this.emit(
          { ...this.envelope(), type: 'key_up', key: 'Enter', keyClass: 'enter', modifiers: [] },
          null,
        );
        break;
      case 'hotkey':
        this.emit({ ...this.envelope(), type: 'hotkey', modifiers: ['ctrl'], key: 'c' }, s.mut);
        break;
      case 'click':
        this.emit(
          { ...this.envelope(), type: 'mouse_down', button: 'left', x: 40, y: 50, modifiers: [] },
          s.mut,
        );
        this.emit(
          { ...this.envelope(), type: 'mouse_up', button: 'left', x: 40, y: 50, modifiers: [] },
          null,
        );
        break;
      case 'wheel':
        this.emit({ ...this.envelope(), type: 'wheel', dx: 0, dy: 120, x: 40, y: 50, modifiers: [] }, s.mut);
        break;
      case 'dialog':
        this.emit(
          {
            ...this.envelope(),
            type: 'error_dialog',
            title: this.content('error_dialog.title'),
            text: this.content('error_dialog.text'),
            appId: this.appId,
          },
          s.mut,
        );
        break;
      case 'task':
        this.taskOpen = !this.taskOpen;
        this.emit(
          {
            ...this.envelope(),
            type: 'task_marker',
            marker: this.taskOpen ? 'start' : 'end',
            label: this.content('task_marker.label'),
            taskId: this.content('task_marker.taskId'),
          },
          s.mut,
        );
        break;
      case 'clipboard':
        this.emit(
          { ...this.envelope(), type: 'clipboard', op: 'copy', size: 42, contentType: 'text' },
          s.mut,
        );
        break;
      case 'screen':
        this.emit({ ...this.envelope(), type: 'screen', width: 1920, height: 1080, scale: 1 }, s.mut);
        break;
    }
    this.t += s.gap;
  }

  /** Breaks an event the way a buggy or old agent, a proxy or the network might. */
  private mutate(event: Record<string, unknown>, m: Mutation, secure: false | 'own' | 'field'): Buffer {
    const content = (what: string) => this.content(`${what} (${m.kind})`, secure);
    const idKinds = ['userId', 'deviceId', 'sessionId', 'hostName'] as const;
    const idClass = {
      userId: 'id:user',
      deviceId: 'id:device',
      sessionId: 'id:session',
      hostName: 'id:host',
    } as const;
    const json = () => Buffer.from(JSON.stringify(event));
    switch (m.kind) {
      case 'unknown-key':
        return Buffer.from(
          JSON.stringify({
            ...event,
            [pick(['note', 'comment', 'debug', 'content', 'extra'], m.pick)]: content('unknown key'),
          }),
        );
      case 'unknown-id-key': {
        const id = this.book.word(['id:unknown-key'], `${this.where} unknown id key (${m.pick % 7})`);
        const extra = pick<Record<string, unknown>>(
          [
            { employeeId: id },
            { accountId: id },
            { meta: { uid: id } },
            { user: { login: id } },
            { userName: id },
            { ip: id },
            { subject: { email: id } },
          ],
          m.pick,
        );
        return Buffer.from(JSON.stringify({ ...event, ...extra }));
      }
      case 'wrong-type':
        return Buffer.from(
          JSON.stringify(
            pick<Record<string, unknown>>(
              [
                { ...event, seq: content('seq as text') },
                { ...event, ts: String(event.ts) },
                { ...event, schemaVersion: '1' },
                { ...event, seq: -1 },
              ],
              m.pick,
            ),
          ),
        );
      case 'id-number': {
        const kind = pick(idKinds, m.pick);
        return Buffer.from(
          JSON.stringify({
            ...event,
            [kind]: this.book.number([idClass[kind]], `${this.where} ${kind} as number`),
          }),
        );
      }
      case 'id-object': {
        const kind = pick(idKinds, m.pick);
        const id = this.book.word([idClass[kind]], `${this.where} ${kind} as object`);
        const shape = pick<unknown>([{ value: id }, { id, domain: 'corp' }, [id]], Math.floor(m.pick / 4));
        return Buffer.from(JSON.stringify({ ...event, [kind]: shape }));
      }
      case 'oversize-field': {
        const long = (what: string) => `${content(what)} ${FILLER.repeat(850)}`;
        if (typeof event.text === 'string')
          return Buffer.from(JSON.stringify({ ...event, text: long('oversize text') }));
        if (typeof event.label === 'string')
          return Buffer.from(JSON.stringify({ ...event, label: long('oversize label') }));
        if (typeof event.title === 'string')
          return Buffer.from(JSON.stringify({ ...event, title: long('oversize title') }));
        return Buffer.from(JSON.stringify({ ...event, note: long('oversize note') }));
      }
      case 'oversize-event':
        return Buffer.from(
          JSON.stringify({ ...event, attachment: `${content('attachment')} ${FILLER.repeat(12_000)}` }),
        );
      case 'truncated': {
        const whole = json();
        return whole.subarray(0, Math.floor(whole.length * (0.25 + 0.06 * (m.pick % 12))));
      }
      case 'non-utf8': {
        const bad = Buffer.from([0xff, 0xfe, 0xc3]);
        return m.pick % 2 === 0 ? Buffer.concat([bad, json()]) : Buffer.concat([json(), bad]);
      }
      case 'binary':
        // JSON inside a binary envelope (a proxy's framing, a protobuf-ish wrapper).
        return Buffer.concat([
          Buffer.from([0x0a, 0x96, 0x01, 0x00, 0x12]),
          json(),
          Buffer.from([0x00, 0x80, 0x1a]),
        ]);
      case 'not-an-object':
        return Buffer.from(JSON.stringify(m.pick % 2 === 0 ? [event] : { event }));
      case 'double-encoded':
        return Buffer.from(JSON.stringify(JSON.stringify(event)));
    }
  }
}

/** KPL-aggregates user records into one payload (each keeps its own partition key). */
function aggregate(records: readonly UserRecord[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    agg.aggregate(
      records.map((r) => ({ data: r.data, partitionKey: r.partitionKey })),
      (encoded, done) => {
        parts.push(encoded.data);
        done();
      },
      () =>
        parts.length === 1 ? resolve(parts[0] as Buffer) : reject(new Error(`${parts.length} aggregates`)),
      (err) => reject(err),
    );
  });
}

function corruptAggregate(data: Buffer, how: number): Buffer {
  const out = Buffer.from(data);
  if (how === 1) out[out.length - 1] = (out[out.length - 1] as number) ^ 0xff;
  if (how === 2) return out.subarray(0, Math.max(8, out.length - 30));
  if (how === 3) out[Math.floor(out.length / 2)] = (out[Math.floor(out.length / 2)] as number) ^ 0x55;
  return out;
}

/** The user records, and how they travel: plain, or KPL-aggregated (and maybe corrupted). */
function build(
  plan: Plan,
  book: MarkerBook,
  lost: ReadonlySet<string>,
): { userRecords: UserRecord[]; groups: { records: UserRecord[]; corrupt: number }[]; users: UserIds[] } {
  const users: UserIds[] = plan.users.map((u, index) => {
    const tags: LeakClass[] = [];
    if (u.optedOut) tags.push('opted-out');
    if (u.excludedRole) tags.push('excluded-role');
    return {
      plan: u,
      index,
      tags,
      userId: book.word(['id:user'], `u${index} userId`),
      deviceId: book.word(['id:device'], `u${index} deviceId`),
      hostName: u.host ? book.word(['id:host'], `u${index} hostName`) : undefined,
      department: book.word(tags, `u${index} org.department`),
    };
  });
  const perSession = plan.sessions.map((s, i) => {
    const w = new SessionWriter(book, users[s.user % users.length] as UserIds, i, s, lost);
    for (const step of s.steps) w.run(step);
    return w.out;
  });
  // One shard: sessions interleave by time, each in its own order.
  const userRecords = perSession
    .flatMap((list, si) => list.map((r, i) => ({ r, si, i })))
    .sort((a, b) => a.r.ts - b.r.ts || a.si - b.si || a.i - b.i)
    .map((x) => x.r);
  const groups: { records: UserRecord[]; corrupt: number }[] = [];
  const { aggregate: sizes, corrupt } = plan.delivery;
  let turn = 0;
  let aggregates = 0;
  for (let i = 0; i < userRecords.length; ) {
    const size = sizes[turn++ % sizes.length] as number;
    const records = userRecords.slice(i, i + Math.max(1, size));
    groups.push({ records, corrupt: size < 2 ? -1 : (corrupt[aggregates++ % corrupt.length] as number) });
    i += records.length;
  }
  return { userRecords, groups, users };
}

/**
 * Materialises a plan: every event, every record, every marker. Twice when some aggregates are corrupted:
 * the first pass finds the records the server will not decode, the second tags markers knowing that
 * (`newBook` makes the same markers both times).
 */
export async function materialise(
  plan: Plan,
  newBook: () => MarkerBook,
): Promise<{ scenario: Scenario; book: MarkerBook }> {
  let book = newBook();
  let built = build(plan, book, new Set());
  const lost = new Set(built.groups.filter((g) => g.corrupt > 0).flatMap((g) => g.records.map((r) => r.key)));
  if (lost.size > 0) {
    book = newBook();
    built = build(plan, book, lost);
  }
  const payloads: StreamPayload[] = [];
  for (const { records, corrupt } of built.groups) {
    const first = records[0] as UserRecord;
    if (corrupt < 0) {
      payloads.push({ data: first.data, partitionKey: first.partitionKey, label: first.label });
      continue;
    }
    const data = corruptAggregate(await aggregate(records), corrupt);
    const note =
      corrupt === 0
        ? 'KPL aggregate'
        : `KPL aggregate, corrupted (${['', 'checksum', 'truncated', 'flipped byte'][corrupt]})`;
    payloads.push({
      data,
      partitionKey: first.partitionKey,
      label: `${note} of [${records.map((g) => g.label).join('; ')}]`,
    });
  }
  return {
    book,
    scenario: {
      userRecords: built.userRecords,
      payloads,
      optedOutUserIds: built.users.filter((u) => u.plan.optedOut).map((u) => u.userId),
    },
  };
}
