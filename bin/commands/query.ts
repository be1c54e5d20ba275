/**
 * `worktrace query "<sql>"`: SQL over the local lake (DuckDB, the same views as Athena) or, with
 * `--athena --workgroup <name>`, over Athena. Rows print as a table, CSV or JSON.
 */
import type { Command } from 'commander';
import { stageFromEnv } from '../../local/cli-env.js';
import { failSoftly, type LakeSourceFlags, withLakeSourceOptions } from './common.js';

/** The options of `worktrace query`. */
export type QueryOptions = LakeSourceFlags & { format: string };

/** Registers the command. */
export function registerQuery(program: Command): void {
  const stage = stageFromEnv();
  const command = program
    .command('query')
    .description('run SQL on the local lake (DuckDB, the same views as Athena) or, with --athena, on Athena')
    .argument('<sql>', 'the query, e.g. "SELECT * FROM sft_examples LIMIT 3"')
    .option('--format <format>', 'table, csv or json', 'table');
  withLakeSourceOptions(command, stage, 'run on Athena instead of the local lake').action(
    failSoftly(async (sql: string, opts: QueryOptions) =>
      (await import('./query-run.js')).runQuery(sql, opts),
    ),
  );
}
