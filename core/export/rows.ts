/**
 * View rows as the exporters read them. DuckDB hands 64-bit integers back as strings and timestamps as
 * text; Athena's UNLOAD (JSON) writes timestamps as `yyyy-mm-dd hh:mm:ss.sss` and rows of arrays as
 * objects. These functions turn either into one typed shape, so every exporter sees the same episode
 * whichever engine it came from.
 */

import type { EpisodeRow, StepRow } from '../lake/schema.js';
import { canonicalActionJson } from '../sequence/action-json.js';
import type { ActionType } from '../sequence/actions.js';

/** One step of an exported episode: a STEP_COLUMNS row (core/lake/schema.ts), values normalised. */
export type ViewStep = StepRow;

/**
 * One published episode (a training_trajectories row, or an error_recovery_examples row with its recovery
 * span), values normalised: what the exporters and the episode viewer read.
 */
export type ViewEpisode = Pick<
  EpisodeRow,
  | 'episode_id'
  | 'user_pseudonym'
  | 'start_ts'
  | 'duration_ms'
  | 'step_count'
  | 'apps'
  | 'labels'
  | 'task_label'
  | 'completed'
  | 'error_recovery'
  | 'recovery_start_step'
  | 'recovery_end_step'
> & {
  /** Absent from error_recovery_examples rows: null there. */
  readonly session_id: string | null;
  readonly cut_reason: string | null;
  readonly policy_version: string | null;
  readonly key_version: string | null;
  readonly sequencer_version: string | null;
  readonly steps: ViewStep[];
};

/** A number from a number, bigint or numeric string; null for null, undefined or anything else. */
export function numberOf(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

/** Epoch ms from a number, Date, or a UTC timestamp text (`2026-11-30 09:00:00.123` or ISO). */
export function epochMsOf(v: unknown): number | null {
  const n = numberOf(v);
  if (n !== null) return n;
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'string') {
    const iso = v.includes('T') ? v : v.replace(' ', 'T');
    const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`);
    return Number.isNaN(ms) ? null : ms;
  }
  return null;
}

const str = (v: unknown): string | null =>
  typeof v === 'string' ? v : v === null || v === undefined ? null : String(v);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map((x) => String(x)) : []);

/** Normalises one step (a struct from DuckDB, an object from Athena's JSON). */
export function stepOf(raw: Record<string, unknown>, index: number): ViewStep {
  const step = {
    step_index: numberOf(raw.step_index) ?? index,
    action_type: String(raw.action_type),
    action: '',
    ts: epochMsOf(raw.ts) ?? 0,
    duration_ms: numberOf(raw.duration_ms) ?? 0,
    x: numberOf(raw.x),
    y: numberOf(raw.y),
    to_x: numberOf(raw.to_x),
    to_y: numberOf(raw.to_y),
    button: str(raw.button),
    scroll_direction: str(raw.scroll_direction),
    scroll_amount: numberOf(raw.scroll_amount),
    text: str(raw.text),
    keys: str(raw.keys),
    repeat: numberOf(raw.repeat),
    app_id: str(raw.app_id),
    window_title: str(raw.window_title),
    element_role: str(raw.element_role),
    element_name: str(raw.element_name),
    screen_width: numberOf(raw.screen_width),
    screen_height: numberOf(raw.screen_height),
  };
  const action =
    typeof raw.action === 'string' && raw.action !== ''
      ? raw.action
      : canonicalActionJson({ ...step, action_type: step.action_type as ActionType });
  return { ...step, action };
}

/** Normalises one training_trajectories (or error_recovery_examples, or episodes) row. */
export function episodeOf(row: Record<string, unknown>): ViewEpisode {
  const steps = (Array.isArray(row.steps) ? (row.steps as Record<string, unknown>[]) : []).map(stepOf);
  return {
    episode_id: String(row.episode_id),
    session_id: str(row.session_id),
    recovery_start_step: numberOf(row.recovery_start_step),
    recovery_end_step: numberOf(row.recovery_end_step),
    user_pseudonym: String(row.user_pseudonym),
    start_ts: epochMsOf(row.start_ts) ?? steps[0]?.ts ?? 0,
    duration_ms: numberOf(row.duration_ms) ?? 0,
    step_count: numberOf(row.step_count) ?? steps.length,
    apps: strings(row.apps),
    labels: strings(row.labels),
    task_label: str(row.task_label),
    completed: row.completed === true || row.completed === 'true',
    cut_reason: str(row.cut_reason),
    error_recovery: row.error_recovery === true || row.error_recovery === 'true',
    steps,
    policy_version: str(row.policy_version),
    key_version: str(row.key_version),
    sequencer_version: str(row.sequencer_version),
  };
}
