import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { logicalId, synth } from './synth.js';

const ZONES = ['Quarantine', 'Events', 'Curated', 'AthenaResults'] as const;

type SynthTemplate = ReturnType<typeof synth>['template'];
// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON
type Rule = Record<string, any>;

/** The lifecycle rules of a lake bucket. */
function rulesOf(template: SynthTemplate, zone: string): Rule[] {
  const id = logicalId(template, 'AWS::S3::Bucket', `Lake${zone}`);
  return template.findResources('AWS::S3::Bucket')[id]?.Properties.LifecycleConfiguration.Rules;
}

/**
 * The one setting every expiring rule of a bucket shares (one rule per data prefix, or one for the whole
 * bucket); fails when the bucket has no expiring rule or its rules disagree.
 */
function retentionSetting(template: SynthTemplate, zone: string, setting: string): unknown {
  const values = rulesOf(template, zone)
    .filter((r) => r.ExpirationInDays !== undefined)
    .map((r) => JSON.stringify(r[setting] ?? null));
  expect(values.length, zone).toBeGreaterThan(0);
  expect(new Set(values).size, zone).toBe(1);
  return JSON.parse(values[0] as string) ?? undefined;
}

/** The bucket-wide rule of a bucket (no prefix): housekeeping, or the whole-bucket expiry. */
function bucketWideRule(template: SynthTemplate, zone: string): Rule {
  const wide = rulesOf(template, zone).filter((r) => r.Prefix === undefined && r.Filter === undefined);
  expect(wide, zone).toHaveLength(1);
  return wide[0] as Rule;
}

/** A bucket's lifecycle as one record: expiry days and transitions of its expiring rules, housekeeping of its bucket-wide rule. */
const retentionRule = (template: SynthTemplate, zone: string) => ({
  get ExpirationInDays() {
    return retentionSetting(template, zone, 'ExpirationInDays');
  },
  get Transitions() {
    return retentionSetting(template, zone, 'Transitions');
  },
  get NoncurrentVersionExpiration() {
    return bucketWideRule(template, zone).NoncurrentVersionExpiration;
  },
  get AbortIncompleteMultipartUpload() {
    return bucketWideRule(template, zone).AbortIncompleteMultipartUpload;
  },
});

describe('data lake with the default configuration', () => {
  const { template } = synth();

  it('gives every data zone its own customer-managed key with rotation', () => {
    const keyIds = ZONES.map((z) => logicalId(template, 'AWS::KMS::Key', `Lake${z}Key`));
    expect(new Set(keyIds).size).toBe(4);
    for (const [i, zone] of ZONES.entries()) {
      template.hasResourceProperties('AWS::KMS::Key', Match.objectLike({ EnableKeyRotation: true }));
      const bucket =
        template.findResources('AWS::S3::Bucket')[logicalId(template, 'AWS::S3::Bucket', `Lake${zone}`)];
      expect(bucket?.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0]).toEqual({
        BucketKeyEnabled: true,
        ServerSideEncryptionByDefault: {
          SSEAlgorithm: 'aws:kms',
          KMSMasterKeyID: { 'Fn::GetAtt': [keyIds[i], 'Arn'] },
        },
      });
    }
  });

  it('enables rotation on every KMS key in the stack', () => {
    for (const key of Object.values(template.findResources('AWS::KMS::Key')))
      expect(key.Properties.EnableKeyRotation).toBe(true);
  });

  it('blocks all public access and enforces bucket-owner object ownership on every bucket', () => {
    const buckets = Object.values(template.findResources('AWS::S3::Bucket'));
    expect(buckets).toHaveLength(6); // four zones, access logs, governance audit
    for (const b of buckets) {
      expect(b.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(b.Properties.OwnershipControls.Rules).toEqual([{ ObjectOwnership: 'BucketOwnerEnforced' }]);
      expect(b.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    }
  });

  it('denies non-TLS requests and TLS below 1.2 on every bucket', () => {
    const policies = Object.values(template.findResources('AWS::S3::BucketPolicy'));
    expect(policies).toHaveLength(6);
    for (const p of policies) {
      expect(p.Properties.PolicyDocument.Statement).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          expect.objectContaining({
            Effect: 'Deny',
            Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
          }),
        ]),
      );
    }
  });

  it('logs every zone bucket into the access-log bucket under its own prefix', () => {
    const logs = logicalId(template, 'AWS::S3::Bucket', 'LakeAccessLogs');
    for (const zone of ['quarantine', 'events', 'curated', 'athena-results'])
      template.hasResourceProperties('AWS::S3::Bucket', {
        LoggingConfiguration: { DestinationBucketName: { Ref: logs }, LogFilePrefix: `${zone}/` },
      });
  });

  it('expires each zone after its default retention', () => {
    expect(retentionRule(template, 'Quarantine').ExpirationInDays).toBe(7);
    expect(retentionRule(template, 'Events').ExpirationInDays).toBe(30);
    expect(retentionRule(template, 'Curated').ExpirationInDays).toBe(365);
    expect(retentionRule(template, 'AthenaResults').ExpirationInDays).toBe(7);
    expect(retentionRule(template, 'AccessLogs').ExpirationInDays).toBe(90);
  });

  it('moves curated objects to Standard-IA at 30 days and Glacier Instant Retrieval at 90', () => {
    expect(retentionRule(template, 'Curated').Transitions).toEqual([
      { StorageClass: 'STANDARD_IA', TransitionInDays: 30 },
      { StorageClass: 'GLACIER_IR', TransitionInDays: 90 },
    ]);
  });

  it('aborts incomplete multipart uploads and expires noncurrent versions in every bucket', () => {
    for (const zone of [...ZONES, 'AccessLogs']) {
      const rule = retentionRule(template, zone);
      expect(rule.AbortIncompleteMultipartUpload).toEqual({ DaysAfterInitiation: 1 });
      expect(rule.NoncurrentVersionExpiration).toEqual({ NoncurrentDays: 7 });
    }
  });

  it('retains buckets, keys and the stream by default', () => {
    for (const type of ['AWS::S3::Bucket', 'AWS::KMS::Key', 'AWS::Kinesis::Stream']) {
      const data = Object.entries(template.findResources(type));
      expect(data.length).toBeGreaterThan(0);
      for (const [, r] of data) {
        expect(r.DeletionPolicy).toBe('Retain');
        expect(r.UpdateReplacePolicy).toBe('Retain');
      }
    }
  });
});

describe('data lake with retention days from the configuration', () => {
  const { template } = synth({
    quarantineRetentionDays: 3,
    eventsRetentionDays: 14,
    curatedRetentionDays: 730,
    curatedInfrequentAccessDays: 60,
    curatedGlacierInstantRetrievalDays: 180,
    athenaResultsRetentionDays: 2,
    accessLogsRetentionDays: 400,
    noncurrentVersionRetentionDays: 1,
  });

  it('expires each zone after the configured days', () => {
    expect(retentionRule(template, 'Quarantine').ExpirationInDays).toBe(3);
    expect(retentionRule(template, 'Events').ExpirationInDays).toBe(14);
    expect(retentionRule(template, 'Curated').ExpirationInDays).toBe(730);
    expect(retentionRule(template, 'AthenaResults').ExpirationInDays).toBe(2);
    expect(retentionRule(template, 'AccessLogs').ExpirationInDays).toBe(400);
  });

  it('transitions curated objects after the configured days', () => {
    expect(retentionRule(template, 'Curated').Transitions).toEqual([
      { StorageClass: 'STANDARD_IA', TransitionInDays: 60 },
      { StorageClass: 'GLACIER_IR', TransitionInDays: 180 },
    ]);
  });

  it('expires noncurrent versions after the configured days', () => {
    expect(retentionRule(template, 'Events').NoncurrentVersionExpiration).toEqual({ NoncurrentDays: 1 });
  });
});

describe('data lake with allowDestroy', () => {
  const { template, stack } = synth({ allowDestroy: true });

  it('deletes buckets and keys with the stack', () => {
    for (const zone of ZONES) {
      const bucket =
        template.findResources('AWS::S3::Bucket')[logicalId(template, 'AWS::S3::Bucket', `Lake${zone}`)];
      expect(bucket?.DeletionPolicy).toBe('Delete');
      const key =
        template.findResources('AWS::KMS::Key')[logicalId(template, 'AWS::KMS::Key', `Lake${zone}Key`)];
      expect(key?.DeletionPolicy).toBe('Delete');
    }
  });

  it('deletes the stream and the pseudonym key with the stack too (one removal policy for all data)', () => {
    const stream = logicalId(template, 'AWS::Kinesis::Stream', 'IngestStream');
    expect(template.findResources('AWS::Kinesis::Stream')[stream]?.DeletionPolicy).toBe('Delete');
    for (const prefix of ['IngestKey', 'PseudonymKey']) {
      const key = template.findResources('AWS::KMS::Key')[logicalId(template, 'AWS::KMS::Key', prefix)];
      expect(key?.DeletionPolicy, prefix).toBe('Delete');
    }
  });

  it('still retains the object-locked audit bucket and its key (erasure receipts are evidence)', () => {
    const bucket =
      template.findResources('AWS::S3::Bucket')[logicalId(template, 'AWS::S3::Bucket', 'GovernanceAudit')];
    expect(bucket?.DeletionPolicy).toBe('Retain');
    const key =
      template.findResources('AWS::KMS::Key')[logicalId(template, 'AWS::KMS::Key', 'GovernanceAuditKey')];
    expect(key?.DeletionPolicy).toBe('Retain');
  });

  it('leaves a warning annotation on the stack, where the flag is read', () => {
    Annotations.fromStack(stack).hasWarning('/Worktrace-dev', Match.stringLikeRegexp('allowDestroy is set'));
  });
});
