/**
 * The action spaces an episode export can target, by name: each turns one episode (its canonical actions)
 * into one record of a published agent format, counting every lossy mapping in a FallbackCounter.
 */
import { anthropicRecord } from './anthropic.js';
import type { ExportEpisode, FallbackCounter } from './episode.js';
import { openaiRecord } from './openai.js';
import { pyautoguiRecord } from './pyautogui.js';

/** One episode-level adapter. */
export interface ActionSpace {
  /** Name the export command selects it by. */
  readonly id: string;
  /** One line for `--help` and docs. */
  readonly description: string;
  /** One episode as one JSON record; lossy mappings are counted in `fallbacks`. */
  readonly episodeRecord: (ep: ExportEpisode, fallbacks: FallbackCounter) => Record<string, unknown>;
}

/** The episode-level adapters, by name. */
export const ACTION_SPACES = {
  anthropic: {
    id: 'anthropic',
    description: 'Anthropic computer tool (computer_20250124) transcripts: tool_use / tool_result messages.',
    episodeRecord: (ep, fb) => ({ ...anthropicRecord(ep, fb) }),
  },
  openai: {
    id: 'openai',
    description: 'OpenAI Responses API computer_use_preview transcripts: computer_call items.',
    episodeRecord: (ep, fb) => ({ ...openaiRecord(ep, fb) }),
  },
  pyautogui: {
    id: 'pyautogui',
    description: 'pyautogui code per step, normalised coordinates (AgentNet / OpenCUA style).',
    episodeRecord: (ep, fb) => ({ ...pyautoguiRecord(ep, fb) }),
  },
} as const satisfies Record<string, ActionSpace>;

/** A name of {@link ACTION_SPACES}. */
export type ExportFormat = keyof typeof ACTION_SPACES;

/** Every export format name. */
export const EXPORT_FORMATS = Object.keys(ACTION_SPACES) as ExportFormat[];

/** True when `name` is an export format. */
export function isExportFormat(name: string): name is ExportFormat {
  return Object.hasOwn(ACTION_SPACES, name);
}

export type { ExportEpisode, ExportStep } from './episode.js';
export { CanonicalActionError, FallbackCounter, parseCanonical } from './episode.js';
