/** The `worktrace` command tree: one subcommand per module under bin/commands. */
import { Command } from 'commander';
import { registerCanary } from './commands/canary.js';
import { registerCost } from './commands/cost.js';
import { registerErase } from './commands/erase.js';
import { registerExport } from './commands/export.js';
import { registerLocal } from './commands/local.js';
import { registerOptOut } from './commands/optout.js';
import { registerQuery } from './commands/query.js';
import { registerRedact } from './commands/redact.js';
import { registerReport } from './commands/report.js';
import { registerScrub } from './commands/scrub.js';
import { registerSend } from './commands/send.js';
import { registerSequence } from './commands/sequence.js';
import { registerSimulate } from './commands/simulate.js';
import { registerValidate } from './commands/validate.js';
import { registerView } from './commands/view.js';

/** Builds the command tree (tests use it to check every command's help). */
export function buildProgram(): Command {
  const program = new Command('worktrace')
    .description('worktrace: privacy-first workplace telemetry to AI training trajectories')
    .showHelpAfterError()
    .configureHelp({ sortSubcommands: true });
  registerValidate(program);
  registerScrub(program);
  registerRedact(program);
  registerSequence(program);
  registerSend(program);
  registerSimulate(program);
  registerLocal(program);
  registerQuery(program);
  registerExport(program);
  registerOptOut(program);
  registerErase(program);
  registerReport(program);
  registerCanary(program);
  registerView(program);
  registerCost(program);
  return program;
}
