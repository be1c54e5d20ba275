/**
 * `worktrace erase --aws` and `worktrace sequence --from --to --aws` against mocked Lambda and Step
 * Functions clients (neither has an emulator): the plan, the execution's input, progress from the map's
 * item counts, the summary, and the one-line failure.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  DescribeExecutionCommand,
  DescribeMapRunCommand,
  ListMapRunsCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ExecutionError,
  executionName,
  failureLine,
  followExecution,
} from '../../bin/commands/aws-execution.js';
import { failSoftly } from '../../bin/commands/common.js';
import type { EraseOptions } from '../../bin/commands/erase.js';
import { runEraseAws } from '../../bin/commands/erase-aws.js';
import type { SequenceOptions } from '../../bin/commands/sequence.js';
import { runBackfillAws } from '../../bin/commands/sequence-run.js';
import { buildProgram } from '../../bin/program.js';

const RAW_ID = 'jane.doe@example.org';
const SUBJECT = '3f9a0c2b1d4e5f60718293a4b5c6d7e8';
const ERASE_SM = 'arn:aws:states:eu-west-1:111122223333:stateMachine:worktrace-test-erase';
const BACKFILL_SM = 'arn:aws:states:eu-west-1:111122223333:stateMachine:worktrace-test-backfill';
const execArn = (sm: string, name: string) => `${sm.replace(':stateMachine:', ':execution:')}:${name}`;
const MAP_RUN = 'arn:aws:states:eu-west-1:111122223333:mapRun:worktrace-test-backfill/Windows:run-1';

const sfn = mockClient(SFNClient);
const lambda = mockClient(LambdaClient);
let stdout: string[];
let stderr: string[];
let sleeps: number[];
const follow = () => ({ sleep: async (ms: number) => void sleeps.push(ms) });

beforeEach(() => {
  sfn.reset();
  lambda.reset();
  stdout = [];
  stderr = [];
  sleeps = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void stdout.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void stderr.push(a.join(' ')));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr.push(String(chunk));
    return true;
  });
  process.exitCode = undefined;
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

/** The execution's life: StartExecution echoes the name; looks answer in turn; the map's counts grow. */
function scriptExecution(
  sm: string,
  looks: { status: string; output?: unknown; error?: string; cause?: string }[],
  counts: { total: number; succeeded: number; failed?: number; running?: number; pending?: number }[],
  mapStartsLate = false,
) {
  sfn.on(StartExecutionCommand).callsFake((input: { name: string }) => ({
    executionArn: execArn(sm, input.name),
    startDate: new Date(0),
  }));
  let describe = sfn.on(DescribeExecutionCommand);
  for (const look of looks) {
    describe = describe.resolvesOnce({
      status: look.status as never,
      startDate: new Date(0),
      ...(look.status === 'RUNNING' ? {} : { stopDate: new Date(42_000) }),
      ...(look.output === undefined ? {} : { output: JSON.stringify(look.output) }),
      ...(look.error ? { error: look.error } : {}),
      ...(look.cause ? { cause: look.cause } : {}),
    });
  }
  const listed = {
    mapRuns: [{ mapRunArn: MAP_RUN, executionArn: 'x', stateMachineArn: 'y', startDate: new Date(0) }],
  };
  if (mapStartsLate) sfn.on(ListMapRunsCommand).resolvesOnce({ mapRuns: [] }).resolves(listed);
  else sfn.on(ListMapRunsCommand).resolves(listed);
  let runs = sfn.on(DescribeMapRunCommand);
  for (const c of counts) {
    runs = runs.resolvesOnce({
      itemCounts: { pending: 0, running: 0, failed: 0, timedOut: 0, aborted: 0, resultsWritten: 0, ...c },
    } as never);
  }
}

const lambdaPayloads = () =>
  lambda
    .commandCalls(InvokeCommand)
    .map((c) => JSON.parse(Buffer.from(c.args[0].input.Payload as Uint8Array).toString('utf8')));
const startInputs = () => sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input);

describe('worktrace sequence --from --to --aws', () => {
  const opts: SequenceOptions = {
    from: '2026-11-02',
    to: '2026-11-03',
    windowMinutes: '15',
    eventsBucket: 'ev',
    curatedBucket: 'cur',
    concurrency: '4',
    aws: true,
    stateMachine: BACKFILL_SM,
    dataDir: '.worktrace',
    policy: 'config/policy.default.json',
  };

  it('starts the backfill state machine with the ISO range and follows the map to SUCCEEDED', async () => {
    scriptExecution(
      BACKFILL_SM,
      [
        { status: 'RUNNING' },
        { status: 'RUNNING' },
        { status: 'RUNNING' },
        { status: 'SUCCEEDED', output: {} },
      ],
      [
        { total: 4, succeeded: 0, running: 4, pending: 0 },
        { total: 4, succeeded: 3, running: 1, pending: 0 },
        { total: 4, succeeded: 4 },
      ],
      true,
    );
    await runBackfillAws(opts, follow());
    const [start] = startInputs();
    expect(start?.stateMachineArn).toBe(BACKFILL_SM);
    expect(JSON.parse(start?.input as string)).toEqual({
      from: '2026-11-02T00:00:00.000Z',
      to: '2026-11-04T00:00:00.000Z',
      windowMinutes: 15,
    });
    expect(start?.name).toMatch(/^backfill-2026-11-02-2026-11-03-w15-\d{8}T\d{6}Z$/);
    expect(stderr).toEqual([
      `backfill: started execution ${start?.name}\n`,
      'backfill RUNNING: waiting for the map to start\n',
      'backfill RUNNING: 0/4 shard jobs done, 0 failed, 4 running\n',
      'backfill RUNNING: 3/4 shard jobs done, 0 failed, 1 running\n',
      'backfill SUCCEEDED: 4/4 shard jobs done, 0 failed, 0 running\n',
    ]);
    // Backoff between looks, growing by half.
    expect(sleeps).toEqual([1000, 1500, 2250]);
    expect(stdout).toEqual([
      `backfill ${start?.name} SUCCEEDED in 42 s: 4/4 shard jobs over the 192 windows of 2026-11-02..2026-11-03 re-sequenced by the sequence function (outputs and checkpoints overwritten, watermark untouched)`,
    ]);
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
  });

  it('fails in one line with exit code 2 when shard jobs failed, even if the execution tolerated them', async () => {
    scriptExecution(
      BACKFILL_SM,
      [{ status: 'SUCCEEDED', output: {} }],
      [{ total: 4, succeeded: 1, failed: 3 }],
    );
    await failSoftly(runBackfillAws)(opts, follow());
    expect(process.exitCode).toBe(2);
    const errors = stderr.filter((l) => l.startsWith('worktrace:'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^worktrace: ExecutionError: execution backfill-\S+ SUCCEEDED but 3 of 4 shard jobs failed/,
    );
  });

  it('runs from the command line with --aws --state-machine, invoking no function itself', async () => {
    scriptExecution(BACKFILL_SM, [{ status: 'SUCCEEDED', output: {} }], [{ total: 4, succeeded: 4 }]);
    await buildProgram().parseAsync(
      ['sequence', '--from', '2026-11-02', '--to', '2026-11-02', '--aws', '--state-machine', BACKFILL_SM],
      { from: 'user' },
    );
    expect(process.exitCode).toBeUndefined();
    expect(JSON.parse(startInputs()[0]?.input as string)).toEqual({
      from: '2026-11-02T00:00:00.000Z',
      to: '2026-11-03T00:00:00.000Z',
      windowMinutes: 15,
    });
    expect(stdout.at(-1)).toMatch(/SUCCEEDED in 42 s: 4\/4 shard jobs over the 96 windows/);
  });

  it('needs --state-machine and a range, each refused in one line before anything starts', async () => {
    await failSoftly(runBackfillAws)({ ...opts, stateMachine: undefined }, follow());
    await failSoftly(runBackfillAws)({ ...opts, to: '2026-11-01' }, follow());
    expect(stderr).toEqual([
      'worktrace: SequenceUsageError: --aws needs --state-machine <BackfillStateMachineArn>',
      'worktrace: SequenceUsageError: --to must not be before --from',
    ]);
    expect(sfn.calls()).toHaveLength(0);
  });
});

describe('worktrace erase --aws', () => {
  const opts: EraseOptions = {
    user: RAW_ID,
    aws: true,
    function: 'worktrace-test-erase',
    stateMachine: ERASE_SM,
    stage: 'test',
    dataDir: '.worktrace',
    policy: 'config/policy.default.json',
    streamRetentionHours: '24',
  };
  const plan = {
    subject: SUBJECT,
    pseudonyms: [
      { pseudonym: SUBJECT, keyVersion: 'k2' },
      { pseudonym: 'a1b2c3d4e5f60718293a4b5c6d7e8f90', keyVersion: 'k1' },
    ],
    startedAt: '2026-12-01T04:00:00.000Z',
  };
  const receipt = {
    subject: SUBJECT,
    rowsRemoved: 17,
    objects: 5,
    receipt: 'b'.repeat(64),
    sweepDueAt: '2026-12-02T04:00:00.000Z',
  };
  const planAnswer = (answer: unknown) =>
    lambda.on(InvokeCommand).resolves({ Payload: Buffer.from(JSON.stringify(answer)) as never });

  it('plans with the function, starts the state machine with pseudonyms only, follows it and prints the receipt', async () => {
    planAnswer(plan);
    scriptExecution(
      ERASE_SM,
      [{ status: 'RUNNING' }, { status: 'SUCCEEDED', output: receipt }],
      [
        { total: 12, succeeded: 5, running: 4, pending: 3 },
        { total: 12, succeeded: 12 },
      ],
    );
    await runEraseAws(opts, follow());
    // The raw id went to the synchronous plan call, and nowhere else.
    expect(lambdaPayloads()).toEqual([{ action: 'plan', user: RAW_ID }]);
    const [start] = startInputs();
    expect(start?.stateMachineArn).toBe(ERASE_SM);
    expect(JSON.parse(start?.input as string)).toEqual(plan);
    expect(start?.name).toMatch(new RegExp(`^erase-${SUBJECT.slice(0, 16)}-\\d{8}T\\d{6}Z$`));
    for (const call of sfn.calls()) expect(JSON.stringify(call.args[0].input)).not.toContain(RAW_ID);
    expect(stderr.join('')).not.toContain(RAW_ID);
    expect(stderr).toContain('erase RUNNING: 5/12 objects done, 0 failed, 4 running\n');
    expect(stdout).toEqual([
      `erased ${SUBJECT}: 17 rows from 5 objects in 42 s; receipt ${'b'.repeat(64)} in the audit bucket`,
      'follow-up sweep due 2026-12-02T04:00:00.000Z (the schedule runs it)',
    ]);
    expect(stdout.join('\n')).not.toContain(RAW_ID);
  });

  it('prints a failed execution’s error and cause in one line and exits 2, never the raw id', async () => {
    planAnswer(plan);
    const cause = JSON.stringify({
      errorType: 'EraseError',
      errorMessage: 'verification found 2 rows of the subject in events/dt=2026-11-02',
      trace: ['EraseError: verification found', '    at verify (file:///var/task/index.mjs:1:2)'],
    });
    scriptExecution(
      ERASE_SM,
      [{ status: 'RUNNING' }, { status: 'FAILED', error: 'EraseError', cause }],
      [
        { total: 12, succeeded: 2 },
        { total: 12, succeeded: 11, failed: 1 },
      ],
    );
    await failSoftly(runEraseAws)(opts, follow());
    expect(process.exitCode).toBe(2);
    const errors = stderr.filter((l) => l.startsWith('worktrace:'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^worktrace: ExecutionError: execution erase-3f9a0c2b1d4e5f60-\d{8}T\d{6}Z FAILED: EraseError: verification found 2 rows of the subject in events\/dt=2026-11-02$/,
    );
    expect(errors[0]).not.toContain('\n');
    expect(stdout).toEqual([]);
    expect([...stdout, ...stderr].join('')).not.toContain(RAW_ID);
  });

  it('starts nothing when the plan answer is malformed or holds the raw id', async () => {
    planAnswer({ subject: SUBJECT, startedAt: plan.startedAt });
    await failSoftly(runEraseAws)(opts, follow());
    planAnswer({ ...plan, subject: RAW_ID });
    await failSoftly(runEraseAws)(opts, follow());
    expect(stderr).toEqual([
      'worktrace: ExecutionError: the erase plan answer is malformed: pseudonyms',
      'worktrace: ExecutionError: the erase plan answer is malformed: subject',
    ]);
    planAnswer({ ...plan, pseudonyms: [{ pseudonym: 'jane-doe', keyVersion: 'k1' }] });
    await failSoftly(runEraseAws)({ ...opts, user: 'jane-doe' }, follow());
    expect(stderr.at(-1)).toBe(
      'worktrace: ExecutionError: the erase plan answer holds the raw id; nothing was started',
    );
    expect(sfn.calls()).toHaveLength(0);
  });

  it('needs --state-machine for --user (one line, nothing invoked); --sweep alone still runs one invocation', async () => {
    await failSoftly(runEraseAws)({ ...opts, stateMachine: undefined }, follow());
    expect(stderr).toEqual(['worktrace: --aws --user needs --state-machine <EraseStateMachineArn>']);
    expect(lambda.calls()).toHaveLength(0);
    lambda
      .on(InvokeCommand)
      .resolves({ Payload: Buffer.from(JSON.stringify({ sweeps: 1, rowsRemoved: 2 })) as never });
    await runEraseAws({ ...opts, user: undefined, sweep: true, stateMachine: undefined }, follow());
    expect(lambdaPayloads()).toEqual([{ action: 'sweep' }]);
    expect(stdout).toEqual(['1 follow-up sweeps run: 2 rows removed']);
  });
});

describe('following an execution', () => {
  it.each(['TIMED_OUT', 'ABORTED'])('%s ends the follow with an ExecutionError', async (status) => {
    sfn.on(DescribeExecutionCommand).resolves({ status: status as never, error: 'States.Timeout' });
    sfn.on(ListMapRunsCommand).resolves({ mapRuns: [] });
    await expect(followExecution(new SFNClient({}), execArn(ERASE_SM, 'erase-x'), follow())).rejects.toThrow(
      new ExecutionError(`execution erase-x ${status}: States.Timeout`),
    );
  });

  it('says the execution keeps running when following it fails', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: execArn(BACKFILL_SM, 'backfill-z') });
    sfn
      .on(DescribeExecutionCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await failSoftly(runBackfillAws)(
      {
        from: '2026-11-02',
        to: '2026-11-02',
        windowMinutes: '15',
        aws: true,
        stateMachine: BACKFILL_SM,
      } as never,
      follow(),
    );
    expect(stderr.filter((l) => l.startsWith('worktrace:'))).toEqual([
      expect.stringMatching(
        /^worktrace: ExecutionError: lost track of execution backfill-\S+, which keeps running: ThrottlingException: Rate exceeded$/,
      ),
    ]);
  });

  it('caps the wait between looks', async () => {
    const looks = sfn.on(DescribeExecutionCommand);
    for (let i = 0; i < 12; i++) looks.resolvesOnce({ status: 'RUNNING' });
    looks.resolves({ status: 'SUCCEEDED', output: '{"ok":true}' });
    sfn.on(ListMapRunsCommand).resolves({ mapRuns: [] });
    const out = await followExecution(new SFNClient({}), execArn(ERASE_SM, 'erase-y'), follow());
    expect(out.output).toEqual({ ok: true });
    expect(Math.max(...sleeps)).toBe(10_000);
    expect(sleeps.slice(0, 3)).toEqual([1000, 1500, 2250]);
  });

  it('keeps a cause to one short line and names are valid execution names', () => {
    expect(failureLine('States.TaskFailed', 'a\n  b\tc')).toBe('States.TaskFailed: a b c');
    const lambdaCause = JSON.stringify({
      errorType: 'WindowError',
      errorMessage: 'misaligned',
      trace: ['x'],
    });
    expect(failureLine('States.TaskFailed', lambdaCause)).toBe('States.TaskFailed: WindowError: misaligned');
    expect(failureLine('E', 'x'.repeat(1000)).length).toBeLessThanOrEqual(403);
    const name = executionName(
      'backfill',
      ['2026-11-02', 'a:b/c'.repeat(30)],
      new Date(Date.UTC(2026, 11, 1)),
    );
    expect(name).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
    expect(name.endsWith('-20261201T000000Z')).toBe(true);
  });
});
