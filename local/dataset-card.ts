/**
 * The Hugging Face dataset card (`README.md`) of a `worktrace export --format hf`: the YAML header the
 * `datasets` library reads (core/export/hf.ts), then the datasheet facts a consumer of the data must know —
 * what was collected, what was dropped and why, how text was redacted, how long each zone keeps data,
 * how opt-outs are honoured — generated from the deployment configuration and the export itself, with
 * counts only (no row content).
 */
import { datasetCardHeader, HF_EPISODE_COLUMNS, HF_STEP_COLUMNS } from '#core/export/hf.js';
import { SPLIT_NAMES, type SplitCounts, type SplitName, type SplitRatios } from '#core/export/split.js';
import { ENTITY_TYPES } from '#core/redact/scrub-types.js';
import type { WorktraceConfig } from '../lib/config.js';
import { collectedRows, droppedRows, retentionRows, table } from './governance-report.js';

/** What the export saw, for the card. */
export interface CardRun {
  readonly view: string;
  readonly engine: 'duckdb' | 'athena';
  readonly generatedAt: string;
  readonly ratios: SplitRatios;
  readonly splits: Readonly<Record<SplitName, SplitCounts>>;
  readonly bytes: Readonly<Record<SplitName, number>>;
  /** First and last episode start (ISO dates), when any. */
  readonly from: string | null;
  readonly to: string | null;
  readonly apps: number;
  readonly labels: Readonly<Record<string, number>>;
  readonly actionTypes: Readonly<Record<string, number>>;
  readonly policyVersions: readonly string[];
  readonly keyVersions: readonly string[];
  readonly sequencerVersions: readonly string[];
  /** Values the scrubber replaced per entity type (redaction_summary), or null when the role may not read it. */
  readonly findings: Readonly<Record<string, number>> | null;
  /** Subjects in the opt-out registry, when the source could count them. */
  readonly optOuts: number | null;
}

const sorted = (r: Readonly<Record<string, number>>) =>
  Object.entries(r).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));

/** The whole README.md of the dataset folder. */
export function renderDatasetCard(config: WorktraceConfig, run: CardRun): string {
  const used = SPLIT_NAMES.filter((s) => run.splits[s].episodes > 0);
  const header = datasetCardHeader({
    prettyName: `worktrace computer-use trajectories (${config.stage})`,
    splits: used.map((name) => ({ name, examples: run.splits[name].records, bytes: run.bytes[name] })),
  });
  const total = SPLIT_NAMES.reduce(
    (t, s) => ({ episodes: t.episodes + run.splits[s].episodes, steps: t.steps + run.splits[s].steps }),
    { episodes: 0, steps: 0 },
  );
  const users = SPLIT_NAMES.reduce((n, s) => n + run.splits[s].users, 0);
  const splitTable = table(
    ['split', 'share', 'users', 'episodes', 'steps', 'Parquet bytes'],
    SPLIT_NAMES.map((s) => [
      s,
      `${run.ratios[s]} %`,
      run.splits[s].users,
      run.splits[s].episodes,
      run.splits[s].steps,
      run.bytes[s],
    ]),
  );
  const features = table(
    ['feature', 'description'],
    [
      ...HF_EPISODE_COLUMNS.map((c) => [c.name, c.description]),
      ...HF_STEP_COLUMNS.map((c) => [`steps[].${c.name}`, c.description]),
    ],
  );
  const found = run.findings;
  const findings = found
    ? table(
        ['entity type', 'values replaced'],
        ENTITY_TYPES.filter((t) => (found[t] ?? 0) > 0).map((t) => [t, found[t] ?? 0]),
      ).md
    : 'Values replaced per entity type: in the datasheet (`worktrace report`); the role that exported this set may not read the `redaction_summary` view.';
  const md = [
    `# worktrace computer-use trajectories (${config.stage})`,
    '',
    `Task trajectories of real desktop work, recorded by worktrace's capture agents, redacted on the way in and`,
    `sequenced into episodes of canonical actions. ${total.episodes} episodes, ${total.steps} steps from`,
    `${users} pseudonymous users${run.from ? `, ${run.from} to ${run.to}` : ''}, ${run.apps} applications.`,
    `Exported from the \`${run.view}\` view (${run.engine === 'athena' ? 'Athena' : 'local DuckDB'}) on ${run.generatedAt}.`,
    '',
    '## Structure',
    '',
    'One row per episode. `steps[].action` is the training target: the canonical action as JSON text, e.g.',
    '`{"action":"click","x":0.5123,"y":0.3104,"button":"left"}` (positions are 0..1 of the screen;',
    '`screen_width`/`screen_height` give pixels). The vocabulary and the mappings to the Anthropic, OpenAI and',
    'pyautogui action spaces are documented in the worktrace repository, docs/training-data.md.',
    '',
    features.md,
    '',
    `Actions by type: ${
      sorted(run.actionTypes)
        .map(([t, n]) => `${t} ${n}`)
        .join(', ') || 'none'
    }.`,
    `Episode labels: ${
      sorted(run.labels)
        .map(([t, n]) => `${t} ${n}`)
        .join(', ') || 'none'
    }.`,
    '',
    '## Splits',
    '',
    'Whole users are assigned to a split by a stable hash of their pseudonym (SHA-256, first 32 bits as a',
    'fraction), so no person’s episodes appear in two splits and re-exports assign everyone the same way.',
    '',
    splitTable.md,
    '',
    '## Collection',
    '',
    table(['what', 'how it is kept'], collectedRows(config)).md,
    '',
    '## What is dropped, and why',
    '',
    table(['rule', 'configured'], droppedRows(config, run.optOuts)).md,
    '',
    'Opted-out and erased subjects are excluded by the training views and removed from the zones analysts',
    'read; an export made before an opt-out still holds that subject — re-export and delete old copies.',
    '',
    '## Redaction',
    '',
    `Every free-text value (typed text, window titles, element names, URLs, task labels) was scrubbed before it`,
    `landed: detected personal data and secrets are replaced by typed placeholders such as \`<EMAIL:…>\`. Policy`,
    `versions in this export: ${run.policyVersions.join(', ') || 'none'}; pseudonym key versions:`,
    `${run.keyVersions.join(', ') || 'none'}; sequencer versions: ${run.sequencerVersions.join(', ') || 'none'}.`,
    '',
    findings,
    '',
    '## Retention',
    '',
    table(['zone', 'retention'], retentionRows(config)).md,
    '',
    `Episodes older than ${config.curatedRetentionDays} days are never published by the views. A copy exported`,
    'here is outside the lake’s lifecycle rules: keep it no longer than the curated zone keeps its source.',
    '',
  ].join('\n');
  return `${header}\n${md}`;
}
