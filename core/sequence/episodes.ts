/**
 * Episode cutter: splits one session's actions into episodes (task markers first, else idle gaps and
 * app switches, always a maximum duration) and labels them. Pure and deterministic; the rules are
 * documented in docs/sequencing.md.
 */

import { type ActionRow, type EpisodeRow, STEP_COLUMNS, type StepRow } from '../lake/schema.js';
import { type Action, stableId } from './actions.js';

/** Cutter thresholds; defaults in EPISODE_DEFAULTS. */
export interface EpisodeConfig {
  /** A gap between actions at or above this ends the episode (cut_reason idle), ms. */
  readonly idleCutMs: number;
  /** No episode lasts longer; the action that would exceed it starts a new one, ms. */
  readonly maxDurationMs: number;
  /** Outside marked tasks, a switch_app action starts a new episode. */
  readonly cutOnAppSwitch: boolean;
  /** Steps after an error dialog within which an escape counts as recovery. */
  readonly dialogEscapeSteps: number;
  /** Identical consecutive attempts that count as a retry. */
  readonly repeatedAttempts: number;
  /** Backspaces/deletes in one key action that, followed by typing, count as delete-and-retype. */
  readonly retypeDeletes: number;
  /** Minimum hotkey (or menu click) count for shortcut_heavy (menu_heavy). */
  readonly heavyMinCount: number;
  /** Context switches (switch_app + focus_window) for the context_switching label. */
  readonly contextSwitchLabelMin: number;
}

/** Default cutter thresholds. */
export const EPISODE_DEFAULTS: EpisodeConfig = {
  idleCutMs: 60_000,
  maxDurationMs: 1_800_000,
  cutOnAppSwitch: true,
  dialogEscapeSteps: 3,
  repeatedAttempts: 3,
  retypeDeletes: 3,
  heavyMinCount: 2,
  contextSwitchLabelMin: 2,
};

/** Version of the sequencing code, stamped on every curated row. */
export const SEQUENCER_VERSION = 'sequencer-2';

export const EPISODE_LABELS = [
  'error_recovery',
  'shortcut_heavy',
  'menu_heavy',
  'context_switching',
  'completed',
] as const;
export type EpisodeLabel = (typeof EPISODE_LABELS)[number];

export type CutReason =
  | 'task_end'
  | 'task_start'
  | 'idle'
  | 'context_change'
  | 'max_duration'
  | 'session_end';

/** One step: the STEP_COLUMNS subset of an action (types derived from those columns). */
export type Step = StepRow;

/** One episode row: EPISODES_TABLE's columns, with its cut reason, labels and steps narrowed. */
export type Episode = Omit<EpisodeRow, 'cut_reason' | 'labels' | 'steps'> & {
  cut_reason: CutReason;
  labels: EpisodeLabel[];
  steps: Step[];
};

/** An action placed in an episode (ACTIONS_TABLE row). */
export type PlacedAction = Action & Pick<ActionRow, 'episode_id' | 'step_index' | 'sequencer_version'>;

/** The cutter's output: episodes, and every action with its episode id and step index. */
export interface Cut {
  readonly episodes: Episode[];
  readonly actions: PlacedAction[];
}

const MENU_ROLES: ReadonlySet<string> = new Set([
  'menu',
  'menuitem',
  'menubar',
  'menuitemcheckbox',
  'menuitemradio',
  'menu item',
]);
const CLICKS: ReadonlySet<string> = new Set([
  'click',
  'double_click',
  'triple_click',
  'right_click',
  'middle_click',
]);
const UNDO_KEYS: ReadonlySet<string> = new Set(['ctrl+z', 'meta+z']);
const STEP_NAMES: readonly string[] = STEP_COLUMNS.map((c) => c.name);

const end = (a: Action): number => a.ts + a.duration_ms;

/** The state an EpisodeCutter carries between actions, as plain JSON data. */
export interface CutterCheckpoint {
  /** The open episode's actions so far (final actions, canonical JSON set). */
  readonly current: Action[];
  /** True inside a marked task (task start seen, task end not yet). */
  readonly inTask: boolean;
}

/**
 * Cuts a session's actions, fed one at a time in reducer order, into episodes: each action is placed
 * (episode id and step index) as it arrives, each episode is emitted as it closes. `cutEpisodes` is this
 * run to the end, so the incremental and the single-pass cut agree by construction.
 */
export class EpisodeCutter {
  private current: Action[] = [];
  private inTask = false;
  private readonly cfg: EpisodeConfig;

  constructor(config: Partial<EpisodeConfig> = {}) {
    this.cfg = { ...EPISODE_DEFAULTS, ...config };
  }

  /** A cutter continuing from a checkpoint (the checkpoint is copied, never shared). */
  static fromCheckpoint(checkpoint: CutterCheckpoint, config: Partial<EpisodeConfig> = {}): EpisodeCutter {
    const cutter = new EpisodeCutter(config);
    const cp = structuredClone(checkpoint);
    cutter.current = cp.current;
    cutter.inTask = cp.inTask;
    return cutter;
  }

  /** The cutter's state as plain JSON data. */
  toCheckpoint(): CutterCheckpoint {
    return structuredClone({ current: this.current, inTask: this.inTask });
  }

  /** Places the next action; episodes it closes are appended to `out.episodes`, the action to `out.actions`. */
  push(a: Action, out: Cut): void {
    const cfg = this.cfg;
    if (a.action_type === 'wait' && a.duration_ms >= cfg.idleCutMs && !this.inTask) {
      this.close('idle', out);
      out.actions.push(placed(a, null, null));
      return;
    }
    if (this.current.length > 0) {
      const startTs = (this.current[0] as Action).ts;
      const prev = this.current[this.current.length - 1] as Action;
      if (a.task_start) this.close('task_start', out);
      else if (end(a) - startTs > cfg.maxDurationMs) this.close('max_duration', out);
      else if (!this.inTask && a.ts - end(prev) >= cfg.idleCutMs) this.close('idle', out);
      else if (!this.inTask && cfg.cutOnAppSwitch && a.action_type === 'switch_app')
        this.close('context_change', out);
    }
    if (a.task_start) this.inTask = true;
    this.current.push(a);
    out.actions.push(placed(a, episodeIdOf(this.current[0] as Action), this.current.length - 1));
    if (a.task_end) {
      this.inTask = false;
      this.close('task_end', out);
    }
  }

  /** Ends the session: the open episode, if any, closes with `session_end`. */
  end(out: Cut): void {
    this.close('session_end', out);
  }

  private close(reason: CutReason, out: Cut): void {
    if (this.current.length > 0) out.episodes.push(buildEpisode(this.current, reason, this.cfg));
    this.current = [];
  }
}

/** An action with its place in an episode (or none, for a wait between episodes). */
function placed(a: Action, episodeId: string | null, index: number | null): PlacedAction {
  return { ...a, episode_id: episodeId, step_index: index, sequencer_version: SEQUENCER_VERSION };
}

/** Deterministic episode id: session and first action. */
function episodeIdOf(head: Action): string {
  return stableId(head.session_id, 'episode', head.action_id);
}

/** Splits a session's actions (reducer order) into episodes; long idle waits stay outside any episode. */
export function cutEpisodes(actions: readonly Action[], config: Partial<EpisodeConfig> = {}): Cut {
  const cutter = new EpisodeCutter(config);
  const out: Cut = { episodes: [], actions: [] };
  for (const a of actions) cutter.push(a, out);
  cutter.end(out);
  return out;
}

/** The compact step copy of an action. */
function toStep(a: Action, index: number): Step {
  const step: Record<string, unknown> = {};
  for (const name of STEP_NAMES) step[name] = (a as unknown as Record<string, unknown>)[name] ?? null;
  step.step_index = index;
  return step as Step;
}

/** A recovery span, as step indexes. */
interface Span {
  start: number;
  end: number;
}

/** Signature used to spot repeated identical attempts. */
function attemptSignature(a: Action): string | null {
  if (!CLICKS.has(a.action_type) && a.action_type !== 'hotkey' && a.action_type !== 'key') return null;
  const where =
    a.element_role !== null || a.element_name !== null
      ? `${a.element_role}|${a.element_name}`
      : `${a.x === null ? '' : Math.round(a.x * 100)}|${a.y === null ? '' : Math.round(a.y * 100)}`;
  return `${a.action_type}|${a.button}|${a.keys}|${where}|${a.app_id}`;
}

/** Finds the first (earliest-starting) error recovery span of an episode, if any. */
export function findRecovery(steps: readonly Action[], config: Partial<EpisodeConfig> = {}): Span | null {
  const cfg: EpisodeConfig = { ...EPISODE_DEFAULTS, ...config };
  const spans: Span[] = [];
  let lastDialog = -1;
  let runStart = 0;
  for (let i = 0; i < steps.length; i++) {
    const a = steps[i] as Action;
    // Undo (a run of consecutive undos is one span).
    if (a.action_type === 'hotkey' && a.keys !== null && UNDO_KEYS.has(a.keys)) {
      let j = i;
      while (j + 1 < steps.length && UNDO_KEYS.has((steps[j + 1] as Action).keys ?? '')) j++;
      spans.push({ start: i, end: j });
    }
    // Escape after an error dialog.
    if (a.after_error_dialog) lastDialog = i;
    if (
      a.action_type === 'key' &&
      a.keys === 'escape' &&
      lastDialog >= 0 &&
      i - lastDialog < cfg.dialogEscapeSteps
    )
      spans.push({ start: lastDialog, end: i });
    // Delete-and-retype: a burst of deletes followed by typing, or typing whose key count shows the
    // same number of corrections (each corrected character costs one wrong key and one backspace).
    if (
      a.action_type === 'key' &&
      (a.keys === 'backspace' || a.keys === 'delete') &&
      (a.repeat ?? 1) >= cfg.retypeDeletes
    ) {
      const next = steps.slice(i + 1, i + 3).findIndex((s) => s.action_type === 'type');
      if (next >= 0) spans.push({ start: i, end: i + 1 + next });
    }
    if (
      a.action_type === 'type' &&
      a.text !== null &&
      (a.key_count ?? 0) - Array.from(a.text).length >= 2 * cfg.retypeDeletes
    )
      spans.push({ start: i, end: i });
    // Repeated identical attempts.
    const sig = attemptSignature(a);
    if (i > 0 && (sig === null || sig !== attemptSignature(steps[i - 1] as Action))) runStart = i;
    if (sig !== null && i - runStart + 1 === cfg.repeatedAttempts) {
      let j = i;
      while (j + 1 < steps.length && attemptSignature(steps[j + 1] as Action) === sig) j++;
      spans.push({ start: runStart, end: j });
    }
  }
  if (spans.length === 0) return null;
  return spans.reduce((best, s) =>
    s.start < best.start || (s.start === best.start && s.end < best.end) ? s : best,
  );
}

/** Builds one labelled episode from its actions. */
function buildEpisode(steps: readonly Action[], reason: CutReason, cfg: EpisodeConfig): Episode {
  const head = steps[0] as Action;
  const startTs = head.ts;
  const endTs = Math.max(...steps.map(end));
  const apps: string[] = [];
  for (const a of steps) if (a.app_id !== null && !apps.includes(a.app_id)) apps.push(a.app_id);
  const shortcutCount = steps.filter((a) => a.action_type === 'hotkey').length;
  const menuCount = steps.filter(
    (a) =>
      CLICKS.has(a.action_type) && a.element_role !== null && MENU_ROLES.has(a.element_role.toLowerCase()),
  ).length;
  const contextSwitches = steps.filter(
    (a) => a.action_type === 'switch_app' || a.action_type === 'focus_window',
  ).length;
  const recovery = findRecovery(steps, cfg);
  const completed = reason === 'task_end';
  const task = steps.find((a) => a.task_start) ?? (completed ? steps[steps.length - 1] : undefined);
  const labels: EpisodeLabel[] = [];
  if (recovery) labels.push('error_recovery');
  if (shortcutCount >= cfg.heavyMinCount && shortcutCount > menuCount) labels.push('shortcut_heavy');
  if (menuCount >= cfg.heavyMinCount && menuCount > shortcutCount) labels.push('menu_heavy');
  if (contextSwitches >= cfg.contextSwitchLabelMin) labels.push('context_switching');
  if (completed) labels.push('completed');
  return {
    episode_id: episodeIdOf(head),
    session_id: head.session_id,
    user_pseudonym: head.user_pseudonym,
    device_pseudonym: head.device_pseudonym,
    start_ts: startTs,
    end_ts: endTs,
    duration_ms: endTs - startTs,
    step_count: steps.length,
    apps,
    cut_reason: reason,
    task_id: task?.task_id ?? null,
    task_label: task?.task_label ?? null,
    completed,
    labels,
    error_recovery: recovery !== null,
    recovery_start_step: recovery?.start ?? null,
    recovery_end_step: recovery?.end ?? null,
    shortcut_count: shortcutCount,
    menu_count: menuCount,
    context_switches: contextSwitches,
    steps: steps.map(toStep),
    policy_version: head.policy_version,
    key_version: head.key_version,
    sequencer_version: SEQUENCER_VERSION,
  };
}
