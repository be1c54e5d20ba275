/**
 * The export of one local run in each format round-trips through a schema check per format: the fixture
 * lake plus 24 workers, written by the project's real writers (events Parquet, the sequencer), is exported with
 * `--split 80/10/10` in every format, every output file is read back and checked against the published
 * shapes (test/fixtures/action-space-schemas.ts), the user→split assignment is compared across formats and
 * with splitOf, the manifests are recounted from the files, the hf folder is loaded back with DuckDB
 * against its dataset card, and the real command is run once, with the bad inputs it must refuse.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { LocalLake } from '#adapters/duckdb-lake.js';
import type { AnthropicRecord, ToolResultBlock, ToolUseBlock } from '#core/export/anthropic.js';
import { parseCanonical } from '#core/export/episode.js';
import type { OpenAIRecord } from '#core/export/openai.js';
import type { PyautoguiRecord } from '#core/export/pyautogui.js';
import { parseSplit, SPLIT_NAMES, type SplitName, splitOf } from '#core/export/split.js';
import type { EventRow } from '#core/lake/schema.js';
import { ACTION_TYPES } from '#core/sequence/actions.js';
import { DEFAULT_VIEW_PARAMS } from '#core/views/dialect.js';
import {
  EXPORT_FORMATS,
  type ExportFormatName,
  type ExportSummary,
  exportSql,
  planExport,
  writeExport,
} from '../../bin/commands/export-run.js';
import { parseConfig } from '../../lib/config.js';
import {
  anthropicInputProblems,
  decodePythonString,
  openaiItemProblems,
  parsePythonCall,
  pythonCallProblems,
} from '../fixtures/action-space-schemas.js';
import { SessionScript } from '../fixtures/event-rows.js';
import { buildFixtureLake, type FixtureLake } from '../fixtures/lake.js';

const SPLIT = '80/10/10';
const RATIOS = parseSplit(SPLIT);
/** The extra users; with the fixture's own five these ids fall into all three splits (asserted below). */
const WORKERS = Array.from({ length: 24 }, (_, i) => `worker-${String(i).padStart(2, '0')}`);
/** Typed text that breaks naive JSON, Python and CSV writers: quotes, backslashes, CR-LF, emoji, U+2028. */
const NASTY = [
  'He said "hi" \\ C:\\Users\\x\r\nnext line 😀 it\'s',
  'tab\there \'single\' "double" \\\\server\\share\r\n☃ end\\',
  'emoji 👩‍💻 and \u2028 separator, back\\slash "\'" \r\n',
] as const;
const SCREENS: readonly (readonly [number, number])[] = [
  [1920, 1080],
  [1366, 768],
  [2560, 1440],
  [1280, 800],
];

/**
 * One worker's session: every canonical action type, in an order and at places that vary per worker; then
 * an app switch (a new episode) with a few more steps.
 */
function workerSession(session: string, i: number, start: number): EventRow[] {
  const [w, h] = SCREENS[i % SCREENS.length] as readonly [number, number];
  const px = (fx: number, fy: number): [number, number] => [Math.round(fx * w), Math.round(fy * h)];
  const s = new SessionScript(session, start).screen(w, h).focus('editor', `Budget ${i}.xlsx`);
  const [cx, cy] = px(0.1 + 0.03 * (i % 7), 0.2 + 0.02 * (i % 5));
  // Each block starts after a pause that keeps it from merging with the one before.
  const blocks: ((s: SessionScript) => void)[] = [
    (s) => s.wait(1200).element('button', 'Save').click(cx, cy),
    (s) =>
      s
        .wait(1200)
        .click(cx + 200, cy + 50)
        .wait(150)
        .click(cx + 201, cy + 50),
    (s) =>
      s
        .wait(1200)
        .click(cx + 300, cy + 80)
        .wait(120)
        .click(cx + 300, cy + 80)
        .wait(120)
        .click(cx + 300, cy + 80),
    (s) => s.wait(1200).click(...px(0.7, 0.6), 'right'),
    (s) => s.wait(1200).click(...px(0.5, 0.9), 'middle'),
    (s) => {
      const [x0, y0] = px(0.2, 0.5);
      const [x1, y1] = px(0.6 + 0.01 * i, 0.55);
      s.wait(1200)
        .down(x0, y0)
        .move(x0 + 40, y0 + 10)
        .move(x1, y1)
        .up(x1, y1);
    },
    (s) => {
      const [x, y] = px(0.5, 0.5);
      s.wait(1200).wheel(3, 0, x, y).wait(100).wheel(2, 0, x, y);
      s.wait(1200).wheel(-1 - (i % 3), 0, x, y);
      s.wait(1200).wheel(0, 2, x, y);
    },
    (s) => s.wait(1200).text('body', NASTY[i % NASTY.length] as string),
    (s) => s.wait(1200).text('title', `Row ${i} total`),
    (s) => s.wait(1200).hotkey('ctrl', '\\').wait(1200).hotkey('ctrl+shift', 't'),
    (s) => s.wait(1200).chord(['ctrl'], 's', 'char'),
    (s) => s.wait(1200).key('enter', 'enter').wait(100).key('enter', 'enter'),
    (s) => s.wait(1200).key('tab', 'tab').wait(1200).key('escape', 'escape'),
    (s) =>
      s
        .wait(1200)
        .key('left', 'arrow')
        .wait(1200)
        .key('pagedown', 'navigation')
        .wait(1200)
        .key('f5', 'function'),
    (s) => s.wait(3500 + 100 * i).click(...px(0.33, 0.33)), // a wait ≥ 3 s, then input
    (s) =>
      s
        .wait(1200)
        .focus('editor', `Budget ${i}.xlsx — "Sheet 2"`)
        .wait(300)
        .click(...px(0.4, 0.4)),
  ];
  for (let n = 0; n < blocks.length; n++) (blocks[(n + i) % blocks.length] as (s: SessionScript) => void)(s);
  s.wait(1200).focus('browser', `Intranet \\ "Q3" report ${i}`);
  s.wait(600)
    .click(...px(0.5, 0.1))
    .wait(600)
    .text('url', `intranet/q3?u=${i}`);
  s.wait(1200).hotkey('ctrl', 'r');
  if (i % 2 === 0) s.wait(1200).focus('editor', `Budget ${i}.xlsx`).wait(600).hotkey('ctrl', 'v');
  return s.rows;
}

/** The lines of a JSON Lines file, parsed. */
const readJsonl = (file: string): Record<string, unknown>[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** The records of a split export, per split (a split with no file has none). */
function splitRecords(dir: string): Record<SplitName, Record<string, unknown>[]> {
  const at = (s: SplitName) =>
    existsSync(join(dir, `${s}.jsonl`)) ? readJsonl(join(dir, `${s}.jsonl`)) : [];
  return { train: at('train'), validation: at('validation'), test: at('test') };
}

/** A Hub data_files glob (`data/train-*`) as a regular expression over folder-relative paths. */
const globRe = (glob: string) =>
  new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '[^/]*')
      .replace(/\?/g, '[^/]')}$`,
  );

interface SplitCount {
  users: number;
  episodes: number;
  steps: number;
  records: number;
}

/** Counts of records per split, given each record's user, episode and steps. */
function countsOf(
  bySplit: Record<SplitName, readonly { user: string; episode: string; steps: number }[]>,
): Record<SplitName, SplitCount> {
  const one = (rs: readonly { user: string; episode: string; steps: number }[]): SplitCount => ({
    users: new Set(rs.map((r) => r.user)).size,
    episodes: new Set(rs.map((r) => r.episode)).size,
    steps: rs.reduce((n, r) => n + r.steps, 0),
    records: rs.length,
  });
  return { train: one(bySplit.train), validation: one(bySplit.validation), test: one(bySplit.test) };
}

/** A user→split map, and the users seen in more than one split. */
function userSplits(pairs: Iterable<[string, SplitName]>): {
  map: Record<string, SplitName>;
  twice: string[];
} {
  const map: Record<string, SplitName> = {};
  const twice = new Set<string>();
  for (const [user, split] of pairs) {
    if (map[user] !== undefined && map[user] !== split) twice.add(user);
    map[user] = split;
  }
  return { map, twice: [...twice] };
}

let fx: FixtureLake;
let lake: LocalLake;
let outRoot: string;
let trajectories: Record<string, unknown>[];
let sft: Record<string, unknown>[];
/** Episode id → its training_trajectories row. */
const episodes = new Map<string, Record<string, unknown>>();
const summaries = {} as Record<ExportFormatName, ExportSummary>;
const outOf = (format: ExportFormatName) => join(outRoot, format);
const stepsOf = (row: Record<string, unknown> | undefined) => (row?.steps ?? []) as Record<string, unknown>[];

beforeAll(async () => {
  fx = await buildFixtureLake(Date.now(), (recent) =>
    WORKERS.flatMap((id, i) => workerSession(id, i, recent + (60 + 8 * i) * 60_000)),
  );
  lake = await LocalLake.open({
    stores: fx.stores,
    cacheDir: join(fx.root, 'cache'),
    params: { ...DEFAULT_VIEW_PARAMS, k: 1 },
  });
  trajectories = (await lake.query(exportSql('training_trajectories'))).rows;
  sft = (await lake.query(exportSql('sft_examples'))).rows;
  for (const row of trajectories) episodes.set(String(row.episode_id), row);
  outRoot = mkdtempSync(join(tmpdir(), 'wt-export-formats-'));
  const card = {
    config: parseConfig({}),
    engine: 'duckdb' as const,
    findings: { EMAIL: 12, PHONE: 6 },
    optOuts: 1,
  };
  for (const format of EXPORT_FORMATS) {
    const plan = planExport({
      format,
      split: SPLIT,
      out: outOf(format),
      ...(format === 'jsonl' ? { view: 'training_trajectories' } : {}),
    });
    const rows = (await lake.query(exportSql(plan.view))).rows;
    summaries[format] = await writeExport(plan, rows, format === 'hf' ? card : undefined);
  }
});
afterAll(() => lake?.close());

describe('the lake the exports read', () => {
  it('holds at least 20 users, whose episodes use every canonical action type', () => {
    const users = new Set(trajectories.map((r) => r.user_pseudonym));
    expect(users.size).toBeGreaterThanOrEqual(20);
    for (const w of WORKERS) expect(users).toContain(`u-${w}`);
    const types = new Set(trajectories.flatMap((r) => stepsOf(r).map((s) => s.action_type)));
    expect([...types].sort()).toEqual([...ACTION_TYPES].sort());
    expect(sft.length).toBe(trajectories.reduce((n, r) => n + stepsOf(r).length, 0));
  });
});

describe('each format against its schema', () => {
  it('jsonl: one view row per episode, every step action a canonical action of its type', () => {
    const records = Object.values(splitRecords(outOf('jsonl'))).flat();
    expect(records).toHaveLength(trajectories.length);
    expect(new Set(records.map((r) => r.episode_id))).toEqual(new Set(episodes.keys()));
    for (const r of records)
      for (const [i, s] of stepsOf(r).entries())
        expect(() => parseCanonical(s as unknown as Parameters<typeof parseCanonical>[0], i)).not.toThrow();
  });

  it('chat: one record per sft_examples row; the reply is a canonical action', () => {
    const records = Object.values(splitRecords(outOf('chat'))).flat();
    expect(records).toHaveLength(sft.length);
    for (const r of records) {
      const messages = r.messages as { role: string; content: string }[];
      expect(messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant']);
      const reply = messages[2]?.content ?? '';
      const action = JSON.parse(reply) as { action: string };
      expect(ACTION_TYPES).toContain(action.action);
      expect(() => parseCanonical({ action_type: action.action, action: reply })).not.toThrow();
    }
  });

  it('anthropic: one transcript per episode; every tool_use input passes the published schema', async () => {
    const records = Object.values(splitRecords(outOf('anthropic'))).flat() as unknown as AnthropicRecord[];
    expect(records).toHaveLength(trajectories.length);
    let uses = 0;
    for (const r of records) {
      expect(episodes.has(r.episode_id)).toBe(true);
      const [{ display_width_px: w, display_height_px: h }] = r.tools;
      for (const [m, message] of r.messages.entries()) {
        for (const block of message.content.filter((b): b is ToolUseBlock => b.type === 'tool_use')) {
          uses += 1;
          expect(await anthropicInputProblems(block.input), JSON.stringify(block.input)).toEqual([]);
          for (const c of [block.input.coordinate, block.input.start_coordinate].filter(
            (c) => c !== undefined,
          )) {
            expect(c[0] >= 0 && c[0] < w && c[1] >= 0 && c[1] < h, JSON.stringify(c)).toBe(true);
          }
          const answer = r.messages[m + 1]?.content as ToolResultBlock[] | undefined;
          expect(answer?.map((b) => b.tool_use_id)).toContain(block.id);
        }
      }
    }
    expect(uses).toBeGreaterThan(trajectories.length);
    // What the tool cannot express became words, counted.
    expect(summaries.anthropic.fallbacks['anthropic:switch_app']).toBeGreaterThanOrEqual(WORKERS.length);
  });

  it('openai: one transcript per episode; every output item passes the declared shapes', () => {
    const records = Object.values(splitRecords(outOf('openai'))).flat() as unknown as OpenAIRecord[];
    expect(records).toHaveLength(trajectories.length);
    for (const r of records) {
      expect(episodes.has(r.episode_id)).toBe(true);
      const display = { width: r.tools[0].display_width, height: r.tools[0].display_height };
      for (const item of r.output)
        expect(openaiItemProblems(item, display), JSON.stringify(item)).toEqual([]);
    }
    // There is no triple click in the OpenAI action space: mapped, and counted, once per worker at least.
    expect(summaries.openai.fallbacks['openai:triple_click']).toBeGreaterThanOrEqual(WORKERS.length);
  });

  it('pyautogui: one record per episode, a record step per step; every line is one Python call', () => {
    const records = Object.values(splitRecords(outOf('pyautogui'))).flat() as unknown as PyautoguiRecord[];
    expect(records).toHaveLength(trajectories.length);
    for (const r of records) {
      expect(r.steps).toHaveLength(stepsOf(episodes.get(r.episode_id)).length);
      for (const s of r.steps)
        for (const line of s.code.split('\n')) expect(pythonCallProblems(line), line).toEqual([]);
    }
  });

  it('the nasty typed text arrives exactly in every format', async () => {
    const typed: Record<string, Set<string>> = {};
    const add = (format: string, text: unknown) => {
      typed[format] ??= new Set();
      if (typeof text === 'string') typed[format].add(text);
    };
    const all = (f: ExportFormatName) => Object.values(splitRecords(outOf(f))).flat();
    for (const r of all('jsonl'))
      for (const s of stepsOf(r)) add('jsonl', (JSON.parse(String(s.action)) as { text?: string }).text);
    for (const r of all('chat')) {
      const reply = (r.messages as { content: string }[])[2]?.content ?? '{}';
      add('chat', (JSON.parse(reply) as { text?: string }).text);
    }
    for (const r of all('anthropic') as unknown as AnthropicRecord[])
      for (const m of r.messages)
        for (const b of m.content)
          if (b.type === 'tool_use' && b.input.action === 'type') add('anthropic', b.input.text);
    for (const r of all('openai') as unknown as OpenAIRecord[])
      for (const o of r.output)
        if (o.type === 'computer_call' && o.action.type === 'type') add('openai', o.action.text);
    for (const r of all('pyautogui') as unknown as PyautoguiRecord[])
      for (const s of r.steps)
        for (const line of s.code.split('\n')) {
          const call = parsePythonCall(line);
          if (call.callee === 'pyautogui.write')
            add('pyautogui', decodePythonString(call.args[0]?.text ?? ''));
        }
    const hf = await readHf();
    for (const r of hf.rows)
      for (const s of stepsOf(r)) add('hf', (JSON.parse(String(s.action)) as { text?: string }).text);
    expect(Object.keys(typed).sort()).toEqual([...EXPORT_FORMATS].sort());
    for (const [format, texts] of Object.entries(typed))
      for (const n of NASTY) expect(texts, format).toContain(n);
  });
});

/** A `dataset_info.features` entry of the card. */
interface Feature {
  readonly name: string;
  readonly dtype?: string;
  readonly sequence?: string;
  readonly list?: Feature[];
}

/** The DuckDB type a `datasets` dtype reads back as from the Parquet shards. */
const DUCK_TYPES: Readonly<Record<string, string>> = {
  string: 'VARCHAR',
  int32: 'INTEGER',
  int64: 'BIGINT',
  float64: 'DOUBLE',
  bool: 'BOOLEAN',
  'timestamp[ms]': 'TIMESTAMP',
};

/** The hf folder read back with DuckDB: rows with the split of their shard, and the column descriptions. */
async function readHf(): Promise<{
  rows: (Record<string, unknown> & { split: SplitName })[];
  columns: { name: string; type: string }[];
  stepFields: { name: string; type: string }[];
  files: string[];
}> {
  const dir = outOf('hf');
  const files = readdirSync(join(dir, 'data')).map((f) => `data/${f}`);
  const glob = `'${join(dir, 'data', '*.parquet').replaceAll("'", "''")}'`;
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    const read = async (sql: string) => (await conn.runAndReadAll(sql)).getRowObjectsJson();
    const rows = (await read(`SELECT *, filename FROM read_parquet(${glob}, filename = true)`)).map((r) => ({
      ...r,
      split: /data\/(train|validation|test)-\d{5}-of-\d{5}\.parquet$/.exec(
        String(r.filename),
      )?.[1] as SplitName,
    }));
    // Types without DuckDB's quoting of keyword field names (`"action" VARCHAR`).
    const described = (rows: Record<string, unknown>[]) =>
      rows.map((r) => ({ name: String(r.column_name), type: String(r.column_type).replaceAll('"', '') }));
    const columns = described(await read(`DESCRIBE SELECT * FROM read_parquet(${glob})`));
    const stepFields = described(
      await read(`DESCRIBE SELECT unnest(s) FROM (SELECT unnest(steps) AS s FROM read_parquet(${glob}))`),
    );
    return { rows, columns, stepFields, files };
  } finally {
    conn.closeSync();
  }
}

describe('user-disjoint splits', () => {
  it('every user is in exactly one split, the same in every format, the one splitOf names', async () => {
    const maps: Record<string, Record<string, SplitName>> = {};
    const userOfEpisode = (id: unknown) => String(episodes.get(String(id))?.user_pseudonym);
    for (const format of ['jsonl', 'anthropic', 'openai', 'pyautogui'] as const) {
      const bySplit = splitRecords(outOf(format));
      const { map, twice } = userSplits(
        SPLIT_NAMES.flatMap((split) =>
          bySplit[split].map((r): [string, SplitName] => [userOfEpisode(r.episode_id), split]),
        ),
      );
      expect(twice, format).toEqual([]);
      maps[format] = map;
    }
    const hf = await readHf();
    const fromHf = userSplits(hf.rows.map((r): [string, SplitName] => [String(r.user_pseudonym), r.split]));
    expect(fromHf.twice).toEqual([]);
    maps.hf = fromHf.map;
    const users = [...new Set(trajectories.map((r) => String(r.user_pseudonym)))].sort();
    const expected = Object.fromEntries(users.map((u) => [u, splitOf(u, RATIOS)]));
    for (const [format, map] of Object.entries(maps)) expect(map, format).toEqual(expected);
    // Chat records carry no user: each split file holds, in order, the replies of that split's users' rows.
    const chat = splitRecords(outOf('chat'));
    for (const split of SPLIT_NAMES) {
      expect(chat[split].map((r) => (r.messages as { content: string }[])[2]?.content)).toEqual(
        sft.filter((r) => expected[String(r.user_pseudonym)] === split).map((r) => r.next_action),
      );
    }
    const nonEmpty = SPLIT_NAMES.filter((s) => Object.values(expected).includes(s));
    expect(nonEmpty.length).toBeGreaterThanOrEqual(2);
    console.log(
      `split users: ${SPLIT_NAMES.map((s) => `${s} ${Object.values(expected).filter((x) => x === s).length}`).join(', ')}`,
    );
  });

  it.each([...EXPORT_FORMATS])('%s: the manifest counts and lists what is in the files', async (format) => {
    const dir = outOf(format);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as ExportSummary;
    let found: Record<SplitName, { user: string; episode: string; steps: number }[]>;
    let listed: string[];
    if (format === 'hf') {
      const hf = await readHf();
      found = { train: [], validation: [], test: [] };
      for (const r of hf.rows)
        found[r.split].push({
          user: String(r.user_pseudonym),
          episode: String(r.episode_id),
          steps: stepsOf(r).length,
        });
      listed = [...hf.files, 'README.md'];
    } else {
      const bySplit = splitRecords(dir);
      found = { train: [], validation: [], test: [] };
      for (const split of SPLIT_NAMES) {
        if (format === 'chat') {
          // Chat records carry no user; the split test above showed each file holds its users' rows in order.
          const rows = sft.filter((r) => splitOf(String(r.user_pseudonym), RATIOS) === split);
          expect(bySplit[split]).toHaveLength(rows.length);
          found[split] = rows.map((r) => ({
            user: String(r.user_pseudonym),
            episode: String(r.episode_id),
            steps: 1,
          }));
        } else {
          found[split] = bySplit[split].map((r) => {
            const ep = episodes.get(String(r.episode_id));
            return {
              user: String(ep?.user_pseudonym),
              episode: String(r.episode_id),
              steps: stepsOf(ep).length,
            };
          });
        }
      }
      listed = SPLIT_NAMES.filter((s) => bySplit[s].length > 0).map((s) => `${s}.jsonl`);
    }
    expect(manifest.counts).toEqual(countsOf(found));
    expect(manifest.records).toBe(SPLIT_NAMES.reduce((n, s) => n + found[s].length, 0));
    expect(manifest.ratios).toEqual(RATIOS);
    expect([...manifest.files].sort()).toEqual([...listed].sort());
    const onDisk = readdirSync(dir).filter((f) => f !== 'manifest.json' && f !== 'data');
    expect(onDisk.sort()).toEqual(listed.filter((f) => !f.startsWith('data/')).sort());
    expect(summaries[format].counts).toEqual(manifest.counts);
  });
});

describe('hf: the Parquet shards against the dataset card', () => {
  it('loads back with DuckDB into disjoint splits matching the card', async () => {
    const hf = await readHf();
    const readme = readFileSync(join(outOf('hf'), 'README.md'), 'utf8');
    const front = /^---\n([\s\S]*?)\n---\n/.exec(readme)?.[1];
    expect(front).toBeDefined();
    const card = parseYaml(front ?? '') as {
      configs: { config_name: string; data_files: { split: string; path: string }[] }[];
      dataset_info: {
        features: Feature[];
        splits: { name: string; num_examples: number }[];
      };
    };
    // Disjoint user sets covering every user of the view.
    const usersOf = (split: SplitName) =>
      new Set(hf.rows.filter((r) => r.split === split).map((r) => String(r.user_pseudonym)));
    const sets = SPLIT_NAMES.map(usersOf);
    const all = new Set(trajectories.map((r) => String(r.user_pseudonym)));
    expect(sets.reduce((n, s) => n + s.size, 0)).toBe(all.size);
    expect(new Set(sets.flatMap((s) => [...s]))).toEqual(all);
    expect(hf.rows).toHaveLength(trajectories.length);
    // num_examples per split = rows in that split's shards; only non-empty splits are declared.
    const rowsIn = (split: string) => hf.rows.filter((r) => r.split === split).length;
    expect(card.dataset_info.splits).toEqual(
      SPLIT_NAMES.filter((s) => rowsIn(s) > 0).map((name) => ({ name, num_examples: rowsIn(name) })),
    );
    // data_files globs: each declared split's glob matches exactly its own shards.
    const dataFiles = card.configs[0]?.data_files ?? [];
    expect(dataFiles.map((d) => d.split)).toEqual(card.dataset_info.splits.map((s) => s.name));
    for (const d of dataFiles) {
      const matched = hf.files.filter((f) => globRe(d.path).test(f)).sort();
      const own = [...new Set(hf.rows.filter((r) => r.split === d.split).map((r) => String(r.filename)))]
        .map((f) => `data/${f.split('/').at(-1)}`)
        .sort();
      expect(matched.length, d.path).toBeGreaterThan(0);
      expect(matched, d.path).toEqual(own);
    }
    expect(hf.files.every((f) => dataFiles.some((d) => globRe(d.path).test(f)))).toBe(true);
    // Features name the Parquet columns, in order, including the fields of the steps struct.
    const features = card.dataset_info.features;
    expect(features.map((f) => f.name)).toEqual(hf.columns.map((c) => c.name));
    const steps = features.find((f) => f.name === 'steps')?.list ?? [];
    expect(steps.map((f) => f.name)).toEqual(hf.stepFields.map((c) => c.name));
    // ...and their dtypes the Parquet types, as DuckDB reads them.
    const duck = (f: Feature): string =>
      f.list
        ? `STRUCT(${f.list.map((g) => `${g.name} ${duck(g)}`).join(', ')})[]`
        : f.sequence
          ? `${DUCK_TYPES[f.sequence]}[]`
          : String(DUCK_TYPES[f.dtype ?? '']);
    expect(features.map((f) => ({ name: f.name, type: duck(f) }))).toEqual(hf.columns);
    expect(steps.map((f) => ({ name: f.name, type: duck(f) }))).toEqual(hf.stepFields);
    // The training target parses, as the canonical action its step's action_type says.
    for (const r of hf.rows)
      for (const [i, s] of stepsOf(r).entries()) {
        expect(() => JSON.parse(String(s.action))).not.toThrow();
        expect(() => parseCanonical(s as unknown as Parameters<typeof parseCanonical>[0], i)).not.toThrow();
      }
  });
});

describe('worktrace export (the real command, local lake)', () => {
  let lakeDir: string;
  const dataDir = mkdtempSync(join(tmpdir(), 'wt-xf-data-'));
  const cli = (args: string[]) =>
    spawnSync(
      process.execPath,
      [
        'bin/worktrace.mjs',
        'export',
        ...args,
        '--lake-dir',
        lakeDir,
        '--data-dir',
        dataDir,
        '--cdk-json',
        'cdk.json',
      ],
      { encoding: 'utf8' },
    );
  beforeAll(() => {
    lakeDir = mkdtempSync(join(tmpdir(), 'wt-xf-lake-'));
    for (const zone of ['events', 'quarantine', 'curated'])
      cpSync(join(fx.root, zone), lakeDir, { recursive: true });
  });

  it('writes the hf folder and prints one line per split, as the in-process export counted', () => {
    const out = join(dataDir, 'hf');
    const run = cli(['--format', 'hf', '--split', SPLIT, '--out', out]);
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`wrote ${trajectories.length} episode rows of training_trajectories to ${out}`);
    const expected = summaries.hf.counts;
    expect(lines.slice(1)).toEqual(
      SPLIT_NAMES.map(
        (s) =>
          `  ${s.padEnd(10)} ${String(expected[s].users).padStart(6)} users ${String(expected[s].episodes).padStart(8)} episodes ${String(expected[s].steps).padStart(9)} steps ${String(expected[s].records).padStart(8)} records`,
      ),
    );
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).counts).toEqual(expected);
    expect(readFileSync(join(out, 'README.md'), 'utf8')).toMatch(/^---\n/);
  });

  it.each([
    [['--format', 'hf', '--split', '80/10'], /three whole percentages/],
    [['--format', 'hf', '--split', '50/30/30'], /sum to 100, got 110/],
    [['--format', 'nope'], /unknown --format nope/],
    [['--format', 'chat', '--view', 'training_trajectories'], /--format chat exports the sft_examples view/],
    [['--format', 'anthropic', '--view', 'app_workflow_stats'], /--format anthropic exports an episode view/],
    [
      ['--split', '80/10/10', '--view', 'app_workflow_stats', '--format', 'jsonl'],
      /no user_pseudonym column/,
    ],
  ])('refuses %j in one line with exit code 2', (args, message) => {
    const out = join(dataDir, `bad-${args.join('_').replace(/\W/g, '')}`);
    const run = cli([...args, '--out', out]);
    expect(run.status, run.stderr).toBe(2);
    expect(run.stderr.trimEnd().split('\n'), run.stderr).toHaveLength(1);
    expect(run.stderr).toMatch(/^worktrace: \w+Error: /);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
  });
});
