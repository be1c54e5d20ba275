/**
 * Runs SQL on Athena: start in a workgroup, poll with backoff until a final state, page through results.
 * FAILED and CANCELLED end in AthenaQueryError carrying Athena's reason (which names the problem, not rows).
 */
import {
  type AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { ERROR_CODES, WorktraceError } from '#core/errors.js';

/** A query Athena failed or cancelled, or that did not finish in time. */
export class AthenaQueryError extends WorktraceError {
  override readonly name = 'AthenaQueryError';
  readonly code = ERROR_CODES.athena;
}

/** Options of one query. */
export interface AthenaQueryOptions {
  readonly workgroup: string;
  /** Glue database the query's unqualified names resolve in. */
  readonly database?: string;
  /** Give up after this long, ms. @default 600000 */
  readonly timeoutMs?: number;
  /** First poll delay, ms; grows 1.5× up to 5 s. @default 500 */
  readonly pollMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The outcome of a query: execution id, output location, and rows (all values as strings or null). */
export interface AthenaResult {
  readonly queryExecutionId: string;
  readonly outputLocation: string | undefined;
  readonly columns: string[];
  readonly rows: Record<string, string | null>[];
  readonly bytesScanned: number;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Starts a query and waits for it; returns its id and output location (no rows). */
export async function executeAthena(
  client: AthenaClient,
  sql: string,
  opts: AthenaQueryOptions,
): Promise<{ queryExecutionId: string; outputLocation: string | undefined; bytesScanned: number }> {
  const started = await client.send(
    new StartQueryExecutionCommand({
      QueryString: sql,
      WorkGroup: opts.workgroup,
      ...(opts.database ? { QueryExecutionContext: { Database: opts.database } } : {}),
    }),
  );
  const id = started.QueryExecutionId;
  if (!id) throw new AthenaQueryError('Athena returned no query execution id');
  const sleep = opts.sleep ?? defaultSleep;
  const deadline = Date.now() + (opts.timeoutMs ?? 600_000);
  let delay = opts.pollMs ?? 500;
  for (;;) {
    const got = await client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
    const status = got.QueryExecution?.Status;
    const state = status?.State;
    if (state === 'SUCCEEDED') {
      return {
        queryExecutionId: id,
        outputLocation: got.QueryExecution?.ResultConfiguration?.OutputLocation,
        bytesScanned: got.QueryExecution?.Statistics?.DataScannedInBytes ?? 0,
      };
    }
    if (state === 'FAILED' || state === 'CANCELLED') {
      const reason = status?.StateChangeReason ?? status?.AthenaError?.ErrorMessage ?? 'no reason given';
      throw new AthenaQueryError(`query ${id} ${state.toLowerCase()}: ${reason}`);
    }
    if (Date.now() > deadline)
      throw new AthenaQueryError(`query ${id} still ${state ?? 'unknown'} at the timeout`);
    await sleep(delay);
    delay = Math.min(5000, Math.round(delay * 1.5));
  }
}

/** Runs a query and reads all its result pages. */
export async function queryAthena(
  client: AthenaClient,
  sql: string,
  opts: AthenaQueryOptions,
): Promise<AthenaResult> {
  const exec = await executeAthena(client, sql, opts);
  let columns: string[] = [];
  const rows: Record<string, string | null>[] = [];
  let token: string | undefined;
  let first = true;
  do {
    const page = await client.send(
      new GetQueryResultsCommand({
        QueryExecutionId: exec.queryExecutionId,
        ...(token ? { NextToken: token } : {}),
      }),
    );
    if (first) columns = (page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((c) => c.Name ?? '');
    const data = page.ResultSet?.Rows ?? [];
    // The first row of the first page repeats the column names (for SELECTs).
    for (const [i, row] of data.entries()) {
      if (first && i === 0) continue;
      const values = row.Data ?? [];
      rows.push(Object.fromEntries(columns.map((c, j) => [c, values[j]?.VarCharValue ?? null])));
    }
    first = false;
    token = page.NextToken;
  } while (token);
  return { ...exec, columns, rows };
}
