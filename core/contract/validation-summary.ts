/** Validation of a stream of NDJSON lines: per-line issues and per-type counts. A bad line never stops it. */
import { parseEvent } from './validate.js';

/** Valid and invalid counts, overall and per event type (`(unknown)` when the type is unreadable). */
export interface ValidationSummary {
  valid: number;
  invalid: number;
  blank: number;
  byType: Record<string, { valid: number; invalid: number }>;
}

/**
 * Validates each line; calls `onInvalid` once per issue (1-based line numbers) and returns the counts.
 * `path` and `message` name fields and problem kinds only (keys the contract does not declare arrive as
 * `<unknown key #n>`), so a caller may print them as they are.
 */
export async function summariseValidation(
  lines: AsyncIterable<string> | Iterable<string>,
  onInvalid: (line: number, path: string, message: string) => void,
): Promise<ValidationSummary> {
  const summary: ValidationSummary = { valid: 0, invalid: 0, blank: 0, byType: {} };
  let lineNo = 0;
  for await (const line of lines) {
    lineNo += 1;
    if (line.trim() === '') {
      summary.blank += 1;
      continue;
    }
    const result = parseEvent(line);
    const type = result.ok ? result.event.type : (result.type ?? '(unknown)');
    const counts = summary.byType[type] ?? { valid: 0, invalid: 0 };
    summary.byType[type] = counts;
    if (result.ok) {
      summary.valid += 1;
      counts.valid += 1;
    } else {
      summary.invalid += 1;
      counts.invalid += 1;
      for (const issue of result.issues) onInvalid(lineNo, issue.path, issue.message);
    }
  }
  return summary;
}
