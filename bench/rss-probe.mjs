// Loaded with `node --import` by the scaling bench case: at exit, writes the process's peak resident set
// size (KiB, from getrusage) to the file named by WORKTRACE_RSS_FILE.
import { writeFileSync } from 'node:fs';

const file = process.env.WORKTRACE_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
