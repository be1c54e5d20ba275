/**
 * The training target is data, not SQL: every JSON cell any view publishes parses, on values that broke
 * the old SQL-built JSON (backslash keys, carriage returns, quotes, fractional coordinates), and equals
 * the canonical action of its row; and the Athena SQL of the views never casts a double to varchar
 * (Trino writes 0.5 as 5.0E-1 there).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalLake } from '#adapters/duckdb-lake.js';
import { type ColumnDef, LAKE_TABLES, STEP_COLUMNS } from '#core/lake/schema.js';
import { canonicalAction } from '#core/sequence/action-json.js';
import { ACTION_TYPES } from '#core/sequence/actions.js';
import { bindViewParams, DEFAULT_VIEW_PARAMS } from '#core/views/dialect.js';
import { VIEWS, viewSql } from '#core/views/registry.js';
import { SessionScript } from '../fixtures/event-rows.js';
import { buildFixtureLake, type FixtureLake } from '../fixtures/lake.js';

const NASTY_TEXT = 'line one\r\nline "two"\t\\ end \u2028 ☃ 😀 \u0000';
const NASTY_TITLE = 'Report "Q3"\r\n\\\\server\\share';

let fx: FixtureLake;
let lake: LocalLake;

beforeAll(async () => {
  fx = await buildFixtureLake(Date.now(), (recent) => {
    const s = new SessionScript('nasty', recent + 40 * 60_000).screen(1366, 768).focus('editor');
    s.wait(200).click(455, 256); // 1/3 of the screen: 0.3331 and 0.3333
    s.wait(300).hotkey('ctrl', '\\');
    s.wait(300).text('f9', NASTY_TEXT);
    s.wait(300).wheel(0.5).wait(200).wheel(0.25);
    s.wait(300).focus('editor', NASTY_TITLE);
    s.wait(300).key('enter', 'enter').wait(100).key('enter', 'enter');
    s.wait(4000).down(10, 10).move(300, 200).up(600, 400);
    return s.rows;
  });
  lake = await LocalLake.open({
    stores: fx.stores,
    cacheDir: join(fx.root, 'cache'),
    params: { ...DEFAULT_VIEW_PARAMS, k: 1 },
  });
});
afterAll(() => lake?.close());

/** Every JSON cell in a view row: `next_action`, and `action` inside any step. */
function jsonCells(row: Record<string, unknown>): string[] {
  const cells: string[] = [];
  const walk = (v: unknown, key: string): void => {
    if (Array.isArray(v)) for (const x of v) walk(x, key);
    else if (v !== null && typeof v === 'object' && !(v instanceof Date)) {
      for (const [k, x] of Object.entries(v)) walk(x, k);
    } else if (key === 'action' || key === 'next_action') cells.push(v as string);
  };
  for (const [k, v] of Object.entries(row)) walk(v, k);
  return cells;
}

describe('view JSON cells', () => {
  it('every JSON cell of every view parses as a canonical action', async () => {
    const parsed: Record<string, unknown>[] = [];
    for (const view of VIEWS) {
      const { rows } = await lake.query(`SELECT * FROM ${view.id}`);
      for (const row of rows) {
        for (const cell of jsonCells(row)) {
          expect(typeof cell, view.id).toBe('string');
          const action = JSON.parse(cell) as Record<string, unknown>;
          expect(ACTION_TYPES, view.id).toContain(action.action);
          parsed.push(action);
        }
      }
    }
    // The values that broke SQL-built JSON arrive intact.
    expect(parsed).toContainEqual({ action: 'hotkey', keys: 'ctrl+\\' });
    expect(parsed).toContainEqual({ action: 'type', text: NASTY_TEXT });
    expect(parsed).toContainEqual({ action: 'focus_window', window: NASTY_TITLE });
    expect(parsed).toContainEqual({ action: 'click', x: 0.3331, y: 0.3333, button: 'left' });
    expect(parsed).toContainEqual({ action: 'scroll', x: 0.366, y: 0.3255, direction: 'down', amount: 0.75 });
    expect(parsed).toContainEqual({ action: 'key', keys: 'enter', repeat: 2 });
    expect(parsed.some((a) => a.action === 'drag' && a.to_x === 0.4392)).toBe(true);
    expect(parsed.some((a) => a.action === 'wait')).toBe(true);
  });

  it("sft_examples.next_action is exactly its action row's canonical JSON", async () => {
    const { rows } = await lake.query(
      `SELECT s.next_action, a.* FROM sft_examples s
       JOIN actions a ON a.episode_id = s.episode_id AND a.step_index = s.step_index`,
    );
    expect(rows.length).toBeGreaterThan(20);
    for (const r of rows) {
      // DuckDB returns BIGINT as a string; the canonical builder takes the row's numbers.
      const row = { ...r, duration_ms: Number(r.duration_ms) };
      expect(JSON.parse(r.next_action as string)).toEqual(
        canonicalAction(row as unknown as Parameters<typeof canonicalAction>[0]),
      );
      expect(r.next_action).toBe(r.action);
    }
  });
});

/** The expressions inside `CAST(<expr> AS varchar)` of a SQL text (balanced parentheses). */
function castsToVarchar(sql: string): string[] {
  const found: string[] = [];
  const re = /CAST\s*\(/gi;
  for (let m = re.exec(sql); m; m = re.exec(sql)) {
    let depth = 1;
    let i = m.index + m[0].length;
    const start = i;
    for (; i < sql.length && depth > 0; i++) {
      if (sql[i] === '(') depth += 1;
      else if (sql[i] === ')') depth -= 1;
    }
    const inner = sql.slice(start, i - 1);
    const as = /\s+AS\s+(varchar|char|json)\s*$/i.exec(inner);
    if (as) found.push(inner.slice(0, as.index));
  }
  return found;
}

describe('Athena SQL of the views', () => {
  const doubles = new Set(
    [...Object.values(LAKE_TABLES).flatMap((t): readonly ColumnDef[] => t.columns), ...STEP_COLUMNS]
      .filter((c) => c.type === 'double')
      .map((c) => c.name),
  );

  it('the cast finder sees the casts it must refuse', () => {
    expect(castsToVarchar("'x' || CAST(round(a.x, 4) AS varchar) || CAST(a.n AS VARCHAR)")).toEqual([
      'round(a.x, 4)',
      'a.n',
    ]);
  });

  it('no view casts a double (or any number) to varchar', () => {
    expect(doubles.has('x') && doubles.has('scroll_amount')).toBe(true);
    for (const view of VIEWS) {
      const sql = bindViewParams(viewSql(view), DEFAULT_VIEW_PARAMS);
      for (const inner of castsToVarchar(sql)) {
        const words = inner.match(/[A-Za-z_]\w*/g) ?? [];
        expect(
          words.filter((w) => doubles.has(w) || /^(round|truncate|sum|avg)$/i.test(w)),
          `${view.id}: CAST(${inner} AS varchar)`,
        ).toEqual([]);
        // What is left is the date cut of the retention filter.
        expect(inner, view.id).toMatch(/AS date\)?$|current_date/);
      }
    }
  });
});
