import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { OPT_OUT_REGISTRY_KEY } from '#core/governance/opt-outs.js';
import { logicalId, statementsOfRole, synth } from './synth.js';

const { template, stack } = synth({ auditRetentionDays: 3650 });
const id = (type: string, prefix: string) => logicalId(template, type, prefix);
const actionsOf = (role: string) =>
  (
    statementsOfRole(template, id('AWS::IAM::Role', role)) as {
      Action: string | string[];
      Resource: unknown;
    }[]
  ).map((s) => ({ actions: [s.Action].flat(), resource: JSON.stringify(s.Resource) }));

describe('governance: audit bucket', () => {
  it('is object-locked in compliance mode for the configured days, KMS-encrypted and retained', () => {
    template.hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({
        ObjectLockEnabled: true,
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 3650 } },
        },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            Match.objectLike({
              ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }),
            }),
          ],
        },
      }),
      DeletionPolicy: 'Retain',
    });
  });
});

describe('governance: erase function permissions', () => {
  const statements = actionsOf('GovernanceEraseRole');
  const zone = (name: string) => id('AWS::S3::Bucket', `Lake${name}`);

  it('reads, rewrites and deletes (old versions too) in events, quarantine and curated; adds receipts to the audit bucket', () => {
    for (const z of ['Events', 'Quarantine', 'Curated']) {
      const on = statements.filter((s) => s.resource.includes(zone(z)));
      const actions = on.flatMap((s) => s.actions);
      expect(actions, z).toEqual(
        expect.arrayContaining([
          's3:GetObject*',
          's3:PutObject',
          's3:DeleteObject*',
          's3:DeleteObjectVersion',
        ]),
      );
    }
    const audit = statements
      .filter((s) => s.resource.includes(id('AWS::S3::Bucket', 'GovernanceAudit')))
      .flatMap((s) => s.actions);
    expect(audit).toContain('s3:PutObject');
    expect(audit.some((a) => a.startsWith('s3:Delete'))).toBe(false);
  });

  it("may only list and delete on the athena-results zone (erasure purges cached results) beyond its own queries' results, and may use the pseudonym key", () => {
    const results = statements.filter((s) => s.resource.includes(id('AWS::S3::Bucket', 'LakeAthenaResults')));
    expect(results.length).toBeGreaterThan(0);
    // The find step's Athena queries write and read their results under the pipeline workgroup's prefix only.
    const ownQueries = results.filter((s) => s.resource.includes('"/worktrace-dev/*"'));
    expect(ownQueries.flatMap((s) => s.actions)).toEqual(
      expect.arrayContaining(['s3:GetObject', 's3:PutObject']),
    );
    for (const a of results.filter((s) => !ownQueries.includes(s)).flatMap((s) => s.actions))
      expect(a, `${a} on athena-results`).toMatch(/^s3:(List\w*|DeleteObject\w*|GetBucketLocation)\*?$/);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ PSEUDONYM_DATA_KEY: Match.anyValue(), AUDIT_BUCKET: Match.anyValue() }),
      },
      Timeout: 900,
    });
  });
});

describe('governance: opt-out registry', () => {
  it('the redact function may read exactly the registry object', () => {
    const registry = actionsOf('RedactRole').filter((s) => s.resource.includes(OPT_OUT_REGISTRY_KEY));
    expect(registry.map((s) => s.actions)).toEqual([['s3:GetObject']]);
    expect(stack.governance.optOutRegistryUri).toContain(OPT_OUT_REGISTRY_KEY);
  });
});

describe('governance: canary', () => {
  it('runs daily and alarms on a failed run through the alarm topic', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 day)',
      Targets: [
        Match.objectLike({ Arn: { 'Fn::GetAtt': [id('AWS::Lambda::Function', 'GovernanceCanary'), 'Arn'] } }),
      ],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: id('AWS::Lambda::Function', 'GovernanceCanary') } }],
      Threshold: 1,
      Period: 86400,
      AlarmActions: [{ Ref: id('AWS::SNS::Topic', 'MonitoringTopic') }],
    });
  });

  it('sends only like an agent, reads the zones, queries in the workgroup, and writes only its audit state', () => {
    const statements = actionsOf('GovernanceCanaryRole');
    const on = (bucket: string) =>
      statements.filter((s) => s.resource.includes(id('AWS::S3::Bucket', bucket))).flatMap((s) => s.actions);
    for (const zone of ['LakeEvents', 'LakeQuarantine', 'LakeCurated']) {
      expect(on(zone)).toContain('s3:GetObject*');
      expect(on(zone).some((a) => /Put|Delete/.test(a))).toBe(false);
    }
    // Athena: start queries in the stage workgroup, results into the athena-results zone.
    const actions = statements.flatMap((s) => s.actions);
    expect(actions).toEqual(expect.arrayContaining(['athena:StartQueryExecution', 'glue:GetTable']));
    expect(on('LakeAthenaResults')).toContain('s3:PutObject');
    // Its state lives under canary/ in the audit bucket; nothing else there, and never a delete.
    const audit = statements.filter((s) => s.resource.includes(id('AWS::S3::Bucket', 'GovernanceAudit')));
    expect(audit.flatMap((s) => s.actions)).toContain('s3:PutObject');
    for (const s of audit) expect(s.resource).toContain('/canary/*');
    expect(actions.some((a) => a.startsWith('s3:Delete'))).toBe(false);
  });
});
