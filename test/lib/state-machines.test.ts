/**
 * Issue 17 in the stack: the erasure and backfill state machines (one shared DistributedMapJob), their
 * definitions, and least privilege for them and for the erase function's Athena queries.
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
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
] as const;

describe('state machines with the default configuration', () => {
  const { template } = synth();
  const id = (type: string, prefix: string) => logicalId(template, type, prefix);
  const erase = definitionOf(template, 'GovernanceEraseStateMachineJob');
  const backfill = definitionOf(template, 'BackfillJobStateMachine');

  it('synthesises both as Standard state machines, logging every event (no execution data) to a KMS-encrypted log group, traced', () => {
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
    for (const asl of [erase, backfill]) {
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

  it('backfill: plans the windows, then sequences each window (the watermark is not a step)', () => {
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
    expect(map.ItemSelector).toEqual({
      action: 'window',
      'from.$': '$$.Map.Item.Value.from',
      'to.$': '$$.Map.Item.Value.to',
    });
    expect(Object.keys(backfill.States)).toHaveLength(2);
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
        for (const r of s.resources) expect(r, job.name).toContain(`"Ref":"${machine}"`);
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

  it('outputs both state machine ARNs', () => {
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
  });
});
