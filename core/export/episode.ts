/**
 * What the action-space adapters read: episodes with their ordered steps, as core/export/rows.ts
 * normalises them from either engine, plus the parsed, validated canonical action of a step
 * (core/sequence/action-json.ts) and the counter every lossy mapping reports to.
 */
import { createHash } from 'node:crypto';
import { ERROR_CODES, WorktraceError } from '../errors.js';
import { CANONICAL_KEYS, type CanonicalAction } from '../sequence/action-json.js';
import { ACTION_TYPES } from '../sequence/actions.js';
import type { ViewEpisode, ViewStep } from './rows.js';

/**
 * One episode step as the adapters read it: the STEP_COLUMNS fields they use, values already normalised
 * from either engine by core/export/rows.ts.
 */
export type ExportStep = Pick<ViewStep, 'action_type' | 'action'> &
  Partial<
    Pick<
      ViewStep,
      | 'step_index'
      | 'ts'
      | 'duration_ms'
      | 'screen_width'
      | 'screen_height'
      | 'app_id'
      | 'window_title'
      | 'element_role'
      | 'element_name'
    >
  >;

/** One episode as the adapters read it (a ViewEpisode, or the parts of one the adapters use). */
export type ExportEpisode = Pick<ViewEpisode, 'episode_id'> &
  Partial<Pick<ViewEpisode, 'user_pseudonym' | 'task_label' | 'apps' | 'labels'>> & {
    readonly steps: readonly ExportStep[];
  };

/** A screen size in pixels. */
export interface Screen {
  readonly width: number;
  readonly height: number;
}

/** A step with its canonical action parsed and its numbers normalised. */
export interface ParsedStep {
  /** Position in the episode (the row's step_index, or the array position when it has none). */
  readonly index: number;
  readonly action: CanonicalAction;
  /** The step's own screen, or null when it happened before any screen event. */
  readonly screen: Screen | null;
  readonly appId: string | null;
  readonly windowTitle: string | null;
  readonly elementRole: string | null;
  readonly elementName: string | null;
}

/** A step's `action` is missing, not JSON, or not a valid canonical action. Names fields, never values. */
export class CanonicalActionError extends WorktraceError {
  override readonly name = 'CanonicalActionError';
  readonly code = ERROR_CODES.export;
}

/**
 * Counts lossy mappings per format and reason (`"anthropic:switch_app"`), so an export can report what it
 * could not express exactly. Every adapter counts each fallback it takes; nothing is dropped silently.
 */
export class FallbackCounter {
  private readonly counts = new Map<string, number>();

  /** Records `n` (default 1) fallbacks of `format` for `reason`. */
  count(format: string, reason: string, n = 1): void {
    const key = `${format}:${reason}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + n);
  }

  /** How many fallbacks of `format` for `reason` were counted. */
  get(format: string, reason: string): number {
    return this.counts.get(`${format}:${reason}`) ?? 0;
  }

  /** All fallbacks counted. */
  total(): number {
    let n = 0;
    for (const v of this.counts.values()) n += v;
    return n;
  }

  /** `{ "<format>:<reason>": n }`, keys sorted. */
  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
}

/** The step's screen size, or null when either side is missing or not positive. */
export function screenOf(step: ExportStep): Screen | null {
  const width = step.screen_width ?? 0;
  const height = step.screen_height ?? 0;
  return Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0
    ? { width, height }
    : null;
}

const ACTION_KEYS: ReadonlySet<string> = new Set(CANONICAL_KEYS);
const NUMBER_KEYS = ['x', 'y', 'to_x', 'to_y', 'amount', 'duration_ms'] as const;
const NAME_KEYS = ['button', 'keys'] as const;
const TEXT_KEYS = ['app', 'window'] as const;
const DIRECTIONS: readonly string[] = ['up', 'down', 'left', 'right'];

/** The reason `value` is not a valid canonical action, or null when it is. Names a field, never a value. */
function invalidField(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'action: not a JSON object';
  const o = value as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (!ACTION_KEYS.has(k)) return `action: unknown field ${JSON.stringify(k)}`;
  if (typeof o.action !== 'string' || !(ACTION_TYPES as readonly string[]).includes(o.action))
    return 'action.action: not an action type';
  for (const k of NUMBER_KEYS)
    if (k in o && (typeof o[k] !== 'number' || !Number.isFinite(o[k])))
      return `action.${k}: not a finite number`;
  for (const k of NAME_KEYS)
    if (k in o && (typeof o[k] !== 'string' || o[k] === '')) return `action.${k}: not a non-empty string`;
  for (const k of TEXT_KEYS) if (k in o && typeof o[k] !== 'string') return `action.${k}: not a string`;
  if ('amount' in o && (o.amount as number) < 0) return 'action.amount: negative';
  if ('duration_ms' in o && (o.duration_ms as number) < 0) return 'action.duration_ms: negative';
  if ('direction' in o && !DIRECTIONS.includes(o.direction as string))
    return 'action.direction: not up, down, left or right';
  if ('repeat' in o && !(Number.isInteger(o.repeat) && (o.repeat as number) >= 1))
    return 'action.repeat: not a positive integer';
  if ('text' in o && o.text !== null && typeof o.text !== 'string')
    return 'action.text: not a string or null';
  return null;
}

/**
 * The step's canonical action, parsed and validated. Throws CanonicalActionError naming the step and the
 * field (never its value) when the JSON is malformed, a field has the wrong type, or the action type
 * disagrees with the step's `action_type` column.
 */
export function parseCanonical(step: ExportStep, position = 0): CanonicalAction {
  const where = `step ${step.step_index ?? position}`;
  if (typeof step.action !== 'string') throw new CanonicalActionError(`${where}: action is not a string`);
  let value: unknown;
  try {
    value = JSON.parse(step.action);
  } catch {
    throw new CanonicalActionError(`${where}: action is not valid JSON`);
  }
  const problem = invalidField(value);
  if (problem !== null) throw new CanonicalActionError(`${where}: ${problem}`);
  const action = value as CanonicalAction;
  if (step.action_type !== undefined && step.action_type !== null && step.action_type !== action.action)
    throw new CanonicalActionError(`${where}: action_type disagrees with action.action`);
  return action;
}

/** The episode's steps in step order, each with its canonical action parsed (throws on a bad one). */
export function parseSteps(ep: ExportEpisode): ParsedStep[] {
  return ep.steps
    .map((s, i) => ({ s, index: s.step_index ?? i, i }))
    .sort((a, b) => a.index - b.index || a.i - b.i)
    .map(({ s, index, i }) => ({
      index,
      action: parseCanonical(s, i),
      screen: screenOf(s),
      appId: s.app_id ?? null,
      windowTitle: s.window_title ?? null,
      elementRole: s.element_role ?? null,
      elementName: s.element_name ?? null,
    }));
}

/** The episode's display: the first step screen size it has, or null when no step has one. */
export function episodeScreen(steps: readonly ParsedStep[]): Screen | null {
  return steps.find((s) => s.screen !== null)?.screen ?? null;
}

/** Display size declared when an episode has no screen size at all (counted as `no_display`). */
export const DEFAULT_SCREEN: Screen = { width: 1920, height: 1080 };

/** The episode's task in words: its task label, or a generic instruction naming its apps. */
export function taskInstruction(ep: ExportEpisode): string {
  const label = typeof ep.task_label === 'string' ? ep.task_label.trim() : '';
  if (label !== '') return label;
  const apps = (ep.apps ?? []).filter((a) => typeof a === 'string' && a !== '');
  return apps.length > 0
    ? `Complete the work task shown in this recording, using ${apps.join(', ')}.`
    : 'Complete the work task shown in this recording.';
}

/**
 * The step in words, for the actions no computer-use tool expresses: switch_app, focus_window, and typing
 * into a secure field (its text was never kept). Counts the fallback (`switch_app`, `focus_window` or
 * `type_secure`) and returns the text block an adapter emits instead of a tool call.
 */
export function noToolEquivalent(
  a: CanonicalAction,
  fallback: (reason: string) => void,
): { readonly kind: 'text'; readonly text: string } {
  if (a.action === 'switch_app') {
    fallback('switch_app');
    return { kind: 'text', text: `Switch to the application "${a.app ?? 'unknown'}".` };
  }
  if (a.action === 'focus_window') {
    fallback('focus_window');
    return { kind: 'text', text: `Bring the window "${a.window ?? 'unknown'}" to the front.` };
  }
  fallback('type_secure');
  return { kind: 'text', text: 'Type the secret into the focused secure field (its text was not recorded).' };
}

/** A short hex digest of the episode id, the stem of the deterministic ids adapters give their items. */
export function idStem(episodeId: string): string {
  return createHash('sha256').update(episodeId).digest('hex').slice(0, 16);
}

/** Integer pixel of a 0..1 position on a side of `size` pixels, clamped to 0..size-1. */
export function toPixel(v: number, size: number): number {
  return Math.min(size - 1, Math.max(0, Math.round(v * size)));
}
