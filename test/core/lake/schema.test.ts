import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  ACTIONS_TABLE,
  type ActionRow,
  EPISODES_TABLE,
  type EpisodeRow,
  EVENTS_TABLE,
  type EventRow,
  glueTypeOf,
  type RowOf,
  SCALAR_TYPE_NAMES,
  type SparseRowOf,
  type STEP_COLUMNS,
  type StepRow,
  trinoTypeOf,
} from '#core/lake/schema.js';
import { VIEWS } from '#core/views/registry.js';

describe('row types derived from the table definitions', () => {
  it('has exactly one key per column', () => {
    expectTypeOf<keyof EventRow>().toEqualTypeOf<(typeof EVENTS_TABLE.columns)[number]['name']>();
    expectTypeOf<keyof ActionRow>().toEqualTypeOf<(typeof ACTIONS_TABLE.columns)[number]['name']>();
    expectTypeOf<keyof EpisodeRow>().toEqualTypeOf<(typeof EPISODES_TABLE.columns)[number]['name']>();
    expectTypeOf<keyof StepRow>().toEqualTypeOf<(typeof STEP_COLUMNS)[number]['name']>();
    const names = (cols: readonly { name: string }[]) => cols.map((c) => c.name);
    expect(new Set(names(EVENTS_TABLE.columns)).size).toBe(EVENTS_TABLE.columns.length);
    expect(new Set(names(ACTIONS_TABLE.columns)).size).toBe(ACTIONS_TABLE.columns.length);
  });

  it('maps column types to the values rows hold: int64 and timestamps as numbers, lists as arrays', () => {
    expectTypeOf<EventRow['seq']>().toEqualTypeOf<number>();
    expectTypeOf<EventRow['ts']>().toEqualTypeOf<number>();
    expectTypeOf<EventRow['event_id']>().toEqualTypeOf<string>();
    expectTypeOf<EpisodeRow['apps']>().toEqualTypeOf<string[]>();
    expectTypeOf<EpisodeRow['steps']>().toEqualTypeOf<StepRow[]>();
    expectTypeOf<ActionRow['task_start']>().toEqualTypeOf<boolean>();
  });

  it('makes nullable columns optional in sparse rows and `| null` in complete rows', () => {
    expectTypeOf<EventRow['x']>().toEqualTypeOf<number | null | undefined>();
    expectTypeOf<Pick<EventRow, 'x'>>().toEqualTypeOf<{ x?: number | null }>();
    expectTypeOf<ActionRow['x']>().toEqualTypeOf<number | null>();
    expectTypeOf<ActionRow['episode_id']>().toEqualTypeOf<string | null>();
    expectTypeOf<EpisodeRow['recovery_start_step']>().toEqualTypeOf<number | null>();
  });

  it('follows a column added to a list', () => {
    const cols = [
      { name: 'id', type: 'string', description: '', nullable: false },
      { name: 'added', type: 'int64', description: '' },
    ] as const;
    expectTypeOf<RowOf<typeof cols>>().toEqualTypeOf<{ id: string; added: number | null }>();
    expectTypeOf<SparseRowOf<typeof cols>>().toEqualTypeOf<{ id: string } & { added?: number | null }>();
  });
});

describe('engine type names, from one table', () => {
  it.each(Object.keys(SCALAR_TYPE_NAMES) as (keyof typeof SCALAR_TYPE_NAMES)[])('names %s', (t) => {
    expect(glueTypeOf(t)).toBe(SCALAR_TYPE_NAMES[t].glue);
    expect(trinoTypeOf(t)).toBe(SCALAR_TYPE_NAMES[t].trino);
  });

  it('spells lists and struct lists the Trino way', () => {
    expect(trinoTypeOf({ list: 'string' })).toBe('array(varchar)');
    expect(
      trinoTypeOf({
        structList: [
          { name: 'action', type: 'string', description: '' },
          { name: 'at', type: 'timestamp', description: '' },
        ],
      }),
    ).toBe('array(row(action varchar, at timestamp(3)))');
  });

  it('derives the views’ step struct from STEP_COLUMNS, the same for every view and the Glue table', () => {
    // The hand-written type, with the canonical action and the screen size (issue 16) added.
    const before =
      'array(row(step_index integer, action_type varchar, action varchar, ts timestamp(3), duration_ms bigint, ' +
      'x double, y double, to_x double, to_y double, button varchar, scroll_direction varchar, scroll_amount double, ' +
      'text varchar, keys varchar, repeat integer, app_id varchar, window_title varchar, element_role varchar, ' +
      'element_name varchar, screen_width integer, screen_height integer))';
    const stepTypes = VIEWS.flatMap((v) =>
      v.columns.filter((c) => c.name === 'steps' || c.name === 'recovery_steps').map((c) => c.type),
    );
    expect(stepTypes).toHaveLength(3);
    for (const t of stepTypes) expect(t).toBe(before);
    expect(trinoTypeOf(EPISODES_TABLE.columns.find((c) => c.name === 'steps')?.type ?? 'string')).toBe(
      before,
    );
  });
});
