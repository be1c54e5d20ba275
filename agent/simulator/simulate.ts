/**
 * Workload simulator: deterministic, realistic sessions of knowledge work (coding in an IDE, resolving
 * tickets in a browser, spreadsheet entry, email) as a plain recorder would capture them: raw key presses,
 * mouse moves at 60-120 Hz, clicks, wheel bursts, plus focus, UI-element and screen context. PII and
 * secrets are planted in typed text and window titles at known rates; there are password fields, error
 * dialogs, undo and delete-and-retype recoveries, task markers on some tasks, and visits to apps the
 * default policy excludes. A ground-truth sidecar lists the planted values (with the ids of the events
 * that carry them) and the intended actions and episodes.
 *
 * Each user is a `SimulatedUser` that writes its session scenario by scenario, so a caller can stream the
 * workload (local/workload.ts holds about one minute of it); `simulate()` runs them all and sorts.
 */
import { createHash, hash } from 'node:crypto';
import type { WorktraceEventInput } from '#core/contract/event-contract.js';
import type { ActionType } from '#core/sequence/actions.js';
import {
  Dice,
  PLANTED_KINDS,
  type PlantedKind,
  plantedValue,
  seededRandom,
  sentenceFor,
  workText,
} from './values.js';

/** Simulation settings. */
export interface SimulateOptions {
  readonly users: number;
  readonly minutes: number;
  /** @default 1 */
  readonly seed?: number;
  /** Start of the simulated day, epoch ms. @default 2026-11-02T08:00:00Z */
  readonly startMs?: number;
  /** Share of typed texts carrying a planted value. @default 0.25 */
  readonly plantRate?: number;
  /** Share of window titles carrying a planted email. @default 0.1 */
  readonly titlePlantRate?: number;
  /** Share of tasks wrapped in task markers. @default 0.5 */
  readonly markerRate?: number;
}

/** A value planted in the traffic; none of it may reach any zone. */
export interface PlantedValue {
  readonly kind: PlantedKind | 'secure_password';
  /** Entity type the scrubber reports (secure passwords never leave the device at all). */
  readonly entity: string;
  readonly value: string;
  readonly where: 'typed' | 'window_title' | 'secure_field';
  readonly sessionId: string;
  /** Ids of the raw events that carry it (key presses, or the focus event). */
  readonly eventIds: readonly string[];
}

/** The ground-truth sidecar. */
export interface GroundTruth {
  readonly seed: number;
  readonly users: number;
  readonly minutes: number;
  readonly events: number;
  readonly eventsByType: Record<string, number>;
  readonly planted: PlantedValue[];
  /** Intended actions per session, in order (the reducer should find these). */
  readonly actions: Record<string, { type: ActionType; ts: number }[]>;
  /** Intended tasks (episodes) per session. */
  readonly episodes: Record<string, { scenario: string; start: number; end: number; marked: boolean }[]>;
  /** Raw user ids whose events the default policy drops on device (excluded apps visited). */
  readonly excludedAppVisits: number;
}

/** The simulator's output. */
export interface Simulation {
  readonly events: WorktraceEventInput[];
  readonly truth: GroundTruth;
}

const W = 1920;
const H = 1080;

interface AppDef {
  readonly appId: string;
  readonly process: string;
  readonly title: string;
  readonly url?: string;
}

const APPS = {
  ide: { appId: 'com.microsoft.VSCode', process: 'code', title: 'main.ts — billing-service' },
  browser: {
    appId: 'com.google.Chrome',
    process: 'chrome',
    title: 'Ticket — Helpdesk',
    url: 'https://helpdesk.example.com/tickets/4711?view=full',
  },
  sheet: { appId: 'com.microsoft.Excel', process: 'excel', title: 'Q3-forecast.xlsx' },
  mail: { appId: 'com.microsoft.Outlook', process: 'outlook', title: 'Inbox' },
  vault: { appId: 'com.1password.1password', process: '1password', title: '1Password' },
} as const satisfies Record<string, AppDef>;

/** Writes one session's raw events with a clock. */
class SessionWriter {
  seq = 0;
  ts: number;
  x = W / 2;
  y = H / 2;
  readonly actions: { type: ActionType; ts: number }[] = [];
  /** Events written since the last `take()`. */
  private out: WorktraceEventInput[] = [];

  constructor(
    readonly d: Dice,
    readonly ids: { userId: string; deviceId: string; hostName: string; sessionId: string; role: string },
    start: number,
  ) {
    this.ts = start;
  }

  /** Hands over the events written so far (in seq order) and starts a new buffer. */
  take(): WorktraceEventInput[] {
    const out = this.out;
    this.out = [];
    return out;
  }

  private id(): string {
    return hash('sha256', `${this.ids.sessionId}:${this.seq}`, 'hex').slice(0, 26);
  }

  emit(body: Record<string, unknown>): string {
    const eventId = this.id();
    this.out.push({
      schemaVersion: 1,
      eventId,
      userId: this.ids.userId,
      deviceId: this.ids.deviceId,
      hostName: this.ids.hostName,
      sessionId: this.ids.sessionId,
      seq: this.seq,
      ts: Math.round(this.ts),
      org: { role: this.ids.role },
      ...body,
    } as WorktraceEventInput);
    this.seq += 1;
    return eventId;
  }

  wait(ms: number): void {
    this.ts += ms;
  }

  /** Pointer path to (tx, ty), eased, sampled at 60-120 Hz with hand tremor. */
  moveTo(tx: number, ty: number): void {
    const hz = this.d.int(60, 120);
    const dist = Math.hypot(tx - this.x, ty - this.y);
    const ms = Math.min(900, 150 + dist * 0.6);
    const n = Math.max(2, Math.round((ms / 1000) * hz));
    const sx = this.x;
    const sy = this.y;
    for (let i = 1; i <= n; i++) {
      const t = i / n;
      const e = t < 0.5 ? 2 * t * t : 1 - (-2 * t + 2) ** 2 / 2;
      const jitter = i === n ? 0 : (this.d.next() - 0.5) * 2;
      this.x = Math.min(W - 1, Math.max(0, Math.round(sx + (tx - sx) * e + jitter)));
      this.y = Math.min(H - 1, Math.max(0, Math.round(sy + (ty - sy) * e + jitter)));
      this.wait(1000 / hz);
      this.emit({ type: 'mouse_move', x: this.x, y: this.y });
    }
  }

  element(role: string, name: string, secure = false): void {
    this.emit({
      type: 'ui_element',
      role,
      name,
      secure,
      bounds: { x: Math.max(0, this.x - 40), y: Math.max(0, this.y - 12), width: 80, height: 24 },
    });
  }

  click(tx: number, ty: number, role: string, name: string, clicks = 1): void {
    this.moveTo(tx, ty);
    this.element(role, name);
    this.wait(this.d.int(80, 200));
    for (let i = 0; i < clicks; i++) {
      this.emit({ type: 'mouse_down', button: 'left', x: this.x, y: this.y });
      this.wait(this.d.int(50, 110));
      this.emit({ type: 'mouse_up', button: 'left', x: this.x, y: this.y });
      if (i + 1 < clicks) this.wait(this.d.int(90, 160));
    }
    this.actions.push({
      type: clicks === 2 ? 'double_click' : clicks === 3 ? 'triple_click' : 'click',
      ts: this.ts,
    });
  }

  scroll(ticks: number, down = true): void {
    for (let i = 0; i < ticks; i++) {
      this.emit({ type: 'wheel', dx: 0, dy: down ? 3 : -3, x: this.x, y: this.y });
      this.wait(this.d.int(20, 60));
    }
    this.actions.push({ type: 'scroll', ts: this.ts });
  }

  /** Types text key by key (down/up per character); returns the ids of the key-down events. */
  type(text: string, typoRate = 0.02): string[] {
    const ids: string[] = [];
    for (const ch of Array.from(text)) {
      if (this.d.chance(typoRate)) {
        // A typo corrected with backspace: the delete-and-retype the episode labels look for.
        this.key('x', 'char', 'x');
        this.key('Backspace', 'backspace');
      }
      ids.push(this.key(ch, ch === ' ' ? 'space' : 'char', ch));
    }
    this.actions.push({ type: 'type', ts: this.ts });
    return ids;
  }

  key(key: string, keyClass: string, char?: string, modifiers: string[] = []): string {
    const id = this.emit({ type: 'key_down', key, keyClass, ...(char ? { char } : {}), modifiers });
    this.wait(this.d.int(40, 90));
    this.emit({ type: 'key_up', key, keyClass, modifiers });
    this.wait(this.d.int(60, 160));
    return id;
  }

  special(key: string, keyClass: string): void {
    this.key(key, keyClass);
    this.actions.push({ type: 'key', ts: this.ts });
  }

  hotkey(mods: string[], key: string): void {
    for (const m of mods) this.emit({ type: 'key_down', key: m, keyClass: 'modifier', modifiers: [] });
    if (key.length === 1) this.key(key, 'char', key, mods);
    else this.key(key, key.toLowerCase());
    for (const m of mods) this.emit({ type: 'key_up', key: m, keyClass: 'modifier', modifiers: [] });
    this.actions.push({ type: 'hotkey', ts: this.ts });
  }

  focus(app: AppDef, title: string, first: boolean): string {
    const id = this.emit({
      type: 'focus',
      appId: app.appId,
      processName: app.process,
      windowTitle: title,
      ...('url' in app && app.url ? { url: app.url } : {}),
    });
    if (!first) this.actions.push({ type: 'switch_app', ts: this.ts });
    return id;
  }
}

type Scenario = 'ide' | 'tickets' | 'sheet' | 'mail';
const SCENARIOS: readonly Scenario[] = ['ide', 'tickets', 'sheet', 'mail'];
const ROLES = ['engineer', 'support', 'finance', 'sales'];

/** The simulation options with their defaults applied. */
interface Settings {
  readonly seed: number;
  readonly start: number;
  readonly end: number;
  readonly plantRate: number;
  readonly titlePlantRate: number;
  readonly markerRate: number;
}

/** Raw identifiers of one simulated session. */
export interface SessionIds {
  readonly userId: string;
  readonly deviceId: string;
  readonly hostName: string;
  readonly sessionId: string;
  readonly role: string;
}

/**
 * One simulated user. Its ids and the time of its first event are known up front; `events()` writes its
 * session task by task, and the user's share of the ground truth grows as it does.
 */
export class SimulatedUser {
  readonly ids: SessionIds;
  /** Client time of the session's first event (the screen event), epoch ms. */
  readonly firstTs: number;
  readonly planted: PlantedValue[] = [];
  readonly episodes: GroundTruth['episodes'][string] = [];
  excludedAppVisits = 0;
  private readonly d: Dice;
  private readonly s: SessionWriter;
  private started = false;

  constructor(
    readonly index: number,
    private readonly settings: Settings,
  ) {
    const { seed } = settings;
    this.d = new Dice(seededRandom(seed * 1_000_003 + index));
    this.ids = {
      userId: `user${index}.sim${seed}@corp.example`,
      deviceId: `LAPTOP-${createHash('sha256').update(`${seed}:${index}`).digest('hex').slice(0, 8).toUpperCase()}`,
      hostName: `wks-${index}.corp.example`,
      sessionId: `sim-${seed}-u${index}-s1`,
      role: ROLES[index % ROLES.length] as string,
    };
    this.s = new SessionWriter(this.d, this.ids, settings.start + this.d.int(0, 20_000));
    this.firstTs = Math.round(this.s.ts);
  }

  /** Intended actions so far, in order. */
  get actions(): GroundTruth['actions'][string] {
    return this.s.actions;
  }

  /**
   * The session's events in seq order, one batch per task (the first batch starts with the screen event),
   * until the simulated end; a user's events can be read once.
   */
  *events(): Generator<WorktraceEventInput[], void, undefined> {
    if (this.started) throw new Error(`the events of ${this.ids.sessionId} were read already`);
    this.started = true;
    const { d, s } = this;
    const u = this.index;
    const eps = this.episodes;
    s.emit({ type: 'screen', width: W, height: H, scale: 1 });
    let first = true;
    while (s.ts < this.settings.end) {
      const scenario = d.pick(SCENARIOS);
      const marked = d.chance(this.settings.markerRate);
      const taskStart = s.ts;
      const taskId = `task-${u}-${eps.length}`;
      if (marked) s.emit({ type: 'task_marker', marker: 'start', label: `${scenario} task`, taskId });
      switch (scenario) {
        case 'ide': {
          this.focusApp(APPS.ide, first);
          s.click(d.int(300, 1500), d.int(200, 900), 'textbox', 'editor');
          this.typeInto(['aws_key', 'github_token', 'password_kv']);
          s.special('Enter', 'enter');
          this.typeInto(['aws_key', 'password_kv']);
          if (d.chance(0.3)) s.hotkey(['ctrl'], 'z'); // undo
          s.hotkey(['ctrl'], 's');
          if (d.chance(0.25)) {
            s.wait(400);
            s.emit({
              type: 'error_dialog',
              title: 'Build failed',
              text: 'Compilation error in main.ts',
              appId: APPS.ide.appId,
            });
            s.wait(800);
            s.special('Escape', 'escape');
          }
          break;
        }
        case 'tickets': {
          this.focusApp(APPS.browser, first);
          if (d.chance(0.3)) {
            // Sign-in: the password field is secure; its text never leaves the device.
            s.click(900, 400, 'textbox', 'Username');
            s.type(`agent${u}`);
            s.click(900, 460, 'textbox', 'Password');
            s.element('textbox', 'Password', true);
            const secret = plantedValue('password_kv', d);
            const keyIds = s.type(secret, 0);
            s.actions.pop(); // typing into a secure field yields no type action
            this.planted.push({
              kind: 'secure_password',
              entity: 'SECURE',
              value: secret,
              where: 'secure_field',
              sessionId: this.ids.sessionId,
              eventIds: keyIds,
            });
            s.special('Enter', 'enter');
          }
          s.click(d.int(100, 600), d.int(200, 800), 'link', `Ticket ${d.int(1000, 9999)}`);
          s.scroll(d.int(3, 9));
          s.click(900, 850, 'textbox', 'Reply');
          this.typeInto(['email', 'phone', 'person', 'card']);
          s.click(1700, 950, 'button', 'Submit');
          break;
        }
        case 'sheet': {
          this.focusApp(APPS.sheet, first);
          for (let r = 0, n = d.int(3, 6); r < n; r++) {
            s.click(200 + r * 10, 300 + r * 22, 'cell', `B${r + 2}`, r === 0 ? 2 : 1);
            this.typeInto(['iban', 'card']);
            s.special('Tab', 'tab');
          }
          if (d.chance(0.3)) s.hotkey(['ctrl'], 'z');
          s.click(60, 40, 'menuitem', 'File');
          s.click(80, 120, 'menuitem', 'Save');
          break;
        }
        case 'mail': {
          this.focusApp(APPS.mail, first);
          s.hotkey(['ctrl'], 'n');
          s.click(600, 200, 'textbox', 'To');
          const to = plantedValue('email', d);
          this.plant('typed', 'email', to, s.type(to));
          s.click(600, 260, 'textbox', 'Subject');
          s.type('invoice question');
          s.click(600, 500, 'textbox', 'Message body');
          this.typeInto(['person', 'phone', 'email']);
          s.scroll(d.int(2, 4), false);
          s.hotkey(['ctrl'], 'Enter');
          break;
        }
      }
      first = false;
      if (d.chance(0.08)) {
        // A visit to an app the default policy excludes: nothing of it may leave the device.
        this.focusApp(APPS.vault, false);
        s.actions.pop();
        this.excludedAppVisits += 1;
        s.click(500, 500, 'button', 'Copy password');
        s.actions.pop();
      }
      if (marked) s.emit({ type: 'task_marker', marker: 'end', label: `${scenario} task`, taskId });
      eps.push({ scenario, start: taskStart, end: s.ts, marked });
      s.wait(d.chance(0.2) ? d.int(65_000, 120_000) : d.int(2_000, 15_000));
      yield s.take();
    }
    const rest = s.take();
    if (rest.length > 0) yield rest;
  }

  private plant(where: 'typed' | 'window_title', kind: PlantedKind, value: string, eventIds: string[]): void {
    this.planted.push({
      kind,
      entity: PLANTED_KINDS[kind],
      value,
      where,
      sessionId: this.ids.sessionId,
      eventIds,
    });
  }

  /** Text to type: plain work text, or a sentence around a planted value. */
  private sentence(kinds: readonly PlantedKind[]): { text: string; kind?: PlantedKind; value?: string } {
    const { d } = this;
    if (!d.chance(this.settings.plantRate)) return { text: workText(d) };
    const kind = d.pick(kinds);
    const value = plantedValue(kind, d);
    return { text: sentenceFor(kind, value, d), kind, value };
  }

  private typeInto(kinds: readonly PlantedKind[]): void {
    const t = this.sentence(kinds);
    const keyIds = this.s.type(t.text);
    if (t.kind && t.value) this.plant('typed', t.kind, t.value, keyIds);
  }

  private focusApp(app: AppDef, first: boolean): void {
    let title: string = app.title;
    let plantedEmail: string | undefined;
    if (this.d.chance(this.settings.titlePlantRate)) {
      plantedEmail = plantedValue('email', this.d);
      title = `${app.title} — ${plantedEmail}`;
    }
    const id = this.s.focus(app, title, first);
    if (plantedEmail) this.plant('window_title', 'email', plantedEmail, [id]);
  }
}

/** The simulated users of a run, in user order; none has written an event yet. */
export function simulatedUsers(options: SimulateOptions): SimulatedUser[] {
  const start = options.startMs ?? Date.UTC(2026, 10, 2, 8, 0, 0);
  const settings: Settings = {
    seed: options.seed ?? 1,
    start,
    end: start + options.minutes * 60_000,
    plantRate: options.plantRate ?? 0.25,
    titlePlantRate: options.titlePlantRate ?? 0.1,
    markerRate: options.markerRate ?? 0.5,
  };
  return Array.from({ length: options.users }, (_, u) => new SimulatedUser(u, settings));
}

/** The order of the simulated traffic: client time, then session id; a session's own events keep their order. */
export function compareEvents(
  a: Pick<WorktraceEventInput, 'ts' | 'sessionId'>,
  b: Pick<WorktraceEventInput, 'ts' | 'sessionId'>,
): number {
  return a.ts - b.ts || (a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0);
}

/** The ground truth of users that wrote all their events; `eventsByType` counted them in traffic order. */
export function groundTruth(
  options: SimulateOptions,
  users: readonly SimulatedUser[],
  eventsByType: Record<string, number>,
): GroundTruth {
  const actions: GroundTruth['actions'] = {};
  const episodes: GroundTruth['episodes'] = {};
  for (const u of users) {
    actions[u.ids.sessionId] = u.actions;
    episodes[u.ids.sessionId] = u.episodes;
  }
  return {
    seed: options.seed ?? 1,
    users: options.users,
    minutes: options.minutes,
    events: Object.values(eventsByType).reduce((a, b) => a + b, 0),
    eventsByType,
    planted: users.flatMap((u) => u.planted),
    actions,
    episodes,
    excludedAppVisits: users.reduce((n, u) => n + u.excludedAppVisits, 0),
  };
}

/** Runs the simulation, holding every event. The same options give byte-identical output. */
export function simulate(options: SimulateOptions): Simulation {
  const users = simulatedUsers(options);
  // Array.prototype.sort is stable: a session's events with the same time stay in seq order.
  const events = users.flatMap((u) => [...u.events()].flat()).sort(compareEvents);
  const eventsByType: Record<string, number> = {};
  for (const e of events) eventsByType[e.type] = (eventsByType[e.type] ?? 0) + 1;
  return { events, truth: groundTruth(options, users, eventsByType) };
}
