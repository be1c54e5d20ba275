/**
 * Issues 17 and 18 in the stack: the erasure, backfill and scheduled sequencing state machines (one shared
 * DistributedMapJob), their definitions (the sequencing and backfill items loop over a shard's windows), and
 * least privilege for them, for the erase function's Athena queries and for the redact function on curated.
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { RESEQUENCE_PREFIX, WATERMARK_KEY } from '#core/sequence/late.js';
import { PROJECT_ROOT } from '../../lib/bundling.js';
import { parseConfig } from '../../lib/config.js';
import { logicalId, statementsOfRole, synth } from './synth.js';

/** An ASL state, loosely typed. */
type AslState = Record<string, unknown> & { Type: string };
/** An ASL definition. */
interface Asl {
  StartAt: string;
  States: Record<string, AslState>;
}

/** An intrinsic as a readable placeholder: `{Ref: X}` → `X`, `{Fn::GetAtt: [X, Arn]}` → `X.Arn`. */
function placeholder(part: unknown): string {
  const p = part as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
  if (p.Ref) return p.Ref;
  if (p['Fn::GetAtt']) return p['Fn::GetAtt'].join('.');
  return JSON.stringify(part).replace(/"/g, "'");
}

/** The definition of the state machine whose logical id starts with `prefix`, intrinsics as placeholders. */
function definitionOf(template: Template, prefix: string): Asl {
  const sm = template.findResources('AWS::StepFunctions::StateMachine')[
    logicalId(template, 'AWS::StepFunctions::StateMachine', prefix)
  ];
  const body = sm?.Properties.DefinitionString as string | { 'Fn::Join': [string, unknown[]] };
  const text =
    typeof body === 'string'
      ? body
      : body['Fn::Join'][1].map((p) => (typeof p === 'string' ? p : placeholder(p))).join('');
  return JSON.parse(text) as Asl;
}

/** The one state of `type` (and, for maps, of processor mode `mode`). */
function onlyState(asl: Asl, type: string): [string, AslState] {
  const found = Object.entries(asl.States).filter(([, s]) => s.Type === type);
  expect(found, type).toHaveLength(1);
  return found[0] as [string, AslState];
}

/** The Distributed Map state of a definition and its one item task. */
function distributedMap(asl: Asl) {
  const [name, map] = onlyState(asl, 'Map');
  const processor = map.ItemProcessor as Asl & { ProcessorConfig: { Mode: string } };
  const item = processor.States[processor.StartAt] as AslState;
  return { name, map, processor, item };
}

/**
 * The looping item of a shard-job map: invoke (response at `$.result`) → Choice on `$.result.done`: true →
 * Succeed with the last response; `from` did not move → Fail; otherwise → Pass (the next request) → invoke.
 */
function expectShardJobLoop(asl: Asl): void {
  const { processor, item } = distributedMap(asl);
  expect(item).toMatchObject({ Type: 'Task', ResultPath: '$.result' });
  expect(item.Parameters).toBeUndefined();
  const choice = processor.States[item.Next as string] as AslState & {
    Choices: Record<string, unknown>[];
    Default: string;
  };
  expect(choice.Type).toBe('Choice');
  expect(choice.Choices).toEqual([
    { Variable: '$.result.done', BooleanEquals: true, Next: expect.any(String) },
    { Variable: '$.result.from', StringEqualsPath: '$.from', Next: expect.any(String) },
  ]);
  expect(processor.States[choice.Choices[0]?.Next as string]).toEqual({
    Type: 'Succeed',
    OutputPath: '$.result',
  });
  expect(processor.States[choice.Choices[1]?.Next as string]).toMatchObject({
    Type: 'Fail',
    Error: 'ItemMadeNoProgress',
  });
  expect(processor.States[choice.Default]).toEqual({
    Type: 'Pass',
    Parameters: {
      action: 'shard-windows',
      'shard.$': '$.shard',
      'from.$': '$.result.from',
      'to.$': '$.to',
    },
    Next: processor.StartAt,
  });
  expect(Object.keys(processor.States)).toHaveLength(5);
}

/** The ItemSelector of a shard-job map: one `shard-windows` request per manifest item. */
const SHARD_JOB_SELECTOR = {
  action: 'shard-windows',
  'shard.$': '$$.Map.Item.Value.shard',
  'from.$': '$$.Map.Item.Value.from',
  'to.$': '$$.Map.Item.Value.to',
};

interface Statement {
  actions: string[];
  resources: string[];
}

/** The statements of a role, actions and resources as flat lists of strings (intrinsics as JSON). */
function statementsOf(template: Template, rolePrefix: string): Statement[] {
  const role = logicalId(template, 'AWS::IAM::Role', rolePrefix);
  return (statementsOfRole(template, role) as { Action: string | string[]; Resource: unknown }[]).map(
    (s) => ({
      actions: [s.Action].flat(),
      resources: [s.Resource].flat().map((r) => (typeof r === 'string' ? r : JSON.stringify(r))),
    }),
  );
}

const JOBS = [
  {
    name: 'erase',
    machine: 'GovernanceEraseStateMachineJob',
    role: 'GovernanceEraseStateMachineJobRole',
    fn: 'GovernanceErase',
  },
  { name: 'backfill', machine: 'BackfillJobStateMachine', role: 'BackfillJobRole', fn: 'SequenceFunction' },
  {
    name: 'sequence',
    machine: 'SequenceStateMachineJobStateMachine',
    role: 'SequenceStateMachineJobRole',
    fn: 'SequenceFunction',
  },
] as const;

describe('state machines with the default configuration', () => {
  const { template } = synth();
  const id = (type: string, prefix: string) => logicalId(template, type, prefix);
  const erase = definitionOf(template, 'GovernanceEraseStateMachineJob');
  const backfill = definitionOf(template, 'BackfillJobStateMachine');
  const sequence = definitionOf(template, 'SequenceStateMachineJobStateMachine');

  it('synthesises all three as Standard state machines, logging every event (no execution data) to a KMS-encrypted log group, traced', () => {
    for (const job of JOBS) {
      const sm = template.findResources('AWS::StepFunctions::StateMachine')[
        id('AWS::StepFunctions::StateMachine', job.machine)
      ];
      expect(sm?.Properties).toMatchObject({
        StateMachineName: `worktrace-dev-${job.name}`,
        StateMachineType: 'STANDARD',
        TracingConfiguration: { Enabled: true },
        LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
      });
      const logs =
        template.findResources('AWS::Logs::LogGroup')[
          id('AWS::Logs::LogGroup', `${job.machine.replace(/StateMachine$/, '')}Logs`)
        ];
      expect(logs?.Properties).toMatchObject({
        LogGroupName: `/aws/vendedlogs/states/worktrace-dev-${job.name}`,
        RetentionInDays: 30,
        KmsKeyId: { 'Fn::GetAtt': [expect.stringMatching(/LogKey/), 'Arn'] },
      });
    }
  });

  it('maps in DISTRIBUTED mode with bounded concurrency, a failure threshold and per-item retries with backoff', () => {
    for (const asl of [erase, backfill, sequence]) {
      const { map, processor, item } = distributedMap(asl);
      expect(processor.ProcessorConfig.Mode).toBe('DISTRIBUTED');
      expect(map.MaxConcurrency).toBe(16);
      expect(map.ToleratedFailurePercentage).toBe(0);
      expect(map.ItemReader).toMatchObject({
        ReaderConfig: { InputType: 'JSON' },
        Parameters: { Bucket: expect.stringMatching(/^LakeCurated/), 'Key.$': '$.plan.key' },
      });
      expect(map.ResultWriter).toMatchObject({
        Parameters: { Bucket: expect.stringMatching(/^LakeAthenaResults/) },
      });
      expect(item.Retry).toEqual([
        expect.objectContaining({
          ErrorEquals: expect.arrayContaining(['Lambda.TooManyRequestsException', 'States.TaskFailed']),
          MaxAttempts: 3,
          IntervalSeconds: 2,
          BackoffRate: 2,
          JitterStrategy: 'FULL',
        }),
      ]);
    }
  });

  it('erasure: finds, rewrites each object of the manifest, verifies, loops back to find while rows remain, then fails', () => {
    const { name: mapName, map, item } = distributedMap(erase);
    expect(erase.States[erase.StartAt]).toMatchObject({
      Type: 'Pass',
      Parameters: {
        'subject.$': '$.subject',
        'pseudonyms.$': '$.pseudonyms',
        'startedAt.$': '$.startedAt',
        round: 1,
      },
    });
    const task = (action: string) =>
      Object.entries(erase.States).find(
        ([, s]) => s.Type === 'Task' && (s.Parameters as { action?: string } | undefined)?.action === action,
      ) ?? [];
    const [findName] = task('find');
    const [verifyName, verify] = task('verify');
    const [finishName] = task('finish');
    expect(findName && verifyName && finishName).toBeTruthy();
    expect(map.ItemSelector).toEqual({
      action: 'rewrite',
      'subject.$': '$.subject',
      'pseudonyms.$': '$.pseudonyms',
      'zone.$': '$$.Map.Item.Value.zone',
      'key.$': '$$.Map.Item.Value.key',
    });
    expect(item.Parameters).toBeUndefined();
    expect(map.Next).toBe(verifyName);
    const choice = erase.States[verify?.Next as string] as AslState & {
      Choices: { Variable: string; Next: string; NumericEquals?: number; NumericLessThan?: number }[];
      Default: string;
    };
    expect(choice.Type).toBe('Choice');
    expect(choice.Choices).toEqual([
      { Variable: '$.verify.remaining', NumericEquals: 0, Next: finishName },
      { Variable: '$.round', NumericLessThan: 3, Next: expect.any(String) },
    ]);
    const nextRound = erase.States[choice.Choices[1]?.Next as string];
    expect(nextRound).toMatchObject({
      Type: 'Pass',
      Next: findName,
      Parameters: { 'round.$': 'States.MathAdd($.round, 1)' },
    });
    expect(erase.States[choice.Default]).toMatchObject({
      Type: 'Fail',
      Error: 'ErasureIncomplete',
      Cause: expect.stringContaining('remain after 3'),
    });
    expect(Object.values(erase.States).filter((s) => s.Type === 'Choice')).toHaveLength(2);
    expect(JSON.stringify(erase.States)).toContain(`"Next":"${mapName}"`);
  });

  it('erasure: no state passes on a raw user id, only the pseudonyms of the execution input', () => {
    expect(JSON.stringify(erase)).not.toMatch(/\$\.user\b|"user"/);
  });

  it('erasure: each item is one invocation (no loop)', () => {
    const { processor } = distributedMap(erase);
    expect(Object.keys(processor.States)).toEqual([processor.StartAt]);
  });

  it('backfill: plans the shard jobs of the range, then runs them (the watermark is not a step)', () => {
    const { name: mapName, map } = distributedMap(backfill);
    const plan = backfill.States[backfill.StartAt] as AslState;
    expect(plan).toMatchObject({
      Type: 'Task',
      Next: mapName,
      ResultPath: '$.plan',
      Parameters: {
        action: 'plan-backfill',
        'from.$': '$.from',
        'to.$': '$.to',
        'windowMinutes.$': '$.windowMinutes',
      },
    });
    expect(map.ItemSelector).toEqual(SHARD_JOB_SELECTOR);
    expect(map.End).toBe(true);
    expect(Object.keys(backfill.States)).toHaveLength(2);
  });

  it('backfill: each shard job invokes shard-windows again from where the last invocation stopped until done', () => {
    expectShardJobLoop(backfill);
  });

  it('sequencing: stops while another run is in progress, plans the due shard jobs, succeeds when none is due, else maps them and commits', () => {
    const { name: mapName, map } = distributedMap(sequence);
    const list = sequence.States[sequence.StartAt] as AslState;
    expect(list).toMatchObject({
      Type: 'Task',
      Resource: expect.stringMatching(/:states:::aws-sdk:sfn:listExecutions$/),
      Parameters: {
        StateMachineArn: expect.stringMatching(/:stateMachine:worktrace-dev-sequence$/),
        StatusFilter: 'RUNNING',
        MaxResults: 2,
      },
      ResultSelector: {
        'count.$': 'States.ArrayLength($.Executions)',
        'arns.$': '$.Executions[*].executionArn',
        'self.$': '$$.Execution.Id',
      },
      ResultPath: '$.running',
    });
    const running = sequence.States[list.Next as string] as AslState & {
      Choices: Record<string, unknown>[];
      Default: string;
    };
    const planName = running.Choices[1]?.Next as string;
    expect(running).toMatchObject({
      Type: 'Choice',
      Choices: [
        { Variable: '$.running.count', NumericGreaterThanEquals: 2, Next: running.Default },
        { Variable: '$.running.count', NumericEquals: 0, Next: planName },
        { Variable: '$.running.arns[0]', StringEqualsPath: '$.running.self', Next: planName },
      ],
    });
    expect(sequence.States[running.Default]?.Type).toBe('Succeed');
    const plan = sequence.States[planName] as AslState;
    expect(plan).toMatchObject({ Type: 'Task', Parameters: { action: 'plan-due' }, ResultPath: '$.plan' });
    const due = sequence.States[plan.Next as string] as AslState & {
      Choices: Record<string, unknown>[];
      Default: string;
    };
    expect(due).toMatchObject({
      Type: 'Choice',
      Choices: [{ Variable: '$.plan.jobs', NumericEquals: 0, Next: expect.any(String) }],
      Default: mapName,
    });
    expect(sequence.States[due.Choices[0]?.Next as string]?.Type).toBe('Succeed');
    expect(map.ItemSelector).toEqual(SHARD_JOB_SELECTOR);
    expect(sequence.States[map.Next as string]).toMatchObject({
      Type: 'Task',
      Parameters: { action: 'commit', 'plan.$': '$.plan.plan' },
      End: true,
    });
    expect(Object.keys(sequence.States)).toHaveLength(8);
  });

  it('sequencing: each shard job invokes shard-windows again from where the last invocation stopped until done', () => {
    expectShardJobLoop(sequence);
  });

  it('sequencing: an execution times out after an hour (backfill and erasure after a day)', () => {
    const timeout = (asl: Asl) => (asl as Asl & { TimeoutSeconds?: number }).TimeoutSeconds;
    expect(timeout(sequence)).toBe(3600);
    expect(timeout(backfill)).toBe(86_400);
    expect(timeout(erase)).toBe(86_400);
  });

  it('sequencing: the schedule starts the state machine with {} (dead-letter queue, retries), and no longer invokes the function', () => {
    const machine = id('AWS::StepFunctions::StateMachine', 'SequenceStateMachineJobStateMachine');
    const rules = Object.values(template.findResources('AWS::Events::Rule')).filter((r) =>
      JSON.stringify(r.Properties.Targets).includes(`"${machine}"`),
    );
    expect(rules).toHaveLength(1);
    expect(rules[0]?.Properties).toMatchObject({
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [
        {
          Arn: { Ref: machine },
          Input: '{}',
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [id('AWS::SQS::Queue', 'SequenceFailureQueue'), 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
        },
      ],
    });
    const fn = id('AWS::Lambda::Function', 'SequenceFunction');
    for (const rule of Object.values(template.findResources('AWS::Events::Rule')))
      expect(JSON.stringify(rule.Properties.Targets)).not.toContain(`"${fn}"`);
    const eventsInvoke = Object.values(template.findResources('AWS::Lambda::Permission')).filter(
      (p) =>
        p.Properties.Principal === 'events.amazonaws.com' &&
        JSON.stringify(p.Properties.FunctionName).includes(`"${fn}"`),
    );
    expect(eventsInvoke).toEqual([]);
  });

  it('sequencing: the role may list the executions of its own state machine only (the one-run-at-a-time check)', () => {
    const list = statementsOf(template, 'SequenceStateMachineJobRole').filter((s) =>
      s.actions.includes('states:ListExecutions'),
    );
    expect(list).toHaveLength(1);
    expect(list[0]?.actions).toEqual(['states:ListExecutions']);
    expect(list[0]?.resources).toHaveLength(1);
    expect(list[0]?.resources[0]).toMatch(/:stateMachine:worktrace-dev-sequence"\]\]\}$/);
  });

  it("the redact role's curated access is GetObject on the watermark and PutObject under the late-event queue, the key through S3 only", () => {
    const curated = id('AWS::S3::Bucket', 'LakeCurated');
    const curatedKey = id('AWS::KMS::Key', 'LakeCuratedKey');
    const role = id('AWS::IAM::Role', 'RedactRole');
    // One [action, resource, condition] per grant (IAM policy minimisation may merge statements).
    const grants = (
      statementsOfRole(template, role) as {
        Action: string | string[];
        Resource: unknown;
        Condition?: unknown;
      }[]
    ).flatMap((s) =>
      [s.Action]
        .flat()
        .flatMap((a) => [s.Resource].flat().map((r) => ({ action: a, resource: r, condition: s.Condition }))),
    );
    const onCurated = grants.filter((g) =>
      [`"${curated}"`, `"${curatedKey}"`].some((x) => JSON.stringify(g.resource).includes(x)),
    );
    const object = (key: string) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [curated, 'Arn'] }, `/${key}`]] });
    const throughS3 = { StringEquals: { 'kms:ViaService': expect.anything() } };
    const key = { 'Fn::GetAtt': [curatedKey, 'Arn'] };
    expect(onCurated).toEqual([
      { action: 's3:GetObject', resource: object(WATERMARK_KEY), condition: undefined },
      { action: 's3:PutObject', resource: object(`${RESEQUENCE_PREFIX}*`), condition: undefined },
      { action: 'kms:Decrypt', resource: key, condition: throughS3 },
      { action: 'kms:GenerateDataKey', resource: key, condition: throughS3 },
    ]);
  });

  it('each state machine role may invoke only its one function (and its versions)', () => {
    for (const job of JOBS) {
      const fnArn = JSON.stringify({ 'Fn::GetAtt': [id('AWS::Lambda::Function', job.fn), 'Arn'] });
      const invoke = statementsOf(template, job.role).filter((s) =>
        s.actions.some((a) => a.startsWith('lambda:')),
      );
      expect(invoke, job.name).toHaveLength(1);
      expect(invoke[0]?.actions).toEqual(['lambda:InvokeFunction']);
      expect(invoke[0]?.resources).toEqual([
        fnArn,
        JSON.stringify({
          'Fn::Join': ['', [{ 'Fn::GetAtt': [id('AWS::Lambda::Function', job.fn), 'Arn'] }, ':*']],
        }),
      ]);
    }
  });

  it('each state machine role is assumable by Step Functions for that one state machine only', () => {
    for (const job of JOBS) {
      const role = template.findResources('AWS::IAM::Role')[id('AWS::IAM::Role', job.role)];
      const trust = JSON.stringify(role?.Properties.AssumeRolePolicyDocument);
      expect(trust).toContain('"Service":"states.amazonaws.com"');
      expect(trust).toContain(`:stateMachine:worktrace-dev-${job.name}"`);
      expect(trust).toContain('"aws:SourceAccount"');
    }
  });

  it('each state machine role reads only its manifest prefix, writes only its results prefix, and runs only its own executions', () => {
    const expected = {
      erase: { manifests: '/_erase/plans/*', results: '/_erase/results/*' },
      backfill: { manifests: '/_state/backfill/*', results: '/_backfill/results/*' },
      sequence: { manifests: '/_state/sequence-runs/*', results: '/_sequence/results/*' },
    };
    for (const job of JOBS) {
      const statements = statementsOf(template, job.role);
      const s3 = statements.filter((s) => s.actions.some((a) => a.startsWith('s3:')));
      const curated = id('AWS::S3::Bucket', 'LakeCurated');
      const results = id('AWS::S3::Bucket', 'LakeAthenaResults');
      expect(s3.flatMap((s) => s.resources).sort(), job.name).toEqual(
        [
          JSON.stringify({
            'Fn::Join': ['', [{ 'Fn::GetAtt': [curated, 'Arn'] }, expected[job.name].manifests]],
          }),
          JSON.stringify({
            'Fn::Join': ['', [{ 'Fn::GetAtt': [results, 'Arn'] }, expected[job.name].results]],
          }),
        ].sort(),
      );
      const reads = s3.find((s) => s.resources[0]?.includes(curated));
      expect(reads?.actions).toEqual(['s3:GetObject']);
      expect(s3.flatMap((s) => s.actions).some((a) => a.startsWith('s3:Delete'))).toBe(false);
      const machine = id('AWS::StepFunctions::StateMachine', job.machine);
      for (const s of statements.filter((x) => x.actions.some((a) => a.startsWith('states:'))))
        for (const r of s.resources)
          if (s.actions.join() === 'states:ListExecutions')
            expect(r, job.name).toMatch(new RegExp(`:stateMachine:worktrace-dev-${job.name}"\\]\\]\\}$`));
          else expect(r, job.name).toContain(`"Ref":"${machine}"`);
      for (const s of statements.filter((x) => x.resources.includes('*')))
        for (const a of s.actions) expect(a, job.name).toMatch(/^(xray|logs):/);
      expect(JSON.stringify(statements)).not.toMatch(/"(athena|glue|kinesis|sqs):/);
    }
  });

  it("the erase function queries Athena in the pipeline workgroup only, never the analysts' or any other", () => {
    const athena = statementsOf(template, 'GovernanceEraseRole').filter((s) =>
      s.actions.some((a) => a.startsWith('athena:')),
    );
    expect(athena.length).toBeGreaterThan(0);
    for (const s of athena) {
      expect(s.resources).toHaveLength(1);
      expect(s.resources[0]).toMatch(/:workgroup\/worktrace-dev"\]\]\}$/);
      expect(s.resources[0]).not.toContain('analysts');
      expect(s.actions).not.toContain('athena:*');
    }
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ ATHENA_WORKGROUP: 'worktrace-dev', GLUE_DATABASE: 'worktrace_dev' }),
      },
    });
  });

  it('the erase function writes and deletes only in the three zones, the athena-results zone (its query results; deletes) and the audit bucket', () => {
    const bucket = (prefix: string) => id('AWS::S3::Bucket', prefix);
    const allowed = [
      'LakeEvents',
      'LakeQuarantine',
      'LakeCurated',
      'LakeAthenaResults',
      'GovernanceAudit',
    ].map(bucket);
    const writes = statementsOf(template, 'GovernanceEraseRole').filter((s) =>
      s.actions.some((a) => /^s3:(Put|Delete|Abort)/.test(a)),
    );
    expect(writes.length).toBeGreaterThan(0);
    for (const s of writes)
      for (const r of s.resources) {
        const named = allowed.filter((b) => r.includes(`"${b}"`));
        expect(named, r).toHaveLength(1);
        if (named[0] === bucket('LakeAthenaResults') && s.actions.some((a) => a.startsWith('s3:Put')))
          expect(r, 'writes in athena-results only its own query results').toContain('/worktrace-dev/*');
      }
    expect(JSON.stringify(writes)).not.toContain(bucket('LakeAccessLogs'));
  });

  it('alarms through the alarm topic when an erasure execution fails, times out or is aborted', () => {
    const machine = { Ref: id('AWS::StepFunctions::StateMachine', 'GovernanceEraseStateMachineJob') };
    const alarm =
      template.findResources('AWS::CloudWatch::Alarm')[
        id('AWS::CloudWatch::Alarm', 'GovernanceEraseExecutionFailed')
      ];
    expect(alarm?.Properties).toMatchObject({
      Threshold: 1,
      AlarmActions: [{ Ref: id('AWS::SNS::Topic', 'MonitoringTopic') }],
    });
    const metrics = JSON.stringify(alarm?.Properties.Metrics);
    for (const name of ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted'])
      expect(metrics).toContain(name);
    expect(metrics).toContain(JSON.stringify(machine));
  });

  it('alarms through the alarm topic when a sequencing execution fails, times out or is aborted', () => {
    const machine = { Ref: id('AWS::StepFunctions::StateMachine', 'SequenceStateMachineJobStateMachine') };
    const alarm =
      template.findResources('AWS::CloudWatch::Alarm')[
        id('AWS::CloudWatch::Alarm', 'MonitoringSequenceExecutionFailed')
      ];
    expect(alarm?.Properties).toMatchObject({
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: id('AWS::SNS::Topic', 'MonitoringTopic') }],
    });
    const metrics = JSON.stringify(alarm?.Properties.Metrics);
    for (const name of ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted'])
      expect(metrics).toContain(name);
    expect(metrics).toContain(JSON.stringify(machine));
  });

  it('outputs the three state machine ARNs', () => {
    template.hasOutput('SequenceStateMachineArn', {
      Value: { Ref: id('AWS::StepFunctions::StateMachine', 'SequenceStateMachineJobStateMachine') },
    });
    template.hasOutput('EraseStateMachineArn', {
      Value: { Ref: id('AWS::StepFunctions::StateMachine', 'GovernanceEraseStateMachineJob') },
    });
    template.hasOutput('BackfillStateMachineArn', {
      Value: { Ref: id('AWS::StepFunctions::StateMachine', 'BackfillJobStateMachine') },
    });
  });
});

describe('state machines with configured concurrency and failure thresholds', () => {
  const { template } = synth({
    eraseMaxConcurrency: 4,
    eraseToleratedFailurePercentage: 5,
    backfillMaxConcurrency: 64,
    backfillToleratedFailurePercentage: 2.5,
    sequenceMaxConcurrency: 3,
  });

  it('follows the configuration', () => {
    expect(distributedMap(definitionOf(template, 'GovernanceEraseStateMachineJob')).map).toMatchObject({
      MaxConcurrency: 4,
      ToleratedFailurePercentage: 5,
    });
    expect(distributedMap(definitionOf(template, 'BackfillJobStateMachine')).map).toMatchObject({
      MaxConcurrency: 64,
      ToleratedFailurePercentage: 2.5,
    });
    expect(distributedMap(definitionOf(template, 'SequenceStateMachineJobStateMachine')).map).toMatchObject({
      MaxConcurrency: 3,
      ToleratedFailurePercentage: 0,
    });
  });
});

describe('sequencing concurrency out of range', () => {
  it.each([0, 10_001, 2.5])('rejects sequenceMaxConcurrency %s, naming the key', (value) => {
    expect(() => parseConfig({ sequenceMaxConcurrency: value }, { baseDir: PROJECT_ROOT })).toThrow(
      /sequenceMaxConcurrency/,
    );
  });

  it('accepts it from the command line as a string', () => {
    expect(
      parseConfig({ sequenceMaxConcurrency: '32' }, { baseDir: PROJECT_ROOT }).sequenceMaxConcurrency,
    ).toBe(32);
  });
});
