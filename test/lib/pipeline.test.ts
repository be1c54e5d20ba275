import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { requiredEnvNames } from '#adapters/lambda-env.js';
import { CanaryEnvSchema } from '../../lambdas/canary/env.js';
import { EraseEnvSchema } from '../../lambdas/erase/env.js';
import { PseudonymKeyEnvSchema } from '../../lambdas/pseudonym-key/env.js';
import { RedactEnvSchema } from '../../lambdas/redact/env.js';
import { type SequenceEnv, SequenceEnvSchema } from '../../lambdas/sequence/env.js';
import { logicalId, synth } from './synth.js';

describe('pipeline with the default configuration', () => {
  const { template } = synth();
  const redactFn = logicalId(template, 'AWS::Lambda::Function', 'RedactFunction');
  const sequenceFn = logicalId(template, 'AWS::Lambda::Function', 'SequenceFunction');
  const fn = (id: string) => template.findResources('AWS::Lambda::Function')[id]?.Properties;

  it('creates an on-demand stream encrypted with its own rotated key, 24 h retention', () => {
    const key = logicalId(template, 'AWS::KMS::Key', 'IngestKey');
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      RetentionPeriodHours: 24,
      StreamEncryption: { EncryptionType: 'KMS', KeyId: { 'Fn::GetAtt': [key, 'Arn'] } },
    });
  });

  it('gives agents a managed policy with PutRecord(s) on the stream and GenerateDataKey on its key only', () => {
    const stream = logicalId(template, 'AWS::Kinesis::Stream', 'IngestStream');
    const key = logicalId(template, 'AWS::KMS::Key', 'IngestKey');
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: ['kinesis:PutRecord', 'kinesis:PutRecords'],
            Resource: { 'Fn::GetAtt': [stream, 'Arn'] },
          },
          { Effect: 'Allow', Action: 'kms:GenerateDataKey', Resource: { 'Fn::GetAtt': [key, 'Arn'] } },
        ],
      },
    });
  });

  it('runs both pipeline functions on arm64, Node 24, with tracing, JSON logs and an explicit log group', () => {
    for (const id of [redactFn, sequenceFn]) {
      expect(fn(id)).toMatchObject({
        Architectures: ['arm64'],
        Runtime: 'nodejs24.x',
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: expect.stringMatching(/Logs/) } },
      });
      expect(fn(id)?.Environment.Variables.NODE_OPTIONS).toBe('--enable-source-maps');
    }
  });

  it('keeps function logs for the configured retention', () => {
    for (const prefix of ['RedactLogs', 'SequenceLogs']) {
      const group =
        template.findResources('AWS::Logs::LogGroup')[logicalId(template, 'AWS::Logs::LogGroup', prefix)];
      expect(group?.Properties.RetentionInDays).toBe(30);
    }
  });

  it('maps the stream to the redact function with the configured batch settings and partial failures', () => {
    const queue = logicalId(template, 'AWS::SQS::Queue', 'RedactFailureQueue');
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: redactFn },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 1000,
      MaximumBatchingWindowInSeconds: 5,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRecordAgeInSeconds: 21600,
      MaximumRetryAttempts: 3,
      ParallelizationFactor: 1,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queue, 'Arn'] } } },
    });
  });

  it('encrypts the failure queues with KMS and denies non-TLS access', () => {
    for (const q of Object.values(template.findResources('AWS::SQS::Queue')))
      expect(q.Properties.KmsMasterKeyId).toBeDefined();
    for (const p of Object.values(template.findResources('AWS::SQS::QueuePolicy')))
      expect(JSON.stringify(p.Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
  });

  it('gives the redact function every variable its handler reads', () => {
    const vars = fn(redactFn)?.Environment.Variables;
    expect(requiredEnvNames(RedactEnvSchema)).toHaveLength(8);
    expect(Object.keys(vars)).toEqual(expect.arrayContaining(requiredEnvNames(RedactEnvSchema)));
    expect(vars.EVENTS_BUCKET).toEqual({ Ref: logicalId(template, 'AWS::S3::Bucket', 'LakeEvents') });
    expect(vars.CURATED_BUCKET).toEqual({ Ref: logicalId(template, 'AWS::S3::Bucket', 'LakeCurated') });
    // Which window a late event feeds: the sequencer's own settings.
    expect(vars).toMatchObject({ WINDOW_MINUTES: '15', LATE_ARRIVAL_MS: '600000' });
    expect(JSON.parse(vars.POLICY_JSON).version).toBe('2026-12-default');
  });

  it('takes the pseudonym data key from the deploy-time custom resource, never from a literal', () => {
    const resource = logicalId(template, 'AWS::CloudFormation::CustomResource', 'PseudonymKeyDataKey');
    expect(fn(redactFn)?.Environment.Variables.PSEUDONYM_DATA_KEY).toEqual({
      'Fn::GetAtt': [resource, 'CiphertextBlob'],
    });
    template.hasResourceProperties('AWS::CloudFormation::CustomResource', {
      KeyArn: { 'Fn::GetAtt': [logicalId(template, 'AWS::KMS::Key', 'PseudonymKey'), 'Arn'] },
    });
  });

  it('lets only the pipeline functions (redact, erase) decrypt with the pseudonym key (key policy)', () => {
    const key = template.findResources('AWS::KMS::Key')[logicalId(template, 'AWS::KMS::Key', 'PseudonymKey')];
    const statements = key?.Properties.KeyPolicy.Statement as {
      Effect: string;
      Action: string | string[];
      Principal: unknown;
    }[];
    const using = statements.filter(
      (s) => s.Effect === 'Allow' && [s.Action].flat().some((a) => a === 'kms:Decrypt' || a === 'kms:*'),
    );
    expect(using.map((s) => s.Action)).toEqual(['kms:Decrypt']);
    const principals = [(using[0]?.Principal as { AWS: unknown } | undefined)?.AWS]
      .flat()
      .map((p) => (p as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0])
      .sort();
    expect(principals).toEqual(
      ['RedactRole', 'GovernanceEraseRole'].map((r) => logicalId(template, 'AWS::IAM::Role', r)).sort(),
    );
    const admin = statements.find((s) => JSON.stringify(s.Principal).includes(':root'));
    expect(
      [admin?.Action].flat().filter((a) => /Decrypt|Encrypt|GenerateDataKey|kms:\*/.test(String(a))),
    ).toEqual([]);
  });

  it('gives the sequence function its environment from the configuration', () => {
    expect(fn(sequenceFn)?.Environment.Variables).toMatchObject({
      EVENTS_BUCKET: { Ref: logicalId(template, 'AWS::S3::Bucket', 'LakeEvents') },
      CURATED_BUCKET: { Ref: logicalId(template, 'AWS::S3::Bucket', 'LakeCurated') },
      WINDOW_MINUTES: '15',
      LATE_ARRIVAL_MS: '600000',
      LOOK_BACK_MS: '21600000',
      MAX_EPISODE_MS: '1800000',
      MAX_WINDOWS_PER_RUN: '8',
      SEQUENCE_SHARDS: '4',
    } satisfies Partial<Record<keyof SequenceEnv, unknown>>);
  });

  it('gives the redact and sequence functions the same shard count (sequenceShards)', () => {
    const redact = fn(logicalId(template, 'AWS::Lambda::Function', 'RedactFunction'));
    expect(redact?.Environment.Variables.SEQUENCE_SHARDS).toBe('4');
    expect(fn(sequenceFn)?.Environment.Variables.SEQUENCE_SHARDS).toBe('4');
  });

  it.each([
    ['RedactFunction', RedactEnvSchema],
    ['SequenceFunction', SequenceEnvSchema],
    ['GovernanceErase', EraseEnvSchema],
    ['GovernanceCanary', CanaryEnvSchema],
    ['PseudonymKeyDataKeyFunction', PseudonymKeyEnvSchema],
  ] as const)(
    'gives %s exactly the variables its env.ts schema names, plus the shared ones',
    (prefix, schema) => {
      const vars = fn(logicalId(template, 'AWS::Lambda::Function', prefix))?.Environment.Variables;
      expect(Object.keys(vars)).toEqual(expect.arrayContaining(requiredEnvNames(schema)));
      const shared = ['NODE_OPTIONS', 'POWERTOOLS_LOG_LEVEL'];
      expect(Object.keys(vars).filter((k) => !shared.includes(k) && !(k in schema.shape))).toEqual([]);
      expect(vars).toMatchObject({ NODE_OPTIONS: '--enable-source-maps', POWERTOOLS_LOG_LEVEL: 'INFO' });
    },
  );

  it('starts the sequencing state machine every 5 minutes with a dead-letter queue on the schedule target', () => {
    const queue = logicalId(template, 'AWS::SQS::Queue', 'SequenceFailureQueue');
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [
        Match.objectLike({
          Arn: { Ref: logicalId(template, 'AWS::StepFunctions::StateMachine', 'SequenceStateMachineJob') },
          Input: '{}',
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queue, 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
        }),
      ],
    });
  });

  it('sends failed asynchronous sequence runs to its failure queue', () => {
    const queue = logicalId(template, 'AWS::SQS::Queue', 'SequenceFailureQueue');
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: sequenceFn },
      MaximumRetryAttempts: 0,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queue, 'Arn'] } } },
    });
  });
});

describe('pipeline with a provisioned stream and custom batch settings', () => {
  const { template } = synth({
    streamMode: 'provisioned',
    streamShards: '4',
    streamRetentionHours: 48,
    redactBatchSize: 500,
    redactBatchWindowSeconds: 1,
    redactMaxRecordAgeSeconds: 3600,
    redactRetryAttempts: 5,
    redactParallelizationFactor: 2,
    sequenceScheduleMinutes: 10,
    sequenceWindowMinutes: 30,
  });

  it('provisions the configured shards and retention', () => {
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      ShardCount: 4,
      RetentionPeriodHours: 48,
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
    });
  });

  it('uses the configured event source settings', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 500,
      MaximumBatchingWindowInSeconds: 1,
      MaximumRecordAgeInSeconds: 3600,
      MaximumRetryAttempts: 5,
      ParallelizationFactor: 2,
    });
  });

  it('uses the configured schedule and window (in the sequence function and, for late events, the redact function)', () => {
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(10 minutes)' });
    for (const prefix of ['SequenceFunction', 'RedactFunction']) {
      const fn =
        template.findResources('AWS::Lambda::Function')[logicalId(template, 'AWS::Lambda::Function', prefix)];
      expect(fn?.Properties.Environment.Variables, prefix).toMatchObject({ WINDOW_MINUTES: '30' });
    }
  });
});
