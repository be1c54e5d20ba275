/**
 * The workload `worktrace local` sends: the agent's simulator (agent/simulator) cut into simulated
 * minutes, with its ground truth and the raw identifiers it used (none of which may land in any zone).
 */

import type { WorktraceEventInput } from '#core/contract/event-contract.js';
import { type GroundTruth, simulate } from '../agent/simulator/simulate.js';

/** Events minute by minute, plus what must never be stored. */
export interface WorkloadSource {
  /** Raw events whose client time falls in minute `m` of the run, in time order. */
  minute(m: number): readonly WorktraceEventInput[];
  /** Planted secrets and PII, raw user/device ids and host names. */
  readonly neverStored: readonly string[];
  /** Raw user ids of the simulated users, in user order. */
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

/** Runs the agent simulator and cuts its events into minutes. */
export function simulatedWorkload(options: SimulatedWorkloadOptions): WorkloadSource {
  const sim = simulate({
    users: options.users,
    minutes: options.minutes,
    seed: options.seed ?? 1,
    startMs: options.startMs,
  });
  const byMinute = new Map<number, WorktraceEventInput[]>();
  const users = new Map<string, string>();
  const ids = new Set<string>();
  for (const e of sim.events) {
    // Events after the last minute (a task finishing) go with the last minute.
    const m = Math.min(options.minutes - 1, Math.max(0, Math.floor((e.ts - options.startMs) / 60_000)));
    const list = byMinute.get(m) ?? [];
    list.push(e);
    byMinute.set(m, list);
    users.set(e.sessionId, e.userId);
    ids.add(e.userId);
    ids.add(e.deviceId);
    if (e.hostName) ids.add(e.hostName);
  }
  return {
    minute: (m) => byMinute.get(m) ?? [],
    neverStored: [...sim.truth.planted.map((p) => p.value), ...ids],
    userIds: [...new Set(users.values())],
    events: sim.events.length,
    truth: sim.truth,
  };
}
