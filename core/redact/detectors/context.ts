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
  /** Added to the score when a raising cue is near. @default 0.35 */
  readonly boost?: number;
  /** Subtracted from the score when only a lowering cue is near. @default 0.3 */
  readonly penalty?: number;
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

/** Cue lists prepared once: single-word cues in sets (one word split of the window), phrases kept apart. */
export interface CompiledCues extends ContextCues {
  readonly raiseWords: ReadonlySet<string>;
  readonly raisePhrases: readonly string[];
  readonly lowerWords: ReadonlySet<string>;
  readonly lowerPhrases: readonly string[];
}

const SINGLE_WORD = /^[\p{L}\p{N}]+$/u;

/** Prepares a cue list for repeated use (call once per layer, not per field). */
export function compileCues(cues: ContextCues): CompiledCues {
  const split = (list: readonly string[]) => ({
    words: new Set(list.filter((c) => SINGLE_WORD.test(c))),
    phrases: list.filter((c) => !SINGLE_WORD.test(c)),
  });
  const raise = split(cues.raise);
  const lower = split(cues.lower ?? []);
  return {
    ...cues,
    raiseWords: raise.words,
    raisePhrases: raise.phrases,
    lowerWords: lower.words,
    lowerPhrases: lower.phrases,
  };
}

const isWordCode = (text: string, i: number): boolean => {
  const c = text.charCodeAt(i);
  return (
    (c >= 97 && c <= 122) ||
    (c >= 48 && c <= 57) ||
    (c >= 65 && c <= 90) ||
    (c > 127 && WORD.test(text[i] as string))
  );
};

/** Whether a whole word of `text[from, to)` (range edges count as word edges) is in `words`. */
function anyWordIn(text: string, from: number, to: number, words: ReadonlySet<string>): boolean {
  if (words.size === 0) return false;
  let start = -1;
  for (let i = from; i <= to; i++) {
    const isWord = i < to && isWordCode(text, i);
    if (isWord && start === -1) start = i;
    else if (!isWord && start !== -1) {
      if (words.has(text.slice(start, i))) return true;
      start = -1;
    }
  }
  return false;
}

/**
 * +1 when a raising cue is near the span, -1 when only a lowering cue is, 0 otherwise. `lowerText` is the
 * field in lower case (computed once per field by the caller, e.g. `FieldFacts.lower`).
 */
export function contextOf(
  lowerText: string,
  start: number,
  end: number,
  cues: ContextCues | CompiledCues,
): -1 | 0 | 1 {
  const from = Math.max(0, start - (cues.before ?? 40));
  const to = Math.min(lowerText.length, end + (cues.after ?? 0));
  if (!('raiseWords' in cues)) {
    const window = `${lowerText.slice(from, start)} | ${lowerText.slice(end, to)}`;
    for (const c of cues.raise) if (hasWord(window, c)) return 1;
    for (const c of cues.lower ?? []) if (hasWord(window, c)) return -1;
    return 0;
  }
  // the two sides are read apart (no window string is built): cues never span the candidate
  const after = to > end;
  if (
    anyWordIn(lowerText, from, start, cues.raiseWords) ||
    (after && anyWordIn(lowerText, end, to, cues.raiseWords))
  )
    return 1;
  const needPhrases = cues.raisePhrases.length > 0 || cues.lowerPhrases.length > 0;
  const before = needPhrases ? lowerText.slice(from, start) : '';
  const behind = needPhrases && after ? lowerText.slice(end, to) : '';
  for (const c of cues.raisePhrases) if (hasWord(before, c) || (after && hasWord(behind, c))) return 1;
  if (
    anyWordIn(lowerText, from, start, cues.lowerWords) ||
    (after && anyWordIn(lowerText, end, to, cues.lowerWords))
  )
    return -1;
  for (const c of cues.lowerPhrases) if (hasWord(before, c) || (after && hasWord(behind, c))) return -1;
  return 0;
}

/**
 * The candidate's score after context: `base` plus the cues' boost or minus their penalty, within [0, 1].
 * Reads `lowerText` only when the outcome can change (a base already at 1 cannot rise, but may fall).
 */
export function contextScore(
  base: number,
  lowerText: string,
  start: number,
  end: number,
  cues: ContextCues | CompiledCues,
): number {
  const ctx = contextOf(lowerText, start, end, cues);
  const score = ctx === 1 ? base + (cues.boost ?? 0.35) : ctx === -1 ? base - (cues.penalty ?? 0.3) : base;
  return Math.min(1, Math.max(0, score));
}
