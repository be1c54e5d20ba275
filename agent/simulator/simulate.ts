/**
 * Workload simulator: deterministic, realistic sessions of knowledge work (coding in an IDE, resolving
 * tickets in a browser, spreadsheet entry, email) as a plain recorder would capture them: raw key presses,
 * mouse moves at 60-120 Hz, clicks, wheel bursts, plus focus, UI-element and screen context. PII and
 * secrets are planted in typed text and window titles at known rates; there are password fields, error
 * dialogs, undo and delete-and-retype recoveries, task markers on some tasks, and visits to apps the
 * default policy excludes. A ground-truth sidecar lists the planted values (with the ids of the events
 * that carry them) and the intended actions and episodes.
 */
import { createHash } from 'node:crypto';
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

  constructor(
    readonly out: WorktraceEventInput[],
    readonly d: Dice,
    readonly ids: { userId: string; deviceId: string; hostName: string; sessionId: string; role: string },
    start: number,
  ) {
    this.ts = start;
  }

  private id(): string {
    return createHash('sha256').update(`${this.ids.sessionId}:${this.seq}`).digest('hex').slice(0, 26);
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

/** Runs the simulation. The same options give byte-identical output. */
export function simulate(options: SimulateOptions): Simulation {
  const seed = options.seed ?? 1;
  const start = options.startMs ?? Date.UTC(2026, 10, 2, 8, 0, 0);
  const plantRate = options.plantRate ?? 0.25;
  const titlePlantRate = options.titlePlantRate ?? 0.1;
  const markerRate = options.markerRate ?? 0.5;
  const perUser: WorktraceEventInput[][] = [];
  const planted: PlantedValue[] = [];
  const actions: GroundTruth['actions'] = {};
  const episodes: GroundTruth['episodes'] = {};
  let excludedAppVisits = 0;

  for (let u = 0; u < options.users; u++) {
    const d = new Dice(seededRandom(seed * 1_000_003 + u));
    const out: WorktraceEventInput[] = [];
    const sessionId = `sim-${seed}-u${u}-s1`;
    const ids = {
      userId: `user${u}.sim${seed}@corp.example`,
      deviceId: `LAPTOP-${createHash('sha256').update(`${seed}:${u}`).digest('hex').slice(0, 8).toUpperCase()}`,
      hostName: `wks-${u}.corp.example`,
      sessionId,
      role: ROLES[u % ROLES.length] as string,
    };
    const s = new SessionWriter(out, d, ids, start + d.int(0, 20_000));
    const end = start + options.minutes * 60_000;
    actions[sessionId] = s.actions;
    const eps: GroundTruth['episodes'][string] = [];
    episodes[sessionId] = eps;
    s.emit({ type: 'screen', width: W, height: H, scale: 1 });

    const plant = (where: 'typed' | 'window_title', kind: PlantedKind, value: string, eventIds: string[]) =>
      planted.push({ kind, entity: PLANTED_KINDS[kind], value, where, sessionId, eventIds });
    /** Text to type: plain work text, or a sentence around a planted value. */
    const sentence = (
      kinds: readonly PlantedKind[],
    ): { text: string; kind?: PlantedKind; value?: string } => {
      if (!d.chance(plantRate)) return { text: workText(d) };
      const kind = d.pick(kinds);
      const value = plantedValue(kind, d);
      return { text: sentenceFor(kind, value, d), kind, value };
    };
    const typeInto = (kinds: readonly PlantedKind[]) => {
      const t = sentence(kinds);
      const keyIds = s.type(t.text);
      if (t.kind && t.value) plant('typed', t.kind, t.value, keyIds);
    };
    const focusApp = (app: AppDef, first: boolean) => {
      let title: string = app.title;
      let plantedEmail: string | undefined;
      if (d.chance(titlePlantRate)) {
        plantedEmail = plantedValue('email', d);
        title = `${app.title} — ${plantedEmail}`;
      }
      const id = s.focus(app, title, first);
      if (plantedEmail) plant('window_title', 'email', plantedEmail, [id]);
    };

    let first = true;
    while (s.ts < end) {
      const scenario = d.pick(SCENARIOS);
      const marked = d.chance(markerRate);
      const taskStart = s.ts;
      const taskId = `task-${u}-${eps.length}`;
      if (marked) s.emit({ type: 'task_marker', marker: 'start', label: `${scenario} task`, taskId });
      switch (scenario) {
        case 'ide': {
          focusApp(APPS.ide, first);
          s.click(d.int(300, 1500), d.int(200, 900), 'textbox', 'editor');
          typeInto(['aws_key', 'github_token', 'password_kv']);
          s.special('Enter', 'enter');
          typeInto(['aws_key', 'password_kv']);
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
          focusApp(APPS.browser, first);
          if (d.chance(0.3)) {
            // Sign-in: the password field is secure; its text never leaves the device.
            s.click(900, 400, 'textbox', 'Username');
            s.type(`agent${u}`);
            s.click(900, 460, 'textbox', 'Password');
            s.element('textbox', 'Password', true);
            const secret = plantedValue('password_kv', d);
            const keyIds = s.type(secret, 0);
            s.actions.pop(); // typing into a secure field yields no type action
            planted.push({
              kind: 'secure_password',
              entity: 'SECURE',
              value: secret,
              where: 'secure_field',
              sessionId,
              eventIds: keyIds,
            });
            s.special('Enter', 'enter');
          }
          s.click(d.int(100, 600), d.int(200, 800), 'link', `Ticket ${d.int(1000, 9999)}`);
          s.scroll(d.int(3, 9));
          s.click(900, 850, 'textbox', 'Reply');
          typeInto(['email', 'phone', 'person', 'card']);
          s.click(1700, 950, 'button', 'Submit');
          break;
        }
        case 'sheet': {
          focusApp(APPS.sheet, first);
          for (let r = 0, n = d.int(3, 6); r < n; r++) {
            s.click(200 + r * 10, 300 + r * 22, 'cell', `B${r + 2}`, r === 0 ? 2 : 1);
            typeInto(['iban', 'card']);
            s.special('Tab', 'tab');
          }
          if (d.chance(0.3)) s.hotkey(['ctrl'], 'z');
          s.click(60, 40, 'menuitem', 'File');
          s.click(80, 120, 'menuitem', 'Save');
          break;
        }
        case 'mail': {
          focusApp(APPS.mail, first);
          s.hotkey(['ctrl'], 'n');
          s.click(600, 200, 'textbox', 'To');
          const to = plantedValue('email', d);
          plant('typed', 'email', to, s.type(to));
          s.click(600, 260, 'textbox', 'Subject');
          s.type('invoice question');
          s.click(600, 500, 'textbox', 'Message body');
          typeInto(['person', 'phone', 'email']);
          s.scroll(d.int(2, 4), false);
          s.hotkey(['ctrl'], 'Enter');
          break;
        }
      }
      first = false;
      if (d.chance(0.08)) {
        // A visit to an app the default policy excludes: nothing of it may leave the device.
        focusApp(APPS.vault, false);
        s.actions.pop();
        excludedAppVisits += 1;
        s.click(500, 500, 'button', 'Copy password');
        s.actions.pop();
      }
      if (marked) s.emit({ type: 'task_marker', marker: 'end', label: `${scenario} task`, taskId });
      eps.push({ scenario, start: taskStart, end: s.ts, marked });
      s.wait(d.chance(0.2) ? d.int(65_000, 120_000) : d.int(2_000, 15_000));
    }
    perUser.push(out);
  }

  const events = perUser.flat().sort((a, b) => a.ts - b.ts || (a.sessionId < b.sessionId ? -1 : 1));
  const eventsByType: Record<string, number> = {};
  for (const e of events) eventsByType[e.type] = (eventsByType[e.type] ?? 0) + 1;
  return {
    events,
    truth: {
      seed,
      users: options.users,
      minutes: options.minutes,
      events: events.length,
      eventsByType,
      planted,
      actions,
      episodes,
      excludedAppVisits,
    },
  };
}
