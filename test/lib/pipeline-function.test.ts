import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '#adapters/lambda-env.js';
import { SequenceEnvSchema } from '../../lambdas/sequence/env.js';
import { PipelineFunction, type PipelineFunctionProps } from '../../lib/pipeline-function.js';

/** A bare stack (bundling skipped) holding what `build` adds. */
function stackWith(build: (stack: Stack) => void): Stack {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Test');
  build(stack);
  return stack;
}

const BASE: PipelineFunctionProps<typeof SequenceEnvSchema> = {
  name: 'sequence',
  description: 'a test function',
  envSchema: SequenceEnvSchema,
  environment: { EVENTS_BUCKET: 'events-bucket', CURATED_BUCKET: 'curated-bucket', WINDOW_MINUTES: '30' },
  failedInvocations: {
    withoutQueueBecause: 'Invoked synchronously by a test, which sees every failure itself.',
  },
};

/** The acknowledged rule ids on one construct (CDK stores them as `Annotation::<id>`). */
const acknowledged = (c: IConstruct) =>
  c.node.metadata
    .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((m) => Object.keys(m.data as Record<string, string>))
    .map((id) => id.replace(/^Annotation::/, ''));

describe('pipeline function without a failure queue', () => {
  let fn: PipelineFunction<typeof SequenceEnvSchema> | undefined;
  const stack = stackWith((s) => {
    fn = new PipelineFunction(s, 'Fn', { ...BASE, logRetention: logs.RetentionDays.ONE_WEEK });
  });
  const template = Template.fromStack(stack);

  it('logs into a log group of its own with the given retention', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    template.hasResourceProperties('AWS::Lambda::Function', {
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: Match.stringLikeRegexp('^FnLogs') } },
    });
  });

  it('runs with the shared settings, its description and the defaults of the props', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      Description: 'worktrace: a test function',
      MemorySize: 1024,
      Timeout: 60,
    });
  });

  it('gets its environment plus the shared variables', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          NODE_OPTIONS: '--enable-source-maps',
          POWERTOOLS_LOG_LEVEL: 'INFO',
          EVENTS_BUCKET: 'events-bucket',
          CURATED_BUCKET: 'curated-bucket',
          WINDOW_MINUTES: '30',
        },
      },
    });
  });

  it('has a role that may write only its own log group, and no managed policy', () => {
    const roles = Object.values(template.findResources('AWS::IAM::Role'));
    expect(roles).toHaveLength(1);
    expect(roles[0]?.Properties.ManagedPolicyArns).toBeUndefined();
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
    );
    const logWrites = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('logs:')));
    expect(logWrites).toHaveLength(1);
    expect(JSON.stringify(logWrites[0]?.Resource)).toMatch(/FnLogs/);
  });

  it('creates no queue and no asynchronous invocation settings', () => {
    template.resourceCountIs('AWS::SQS::Queue', 0);
    template.resourceCountIs('AWS::Lambda::EventInvokeConfig', 0);
  });

  it('acknowledges the shared findings each on the resource it concerns', () => {
    if (!fn) throw new Error('not built');
    expect(acknowledged(fn.role)).toEqual(['AwsSolutions-IAM5[Resource::*]']);
    expect(acknowledged(fn.function).sort()).toEqual([
      'Serverless-LambdaAsyncFailureDestination',
      'Serverless-LambdaDLQ',
    ]);
    expect(acknowledged(fn)).toEqual([]);
  });
});

describe('pipeline function sending failed asynchronous invocations to a queue of its own key', () => {
  let fn: PipelineFunction<typeof SequenceEnvSchema> | undefined;
  const stack = stackWith((s) => {
    fn = new PipelineFunction(s, 'Fn', {
      ...BASE,
      failureQueue: 'own-key',
      failedInvocations: 'failure-queue',
      memorySize: 512,
      timeout: Duration.minutes(2),
      logLevel: 'WARN',
    });
  });
  const template = Template.fromStack(stack);

  it('encrypts the queue with its own rotated key and keeps messages 14 days', () => {
    const key = Object.keys(template.findResources('AWS::KMS::Key'))[0];
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: { 'Fn::GetAtt': [key, 'Arn'] },
      MessageRetentionPeriod: 1_209_600,
    });
  });

  it('sends failed asynchronous invocations, unretried, to the queue as dead-letter queue and destination', () => {
    const queue = Object.keys(template.findResources('AWS::SQS::Queue'))[0];
    template.hasResourceProperties('AWS::Lambda::Function', {
      DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [queue, 'Arn'] } },
      MemorySize: 512,
      Timeout: 120,
      Environment: { Variables: Match.objectLike({ POWERTOOLS_LOG_LEVEL: 'WARN' }) },
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 0,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queue, 'Arn'] } } },
    });
  });

  it('acknowledges the queue findings on the queue and none of the dead-letter findings', () => {
    if (!fn?.failureQueue) throw new Error('not built');
    expect(acknowledged(fn.failureQueue).sort()).toEqual([
      'AwsSolutions-SQS3',
      'Serverless-SQSRedrivePolicy',
    ]);
    expect(acknowledged(fn.function)).toEqual([]);
  });
});

describe('pipeline function configuration checks at synth', () => {
  it('fails on a literal value its handler would reject at cold start, naming the variable', () => {
    const build = () =>
      stackWith((s) => {
        new PipelineFunction(s, 'Fn', { ...BASE, environment: { ...BASE.environment, WINDOW_MINUTES: '0' } });
      });
    expect(build).toThrow(ConfigError);
    expect(build).toThrow(/^Test\/Fn: WINDOW_MINUTES: /);
  });

  it('rejects a variable the schema does not name (which the types already refuse)', () => {
    expect(() =>
      stackWith((s) => {
        // @ts-expect-error WINDOW_MINUTE is not a variable of the sequence function
        new PipelineFunction(s, 'Fn', { ...BASE, environment: { ...BASE.environment, WINDOW_MINUTE: '15' } });
      }),
    ).toThrow(/WINDOW_MINUTE: not in the function's environment schema/);
  });

  it('refuses to send failed invocations to a queue it does not have', () => {
    expect(() =>
      stackWith((s) => {
        new PipelineFunction(s, 'Fn', { ...BASE, failedInvocations: 'failure-queue' });
      }),
    ).toThrow(/needs a failureQueue/);
  });
});
