/**
 * One SQL text per view, two engines. The view files are Trino SQL (Athena engine v3). Two small steps make
 * them run unchanged on DuckDB:
 *
 * 1. Parameters: `{{k}}`, `{{min_steps}}`, `{{retention_days}}`, `{{context_steps}}` and
 *    `{{entity_types}}` are substituted from the deployment configuration, identically for both engines
 *    (`bindViewParams`). Values are validated integers or generated literals, never user text.
 * 2. DuckDB prelude (`DUCKDB_PRELUDE`): macros named after the Trino functions DuckDB lacks —
 *    `array_join(list, sep)` → `array_to_string`, `slice(list, start, length)` → `list_slice`,
 *    `json_extract_scalar(json, path)` → `json_extract_string`, `json_format(json)` → the JSON text — and
 *    the session time zone set to UTC (Athena evaluates `current_timestamp` in UTC).
 *
 * Everything else the views use (window functions, `INTERVAL 'n' DAY`, `VALUES ... AS t (c)`, `||`,
 * `replace`, `chr`, casts to varchar/date/timestamp) means the same on both engines; tests run every view
 * on DuckDB over Parquet written by the project's own writers.
 */

import { ERROR_CODES, WorktraceError } from '../errors.js';
import { ENTITY_TYPES } from '../redact/scrub-types.js';

/** View parameters; the stack and local mode take them from the same configuration. */
export interface ViewParams {
  /** Smallest distinct-user count a published group may have. @default 5 */
  readonly k: number;
  /** Shortest episode the training views publish, steps. @default 2 */
  readonly minSteps: number;
  /** Episodes older than this are never published (the curated lifecycle deletes them too). @default 365 */
  readonly retentionDays: number;
  /** Steps of context in sft_examples. @default 8 */
  readonly contextSteps: number;
}

/** Default view parameters. */
export const DEFAULT_VIEW_PARAMS: ViewParams = { k: 5, minSteps: 2, retentionDays: 365, contextSteps: 8 };

/** A view parameter that is not a positive integer in range. */
export class ViewParamError extends WorktraceError {
  override readonly name = 'ViewParamError';
  readonly code = ERROR_CODES.viewParam;
}

function int(name: string, value: number, min: number, max: number): string {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ViewParamError(`view parameter ${name} must be an integer in ${min}..${max}, got ${value}`);
  }
  return String(value);
}

/** Substitutes the {{parameters}} of a view's SQL; an unknown placeholder is an error. */
export function bindViewParams(sql: string, params: ViewParams): string {
  const values: Record<string, string> = {
    k: int('k', params.k, 1, 1000),
    min_steps: int('minSteps', params.minSteps, 1, 10_000),
    retention_days: int('retentionDays', params.retentionDays, 1, 36_500),
    context_steps: int('contextSteps', params.contextSteps, 1, 100),
    entity_types: ENTITY_TYPES.map((t) => `('${t}')`).join(', '),
  };
  return sql.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const v = values[name];
    if (v === undefined) throw new ViewParamError(`unknown view parameter {{${name}}}`);
    return v;
  });
}

/** Statements that make a DuckDB connection accept the views' Trino SQL. */
export const DUCKDB_PRELUDE: readonly string[] = [
  "SET TimeZone = 'UTC'",
  'CREATE OR REPLACE MACRO array_join(l, sep) AS array_to_string(l, sep)',
  'CREATE OR REPLACE MACRO slice(l, start, len) AS list_slice(l, start, start + len - 1)',
  'CREATE OR REPLACE MACRO json_extract_scalar(j, path) AS json_extract_string(j, path)',
  'CREATE OR REPLACE MACRO json_format(j) AS CAST(j AS VARCHAR)',
];
