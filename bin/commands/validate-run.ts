/** What `worktrace validate` does: streams the file through the contract check and prints a summary. */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { summariseValidation, type ValidationSummary } from '#core/contract/validation-summary.js';

/** Streams a file's lines (any size) into the validation summary, reporting each bad line as it goes. */
export async function validateFile(
  path: string,
  onInvalid: (line: number, path: string, message: string) => void,
): Promise<ValidationSummary> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
  return summariseValidation(lines, onInvalid);
}

/** Prints a summary table: valid and invalid counts per event type. */
export function formatSummary(summary: ValidationSummary): string {
  const rows = Object.entries(summary.byType).sort(([a], [b]) => a.localeCompare(b));
  const width = Math.max(10, ...rows.map(([t]) => t.length));
  const out = [`${'event type'.padEnd(width)}  ${'valid'.padStart(8)}  ${'invalid'.padStart(8)}`];
  for (const [type, c] of rows)
    out.push(`${type.padEnd(width)}  ${String(c.valid).padStart(8)}  ${String(c.invalid).padStart(8)}`);
  out.push(
    `${'total'.padEnd(width)}  ${String(summary.valid).padStart(8)}  ${String(summary.invalid).padStart(8)}`,
  );
  if (summary.blank > 0) out.push(`(${summary.blank} blank lines skipped)`);
  return out.join('\n');
}

/**
 * Validates the file, printing each bad line on stderr as `line N: <field path>: <problem>` and the
 * summary on stdout (exit code 1 if any). Nothing of a line's content is printed: paths hold contract
 * field names, array indexes and `<unknown key #n>`; problems come from the schema, not the input.
 */
export async function runValidate(file: string): Promise<void> {
  const summary = await validateFile(file, (line, path, message) => {
    console.error(`line ${line}: ${path}: ${message}`);
  });
  console.log(formatSummary(summary));
  if (summary.invalid > 0) process.exitCode = 1;
}
