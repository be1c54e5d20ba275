/**
 * The workload `worktrace local` sends: the agent's simulator (agent/simulator) cut into simulated
 * minutes, with its ground truth and the raw identifiers it used (none of which may land in any zone).
 * It streams: each user writes its session task by task only as far as the minute being read needs, so
 * about one minute of events is held at a time (a 50-user hour holds 1.3 M events otherwise).
 */

import type { WorktraceEventInput } from '#core/contract/event-contract.js';
import {
  compareEvents,
  type GroundTruth,
  groundTruth,
  type SimulatedUser,
  simulatedUsers,
} from '../agent/simulator/simulate.js';

/** Events minute by minute, plus what must never be stored. */
export interface WorkloadSource {
  /** Raw events whose client time falls in minute `m` of the run, in time order. */
  minute(m: number): readonly WorktraceEventInput[];
  /** Planted secrets and PII, raw user/device ids and host names. */
  readonly neverStored: readonly string[];
  /** Raw user ids of the simulated users, in the order their first events come. */
  readonly userIds: readonly string[];
  /** Raw events generated. */
  readonly events: number;
  readonly truth: GroundTruth;
}

/** Settings of the simulated workload. */
export interface SimulatedWorkloadOptions {
  readonly users: number;
  readonly minutes: number;
  /** Simulated start, epoch ms. */
  readonly startMs: number;
  /** @default 1 */
  readonly seed?: number;
}

/** The simulated users' merged traffic, cut minute by minute in order. */
class MinuteCutter {
  readonly users: readonly SimulatedUser[];
  /** Minutes cut so far (the next minute to cut). */
  cut = 0;
  private readonly sources: Iterator<WorktraceEventInput[], void>[];
  /** Per user, events written but not yet cut, in seq order. */
  private readonly pending: WorktraceEventInput[][];
  private readonly exhausted: boolean[];
  private readonly eventsByType: Record<string, number> = {};

  constructor(private readonly options: SimulatedWorkloadOptions) {
    this.users = simulatedUsers({
      users: options.users,
      minutes: options.minutes,
      seed: options.seed ?? 1,
      startMs: options.startMs,
    });
    this.sources = this.users.map((u) => u.events());
    this.pending = this.users.map(() => []);
    this.exhausted = this.users.map(() => false);
  }

  /** True once every minute was cut: then the ground truth is complete. */
  get done(): boolean {
    return this.cut >= this.options.minutes;
  }

  /**
   * Cuts the next minute: the events of every user up to the minute's end, merged in the order
   * `simulate()` sorts. Minute 0 also takes events before the start, the last minute everything after.
   */
  next(): WorktraceEventInput[] {
    const m = this.cut;
    const last = m >= this.options.minutes - 1;
    const endTs = this.options.startMs + (m + 1) * 60_000;
    const out: WorktraceEventInput[] = [];
    for (let i = 0; i < this.users.length; i++) {
      let pending = this.pending[i] as WorktraceEventInput[];
      // A user's times never decrease, so once one event lies past the minute, all before it are here.
      while (!this.exhausted[i] && (last || pending.length === 0 || (pending.at(-1)?.ts ?? 0) < endTs)) {
        const r = (this.sources[i] as Iterator<WorktraceEventInput[], void>).next();
        if (r.done) this.exhausted[i] = true;
        else for (const e of r.value) pending.push(e);
      }
      let k = 0;
      if (last) k = pending.length;
      else while (k < pending.length && (pending[k] as WorktraceEventInput).ts < endTs) k += 1;
      for (let j = 0; j < k; j++) out.push(pending[j] as WorktraceEventInput);
      pending = pending.slice(k);
      this.pending[i] = pending;
    }
    // Stable, and users were taken in user order: the same order a sort of the whole run gives.
    out.sort(compareEvents);
    for (const e of out) this.eventsByType[e.type] = (this.eventsByType[e.type] ?? 0) + 1;
    this.cut += 1;
    return out;
  }

  /** The ground truth; complete once `done`. */
  truth(): GroundTruth {
    const { users, minutes, seed } = this.options;
    return groundTruth({ users, minutes, seed: seed ?? 1 }, this.users, { ...this.eventsByType });
  }
}

/**
 * Streams the agent simulator's events minute by minute, read in order (re-reading the current minute is
 * free; an earlier one starts the simulation over). The ground truth, the event count and `neverStored`
 * are complete when the last minute was read; asked for earlier, they come from a separate full pass.
 */
export function simulatedWorkload(options: SimulatedWorkloadOptions): WorkloadSource {
  let cutter = new MinuteCutter(options);
  let current: { m: number; events: readonly WorktraceEventInput[] } | undefined;
  let truth: GroundTruth | undefined;
  const finalTruth = (): GroundTruth => {
    if (truth) return truth;
    if (cutter.done) {
      truth = cutter.truth();
      return truth;
    }
    const pass = new MinuteCutter(options);
    while (!pass.done) pass.next();
    truth = pass.truth();
    return truth;
  };
  // Every user's first event (the screen event) carries all three of its raw ids: the order in which the
  // users first appear in the traffic is the order of those events.
  const first = (u: SimulatedUser) => ({ ts: u.firstTs, sessionId: u.ids.sessionId });
  const byFirstEvent = [...cutter.users].sort((a, b) => compareEvents(first(a), first(b)));
  const userIds = byFirstEvent.map((u) => u.ids.userId);
  const rawIds = [...new Set(byFirstEvent.flatMap((u) => [u.ids.userId, u.ids.deviceId, u.ids.hostName]))];
  return {
    minute(m) {
      if (m < 0 || m >= options.minutes || !Number.isInteger(m)) return [];
      if (current?.m === m) return current.events;
      if (m < cutter.cut) cutter = new MinuteCutter(options);
      current = undefined; // the previous minute may be collected while this one is cut
      while (cutter.cut < m) cutter.next();
      current = { m, events: cutter.next() };
      return current.events;
    },
    get neverStored() {
      return [...finalTruth().planted.map((p) => p.value), ...rawIds];
    },
    userIds,
    get events() {
      return finalTruth().events;
    },
    get truth() {
      return finalTruth();
    },
  };
}
