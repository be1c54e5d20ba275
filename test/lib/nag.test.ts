import { Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { createWorktraceApp } from '../../lib/app.js';
import { CDK_JSON_CONTEXT, synth } from './synth.js';

/** Every unacknowledged finding of a pack, as "rule at construct path". */
function findings(app: IConstruct, pack: AwsSolutionsChecks | ServerlessChecks): string[] {
  const report = pack.validateScope(app);
  return report.violations.flatMap((v) =>
    v.violatingResources.map((r) => `${v.ruleName} at ${r.resourceLogicalId}`),
  );
}

/** Every acknowledgement in the tree: where it sits, which rule, why. */
function acknowledgements(root: IConstruct) {
  return root.node
    .findAll()
    .flatMap((c) =>
      c.node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) =>
          Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({ c, id, reason })),
        ),
    );
}

describe.each([
  ['the default configuration', {}],
  [
    'every optional feature switched on',
    {
      alarmEmail: 'oncall@example.com',
      analystPrincipalArn: 'arn:aws:iam::123456789012:role/data-science',
      streamMode: 'provisioned',
      streamShards: 2,
    },
  ],
])('cdk-nag with %s', (_name, context) => {
  const { app } = synth(context);

  it('has no unacknowledged AwsSolutions finding', () => {
    expect(findings(app, new AwsSolutionsChecks())).toEqual([]);
  });

  it('has no unacknowledged Serverless finding', () => {
    expect(findings(app, new ServerlessChecks())).toEqual([]);
  });

  it('acknowledges only on individual resources, never on the app or a stack, each with a reason', () => {
    const acks = acknowledgements(app);
    expect(acks.length).toBeGreaterThan(0);
    for (const { c, id, reason } of acks) {
      expect(c === app || c instanceof Stack, `${id} sits on ${c.node.path}`).toBe(false);
      expect(reason.length, `${id} at ${c.node.path}`).toBeGreaterThan(40);
    }
  });
});

describe('cdk-nag registration in the app', () => {
  it('fails synthesis when a construct adds an unacknowledged finding', () => {
    const { app, stack } = createWorktraceApp({
      context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] },
    });
    new s3.Bucket(stack, 'UnloggedBucket');
    expect(() => app.synth()).toThrow(/S3 Bucket has server access logs disabled[\s\S]*AwsSolutions/);
  });

  it('synthesises the unmodified app without validation errors', () => {
    const { app } = createWorktraceApp({ context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
    expect(() => app.synth()).not.toThrow();
  });
});
