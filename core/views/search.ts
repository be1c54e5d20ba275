/**
 * SQL that counts a view's rows containing any of some strings (the canary looks for its values in every
 * view). Text columns are searched directly; arrays and rows through their JSON text. Trino SQL; DuckDB
 * runs it with the prelude's `json_format` macro.
 */
import type { ViewDef } from './registry.js';

/** A value the search may contain: only characters that need no escaping inside a SQL string. */
const SAFE = /^[A-Za-z0-9@.+ _!=-]{1,200}$/;

/** `SELECT count(*) AS n FROM <view> WHERE <some column contains some value>`. */
export function viewSearchSql(view: ViewDef, values: readonly string[]): string {
  for (const v of values) if (!SAFE.test(v)) throw new Error('search values must be plain text');
  const text = (c: { name: string; type: string }) =>
    c.type === 'varchar'
      ? c.name
      : c.type.startsWith('array') || c.type.startsWith('row')
        ? `json_format(CAST(${c.name} AS JSON))`
        : null;
  const columns = view.columns.map(text).filter((c): c is string => c !== null);
  const conditions = columns.flatMap((c) => values.map((v) => `COALESCE(strpos(${c}, '${v}'), 0) > 0`));
  return `SELECT count(*) AS n FROM ${view.id} WHERE ${conditions.join(' OR ')}`;
}
