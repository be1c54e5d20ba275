/**
 * Invariant 4: nobody can hand themselves use of the pseudonym key (or of a zone key). Reads the synthesised
 * key policies: which statements allow broad principals what, and what is denied to whom.
 */
import { describe, expect, it } from 'vitest';
import { KEY_ADMIN_ACTIONS } from '../../lib/pseudonym-key.js';
import { logicalId, synth } from './synth.js';

interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal: { AWS: unknown };
  Action: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

/** `kms:Create*` → a RegExp for the actions it covers. */
const glob = (pattern: string) => new RegExp(`^${pattern.replace(/\*/g, '.*')}$`);
const covers = (s: Statement, action: string) => [s.Action].flat().some((a) => glob(a).test(action));
/** A principal anyone in the account can act as through IAM: the account root, or everyone. */
const broad = (s: Statement) => /:root"|^"\*"$/.test(JSON.stringify(s.Principal.AWS));

const CFN_EXEC_ROLE = (qualifier: string) => ({
  'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/cdk-${qualifier}-cfn-exec-role-\${AWS::AccountId}-\${AWS::Region}`,
});
const ROOT_USER = {
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']],
};

describe('key policies with the default configuration', () => {
  const { template } = synth();
  const policyOf = (prefix: string) =>
    template.findResources('AWS::KMS::Key')[logicalId(template, 'AWS::KMS::Key', prefix)]?.Properties
      .KeyPolicy.Statement as Statement[];
  const pseudonym = policyOf('PseudonymKey');
  const role = (prefix: string) => ({ 'Fn::GetAtt': [logicalId(template, 'AWS::IAM::Role', prefix), 'Arn'] });

  it('gives no broad principal kms:CreateGrant, and kms:PutKeyPolicy only to deployments and the root user', () => {
    const allowBroad = pseudonym.filter((s) => s.Effect === 'Allow' && broad(s));
    expect(allowBroad.length).toBeGreaterThan(0);
    expect(allowBroad.filter((s) => covers(s, 'kms:CreateGrant'))).toEqual([]);
    const putPolicy = allowBroad.filter((s) => covers(s, 'kms:PutKeyPolicy'));
    expect(putPolicy.map((s) => s.Action)).toEqual(['kms:PutKeyPolicy']);
    expect(putPolicy[0]?.Condition).toEqual({
      ArnEquals: { 'aws:PrincipalArn': [CFN_EXEC_ROLE('hnb659fds'), ROOT_USER] },
    });
  });

  it('lists the administration actions by name, none of them cryptographic', () => {
    const admin = pseudonym.find((s) => s.Sid === 'KeyAdministrationOnly');
    expect([admin?.Action].flat().sort()).toEqual([...KEY_ADMIN_ACTIONS].sort());
    for (const a of KEY_ADMIN_ACTIONS)
      expect(a).not.toMatch(/\*|Decrypt|Encrypt|GenerateDataKey|CreateGrant|PutKeyPolicy|Sign|Mac/);
  });

  it('denies kms:Decrypt to every principal except the redact and erase roles', () => {
    const deny = pseudonym.filter((s) => s.Effect === 'Deny' && covers(s, 'kms:Decrypt'));
    expect(deny).toHaveLength(1);
    expect(deny[0]?.Principal).toEqual({ AWS: '*' });
    const except = deny[0]?.Condition?.ArnNotEquals?.['aws:PrincipalArn'] as unknown[];
    expect(new Set(except.map((r) => JSON.stringify(r)))).toEqual(
      new Set([role('RedactRole'), role('GovernanceEraseRole')].map((r) => JSON.stringify(r))),
    );
    expect(Object.keys(deny[0]?.Condition ?? {})).toEqual(['ArnNotEquals']);
  });

  it('denies grants and re-encryption to everyone (ReEncrypt would move the data key under a key the caller owns)', () => {
    const deny = pseudonym.filter((s) => s.Effect === 'Deny' && !s.Condition);
    for (const action of ['kms:CreateGrant', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'])
      expect(
        deny.some((s) => covers(s, action) && JSON.stringify(s.Principal) === '{"AWS":"*"}'),
        action,
      ).toBe(true);
  });

  it('denies no administration action, so CloudFormation can still manage the key', () => {
    const denies = pseudonym.filter((s) => s.Effect === 'Deny');
    for (const a of [...KEY_ADMIN_ACTIONS, 'kms:PutKeyPolicy'])
      expect(
        denies.filter((s) => covers(s, a)),
        a,
      ).toEqual([]);
  });

  it('every zone key refuses grants to principals and key-policy changes outside deployments', () => {
    for (const zone of ['Quarantine', 'Events', 'Curated', 'AthenaResults']) {
      const statements = policyOf(`Lake${zone}Key`);
      const grants = statements.filter((s) => s.Effect === 'Deny' && covers(s, 'kms:CreateGrant'));
      expect(
        grants.map((s) => s.Condition),
        zone,
      ).toEqual([{ Bool: { 'kms:GrantIsForAWSResource': 'false' } }]);
      const policy = statements.filter((s) => s.Effect === 'Deny' && covers(s, 'kms:PutKeyPolicy'));
      expect(
        policy.map((s) => s.Condition),
        zone,
      ).toEqual([{ ArnNotEquals: { 'aws:PrincipalArn': [CFN_EXEC_ROLE('hnb659fds'), ROOT_USER] } }]);
    }
  });
});

describe('key policies with a custom bootstrap qualifier', () => {
  const { template } = synth({ '@aws-cdk/core:bootstrapQualifier': 'wtrace01' });

  it('lets the execution role of that bootstrap change the pseudonym key policy', () => {
    const key = template.findResources('AWS::KMS::Key')[logicalId(template, 'AWS::KMS::Key', 'PseudonymKey')];
    const put = ((key?.Properties.KeyPolicy.Statement ?? []) as Statement[]).find(
      (s) => s.Sid === 'KeyPolicyByDeploymentsOnly',
    );
    expect(put?.Condition?.ArnEquals?.['aws:PrincipalArn']).toEqual([CFN_EXEC_ROLE('wtrace01'), ROOT_USER]);
  });
});
