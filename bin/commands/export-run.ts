/**
 * What `worktrace export` does: a training view in one of the export formats (raw JSON Lines, chat
 * fine-tuning records, Anthropic / OpenAI computer-use transcripts, pyautogui code, or a Hugging Face
 * datasets folder), optionally split into user-disjoint train/validation/test sets, from the local lake or
 * from Athena (UNLOAD to the athena-results bucket, then download); or everything held about one subject.
 */
import {
  createWriteStream,
  mkdirSync,
  readFileSync,
  renameSync,
  type WriteStream,
  writeFileSync,
} from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { AthenaClient } from '@aws-sdk/client-athena';
import type { LocalLake } from '#adapters/duckdb-lake.js';
import { defaultKeyFile, LocalKeyFileProvider } from '#adapters/local-key-provider.js';
import { ERROR_CODES, WorktraceError } from '#core/errors.js';
import { chatRecord } from '#core/export/chat.js';
import { HF_EPISODE_COLUMNS, hfRow, shardPaths } from '#core/export/hf.js';
import { ACTION_SPACES, FallbackCounter } from '#core/export/index.js';
import { episodeOf } from '#core/export/rows.js';
import {
  NO_SPLIT,
  parseSplit,
  SPLIT_NAMES,
  type SplitName,
  type SplitRatios,
  SplitTally,
  splitOf,
} from '#core/export/split.js';
import { encodeParquet } from '#core/lake/parquet.js';
import type { ObjectStore } from '#core/ports.js';
import { Pseudonymizer } from '#core/redact/pseudonym.js';
import { VIEWS } from '#core/views/registry.js';
import { parseConfig, type WorktraceConfig } from '../../lib/config.js';
import { type CardRun, renderDatasetCard } from '../../local/dataset-card.js';
import type { ExportOptions } from './export.js';
import { withLocalLake } from './local-lake.js';

/** A bad export request. */
export class ExportError extends WorktraceError {
  override readonly name = 'ExportError';
  readonly code = ERROR_CODES.export;
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

/** UNLOADs a query's rows through Athena to `resultsUri` (s3://bucket/prefix/) and reads them back. */
export async function unloadFromAthena(opts: {
  athena: AthenaClient;
  s3: ObjectStore;
  view: string;
  sql: string;
  resultsUri: string;
  workgroup: string;
  database: string;
  runId?: string;
}): Promise<AsyncIterable<Record<string, unknown>>> {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(opts.resultsUri);
  if (!m) throw new ExportError('--results-uri must look like s3://<athena-results bucket>/<prefix>/');
  const prefix = `${(m[2] ?? '').replace(/\/?$/, '/')}exports/${opts.view}/${opts.runId ?? Date.now()}/`;
  const { executeAthena } = await import('#adapters/athena.js');
  await executeAthena(
    opts.athena,
    `UNLOAD (${opts.sql}) TO 's3://${m[1]}/${prefix}' WITH (format = 'JSON', compression = 'GZIP')`,
    { workgroup: opts.workgroup, database: opts.database },
  );
  return unloadedRows(opts.s3, prefix);
}

/** The export formats: raw view rows, chat records, the episode action spaces, and the HF layout. */
export const EXPORT_FORMATS = [
  'jsonl',
  'chat',
  ...(Object.keys(ACTION_SPACES) as (keyof typeof ACTION_SPACES)[]),
  'hf',
] as const;
export type ExportFormatName = (typeof EXPORT_FORMATS)[number];

/** Views whose rows are episodes (the episode formats read them). */
const EPISODE_VIEWS = ['training_trajectories', 'error_recovery_examples'];

/** What an export writes, checked before any data is read. */
export interface ExportPlan {
  readonly format: ExportFormatName;
  readonly view: string;
  /** Split percentages, or null for one output. */
  readonly split: SplitRatios | null;
  /** A file (one output, JSON Lines) or a directory (split outputs, or hf). */
  readonly out: string;
}

/** Checks the format, view and split options together; names what is wrong in one line. */
export function planExport(opts: { format: string; view?: string; split?: string; out: string }): ExportPlan {
  const format = opts.format as ExportFormatName;
  if (!EXPORT_FORMATS.includes(format)) {
    throw new ExportError(`unknown --format ${opts.format}: use ${EXPORT_FORMATS.join(', ')}`);
  }
  const view =
    opts.view ??
    (format === 'chat' ? 'sft_examples' : format === 'jsonl' ? undefined : 'training_trajectories');
  if (!view) throw new ExportError('give --view <id> or --user <raw id>');
  const def = VIEWS.find((v) => v.id === view);
  if (!def) throw new ExportError(`unknown view ${view}`);
  if (format === 'chat' && view !== 'sft_examples')
    throw new ExportError('--format chat exports the sft_examples view');
  if (format !== 'chat' && format !== 'jsonl' && !EPISODE_VIEWS.includes(view)) {
    throw new ExportError(`--format ${format} exports an episode view: ${EPISODE_VIEWS.join(' or ')}`);
  }
  const split = opts.split === undefined ? null : parseSplit(opts.split);
  if (split && !def.columns.some((c) => c.name === 'user_pseudonym')) {
    throw new ExportError(`--split assigns users, and view ${view} has no user_pseudonym column`);
  }
  return { format, view, split, out: opts.out };
}

/** The SQL an export reads: the whole view in a stable order. */
export function exportSql(view: string): string {
  if (EPISODE_VIEWS.includes(view))
    return `SELECT * FROM ${view} ORDER BY user_pseudonym, start_ts, episode_id`;
  if (view === 'sft_examples')
    return 'SELECT * FROM sft_examples ORDER BY user_pseudonym, episode_id, step_index';
  return `SELECT * FROM ${view}`;
}

/** Rows per Parquet shard of the hf layout. */
const HF_SHARD_ROWS = 5000;

/** What an export wrote. */
export interface ExportSummary {
  readonly format: ExportFormatName;
  readonly view: string;
  readonly ratios: SplitRatios | null;
  readonly counts: Record<SplitName, { users: number; episodes: number; steps: number; records: number }>;
  /** Lossy mappings per `<format>:<reason>`. */
  readonly fallbacks: Record<string, number>;
  /** Files written, relative to `out` (for a directory) or `out` itself. */
  readonly files: string[];
  readonly records: number;
}

/** Facts for the hf dataset card that do not come from the exported rows. */
export interface CardContext {
  readonly config: WorktraceConfig;
  readonly engine: 'duckdb' | 'athena';
  /** Values replaced per entity type, or null when the role may not read redaction_summary. */
  readonly findings: Readonly<Record<string, number>> | null;
  readonly optOuts: number | null;
}

/** Streams records to JSON Lines files, one per split (or one file). */
class JsonlSinks {
  private readonly open = new Map<string, WriteStream>();
  readonly files: string[] = [];
  constructor(private readonly plan: ExportPlan) {}

  async write(split: SplitName, record: unknown): Promise<void> {
    const path = this.plan.split ? join(this.plan.out, `${split}.jsonl`) : this.plan.out;
    let file = this.open.get(path);
    if (!file) {
      mkdirSync(dirname(path), { recursive: true });
      file = createWriteStream(path);
      this.open.set(path, file);
      // Relative to the folder, as ExportSummary.files says, so the manifest survives moving the folder.
      this.files.push(this.plan.split ? `${split}.jsonl` : path);
    }
    if (!file.write(`${JSON.stringify(record)}\n`))
      await new Promise<void>((r) => file.once('drain', () => r()));
  }

  async close(): Promise<void> {
    for (const file of this.open.values()) {
      await new Promise<void>((resolve, reject) =>
        file.end((err?: Error | null) => (err ? reject(err) : resolve())),
      );
    }
  }
}

/** Collects hf rows per split and writes Parquet shards as they fill (renamed to -of-N at the end). */
class HfShards {
  private readonly pending: Record<SplitName, Record<string, unknown>[]> = {
    train: [],
    validation: [],
    test: [],
  };
  private readonly written: Record<SplitName, string[]> = { train: [], validation: [], test: [] };
  readonly bytes: Record<SplitName, number> = { train: 0, validation: 0, test: 0 };
  constructor(private readonly dir: string) {
    mkdirSync(join(dir, 'data'), { recursive: true });
  }

  add(split: SplitName, row: Record<string, unknown>): void {
    this.pending[split].push(row);
    if (this.pending[split].length >= HF_SHARD_ROWS) this.flush(split);
  }

  private flush(split: SplitName): void {
    const rows = this.pending[split];
    if (rows.length === 0) return;
    const bytes = encodeParquet(HF_EPISODE_COLUMNS, rows);
    const tmp = join(this.dir, 'data', `.${split}-${this.written[split].length}.parquet.part`);
    writeFileSync(tmp, bytes);
    this.written[split].push(tmp);
    this.bytes[split] += bytes.byteLength;
    this.pending[split] = [];
  }

  /** Writes what is pending and names the shards; returns the shard paths relative to the folder. */
  finish(): string[] {
    const files: string[] = [];
    for (const split of SPLIT_NAMES) {
      this.flush(split);
      const names = shardPaths(split, this.written[split].length);
      this.written[split].forEach((tmp, i) => {
        renameSync(tmp, join(this.dir, names[i] as string));
      });
      files.push(...names);
    }
    return files;
  }
}

/** Writes an export from view rows (either engine), as the plan says. */
export async function writeExport(
  plan: ExportPlan,
  rows: AsyncIterable<Record<string, unknown>> | Iterable<Record<string, unknown>>,
  card?: CardContext,
): Promise<ExportSummary> {
  const ratios = plan.split ?? NO_SPLIT;
  const tally = new SplitTally();
  const fallbacks = new FallbackCounter();
  const jsonl = plan.format === 'hf' ? null : new JsonlSinks(plan);
  const hf = plan.format === 'hf' ? new HfShards(plan.out) : null;
  const facts = {
    apps: new Set<string>(),
    labels: {} as Record<string, number>,
    actionTypes: {} as Record<string, number>,
    policy: new Set<string>(),
    keys: new Set<string>(),
    sequencer: new Set<string>(),
    from: Infinity,
    to: -Infinity,
  };
  let records = 0;
  for await (const row of rows) {
    const user = typeof row.user_pseudonym === 'string' ? row.user_pseudonym : '';
    const split = plan.split ? splitOf(user, ratios) : 'train';
    records += 1;
    if (plan.format === 'jsonl' || plan.format === 'chat') {
      tally.add(
        split,
        user,
        String(row.episode_id ?? ''),
        plan.view === 'sft_examples' ? 1 : Array.isArray(row.steps) ? row.steps.length : 0,
      );
      await jsonl?.write(split, plan.format === 'chat' ? chatRecord(row) : row);
      continue;
    }
    const ep = episodeOf(row);
    tally.add(split, ep.user_pseudonym, ep.episode_id, ep.steps.length);
    if (plan.format === 'hf') {
      hf?.add(split, hfRow(ep));
      for (const a of ep.apps) facts.apps.add(a);
      for (const l of ep.labels) facts.labels[l] = (facts.labels[l] ?? 0) + 1;
      for (const st of ep.steps)
        facts.actionTypes[st.action_type] = (facts.actionTypes[st.action_type] ?? 0) + 1;
      if (ep.policy_version) facts.policy.add(ep.policy_version);
      if (ep.key_version) facts.keys.add(ep.key_version);
      if (ep.sequencer_version) facts.sequencer.add(ep.sequencer_version);
      facts.from = Math.min(facts.from, ep.start_ts);
      facts.to = Math.max(facts.to, ep.start_ts);
    } else {
      await jsonl?.write(split, ACTION_SPACES[plan.format].episodeRecord(ep, fallbacks));
    }
  }
  await jsonl?.close();
  let files = jsonl ? jsonl.files : [];
  if (hf) {
    files = hf.finish();
    if (card) {
      const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
      const run: CardRun = {
        view: plan.view,
        engine: card.engine,
        generatedAt: new Date().toISOString(),
        ratios,
        splits: tally.counts,
        bytes: hf.bytes,
        from: Number.isFinite(facts.from) ? day(facts.from) : null,
        to: Number.isFinite(facts.to) ? day(facts.to) : null,
        apps: facts.apps.size,
        labels: facts.labels,
        actionTypes: facts.actionTypes,
        policyVersions: [...facts.policy].sort(),
        keyVersions: [...facts.keys].sort(),
        sequencerVersions: [...facts.sequencer].sort(),
        findings: card.findings,
        optOuts: card.optOuts,
      };
      writeFileSync(join(plan.out, 'README.md'), renderDatasetCard(card.config, run));
      files.push('README.md');
    }
  }
  const summary: ExportSummary = {
    format: plan.format,
    view: plan.view,
    ratios: plan.split,
    counts: tally.counts,
    fallbacks: fallbacks.toJSON(),
    files,
    records,
  };
  if (plan.split || plan.format === 'hf') {
    writeFileSync(
      join(plan.out, 'manifest.json'),
      `${JSON.stringify({ ...summary, generatedAt: new Date().toISOString() }, null, 2)}\n`,
    );
  }
  return summary;
}

/** The findings per entity type the redaction_summary view counts. */
function findingsOf(rows: readonly Record<string, unknown>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) out[String(r.entity_type)] = (out[String(r.entity_type)] ?? 0) + Number(r.n ?? 0);
  return out;
}

const FINDINGS_SQL = 'SELECT entity_type, sum(findings) AS n FROM redaction_summary GROUP BY entity_type';

/** The deployment configuration the dataset card documents (cdk.json context; paths relative to it). */
function loadConfig(file: string): WorktraceConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ExportError(
      `--format hf documents the deployment configuration: cannot read ${file} (give --cdk-json <file>)`,
    );
  }
  const context = (JSON.parse(text) as { context?: Record<string, unknown> }).context ?? {};
  return parseConfig(context, { baseDir: dirname(resolve(file)) });
}

/** The summary as the lines the command prints. */
export function summaryLines(s: ExportSummary, out: string): string[] {
  const unit =
    s.format === 'chat'
      ? 'chat records'
      : s.format === 'jsonl'
        ? 'rows'
        : s.format === 'hf'
          ? 'episode rows'
          : `${s.format} episode records`;
  const lines = [`wrote ${s.records} ${unit} of ${s.view} to ${out}`];
  if (s.ratios || s.format === 'hf') {
    for (const split of SPLIT_NAMES) {
      const c = s.counts[split];
      lines.push(
        `  ${split.padEnd(10)} ${String(c.users).padStart(6)} users ${String(c.episodes).padStart(8)} episodes ${String(c.steps).padStart(9)} steps ${String(c.records).padStart(8)} records`,
      );
    }
  }
  for (const split of SPLIT_NAMES) {
    if (s.ratios && s.ratios[split] > 0 && s.counts[split].users === 0) {
      const users = SPLIT_NAMES.reduce((n, x) => n + s.counts[x].users, 0);
      lines.push(`  note: no user fell into ${split} (${s.ratios[split]} % of ${users} users)`);
    }
  }
  const fb = Object.entries(s.fallbacks);
  if (fb.length > 0)
    lines.push(
      `  fallbacks (lossy mappings, see docs/training-data.md): ${fb.map(([k, n]) => `${k} ${n}`).join(', ')}`,
    );
  return lines;
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
  const plan = planExport(opts);
  const config = plan.format === 'hf' ? loadConfig(opts.cdkJson) : undefined;
  let summary: ExportSummary;
  if (opts.athena) {
    if (!opts.resultsUri) throw new ExportError('--athena needs --results-uri s3://<bucket>/<prefix>/');
    const bucket = /^s3:\/\/([^/]+)/.exec(opts.resultsUri)?.[1] ?? '';
    const [{ athenaClient, s3Client }, { S3ObjectStore }, { queryAthena }] = await Promise.all([
      import('#adapters/aws-clients.js'),
      import('#adapters/s3-object-store.js'),
      import('#adapters/athena.js'),
    ]);
    const athena = athenaClient();
    const where = { workgroup: opts.workgroup, database: opts.database };
    const rows = await unloadFromAthena({
      athena,
      s3: new S3ObjectStore(s3Client(), bucket),
      view: plan.view,
      sql: exportSql(plan.view),
      resultsUri: opts.resultsUri,
      ...where,
    });
    // redaction_summary reads the events and quarantine zones, which the analyst role may not: the card
    // then says where the figures are instead of failing the export.
    const findings = config
      ? await queryAthena(athena, FINDINGS_SQL, where).then(
          (r) => findingsOf(r.rows),
          () => null,
        )
      : null;
    const card = config ? { config, engine: 'athena' as const, findings, optOuts: null } : undefined;
    summary = await writeExport(plan, rows, card);
  } else {
    summary = await withLocalLake(opts, async (lake) => {
      const card = config
        ? {
            config,
            engine: 'duckdb' as const,
            findings: findingsOf((await lake.query(FINDINGS_SQL)).rows),
            optOuts: Number(
              (await lake.query('SELECT count(DISTINCT user_pseudonym) AS n FROM opt_outs')).rows[0]?.n ?? 0,
            ),
          }
        : undefined;
      return writeExport(plan, (await lake.query(exportSql(plan.view))).rows, card);
    });
  }
  for (const line of summaryLines(summary, plan.out)) console.log(line);
}
