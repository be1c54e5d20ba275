/**
 * Starting a Step Functions execution and following it to its end, for the commands that run a plan in
 * AWS (`worktrace erase --aws`, `worktrace sequence --from --to --aws`). The execution is polled with
 * backoff; its Distributed Map's item counts (ListMapRuns + DescribeMapRun) are shown as progress on
 * stderr: a bar on a terminal, a line per change otherwise. Inputs hold pseudonyms and dates only (an
 * execution's input stays in its history); what is printed is counts, names and the failure's error.
 */
import {
  DescribeExecutionCommand,
  DescribeMapRunCommand,
  ListMapRunsCommand,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { SingleBar } from 'cli-progress';
import { ERROR_CODES, WorktraceError } from '#core/errors.js';

/** The execution did not succeed (FAILED, TIMED_OUT, ABORTED) or answered with something unexpected. */
export class ExecutionError extends WorktraceError {
  override readonly name = 'ExecutionError';
  readonly code = ERROR_CODES.execution;
}

/** Item counts of an execution's Distributed Map runs (summed when there are several). */
export interface MapProgress {
  readonly total: number;
  readonly succeeded: number;
  /** Failed, timed out or aborted items. */
  readonly failed: number;
  readonly running: number;
  readonly pending: number;
}

/** One look at a running execution. */
export interface ExecutionProgress {
  readonly status: string;
  /** Undefined until the Distributed Map has started. */
  readonly items?: MapProgress;
}

/** How an execution is followed. */
export interface FollowSettings {
  /** First wait between two looks, ms. @default 1000 */
  readonly initialPollMs?: number;
  /** Longest wait between two looks (the wait grows by half each time), ms. @default 10000 */
  readonly maxPollMs?: number;
  /** Waits `ms` (tests pass one that does not). @default a timer */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Called after every look. */
  readonly onProgress?: (progress: ExecutionProgress) => void;
}

/** How an execution ended (successfully). */
export interface ExecutionOutcome {
  readonly executionArn: string;
  readonly name: string;
  /** The execution's output, parsed (null when it has none). */
  readonly output: unknown;
  /** The map's final counts, when it had one. */
  readonly items?: MapProgress;
  readonly seconds: number;
}

const TERMINAL_FAILURES = new Set(['FAILED', 'TIMED_OUT', 'ABORTED']);
const NAME_MAX = 80;
const CAUSE_MAX = 400;

/**
 * An execution name from a kind and a few parts plus the time now (UTC, to the second), e.g.
 * `erase-3f9a0c2b1d4e5f60-20261201T035353Z`: readable in the console, unique enough for a person's runs.
 */
export function executionName(kind: string, parts: readonly string[], now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
  const name = [kind, ...parts, stamp].join('-').replace(/[^A-Za-z0-9_-]/g, '_');
  return name.length <= NAME_MAX ? name : `${name.slice(0, NAME_MAX - stamp.length - 1)}-${stamp}`;
}

/** The name part of an execution ARN. */
function nameOf(executionArn: string): string {
  return executionArn.split(':').at(-1) ?? executionArn;
}

/**
 * The error and cause of a failed execution in one line: a Lambda error's JSON cause becomes its type
 * (unless the error already names it) and message, the stack trace left out; anything else is collapsed
 * and shortened.
 */
export function failureLine(error: string | undefined, cause: string | undefined): string {
  let text = cause ?? '';
  try {
    const parsed = JSON.parse(text) as { errorType?: unknown; errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') {
      const type = typeof parsed.errorType === 'string' && parsed.errorType !== error ? parsed.errorType : '';
      text = type ? `${type}: ${parsed.errorMessage}` : parsed.errorMessage;
    }
  } catch {
    // not JSON: used as it is
  }
  text = text.replace(/\s+/g, ' ').trim();
  if (text.length > CAUSE_MAX) text = `${text.slice(0, CAUSE_MAX - 1)}…`;
  return [error ?? 'no error name', text].filter(Boolean).join(': ');
}

/** Starts an execution of `stateMachineArn` with `input` (JSON) and returns its ARN. */
export async function startExecution(
  sfn: SFNClient,
  stateMachineArn: string,
  name: string,
  input: unknown,
): Promise<string> {
  const out = await sfn.send(
    new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }),
  );
  if (!out.executionArn) throw new ExecutionError(`StartExecution of ${name} returned no execution ARN`);
  return out.executionArn;
}

/** Item counts of every Distributed Map run of the execution, summed; undefined before the first starts. */
export async function mapProgress(sfn: SFNClient, executionArn: string): Promise<MapProgress | undefined> {
  const runs: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new ListMapRunsCommand({ executionArn, nextToken }));
    for (const r of page.mapRuns ?? []) if (r.mapRunArn) runs.push(r.mapRunArn);
    nextToken = page.nextToken;
  } while (nextToken);
  if (runs.length === 0) return undefined;
  const sum = { total: 0, succeeded: 0, failed: 0, running: 0, pending: 0 };
  for (const mapRunArn of runs) {
    const c = (await sfn.send(new DescribeMapRunCommand({ mapRunArn }))).itemCounts;
    if (!c) continue;
    sum.total += c.total ?? 0;
    sum.succeeded += c.succeeded ?? 0;
    sum.failed += (c.failed ?? 0) + (c.timedOut ?? 0) + (c.aborted ?? 0);
    sum.running += c.running ?? 0;
    sum.pending += c.pending ?? 0;
  }
  return sum;
}

const timer = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls the execution (DescribeExecution, then its map's counts) with growing waits until it ends.
 * SUCCEEDED returns the parsed output; FAILED, TIMED_OUT and ABORTED throw an ExecutionError whose
 * one-line message names the status, the error and its cause.
 */
export async function followExecution(
  sfn: SFNClient,
  executionArn: string,
  settings: FollowSettings = {},
): Promise<ExecutionOutcome> {
  const sleep = settings.sleep ?? timer;
  const maxPollMs = settings.maxPollMs ?? 10_000;
  let wait = settings.initialPollMs ?? 1_000;
  const name = nameOf(executionArn);
  for (;;) {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    const status = d.status ?? 'UNKNOWN';
    const items = await mapProgress(sfn, executionArn);
    settings.onProgress?.({ status, ...(items ? { items } : {}) });
    const seconds = Math.round(
      ((d.stopDate ?? new Date()).getTime() - (d.startDate ?? new Date()).getTime()) / 1000,
    );
    if (status === 'SUCCEEDED') {
      let output: unknown = null;
      try {
        output = d.output ? JSON.parse(d.output) : null;
      } catch {
        throw new ExecutionError(`execution ${name} SUCCEEDED but its output is not JSON`);
      }
      return { executionArn, name, output, ...(items ? { items } : {}), seconds };
    }
    if (TERMINAL_FAILURES.has(status)) {
      throw new ExecutionError(`execution ${name} ${status}: ${failureLine(d.error, d.cause)}`);
    }
    await sleep(wait);
    wait = Math.min(maxPollMs, Math.round(wait * 1.5));
  }
}

/** What runExecution needs. */
export interface RunExecutionInput extends Omit<FollowSettings, 'onProgress'> {
  readonly sfn: SFNClient;
  readonly stateMachineArn: string;
  readonly name: string;
  /** The execution's input: never a raw id or event content (it stays in the execution's history). */
  readonly input: unknown;
  /** Shown before the bar, e.g. `backfill`. */
  readonly label: string;
  /** What the map's items are, e.g. `windows`. */
  readonly unit: string;
  /** Where progress goes. @default process.stderr */
  readonly stream?: NodeJS.WriteStream;
}

/** A line of progress, e.g. `backfill RUNNING: 40/96 windows done, 0 failed, 8 running`. */
export function progressLine(label: string, unit: string, p: ExecutionProgress): string {
  if (!p.items) return `${label} ${p.status}: waiting for the map to start`;
  const i = p.items;
  return `${label} ${p.status}: ${i.succeeded}/${i.total} ${unit} done, ${i.failed} failed, ${i.running} running`;
}

/** Starts the execution and follows it to its end with progress on stderr; returns how it ended. */
export async function runExecution(run: RunExecutionInput): Promise<ExecutionOutcome> {
  const stream = run.stream ?? process.stderr;
  const executionArn = await startExecution(run.sfn, run.stateMachineArn, run.name, run.input);
  stream.write(`${run.label}: started execution ${run.name}\n`);
  const bar = stream.isTTY
    ? new SingleBar({
        format: `${run.label} [{bar}] {value}/{total} ${run.unit} | failed {failed} running {running} | {status}`,
        hideCursor: true,
        stream,
      })
    : undefined;
  let barStarted = false;
  let lastLine = '';
  const onProgress = (p: ExecutionProgress) => {
    if (bar) {
      const payload = { status: p.status, failed: p.items?.failed ?? 0, running: p.items?.running ?? 0 };
      const done = (p.items?.succeeded ?? 0) + (p.items?.failed ?? 0);
      if (!barStarted) bar.start(p.items?.total ?? 0, done, payload);
      else bar.setTotal(p.items?.total ?? 0);
      barStarted = true;
      bar.update(done, payload);
      return;
    }
    const line = progressLine(run.label, run.unit, p);
    if (line !== lastLine) stream.write(`${line}\n`);
    lastLine = line;
  };
  try {
    return await followExecution(run.sfn, executionArn, { ...run, onProgress });
  } catch (err) {
    if (err instanceof ExecutionError) throw err;
    // Polling failed (credentials expired, throttled past the retries): the execution itself carries on.
    const e = err as Error;
    throw new ExecutionError(
      `lost track of execution ${run.name}, which keeps running: ${e.name === 'Error' ? '' : `${e.name}: `}${e.message}`,
    );
  } finally {
    if (barStarted) bar?.stop();
  }
}
