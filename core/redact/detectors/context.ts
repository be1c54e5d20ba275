/**
 * Context words: words near a candidate raise or lower its score, as Presidio's context enhancer does.
 * `Phone: 8123 4567` is a phone; `Build 8123 4567` is not. Cues are matched case-insensitively on whole
 * words in a window before (and optionally after) the candidate.
 */

/** Cue words for one entity type: `raise` adds `boost` to the score, `lower` subtracts `penalty`. */
export interface ContextCues {
  readonly raise: readonly string[];
  readonly lower?: readonly string[];
  /** Characters looked at before the candidate. @default 40 */
  readonly before?: number;
  /** Characters looked at after the candidate. @default 0 */
  readonly after?: number;
}

const WORD = /[\p{L}\p{N}]/u;

/** Whether `cue` (lower case, may hold spaces) occurs as whole words in `lower`. */
function hasWord(lower: string, cue: string): boolean {
  let i = lower.indexOf(cue);
  while (i !== -1) {
    const before = i === 0 ? ' ' : (lower[i - 1] as string);
    const after = lower[i + cue.length] ?? ' ';
    if (!WORD.test(before) && !WORD.test(after)) return true;
    i = lower.indexOf(cue, i + 1);
  }
  return false;
}

/**
 * +1 when a raising cue is near the span, -1 when only a lowering cue is, 0 otherwise. `lowerText` is the
 * field in lower case (computed once per field by the caller).
 */
export function contextOf(lowerText: string, start: number, end: number, cues: ContextCues): -1 | 0 | 1 {
  const window =
    lowerText.slice(Math.max(0, start - (cues.before ?? 40)), start) +
    ' | ' +
    lowerText.slice(end, end + (cues.after ?? 0));
  for (const c of cues.raise) if (hasWord(window, c)) return 1;
  for (const c of cues.lower ?? []) if (hasWord(window, c)) return -1;
  return 0;
}
