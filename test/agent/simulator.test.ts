import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateEvent } from '#core/contract/validate.js';
import { parsePolicy, scrubberOptionsFor } from '#core/redact/policy.js';
import { createScrubber } from '#core/redact/scrubber.js';
import { simulate } from '../../agent/simulator/simulate.js';
import { PLANTED_KINDS } from '../../agent/simulator/values.js';
import { simulatedWorkload } from '../../local/workload.js';

describe('workload simulator', () => {
  const sim = simulate({ users: 4, minutes: 6, seed: 3 });

  it('is deterministic: the same seed gives the same bytes, another seed other bytes', () => {
    const again = simulate({ users: 4, minutes: 6, seed: 3 });
    expect(JSON.stringify(again)).toBe(JSON.stringify(sim));
    expect(JSON.stringify(simulate({ users: 4, minutes: 6, seed: 4 }).events)).not.toBe(
      JSON.stringify(sim.events),
    );
  });

  it('emits only contract-valid raw input with realistic mouse rates, per session in seq order', () => {
    for (const e of sim.events) expect(validateEvent(structuredClone(e)).ok).toBe(true);
    const types = sim.truth.eventsByType;
    expect(types.text ?? 0).toBe(0); // a plain recorder: keys, not text
    expect(types.key_down).toBeGreaterThan(1000);
    expect(types.mouse_move).toBeGreaterThan(types.mouse_down as number);
    const bySession = new Map<string, typeof sim.events>();
    for (const e of sim.events) bySession.set(e.sessionId, [...(bySession.get(e.sessionId) ?? []), e]);
    expect(bySession.size).toBe(4);
    for (const events of bySession.values()) {
      expect(events.map((e) => e.seq)).toEqual([...events.keys()]);
      // 60-120 Hz while the pointer moves: consecutive moves 8-17 ms apart.
      const gaps = events
        .filter((e, i) => e.type === 'mouse_move' && events[i - 1]?.type === 'mouse_move')
        .map((e, i, a) => (i === 0 ? 12 : e.ts - (a[i - 1] as typeof e).ts));
      const inRange = gaps.filter((g) => g >= 7 && g <= 18).length;
      expect(inRange / gaps.length).toBeGreaterThan(0.9);
    }
  });

  it('plants values at the configured rate, each one caught by the scrubber', () => {
    const typedTexts = Object.values(sim.truth.actions)
      .flat()
      .filter((a) => a.type === 'type').length;
    const typedPlanted = sim.truth.planted.filter((p) => p.where === 'typed').length;
    expect(typedPlanted / typedTexts).toBeGreaterThan(0.12);
    expect(typedPlanted / typedTexts).toBeLessThan(0.5);
    expect(sim.truth.planted.some((p) => p.where === 'window_title')).toBe(true);
    const scrubber = createScrubber(scrubberOptionsFor(parsePolicy({ version: 't' }), new Uint8Array(32)));
    for (const p of sim.truth.planted) {
      if (p.kind === 'secure_password') continue;
      // A password is only a password in its key=value context, as it is typed.
      const out = scrubber.scrub(p.kind === 'password_kv' ? `password=${p.value}` : `note: ${p.value} end`);
      expect(out.text, p.kind).not.toContain(p.value);
      expect(out.findings.map((f) => f.type)).toContain(PLANTED_KINDS[p.kind]);
      expect(p.eventIds.length).toBeGreaterThan(0);
    }
  });

  it('records intended actions and episodes, with task markers on some tasks', () => {
    const episodes = Object.values(sim.truth.episodes).flat();
    expect(episodes.length).toBeGreaterThan(8);
    expect(episodes.some((e) => e.marked)).toBe(true);
    expect(episodes.some((e) => !e.marked)).toBe(true);
    const kinds = new Set(
      Object.values(sim.truth.actions)
        .flat()
        .map((a) => a.type),
    );
    for (const k of ['click', 'double_click', 'type', 'hotkey', 'key', 'scroll', 'switch_app'])
      expect(kinds).toContain(k);
    expect(sim.truth.eventsByType.error_dialog ?? 0).toBeGreaterThan(0);
  });

  it('worktrace simulate --out writes the events and the ground-truth sidecar', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wt-sim-'));
    const out = join(dir, 'events.ndjson');
    const run = spawnSync(
      process.execPath,
      ['bin/worktrace.mjs', 'simulate', '--users', '2', '--minutes', '2', '--seed', '5', '--out', out],
      { encoding: 'utf8' },
    );
    expect(run.status).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    const truth = JSON.parse(readFileSync(join(dir, 'events.truth.json'), 'utf8'));
    expect(truth.events).toBe(lines.length);
    expect(lines.join('\n')).toBe(
      simulate({ users: 2, minutes: 2, seed: 5 })
        .events.map((e) => JSON.stringify(e))
        .join('\n'),
    );
  });
});

describe('streamed workload (worktrace local)', () => {
  const START = Date.UTC(2026, 10, 2, 9, 0, 0);

  /** What the workload held before it streamed: the whole simulation, cut by client time. */
  function cutWhole(users: number, minutes: number, seed: number) {
    const sim = simulate({ users, minutes, seed, startMs: START });
    const byMinute: (typeof sim.events)[] = Array.from({ length: minutes }, () => []);
    const ids = new Set<string>();
    const userIds = new Set<string>();
    for (const e of sim.events) {
      // Before minute 0 goes with minute 0; after the last minute (a task finishing) with the last.
      const m = Math.min(minutes - 1, Math.max(0, Math.floor((e.ts - START) / 60_000)));
      byMinute[m]?.push(e);
      userIds.add(e.userId);
      for (const id of [e.userId, e.deviceId, e.hostName]) if (id) ids.add(id);
    }
    const neverStored = [...sim.truth.planted.map((p) => p.value), ...ids];
    return { sim, byMinute, neverStored, userIds: [...userIds] };
  }

  // [users, minutes, seed, events after the last minute (a task finishing), which go with the last minute]
  it.each([
    [1, 1, 1, 0],
    [3, 4, 1, 0],
    [4, 6, 3, 1214],
    [7, 13, 9, 403],
    [12, 5, 2, 1023],
  ])('%i users × %i min, seed %i: the minutes concatenated are simulate()', (users, minutes, seed, late) => {
    const whole = cutWhole(users, minutes, seed);
    expect(whole.sim.events.filter((e) => e.ts >= START + minutes * 60_000).length).toBe(late);
    const workload = simulatedWorkload({ users, minutes, seed, startMs: START });
    expect(workload.userIds).toEqual(whole.userIds);
    for (let m = 0; m < minutes; m++) {
      const events = workload.minute(m);
      expect(events.length, `minute ${m}`).toBe(whole.byMinute[m]?.length);
      expect(events).toEqual(whole.byMinute[m]);
      expect(workload.minute(m)).toBe(events); // re-reading the current minute
    }
    expect(JSON.stringify(workload.truth)).toBe(JSON.stringify(whole.sim.truth));
    expect(workload.events).toBe(whole.sim.events.length);
    expect(workload.neverStored).toEqual(whole.neverStored);
  });

  it('gives the complete truth when asked before the run, and starts over when read backwards', () => {
    const whole = cutWhole(4, 6, 3);
    const workload = simulatedWorkload({ users: 4, minutes: 6, seed: 3, startMs: START });
    expect(JSON.stringify(workload.truth)).toBe(JSON.stringify(whole.sim.truth));
    expect(workload.events).toBe(whole.sim.events.length);
    expect(workload.neverStored).toEqual(whole.neverStored);
    expect(workload.minute(3)).toEqual(whole.byMinute[3]);
    expect(workload.minute(1)).toEqual(whole.byMinute[1]);
    expect(workload.minute(2)).toEqual(whole.byMinute[2]);
    expect(workload.minute(6)).toEqual([]);
    expect(workload.minute(-1)).toEqual([]);
  });
});
