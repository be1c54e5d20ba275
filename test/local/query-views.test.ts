import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalLake } from '#adapters/duckdb-lake.js';
import { bindViewParams, DEFAULT_VIEW_PARAMS, ViewParamError } from '#core/views/dialect.js';
import { VIEWS, viewSql } from '#core/views/registry.js';
import { buildFixtureLake, type FixtureLake } from '../fixtures/lake.js';

let fx: FixtureLake;
let lake: LocalLake;
const params = { ...DEFAULT_VIEW_PARAMS, k: 5, minSteps: 2, retentionDays: 365, contextSteps: 2 };

beforeAll(async () => {
  fx = await buildFixtureLake();
  lake = await LocalLake.open({ stores: fx.stores, cacheDir: join(fx.root, 'cache'), params });
});
afterAll(() => lake?.close());

const rows = async (sql: string) => (await lake.query(sql)).rows;

describe('training-set views on DuckDB over the real writers’ Parquet', () => {
  it('every registered view runs and returns exactly its registered columns', async () => {
    for (const view of VIEWS) {
      const { columns } = await lake.query(`SELECT * FROM ${view.id} LIMIT 5`);
      expect(columns, view.id).toEqual(view.columns.map((c) => c.name));
    }
  });

  it('training_trajectories: one row per published episode, with ordered steps', async () => {
    const got = await rows(
      'SELECT session_id, step_count, steps, labels FROM training_trajectories ORDER BY session_id',
    );
    expect(got.map((r) => r.session_id)).toEqual(['u0', 'u1', 'u2', 'u3', 'u4']);
    const u2 = got.find((r) => r.session_id === 'u2') as {
      steps: { step_index: number; action_type: string }[];
    };
    expect(u2.steps.map((s) => s.action_type)).toEqual(['click', 'type', 'hotkey']);
    expect(u2.steps.map((s) => s.step_index)).toEqual([0, 1, 2]);
  });

  it('retention cut: an episode older than the retention window is never published', async () => {
    const all = await rows(
      `SELECT count(*)::INTEGER AS n FROM episodes WHERE session_id = '${fx.oldSession}'`,
    );
    expect(all[0]?.n).toBe(1);
    const published = await rows(`SELECT * FROM training_trajectories WHERE session_id = '${fx.oldSession}'`);
    expect(published).toEqual([]);
  });

  it('opt-out exclusion: a listed subject appears in no training view', async () => {
    const raw = await rows(
      `SELECT count(*)::INTEGER AS n FROM episodes WHERE user_pseudonym = '${fx.optedOut}'`,
    );
    expect(raw[0]?.n).toBe(1);
    for (const view of ['training_trajectories', 'error_recovery_examples']) {
      expect(await rows(`SELECT * FROM ${view} WHERE user_pseudonym = '${fx.optedOut}'`)).toEqual([]);
    }
    const sft = await rows(
      `SELECT s.* FROM sft_examples s JOIN episodes e USING (episode_id) WHERE e.user_pseudonym = '${fx.optedOut}'`,
    );
    expect(sft).toEqual([]);
  });

  it('minimum length: a one-step episode is not published', async () => {
    const raw = await rows(`SELECT step_count FROM episodes WHERE session_id = '${fx.shortSession}'`);
    expect(raw).toEqual([{ step_count: 1 }]);
    expect(await rows(`SELECT * FROM training_trajectories WHERE session_id = '${fx.shortSession}'`)).toEqual(
      [],
    );
  });

  it('sft_examples: previous k steps as text context, the next action as JSON', async () => {
    const got = await rows(
      `SELECT s.step_index, s.context, s.next_action FROM sft_examples s JOIN episodes e USING (episode_id)
       WHERE e.session_id = 'u3' ORDER BY s.step_index`,
    );
    expect(got.map((r) => r.step_index)).toEqual([0, 1, 2]);
    expect(got[0]?.context).toBe('');
    expect(got[2]?.context).toBe('click on button "Save" in editor | type "quarterly numbers" in editor');
    const actions = got.map((r) => JSON.parse(r.next_action as string));
    expect(actions[0]).toMatchObject({ action: 'click', button: 'left', x: 0.1, y: 0.2 });
    expect(actions[1]).toEqual({ action: 'type', text: 'quarterly numbers' });
    expect(actions[2]).toEqual({ action: 'hotkey', keys: 'ctrl+s' });
  });

  it('error_recovery_examples: the undo episode with its recovery span', async () => {
    const got = await rows(
      'SELECT user_pseudonym, recovery_start_step, recovery_end_step, recovery_steps FROM error_recovery_examples',
    );
    expect(got).toHaveLength(1);
    const r = got[0] as {
      user_pseudonym: string;
      recovery_start_step: number;
      recovery_end_step: number;
      recovery_steps: { action_type: string; keys: string }[];
    };
    expect(r.user_pseudonym).toBe('u-u1');
    expect(r.recovery_steps.map((s) => s.keys)).toEqual(['ctrl+z', 'ctrl+z']);
    expect(r.recovery_end_step - r.recovery_start_step + 1).toBe(2);
  });

  it('app_workflow_stats: k-anonymous, groups under k distinct users are suppressed', async () => {
    const got = await rows(
      'SELECT app_id, from_action, to_action, transitions, users FROM app_workflow_stats ORDER BY 2, 3',
    );
    // u0-u4 (u5 opted out) share click→type→hotkey: 5 users ≥ k = 5.
    expect(got).toEqual([
      { app_id: 'editor', from_action: 'click', to_action: 'type', transitions: '5', users: '5' },
      { app_id: 'editor', from_action: 'type', to_action: 'hotkey', transitions: '5', users: '5' },
    ]);
    // The same data at k = 6 publishes nothing; hotkey→scroll (one user) never appears.
    const strict = await LocalLake.open({
      stores: fx.stores,
      cacheDir: join(fx.root, 'cache6'),
      params: { ...params, k: 6 },
    });
    expect((await strict.query('SELECT * FROM app_workflow_stats')).rows).toEqual([]);
    strict.close();
    const loose = await LocalLake.open({
      stores: fx.stores,
      cacheDir: join(fx.root, 'cache1'),
      params: { ...params, k: 1 },
    });
    const all = (await loose.query("SELECT * FROM app_workflow_stats WHERE to_action = 'scroll'")).rows;
    expect(all).toHaveLength(1);
    loose.close();
  });

  it('redaction_summary: findings per entity type per day and zone, counts only', async () => {
    const got = await rows(
      'SELECT zone, entity_type, findings, rows_with_findings FROM redaction_summary ORDER BY zone, entity_type',
    );
    expect(got).toEqual([
      { zone: 'events', entity_type: 'EMAIL', findings: '12', rows_with_findings: '6' },
      { zone: 'events', entity_type: 'PHONE', findings: '6', rows_with_findings: '6' },
      { zone: 'quarantine', entity_type: 'EMAIL', findings: '1', rows_with_findings: '1' },
    ]);
  });
});

describe('view SQL parameters', () => {
  it('binds every placeholder of every view and rejects unknown or out-of-range ones', () => {
    for (const view of VIEWS) expect(bindViewParams(viewSql(view), DEFAULT_VIEW_PARAMS)).not.toMatch(/\{\{/);
    expect(() => bindViewParams('SELECT {{nope}}', DEFAULT_VIEW_PARAMS)).toThrow(ViewParamError);
    expect(() => bindViewParams('SELECT {{k}}', { ...DEFAULT_VIEW_PARAMS, k: 0 })).toThrow(
      'k must be an integer',
    );
    expect(() => bindViewParams('SELECT {{k}}', { ...DEFAULT_VIEW_PARAMS, k: 2.5 })).toThrow(ViewParamError);
  });
});

describe('view search (the AWS canary looks for its values in every view with this SQL)', () => {
  it('counts rows holding a value in text, array or step columns, and none for an absent value', async () => {
    const { viewSearchSql } = await import('#core/views/search.js');
    const trajectories = VIEWS.find((v) => v.id === 'training_trajectories');
    const sft = VIEWS.find((v) => v.id === 'sft_examples');
    if (!trajectories || !sft) throw new Error('views missing');
    // "quarterly numbers" is typed text inside the steps array of structs.
    const inSteps = await rows(viewSearchSql(trajectories, ['quarterly numbers']));
    expect(Number(inSteps[0]?.n)).toBe(5);
    const inContext = await rows(viewSearchSql(sft, ['quarterly numbers']));
    expect(Number(inContext[0]?.n)).toBeGreaterThan(0);
    for (const view of VIEWS) {
      const none = await rows(viewSearchSql(view, ['canary-absent-0123456789@example.org']));
      expect(Number(none[0]?.n), view.id).toBe(0);
    }
    expect(() => viewSearchSql(sft, ["x' OR 1=1 --"])).toThrow('plain text');
  });
});
