import { describe, expect, it } from 'vitest';
import { OPT_OUT_REGISTRY_KEY } from '#core/governance/opt-outs.js';
import { RESEQUENCE_PREFIX, WATERMARK_KEY } from '#core/sequence/late.js';
import { CHECKPOINT_PREFIX } from '#core/sequence/sequencer.js';
import { logicalId, statementsOfRole, synth } from './synth.js';

const ANALYST_PRINCIPAL = 'arn:aws:iam::123456789012:role/data-science';

describe('IAM separation (analyst principal configured)', () => {
  const { template } = synth({ analystPrincipalArn: ANALYST_PRINCIPAL });
  const id = (type: string, prefix: string) => logicalId(template, type, prefix);
  const zone = (name: string) => [
    id('AWS::S3::Bucket', `Lake${name}`),
    id('AWS::KMS::Key', `Lake${name}Key`),
  ];
  /** The policy text of a role, to look for references to other resources. */
  const policyOf = (rolePrefix: string) =>
    JSON.stringify(statementsOfRole(template, id('AWS::IAM::Role', rolePrefix)));
  const references = (policy: string, ids: string[]) => ids.filter((x) => policy.includes(`"${x}"`));

  it('the analyst role cannot touch the events or quarantine zones', () => {
    expect(references(policyOf('AnalystRole'), [...zone('Events'), ...zone('Quarantine')])).toEqual([]);
  });

  it('the analyst role reads curated and reads/writes athena-results', () => {
    const policy = policyOf('AnalystRole');
    expect(references(policy, [...zone('Curated'), ...zone('AthenaResults')])).toHaveLength(4);
    expect(policy).not.toContain('s3:DeleteObject');
  });

  it('the analyst role may query only in its own workgroup and read only the stage Glue database', () => {
    const policy = policyOf('AnalystRole');
    expect(policy).toContain(':workgroup/worktrace-dev-analysts"');
    expect(policy).not.toContain(':workgroup/worktrace-dev"');
    expect(policy).toContain(':database/worktrace_dev"');
    expect(policy).toContain(':table/worktrace_dev/training_trajectories"');
    expect(policy).not.toContain(':table/worktrace_dev/*"');
    expect(policy).not.toMatch(/athena:\*|glue:\*|"Resource":"\*"/);
  });

  it('the analyst role is assumable by the configured principal only', () => {
    const role = template.findResources('AWS::IAM::Role')[id('AWS::IAM::Role', 'AnalystRole')];
    expect(role?.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: ANALYST_PRINCIPAL } },
    ]);
  });

  it('the redact role cannot touch the athena-results zone', () => {
    expect(references(policyOf('RedactRole'), zone('AthenaResults'))).toEqual([]);
  });

  it('the redact role reads two objects only, the opt-out registry and the sequencer watermark; it lists and deletes nothing', () => {
    const statements = statementsOfRole(template, id('AWS::IAM::Role', 'RedactRole')) as {
      Action: string | string[];
      Resource: unknown;
    }[];
    // One [action, resource] pair per grant (IAM policy minimisation may merge statements).
    const grants = statements.flatMap((s) =>
      [s.Action].flat().flatMap((a) => [s.Resource].flat().map((r) => [a, JSON.stringify(r)] as const)),
    );
    const s3 = grants.filter(([a]) => a.startsWith('s3:'));
    const reads = s3.filter(([a]) => /Get|List/.test(a));
    expect(reads.map(([a]) => a)).toEqual(['s3:GetObject', 's3:GetObject']);
    expect(reads.map(([, r]) => r.match(/"\/([^"]+)"\]\]\}$/)?.[1]).sort()).toEqual(
      [OPT_OUT_REGISTRY_KEY, WATERMARK_KEY].sort(),
    );
    expect(s3.filter(([a]) => /Delete/.test(a))).toEqual([]);
    expect(s3.map(([a]) => a)).toContain('s3:PutObject');
  });

  it('the sequence role cannot touch the quarantine or athena-results zones', () => {
    expect(references(policyOf('SequenceRole'), [...zone('Quarantine'), ...zone('AthenaResults')])).toEqual(
      [],
    );
  });

  it('the sequence role reads events and reads/writes curated, deleting only late-event queue entries and checkpoints', () => {
    const policy = policyOf('SequenceRole');
    expect(references(policy, [...zone('Events'), ...zone('Curated')])).toHaveLength(4);
    const statements = statementsOfRole(template, id('AWS::IAM::Role', 'SequenceRole')) as {
      Action: string | string[];
      Resource: unknown;
    }[];
    const deletes = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('s3:Delete')));
    expect(deletes.map((s) => s.Action)).toEqual(['s3:DeleteObject']);
    expect(deletes.map((s) => s.Resource)).toEqual([
      [
        { 'Fn::Join': ['', [{ 'Fn::GetAtt': [zone('Curated')[0], 'Arn'] }, `/${CHECKPOINT_PREFIX}*`]] },
        { 'Fn::Join': ['', [{ 'Fn::GetAtt': [zone('Curated')[0], 'Arn'] }, `/${RESEQUENCE_PREFIX}*`]] },
      ],
    ]);
  });

  it('no role uses a managed policy except the CDK Provider framework function, and the canary the agent policy', () => {
    const withManaged = Object.entries(template.findResources('AWS::IAM::Role'))
      .filter(([, r]) => r.Properties.ManagedPolicyArns)
      .map(([k]) => k)
      .sort();
    expect(withManaged).toEqual([
      expect.stringMatching(/^GovernanceCanaryRole/),
      expect.stringMatching(/^PseudonymKeyDataKeyProviderframeworkonEvent/),
    ]);
    const canary = template.findResources('AWS::IAM::Role')[withManaged[0] as string];
    expect(canary?.Properties.ManagedPolicyArns).toEqual([
      { Ref: logicalId(template, 'AWS::IAM::ManagedPolicy', 'IngestAgentPolicy') },
    ]);
  });
});

describe('IAM separation (no analyst principal configured)', () => {
  const { template } = synth();

  it('the analyst role trusts the account, leaving who may assume it to IAM policies', () => {
    const role =
      template.findResources('AWS::IAM::Role')[logicalId(template, 'AWS::IAM::Role', 'AnalystRole')];
    expect(JSON.stringify(role?.Properties.AssumeRolePolicyDocument)).toContain(':root');
  });
});
