/**
 * The Hugging Face datasets layout: one row per episode in Parquet shards per split
 * (`data/<split>-0000i-of-0000N.parquet`), and the YAML header of the dataset card (`configs` with the data
 * files per split, `dataset_info` with the features and split sizes) that `datasets.load_dataset` reads.
 * The features are derived from the same column list the Parquet writer uses, so they cannot disagree.
 */
import { stringify } from 'yaml';
import type { ColumnDef, ColumnType, ScalarType } from '../lake/schema.js';
import type { ViewEpisode } from './rows.js';
import type { SplitName } from './split.js';

const col = (name: string, type: ColumnType, description: string, nullable = true): ColumnDef => ({
  name,
  type,
  description,
  nullable,
});

/** One step of an HF episode row. */
export const HF_STEP_COLUMNS: readonly ColumnDef[] = [
  col('step_index', 'int32', 'Position of the step in its episode, from 0.', false),
  col('action', 'string', 'The canonical action as JSON text: the training target.', false),
  col('action_type', 'string', 'Action vocabulary term.', false),
  col('ts', 'timestamp', 'Action start (UTC).', false),
  col('duration_ms', 'int64', 'Action duration, ms.', false),
  col('app_id', 'string', 'Application in focus.'),
  col('window_title', 'string', 'Scrubbed window title.'),
  col('element_role', 'string', 'Role of the UI element acted on.'),
  col('element_name', 'string', 'Scrubbed name of the UI element acted on.'),
  col('screen_width', 'int32', 'Screen width, pixels.'),
  col('screen_height', 'int32', 'Screen height, pixels.'),
];

/** One HF row: an episode of the training_trajectories view. */
export const HF_EPISODE_COLUMNS: readonly ColumnDef[] = [
  col('episode_id', 'string', 'Deterministic episode id.', false),
  col('user_pseudonym', 'string', 'Pseudonymous user (the split key).', false),
  col('task_label', 'string', 'Scrubbed task label, if a marker named one.'),
  col('apps', { list: 'string' }, 'Applications used, in first-use order.', false),
  col(
    'labels',
    { list: 'string' },
    'error_recovery, shortcut_heavy, menu_heavy, context_switching, completed.',
    false,
  ),
  col('completed', 'boolean', 'A task end marker closed the episode.', false),
  col('error_recovery', 'boolean', 'The episode holds an error recovery.', false),
  col('cut_reason', 'string', 'Why the episode ended.'),
  col('start_ts', 'timestamp', 'Start of the first step (UTC).', false),
  col('duration_ms', 'int64', 'Episode duration, ms.', false),
  col('step_count', 'int32', 'Number of steps.', false),
  col('steps', { structList: HF_STEP_COLUMNS }, 'Ordered steps.', false),
  col('policy_version', 'string', 'Policy version of the source events.'),
  col('key_version', 'string', 'Pseudonym key version.'),
  col('sequencer_version', 'string', 'Sequencer version.'),
];

/** An episode as an HF row (HF_EPISODE_COLUMNS). */
export function hfRow(ep: ViewEpisode): Record<string, unknown> {
  return {
    episode_id: ep.episode_id,
    user_pseudonym: ep.user_pseudonym,
    task_label: ep.task_label,
    apps: ep.apps,
    labels: ep.labels,
    completed: ep.completed,
    error_recovery: ep.error_recovery,
    cut_reason: ep.cut_reason,
    start_ts: ep.start_ts,
    duration_ms: ep.duration_ms,
    step_count: ep.steps.length,
    steps: ep.steps.map((s) =>
      Object.fromEntries(HF_STEP_COLUMNS.map((c) => [c.name, s[c.name as keyof typeof s] ?? null])),
    ),
    policy_version: ep.policy_version,
    key_version: ep.key_version,
    sequencer_version: ep.sequencer_version,
  };
}

/** The `datasets` feature dtype of a scalar. */
const HF_DTYPES: Record<ScalarType, string> = {
  string: 'string',
  int32: 'int32',
  int64: 'int64',
  double: 'float64',
  boolean: 'bool',
  timestamp: 'timestamp[ms]',
};

/** A column as a `dataset_info.features` entry (`dtype`, `sequence` for lists, `list` of fields for structs). */
export function hfFeature(c: ColumnDef): Record<string, unknown> {
  const t = c.type;
  if (typeof t === 'string') return { name: c.name, dtype: HF_DTYPES[t] };
  if ('list' in t) return { name: c.name, sequence: HF_DTYPES[t.list] };
  return { name: c.name, list: t.structList.map(hfFeature) };
}

/** The Parquet shard files of a split: `data/<split>-0000i-of-0000N.parquet`. */
export function shardPaths(split: SplitName, shards: number): string[] {
  const pad = (n: number) => String(n).padStart(5, '0');
  return Array.from({ length: shards }, (_, i) => `data/${split}-${pad(i)}-of-${pad(shards)}.parquet`);
}

/** One split as the card declares it. */
export interface CardSplit {
  readonly name: SplitName;
  readonly examples: number;
  /** Bytes of its Parquet shards. */
  readonly bytes: number;
}

/** The dataset card's YAML header (between `---` lines), for the splits that hold examples. */
export function datasetCardHeader(opts: { prettyName: string; splits: readonly CardSplit[] }): string {
  const splits = opts.splits.filter((s) => s.examples > 0);
  const header = {
    pretty_name: opts.prettyName,
    license: 'other',
    language: ['en'],
    tags: ['computer-use', 'gui-agents', 'trajectories', 'worktrace'],
    size_categories: [sizeCategory(splits.reduce((n, s) => n + s.examples, 0))],
    configs: [
      {
        config_name: 'default',
        data_files: splits.map((s) => ({ split: s.name, path: `data/${s.name}-*` })),
      },
    ],
    dataset_info: {
      features: HF_EPISODE_COLUMNS.map(hfFeature),
      splits: splits.map((s) => ({ name: s.name, num_examples: s.examples })),
      download_size: splits.reduce((n, s) => n + s.bytes, 0),
    },
  };
  return `---\n${stringify(header, { lineWidth: 0 })}---\n`;
}

/** The Hub's size category of a row count. */
export function sizeCategory(n: number): string {
  const bands: [number, string][] = [
    [1_000, 'n<1K'],
    [10_000, '1K<n<10K'],
    [100_000, '10K<n<100K'],
    [1_000_000, '100K<n<1M'],
    [10_000_000, '1M<n<10M'],
  ];
  return bands.find(([max]) => n < max)?.[1] ?? '10M<n<100M';
}
