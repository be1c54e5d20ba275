/** `worktrace validate <file.ndjson>`: checks every line against the event contract. */
import type { Command } from 'commander';

/** Registers the command. */
export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description(
      'validate an NDJSON file of events against the event contract, printing field paths and problems (never content); exit 1 if any line is invalid',
    )
    .argument('<file>', 'NDJSON file, one event per line')
    .action(async (file: string) => (await import('./validate-run.js')).runValidate(file));
}
