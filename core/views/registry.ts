/**
 * The training-set views: one `.sql` file each under core/views/sql (Trino SQL, the dialect of Athena engine
 * v3), listed here with their output columns. The stack deploys them as Athena views; local mode runs the
 * very same text on DuckDB through core/views/dialect.ts.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STEP_COLUMNS, trinoTypeOf } from '../lake/schema.js';

/** One output column of a view, with its Athena (Trino) type. */
export interface ViewColumn {
  readonly name: string;
  readonly type: string;
  readonly description: string;
}

/** A registered view. */
export interface ViewDef {
  readonly id: string;
  readonly file: string;
  readonly description: string;
  readonly columns: readonly ViewColumn[];
}

const col = (name: string, type: string, description: string): ViewColumn => ({ name, type, description });

/** The Trino type of an episode's steps, derived from the lake's STEP_COLUMNS. */
const STEP_STRUCT = trinoTypeOf({ structList: STEP_COLUMNS });

/** Every view, in dependency order (a view may read the ones before it). */
export const VIEWS: readonly ViewDef[] = [
  {
    id: 'training_trajectories',
    file: 'training_trajectories.sql',
    description:
      'One row per episode with ordered steps, labels and apps: only episodes within retention, at least min_steps long, and not from opted-out subjects.',
    columns: [
      col('episode_id', 'varchar', 'Deterministic episode id.'),
      col('session_id', 'varchar', 'Pseudonymous capture session.'),
      col('user_pseudonym', 'varchar', 'Pseudonymous user.'),
      col('start_ts', 'timestamp(3)', 'Start of the first step.'),
      col('end_ts', 'timestamp(3)', 'End of the last step.'),
      col('duration_ms', 'bigint', 'Episode duration.'),
      col('step_count', 'integer', 'Number of steps.'),
      col('apps', 'array(varchar)', 'Applications used, in first-use order.'),
      col(
        'labels',
        'array(varchar)',
        'error_recovery, shortcut_heavy, menu_heavy, context_switching, completed.',
      ),
      col('task_label', 'varchar', 'Scrubbed task label, if a marker named one.'),
      col('completed', 'boolean', 'A task end marker closed the episode.'),
      col('cut_reason', 'varchar', 'Why the episode ended.'),
      col('error_recovery', 'boolean', 'The episode holds an error recovery.'),
      col('steps', STEP_STRUCT, 'Ordered steps.'),
      col('policy_version', 'varchar', 'Policy version of the source events.'),
      col('key_version', 'varchar', 'Pseudonym key version.'),
      col('sequencer_version', 'varchar', 'Sequencer version.'),
      col('dt', 'varchar', 'Partition day (UTC) of the episode start.'),
    ],
  },
  {
    id: 'sft_examples',
    file: 'sft_examples.sql',
    description:
      'One row per (episode, step): the previous context_steps steps as compact text, and the next action as JSON (imitation-learning pairs).',
    columns: [
      col('episode_id', 'varchar', 'Episode the step belongs to.'),
      col('user_pseudonym', 'varchar', 'Pseudonymous user (the key of user-disjoint splits).'),
      col('step_index', 'integer', 'Position of the predicted step, from 0.'),
      col('app_id', 'varchar', 'Application of the predicted step.'),
      col('context', 'varchar', 'Previous steps, oldest first, " | "-separated ("" for the first step).'),
      col(
        'next_action',
        'varchar',
        'The step to predict: its canonical action JSON as the sequencer wrote it, e.g. {"action":"click","x":0.5123,"y":0.3104,"button":"left"}.',
      ),
    ],
  },
  {
    id: 'error_recovery_examples',
    file: 'error_recovery_examples.sql',
    description: 'Episodes labelled error_recovery, with the recovery span marked and its steps.',
    columns: [
      col('episode_id', 'varchar', 'Episode id.'),
      col('user_pseudonym', 'varchar', 'Pseudonymous user.'),
      col('start_ts', 'timestamp(3)', 'Episode start.'),
      col('apps', 'array(varchar)', 'Applications used.'),
      col('step_count', 'integer', 'Number of steps.'),
      col('recovery_start_step', 'integer', 'First step of the recovery span (0-based).'),
      col('recovery_end_step', 'integer', 'Last step of the recovery span (inclusive).'),
      col('recovery_steps', STEP_STRUCT, 'The steps of the recovery span.'),
      col('steps', STEP_STRUCT, 'All steps of the episode.'),
    ],
  },
  {
    id: 'app_workflow_stats',
    file: 'app_workflow_stats.sql',
    description:
      'Step-transition counts per app, k-anonymous: groups with fewer than k distinct pseudonymous users are suppressed.',
    columns: [
      col('app_id', 'varchar', 'Application.'),
      col('from_action', 'varchar', 'Action type of the earlier step.'),
      col('to_action', 'varchar', 'Action type of the next step.'),
      col('transitions', 'bigint', 'How often the transition happened.'),
      col('users', 'bigint', 'Distinct pseudonymous users behind the group (>= k).'),
    ],
  },
  {
    id: 'redaction_summary',
    file: 'redaction_summary.sql',
    description: 'Scrubber findings per entity type per day and zone, counts only: the transparency view.',
    columns: [
      col('dt', 'varchar', 'Day (UTC).'),
      col('zone', 'varchar', 'events or quarantine.'),
      col('entity_type', 'varchar', 'Scrubber entity type (EMAIL, AWS_ACCESS_KEY...).'),
      col('findings', 'bigint', 'Values replaced.'),
      col('rows_with_findings', 'bigint', 'Rows holding at least one such value.'),
    ],
  },
];

/** The Trino SQL text of a view, with its {{parameters}} still in place (read from core/views/sql). */
export function viewSql(view: ViewDef): string {
  // Resolved on use, not at load: bundled functions import VIEWS (the registry) but never read the files.
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'sql');
  return readFileSync(join(dir, view.file), 'utf8');
}
