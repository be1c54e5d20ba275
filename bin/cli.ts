/** The `worktrace` command line (run through bin/worktrace.mjs, or `tsx bin/cli.ts`). */
import { buildProgram } from './program.js';

await buildProgram().parseAsync(process.argv);
