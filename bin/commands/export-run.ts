/**
 * What `worktrace export` does: a view as JSON Lines from the local lake or from Athena (UNLOAD to the
 * athena-results bucket, then download), or everything held about one subject.
 */
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import type { AthenaClient } from '@aws-sdk/client-athena';
import type { LocalLake } from '#adapters/duckdb-lake.js';
import { defaultKeyFile, LocalKeyFileProvider } from '#adapters/local-key-provider.js';
import { ERROR_CODES, WorktraceError } from '#core/errors.js';
import type { ObjectStore } from '#core/ports.js';
import { Pseudonymizer } from '#core/redact/pseudonym.js';
import { VIEWS } from '#core/views/registry.js';
import type { ExportOptions } from './export.js';
import { withLocalLake } from './local-lake.js';

/** The system prompt of every chat record. */
export const SFT_SYSTEM_PROMPT =
  'You operate a desktop computer to complete a work task. Given the app and the previous steps, reply with ' +
  'the next action only, as a JSON object: {"action": click|double_click|triple_click|right_click|middle_click|' +
  'drag|scroll|type|hotkey|key|switch_app|focus_window|wait, "x", "y" (0..1 of the screen), "keys", "text", ...}.';

/** One sft_examples row as a chat-style fine-tuning record. */
export function chatRecord(row: Record<string, unknown>): { messages: { role: string; content: string }[] } {
  const context = typeof row.context === 'string' && row.context !== '' ? row.context : '(task start)';
  return {
    messages: [
      { role: 'system', content: SFT_SYSTEM_PROMPT },
      { role: 'user', content: `App: ${String(row.app_id ?? 'unknown')}\nPrevious steps: ${context}` },
      { role: 'assistant', content: String(row.next_action) },
    ],
  };
}

/** A bad export request. */
export class ExportError extends WorktraceError {
  override readonly name = 'ExportError';
  readonly code = ERROR_CODES.export;
}

/** Writes rows as JSON Lines (chat records for sft_examples); returns the count. */
async function writeJsonl(
  view: string,
  rows: AsyncIterable<Record<string, unknown>> | Iterable<Record<string, unknown>>,
  out: string,
): Promise<number> {
  const file = createWriteStream(out);
  let n = 0;
  for await (const row of rows) {
    const record = view === 'sft_examples' ? chatRecord(row) : row;
    if (!file.write(`${JSON.stringify(record)}\n`))
      await new Promise<void>((r) => file.once('drain', () => r()));
    n += 1;
  }
  await new Promise<void>((resolve, reject) =>
    file.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
  return n;
}

/** Reads the JSON Lines files an Athena UNLOAD wrote (gzip or plain) under a prefix. */
export async function* unloadedRows(
  store: ObjectStore,
  prefix: string,
): AsyncIterable<Record<string, unknown>> {
  const objects = (await store.list(prefix)).sort((a, b) => (a.key < b.key ? -1 : 1));
  for (const o of objects) {
    const body = await store.get(o.key);
    if (!body || body.byteLength === 0) continue;
    const bytes = body[0] === 0x1f && body[1] === 0x8b ? gunzipSync(body) : Buffer.from(body);
    for (const line of bytes.toString('utf8').split('\n')) if (line.trim()) yield JSON.parse(line);
  }
}

/** Exports a view through Athena: UNLOAD to `resultsUri` (s3://bucket/prefix/), then download. */
export async function exportFromAthena(opts: {
  athena: AthenaClient;
  s3: ObjectStore;
  view: string;
  resultsUri: string;
  workgroup: string;
  database: string;
  out: string;
  runId?: string;
}): Promise<number> {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(opts.resultsUri);
  if (!m) throw new ExportError('--results-uri must look like s3://<athena-results bucket>/<prefix>/');
  const prefix = `${(m[2] ?? '').replace(/\/?$/, '/')}exports/${opts.view}/${opts.runId ?? Date.now()}/`;
  const { executeAthena } = await import('#adapters/athena.js');
  await executeAthena(
    opts.athena,
    `UNLOAD (SELECT * FROM ${opts.view}) TO 's3://${m[1]}/${prefix}' WITH (format = 'JSON', compression = 'GZIP')`,
    { workgroup: opts.workgroup, database: opts.database },
  );
  return writeJsonl(opts.view, unloadedRows(opts.s3, prefix), opts.out);
}

/** Everything held about one subject (a subject access request), by zone; counts first. */
export interface SubjectExport {
  readonly subject: string;
  readonly generatedAt: string;
  readonly optedOut: boolean;
  readonly counts: Record<string, number>;
  readonly zones: Record<string, Record<string, unknown>[]>;
}

/** Collects a subject's rows from every zone of a lake (by pseudonym: the lake holds nothing else of them). */
export async function subjectAccessExport(lake: LocalLake, pseudonym: string): Promise<SubjectExport> {
  if (!/^[0-9a-zA-Z_-]{1,128}$/.test(pseudonym)) throw new ExportError('not a pseudonym');
  const q = async (sql: string) => (await lake.query(sql)).rows;
  const zones: Record<string, Record<string, unknown>[]> = {
    events: await q(`SELECT * FROM events WHERE user_pseudonym = '${pseudonym}' ORDER BY session_id, seq`),
    quarantine: await q(
      // By column; rows written before quarantine carried user_pseudonym are found in the payload.
      `SELECT * FROM quarantine WHERE user_pseudonym = '${pseudonym}' OR (user_pseudonym IS NULL AND strpos(scrubbed_payload, '${pseudonym}') > 0) ORDER BY shard_id, sequence_number`,
    ),
    actions: await q(
      `SELECT * FROM actions WHERE user_pseudonym = '${pseudonym}' ORDER BY session_id, first_seq`,
    ),
    episodes: await q(`SELECT * FROM episodes WHERE user_pseudonym = '${pseudonym}' ORDER BY start_ts`),
  };
  const optedOut = (await q(`SELECT 1 FROM opt_outs WHERE user_pseudonym = '${pseudonym}'`)).length > 0;
  const counts = Object.fromEntries(Object.entries(zones).map(([z, rows]) => [z, rows.length]));
  return { subject: pseudonym, generatedAt: new Date().toISOString(), optedOut, counts, zones };
}

/** Exports a view or a subject's data, as the options say. */
export async function runExport(opts: ExportOptions): Promise<void> {
  if (opts.user !== undefined) {
    if (opts.view || opts.athena) throw new ExportError('--user exports from the local lake, without --view');
    const key = await new LocalKeyFileProvider(opts.keyFile ?? defaultKeyFile(opts.dataDir)).getKey();
    const pseudonym = new Pseudonymizer(key).of('user', opts.user);
    const doc = await withLocalLake(opts, (lake) => subjectAccessExport(lake, pseudonym));
    await writeFile(opts.out, `${JSON.stringify({ ...doc, keyVersion: key.version }, null, 2)}\n`);
    console.log(
      `wrote ${Object.entries(doc.counts)
        .map(([z, n]) => `${z} ${n}`)
        .join(', ')} rows of subject ${pseudonym} to ${opts.out}${doc.optedOut ? ' (opted out)' : ''}`,
    );
    return;
  }
  const view = opts.view;
  if (!view) throw new ExportError('give --view <id> or --user <raw id>');
  if (!VIEWS.some((v) => v.id === view)) throw new ExportError(`unknown view ${view}`);
  if (opts.format !== 'jsonl') throw new ExportError('--format jsonl is the only export format');
  let n: number;
  if (opts.athena) {
    if (!opts.resultsUri) throw new ExportError('--athena needs --results-uri s3://<bucket>/<prefix>/');
    const bucket = /^s3:\/\/([^/]+)/.exec(opts.resultsUri)?.[1] ?? '';
    const [{ athenaClient, s3Client }, { S3ObjectStore }] = await Promise.all([
      import('#adapters/aws-clients.js'),
      import('#adapters/s3-object-store.js'),
    ]);
    n = await exportFromAthena({
      athena: athenaClient(),
      s3: new S3ObjectStore(s3Client(), bucket),
      view,
      resultsUri: opts.resultsUri,
      workgroup: opts.workgroup,
      database: opts.database,
      out: opts.out,
    });
  } else {
    n = await withLocalLake(opts, async (lake) =>
      writeJsonl(view, (await lake.query(`SELECT * FROM ${view}`)).rows, opts.out),
    );
  }
  console.log(`wrote ${n} ${view === 'sft_examples' ? 'chat records' : 'rows'} to ${opts.out}`);
}
