/**
 * View rows from either engine normalise to one shape: DuckDB's JSON rows (64-bit integers as strings,
 * timestamps with trailing zeros dropped) and Athena's UNLOAD JSON (numbers, `yyyy-mm-dd hh:mm:ss.sss`).
 */
import { describe, expect, it } from 'vitest';
import { episodeOf, epochMsOf, numberOf, stepOf } from '#core/export/rows.js';
import { canonicalActionJson } from '#core/sequence/action-json.js';

describe('numberOf and epochMsOf', () => {
  it('read numbers, bigints and numeric strings; nothing else', () => {
    expect([numberOf(3), numberOf(3n), numberOf('3'), numberOf(' 2.5 ')]).toEqual([3, 3, 3, 2.5]);
    expect([numberOf(null), numberOf(undefined), numberOf(''), numberOf('x'), numberOf(Number.NaN)]).toEqual([
      null,
      null,
      null,
      null,
      null,
    ]);
  });

  it('read epoch ms, Date, DuckDB and Athena timestamp texts as UTC', () => {
    const ms = Date.UTC(2026, 10, 29, 9, 0, 0, 500);
    for (const v of [
      ms,
      String(ms),
      new Date(ms),
      '2026-11-29 09:00:00.5',
      '2026-11-29 09:00:00.500',
      '2026-11-29T09:00:00.500Z',
    ]) {
      expect(epochMsOf(v), String(v)).toBe(ms);
    }
    expect(epochMsOf('2026-11-29 10:00:00.500+01:00')).toBe(ms);
    expect(epochMsOf('not a time')).toBeNull();
  });
});

describe('stepOf and episodeOf', () => {
  const duck = {
    episode_id: 'e1',
    user_pseudonym: 'u-1',
    start_ts: '2026-11-29 09:00:00.5',
    duration_ms: '2760',
    step_count: 1,
    apps: ['editor'],
    labels: ['completed'],
    completed: true,
    error_recovery: false,
    steps: [
      {
        step_index: 0,
        action_type: 'click',
        action: '{"action":"click","x":0.1,"y":0.2,"button":"left"}',
        ts: '2026-11-29 09:00:00.5',
        duration_ms: '60',
        x: 0.1,
        y: 0.2,
        button: 'left',
        screen_width: 1000,
        screen_height: 500,
      },
    ],
  };

  it('gives the same episode for the DuckDB and the Athena form of a row', () => {
    const athena = {
      ...duck,
      start_ts: '2026-11-29 09:00:00.500',
      duration_ms: 2760,
      steps: duck.steps.map((s) => ({ ...s, ts: '2026-11-29 09:00:00.500', duration_ms: 60 })),
    };
    const ep = episodeOf(duck);
    expect(episodeOf(athena)).toEqual(ep);
    expect(ep).toMatchObject({
      start_ts: Date.UTC(2026, 10, 29, 9, 0, 0, 500),
      duration_ms: 2760,
      completed: true,
    });
    expect(ep.steps[0]).toMatchObject({ ts: ep.start_ts, duration_ms: 60, screen_width: 1000, to_x: null });
  });

  it('rebuilds the canonical action of a step written before the action column', () => {
    const { action: _, ...old } = duck.steps[0] as Record<string, unknown>;
    const s = stepOf(old, 0);
    expect(s.action).toBe(canonicalActionJson({ ...s, action_type: 'click' }));
    expect(JSON.parse(s.action)).toEqual({ action: 'click', x: 0.1, y: 0.2, button: 'left' });
  });
});
