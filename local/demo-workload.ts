/**
 * A small deterministic office workload for `worktrace local`: per user and simulated minute, one short
 * task (focus, click, typed text, hotkey, sometimes an error dialog or clipboard use). It plants known PII
 * and secrets, visits an excluded app, includes an opted-out user and a few contract-invalid events, and
 * returns that ground truth beside the events so tests can check where each event ended up.
 *
 * Interim event source: the runtime takes any `WorkloadSource`; the agent simulator replaces this one.
 */
import type { WorktraceEventInput } from '../lambdas/core/event-contract.js';

/** Values planted in event content that must never land in any zone. */
export const PLANTED_VALUES = [
  '4111 1111 1111 1111',
  'AKIAIOSFODNN7EXAMPLE',
  '+44 20 7946 0958',
  'GB82WEST12345698765432',
] as const;

/** What the workload knows about what it sent. */
export interface GroundTruth {
  /** Every event id sent. */
  readonly sent: string[];
  /** Ids the policy must drop (opted-out user, excluded app). */
  readonly expectedDropped: string[];
  /** Ids that violate the contract (quarantined). */
  readonly expectedInvalid: string[];
  /** Raw ids and planted values that must never appear in any stored byte. */
  readonly planted: string[];
}

/** One simulated minute of events, from every user. */
export interface WorkloadSource {
  /** Events (JSON-able) whose client time falls in minute `m` of the run, in per-session order. */
  minute(m: number): (WorktraceEventInput | Record<string, unknown>)[];
  readonly truth: GroundTruth;
  /** Raw user ids to add to the policy's opt-outs (the demo's opted-out user). */
  readonly optedOutUsers: string[];
}

/** Workload settings. */
export interface DemoWorkloadOptions {
  readonly users: number;
  /** Simulated start, epoch ms (aligned to the minute). */
  readonly startMs: number;
  /** User (index) whose raw id the policy opts out. @default 0 when users >= 3, else none */
  readonly optedOutUser?: number;
  readonly seed?: number;
}

/** mulberry32: small, fast, seedable. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const APPS = [
  { appId: 'com.microsoft.Outlook', processName: 'outlook', title: 'Inbox - Outlook' },
  { appId: 'com.google.Chrome', processName: 'chrome', title: 'Ticket #4411 - Service Desk' },
  { appId: 'com.microsoft.Excel', processName: 'excel', title: 'Q3 forecast.xlsx' },
  { appId: 'com.tinyspeck.slackmacgap', processName: 'slack', title: 'Slack - #support' },
] as const;

const EXCLUDED_APP = { appId: 'signal', processName: 'signal', title: 'Signal' } as const;

/** Raw user id of user `i` (a PII value itself: an email address). */
export function demoUserId(i: number): string {
  return `user${String(i).padStart(3, '0')}@corp.example.com`;
}

/** Builds the demo workload. */
export function demoWorkload(options: DemoWorkloadOptions): WorkloadSource {
  const rand = prng(options.seed ?? 7);
  const optedOut = options.optedOutUser ?? (options.users >= 3 ? 0 : -1);
  const truth: GroundTruth = { sent: [], expectedDropped: [], expectedInvalid: [], planted: [] };
  truth.planted.push(...PLANTED_VALUES);
  const seqs = new Array<number>(options.users).fill(0);
  // Per user: does the app in focus fall under the policy's excluded apps? (the redactor tracks the same)
  const inExcluded = new Array<boolean>(options.users).fill(false);
  for (let u = 0; u < options.users; u += 1) {
    truth.planted.push(demoUserId(u), `LAPTOP-${(1000 + u).toString(36).toUpperCase()}`);
  }
  return {
    truth,
    optedOutUsers: optedOut >= 0 ? [demoUserId(optedOut)] : [],
    minute(m) {
      const out: Record<string, unknown>[] = [];
      for (let u = 0; u < options.users; u += 1) {
        const t0 = options.startMs + m * 60_000 + Math.floor(rand() * 5000);
        let t = t0;
        const excluded = rand() < 0.05;
        const app = excluded ? EXCLUDED_APP : (APPS[Math.floor(rand() * APPS.length)] ?? APPS[0]);
        const env = () => {
          const seq = seqs[u] ?? 0;
          seqs[u] = seq + 1;
          t += 800 + Math.floor(rand() * 2500);
          return {
            schemaVersion: 1 as const,
            eventId: `demo-u${u}-s${seq}`,
            userId: demoUserId(u),
            deviceId: `LAPTOP-${(1000 + u).toString(36).toUpperCase()}`,
            hostName: `host-${u}.corp.example.com`,
            sessionId: `sess-u${u}`,
            seq,
            ts: t,
          };
        };
        const task = `task-u${u}-m${m}`;
        const events: Record<string, unknown>[] = [
          { ...env(), type: 'task_marker', marker: 'start', label: `Handle request ${m}`, taskId: task },
          { ...env(), type: 'focus', appId: app.appId, processName: app.processName, windowTitle: app.title },
          { ...env(), type: 'ui_element', role: 'textbox', name: 'Notes', secure: false },
          { ...env(), type: 'mouse_down', button: 'left', x: 400, y: 300, modifiers: [] },
          { ...env(), type: 'mouse_up', button: 'left', x: 400, y: 300, modifiers: [] },
        ];
        const pii = PLANTED_VALUES[Math.floor(rand() * PLANTED_VALUES.length)] as string;
        const text =
          rand() < 0.4
            ? `Customer ${demoUserId((u + 1) % options.users)} paid with ${pii}`
            : 'Checked the printer queue and restarted the spooler';
        events.push({
          ...env(),
          type: 'text',
          field: { id: 'notes', role: 'textbox', name: 'Notes' },
          text,
          secure: false,
          keyCount: text.length,
          durationMs: text.length * 180,
        });
        events.push({ ...env(), type: 'hotkey', modifiers: ['ctrl'], key: 's' });
        if (rand() < 0.2) {
          events.push({
            ...env(),
            type: 'error_dialog',
            title: 'Save failed',
            text: 'The file is read-only.',
          });
          events.push({ ...env(), type: 'key_down', key: 'Escape', keyClass: 'escape', modifiers: [] });
        }
        if (rand() < 0.3)
          events.push({ ...env(), type: 'clipboard', op: 'copy', size: 120, contentType: 'text' });
        events.push({
          ...env(),
          type: 'task_marker',
          marker: 'end',
          label: `Handle request ${m}`,
          taskId: task,
        });
        if (rand() < 0.02) {
          // An old agent with a bug: a negative coordinate far outside the screen, invalid by contract.
          const bad = { ...env(), type: 'mouse_move', x: -1e12, y: 0 };
          truth.expectedInvalid.push(bad.eventId);
          events.push(bad);
        }
        for (const e of events) {
          const id = e.eventId as string;
          truth.sent.push(id);
          if (e.type === 'focus') inExcluded[u] = e.appId === EXCLUDED_APP.appId;
          if (e.type === 'mouse_move') continue; // the invalid one: quarantined whatever the policy says
          if (u === optedOut || inExcluded[u]) truth.expectedDropped.push(id);
        }
        out.push(...events);
      }
      return out as (WorktraceEventInput | Record<string, unknown>)[];
    },
  };
}
