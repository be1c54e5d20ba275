/**
 * `worktrace erase --aws`: the erasure as a Step Functions execution. The raw id goes to one place only,
 * the erase function's synchronous `plan` action, which answers with the subject's pseudonyms; the
 * execution is started with those (its input stays in the execution's history, so it never holds the raw
 * id), followed with the map's progress, and its output, the receipt, is summarised in one line.
 */
import { z } from 'zod';
import { lambdaClient, sfnClient } from '#adapters/aws-clients.js';
import { invokeFunction } from '#adapters/invoke.js';
import { ExecutionError, executionName, type FollowSettings, runExecution } from './aws-execution.js';
import type { EraseOptions } from './erase.js';

/** Characters a pseudonym or key version may hold (core/governance/erase.ts accepts the same). */
const token = z.string().regex(/^[0-9A-Za-z_-]{1,128}$/);

/** What the erase function's `plan` action answers. */
export const ErasePlanSchema = z.object({
  subject: token,
  pseudonyms: z
    .array(z.object({ pseudonym: token, keyVersion: z.string().min(1).max(128).optional() }))
    .min(1),
  startedAt: z.string().min(1).max(64),
});
/** The plan: the execution's input. */
export type ErasePlan = z.infer<typeof ErasePlanSchema>;

/** The erase state machine's output: the finish step's EraseResponse. */
const EraseResultSchema = z.object({
  subject: z.string(),
  rowsRemoved: z.number(),
  objects: z.number(),
  receipt: z.string(),
  sweepDueAt: z.string().nullable().optional(),
});

/** The fields a failed check names (never their values). */
const fieldsOf = (e: z.ZodError) =>
  [...new Set(e.issues.map((i) => i.path.join('.') || '(answer)'))].join(', ');

/**
 * The execution's input from the plan answer: only the fields the state machine takes, checked, and
 * refused outright if any of them is the raw id.
 */
export function eraseExecutionInput(answer: unknown, user: string): ErasePlan {
  const parsed = ErasePlanSchema.safeParse(answer);
  if (!parsed.success)
    throw new ExecutionError(`the erase plan answer is malformed: ${fieldsOf(parsed.error)}`);
  const { subject, pseudonyms, startedAt } = parsed.data;
  if ([subject, startedAt, ...pseudonyms.flatMap((p) => [p.pseudonym, p.keyVersion])].includes(user)) {
    throw new ExecutionError('the erase plan answer holds the raw id; nothing was started');
  }
  return {
    subject,
    pseudonyms: pseudonyms.map((p) => ({
      pseudonym: p.pseudonym,
      ...(p.keyVersion ? { keyVersion: p.keyVersion } : {}),
    })),
    startedAt,
  };
}

/**
 * Erases in AWS: the due sweeps with `--sweep` (one invocation), then the subject's erasure as an execution
 * of the erase state machine, followed until its receipt exists. Prints counts, the pseudonym and the
 * receipt hash; a failed execution is one line and exit code 2 (failSoftly).
 */
export async function runEraseAws(opts: EraseOptions, follow: FollowSettings = {}): Promise<void> {
  if (!opts.user && !opts.sweep) throw new Error('erase needs --user <raw id> or --sweep');
  if (!opts.function) throw new Error('--aws needs --function <EraseFunctionName>');
  if (opts.user && !opts.stateMachine) {
    throw new Error('--aws --user needs --state-machine <EraseStateMachineArn>');
  }
  const lambda = lambdaClient();
  if (opts.sweep) {
    const r = await invokeFunction<{ sweeps: number; rowsRemoved: number }>(lambda, opts.function, {
      action: 'sweep',
    });
    console.log(`${r.sweeps} follow-up sweeps run: ${r.rowsRemoved} rows removed`);
  }
  if (!opts.user || !opts.stateMachine) return;
  // The one call that carries the raw id: a synchronous invocation, whose payload nothing keeps.
  const answer = await invokeFunction<unknown>(lambda, opts.function, { action: 'plan', user: opts.user });
  const input = eraseExecutionInput(answer, opts.user);
  const run = await runExecution({
    ...follow,
    sfn: sfnClient(),
    stateMachineArn: opts.stateMachine,
    name: executionName('erase', [input.subject.slice(0, 16)]),
    input,
    label: 'erase',
    unit: 'objects',
  });
  // A state machine that forgot to select the payload answers with the invocation's envelope.
  const output =
    typeof run.output === 'object' &&
    run.output !== null &&
    'Payload' in run.output &&
    !('subject' in run.output)
      ? (run.output as { Payload: unknown }).Payload
      : run.output;
  const result = EraseResultSchema.safeParse(output);
  if (!result.success) {
    throw new ExecutionError(
      `execution ${run.name} SUCCEEDED but its output is not an erase receipt: ${fieldsOf(result.error)}`,
    );
  }
  const r = result.data;
  console.log(
    `erased ${r.subject}: ${r.rowsRemoved} rows from ${r.objects} objects in ${run.seconds} s; receipt ${r.receipt} in the audit bucket`,
  );
  if (r.sweepDueAt) console.log(`follow-up sweep due ${r.sweepDueAt} (the schedule runs it)`);
}
