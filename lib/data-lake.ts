/**
 * The data lake: one bucket per zone (quarantine, events, curated, athena-results), each with its own
 * customer-managed key, plus the server access log bucket. Secure settings come from lib/defaults.ts and
 * cannot be overridden; lifecycle days per zone come from the configuration.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  ABORT_INCOMPLETE_MULTIPART_DAYS,
  KEY_PENDING_WINDOW,
  SECURE_BUCKET,
  SECURE_KEY,
} from './defaults.js';

/** The data zones, each with a bucket and a key of its own. */
export const DATA_ZONES = ['quarantine', 'events', 'curated', 'athenaResults'] as const;
/** One of the data zones. */
export type DataZone = (typeof DATA_ZONES)[number];

/** Props of DataLake (retention in days). */
export interface DataLakeProps {
  /** Quarantine objects expire after. @default 7 */
  readonly quarantineRetentionDays?: number;
  /** Events objects expire after. @default 30 */
  readonly eventsRetentionDays?: number;
  /** Curated objects expire after. @default 365 */
  readonly curatedRetentionDays?: number;
  /** Curated objects move to Standard-IA after. @default 30 */
  readonly curatedInfrequentAccessDays?: number;
  /** Curated objects move to Glacier Instant Retrieval after. @default 90 */
  readonly curatedGlacierInstantRetrievalDays?: number;
  /** Athena query results expire after. @default 7 */
  readonly athenaResultsRetentionDays?: number;
  /** Server access logs expire after. @default 90 */
  readonly accessLogsRetentionDays?: number;
  /** Overwritten or deleted object versions expire after. @default 7 */
  readonly noncurrentVersionRetentionDays?: number;
  /** What happens to buckets and keys when removed from the stack (DESTROY deletes empty buckets and schedules key deletion). @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/** Buckets and keys of every zone, with grants per use. */
export class DataLake extends Construct {
  /** Scrubbed invalid records with their reason. */
  public readonly quarantineBucket: s3.Bucket;
  /** Redacted events (Parquet, dt=/hour= partitions). */
  public readonly eventsBucket: s3.Bucket;
  /** Actions and episodes (Parquet) and the sequencer watermark. */
  public readonly curatedBucket: s3.Bucket;
  /** Athena query results (the workgroup's output location). */
  public readonly athenaResultsBucket: s3.Bucket;
  /** Server access logs of the four zone buckets (SSE-S3: log delivery does not support SSE-KMS). */
  public readonly accessLogsBucket: s3.Bucket;
  /** Key of the quarantine zone. */
  public readonly quarantineKey: kms.Key;
  /** Key of the events zone. */
  public readonly eventsKey: kms.Key;
  /** Key of the curated zone. */
  public readonly curatedKey: kms.Key;
  /** Key of the athena-results zone (the workgroup must encrypt results with it). */
  public readonly athenaResultsKey: kms.Key;

  constructor(scope: Construct, id: string, props: DataLakeProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const noncurrent = Duration.days(props.noncurrentVersionRetentionDays ?? 7);
    const baseRule = {
      abortIncompleteMultipartUploadAfter: Duration.days(ABORT_INCOMPLETE_MULTIPART_DAYS),
      noncurrentVersionExpiration: noncurrent,
    };

    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogs', {
      ...SECURE_BUCKET,
      encryption: s3.BucketEncryption.S3_MANAGED,
      removalPolicy,
      lifecycleRules: [
        { id: 'expire', ...baseRule, expiration: Duration.days(props.accessLogsRetentionDays ?? 90) },
      ],
    });
    Validations.of(this.accessLogsBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access log target bucket; logging it into itself would loop.',
    });

    const zone = (
      name: string,
      description: string,
      expireDays: number,
      rule: Partial<s3.LifecycleRule> = {},
    ) => {
      const key = new kms.Key(this, `${name}Key`, {
        ...SECURE_KEY,
        description: `worktrace ${description} zone`,
        pendingWindow: KEY_PENDING_WINDOW,
        removalPolicy,
      });
      const bucket = new s3.Bucket(this, name, {
        ...SECURE_BUCKET,
        encryption: s3.BucketEncryption.KMS,
        encryptionKey: key,
        bucketKeyEnabled: true,
        serverAccessLogsBucket: this.accessLogsBucket,
        serverAccessLogsPrefix: `${description}/`,
        removalPolicy,
        lifecycleRules: [{ id: 'retention', ...baseRule, expiration: Duration.days(expireDays), ...rule }],
      });
      return { key, bucket };
    };

    const quarantine = zone('Quarantine', 'quarantine', props.quarantineRetentionDays ?? 7);
    const events = zone('Events', 'events', props.eventsRetentionDays ?? 30);
    const curated = zone('Curated', 'curated', props.curatedRetentionDays ?? 365, {
      transitions: [
        {
          storageClass: s3.StorageClass.INFREQUENT_ACCESS,
          transitionAfter: Duration.days(props.curatedInfrequentAccessDays ?? 30),
        },
        {
          storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
          transitionAfter: Duration.days(props.curatedGlacierInstantRetrievalDays ?? 90),
        },
      ],
    });
    const athenaResults = zone('AthenaResults', 'athena-results', props.athenaResultsRetentionDays ?? 7);
    this.quarantineBucket = quarantine.bucket;
    this.quarantineKey = quarantine.key;
    this.eventsBucket = events.bucket;
    this.eventsKey = events.key;
    this.curatedBucket = curated.bucket;
    this.curatedKey = curated.key;
    this.athenaResultsBucket = athenaResults.bucket;
    this.athenaResultsKey = athenaResults.key;
  }

  /** Bucket of a zone. */
  bucket(zone: DataZone): s3.Bucket {
    return {
      quarantine: this.quarantineBucket,
      events: this.eventsBucket,
      curated: this.curatedBucket,
      athenaResults: this.athenaResultsBucket,
    }[zone];
  }

  /** Write objects into a zone (PutObject and the zone key's encrypt actions); no read, no delete. */
  grantWrite(zone: DataZone, grantee: iam.IGrantable): iam.Grant {
    return this.bucket(zone).grantPut(grantee);
  }

  /** Read and list a zone (and decrypt with its key). */
  grantRead(zone: DataZone, grantee: iam.IGrantable): iam.Grant {
    return this.bucket(zone).grantRead(grantee);
  }

  /** Read, list and write a zone; deletion is not included. */
  grantReadWrite(zone: DataZone, grantee: iam.IGrantable): void {
    this.grantRead(zone, grantee);
    this.grantWrite(zone, grantee);
  }

  /** Delete objects in a zone (erasure); combine with grantRead to find them. */
  grantDelete(zone: DataZone, grantee: iam.IGrantable): iam.Grant {
    return this.bucket(zone).grantDelete(grantee);
  }
}
