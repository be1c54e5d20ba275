/** Issue 15 in the stack: erasure reaches the athena-results zone, knows the stream retention, sweeps on a schedule. */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { logicalId, statementsOfRole, synth } from './synth.js';

const { template } = synth({ streamRetentionHours: 48 });
const id = (type: string, prefix: string) => logicalId(template, type, prefix);
const eraseFn = () => id('AWS::Lambda::Function', 'GovernanceErase');
const statements = (
  statementsOfRole(template, id('AWS::IAM::Role', 'GovernanceEraseRole')) as {
    Action: string | string[];
    Resource: unknown;
  }[]
).map((s) => ({ actions: [s.Action].flat(), resource: JSON.stringify(s.Resource) }));

describe('governance: erasure of every copy', () => {
  it("lists and deletes (every version of) query results in the athena-results zone, and reads only its own queries' results", () => {
    const onResults = statements.filter((s) =>
      s.resource.includes(id('AWS::S3::Bucket', 'LakeAthenaResults')),
    );
    // The find step's Athena queries (pipeline workgroup) write and read their results under its prefix only.
    const others = onResults.filter((s) => !s.resource.includes('"/worktrace-dev/*"'));
    const results = others.flatMap((s) => s.actions);
    expect(results).toEqual(
      expect.arrayContaining([
        's3:ListBucket',
        's3:ListBucketVersions',
        's3:DeleteObject*',
        's3:DeleteObjectVersion',
      ]),
    );
    expect(results.some((a) => /^s3:(GetObject|Put)/.test(a))).toBe(false);
  });

  it('gives the function the results bucket and the stream retention (when the follow-up sweep is due)', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          ATHENA_RESULTS_BUCKET: { Ref: id('AWS::S3::Bucket', 'LakeAthenaResults') },
          STREAM_RETENTION_HOURS: '48',
        }),
      },
      Timeout: 900,
    });
  });

  it('runs the due follow-up sweeps hourly and alarms on a failed erasure, opt-out or sweep', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 hour)',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [eraseFn(), 'Arn'] },
          Input: JSON.stringify({ action: 'sweep' }),
          RetryPolicy: { MaximumRetryAttempts: 0 },
        }),
      ],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: eraseFn() } }],
      Threshold: 1,
      AlarmActions: [{ Ref: id('AWS::SNS::Topic', 'MonitoringTopic') }],
    });
  });
});
