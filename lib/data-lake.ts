/**
 * The data lake: one bucket per zone (quarantine, events, curated, athena-results), each with its own
 * customer-managed key, plus the server access log bucket. Secure settings come from lib/defaults.ts and
 * cannot be overridden; lifecycle days per zone come from the configuration.
 *
 * Lifecycle rules that expire or transition objects are scoped to the data prefixes of each zone
 * (EXPIRING_PREFIXES, from TABLE_LOCATIONS), so they can never reach a control object: the opt-out
 * registry (`_registry/` in events, `opt_outs/` in curated), the sequencer watermark (`_state/`), the erase
 * journal (`_erase/`). One bucket-wide housekeeping rule only aborts incomplete uploads, expires noncurrent
 * versions and removes expired delete markers: it never touches a current version, so a control object
 * lives until it is overwritten (its older versions then go after `noncurrentVersionRetentionDays`).
 * Buckets that hold no control objects (athena-results, access logs) expire as a whole.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { TABLE_LOCATIONS } from '#core/lake/schema.js';
import {
  ABORT_INCOMPLETE_MULTIPART_DAYS,
  dataKeyPolicyGuards,
  KEY_PENDING_WINDOW,
  keyPolicyAdministrators,
  SECURE_BUCKET,
  SECURE_KEY,
} from './defaults.js';

/**
 * Lake tables that are control objects, not data: `opt_outs` is the views' copy of the opt-out registry,
 * which must outlive every row it excludes. Every other table location expires with its zone.
 */
export const CONTROL_TABLES = ['opt_outs'] as const;

/** Prefixes whose objects expire (and transition) with their zone's retention: the data tables' locations. */
export const EXPIRING_PREFIXES: Readonly<Record<'quarantine' | 'events' | 'curated', readonly string[]>> =
  (() => {
    const out: Record<'quarantine' | 'events' | 'curated', string[]> = {
      quarantine: [],
      events: [],
      curated: [],
    };
    for (const [table, loc] of Object.entries(TABLE_LOCATIONS))
      if (!(CONTROL_TABLES as readonly string[]).includes(table)) out[loc.zone].push(loc.prefix);
    return out;
  })();

/** The data zones, each with a bucket and a key of its own. */
export const DATA_ZONES = ['quarantine', 'events', 'curated', 'athenaResults'] as const;
/** One of the data zones. */
export type DataZone = (typeof DATA_ZONES)[number];

/** Props of DataLake (retention in days). */
export interface DataLakeProps {
  /** Quarantine objects (under `quarantine/`) expire after. @default 7 */
  readonly quarantineRetentionDays?: number;
  /** Events objects (under `events/`; not the opt-out registry) expire after. @default 30 */
  readonly eventsRetentionDays?: number;
  /** Curated actions and episodes expire after (never the opt-out copy, watermark or erase journal). @default 365 */
  readonly curatedRetentionDays?: number;
  /** Curated actions and episodes move to Standard-IA after. @default 30 */
  readonly curatedInfrequentAccessDays?: number;
  /** Curated actions and episodes move to Glacier Instant Retrieval after. @default 90 */
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
  /** Redacted events (Parquet, dt=/hour=/shard= partitions). */
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
    const housekeeping = {
      abortIncompleteMultipartUploadAfter: Duration.days(ABORT_INCOMPLETE_MULTIPART_DAYS),
      noncurrentVersionExpiration: Duration.days(props.noncurrentVersionRetentionDays ?? 7),
    };
    /** Rules of a bucket: expiry (and transitions) per data prefix, or of the whole bucket when it holds no control objects. */
    const lifecycle = (
      expiration: Duration,
      prefixes: readonly string[] | 'whole-bucket',
      transitions?: s3.Transition[],
    ): s3.LifecycleRule[] =>
      prefixes === 'whole-bucket'
        ? [{ id: 'retention', ...housekeeping, expiration, ...(transitions ? { transitions } : {}) }]
        : [
            { id: 'housekeeping', ...housekeeping, expiredObjectDeleteMarker: true },
            ...prefixes.map((prefix) => ({
              id: `retention-${prefix.replace(/\/$/, '')}`,
              prefix,
              expiration,
              ...(transitions ? { transitions } : {}),
            })),
          ];

    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogs', {
      ...SECURE_BUCKET,
      encryption: s3.BucketEncryption.S3_MANAGED,
      removalPolicy,
      lifecycleRules: lifecycle(Duration.days(props.accessLogsRetentionDays ?? 90), 'whole-bucket'),
    });
    Validations.of(this.accessLogsBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access log target bucket; logging it into itself would loop.',
    });

    const keyGuards = dataKeyPolicyGuards(keyPolicyAdministrators(Stack.of(this)));
    const zone = (name: string, description: string, lifecycleRules: s3.LifecycleRule[]) => {
      const key = new kms.Key(this, `${name}Key`, {
        ...SECURE_KEY,
        description: `worktrace ${description} zone`,
        pendingWindow: KEY_PENDING_WINDOW,
        removalPolicy,
      });
      for (const guard of keyGuards) key.addToResourcePolicy(guard);
      const bucket = new s3.Bucket(this, name, {
        ...SECURE_BUCKET,
        encryption: s3.BucketEncryption.KMS,
        encryptionKey: key,
        bucketKeyEnabled: true,
        serverAccessLogsBucket: this.accessLogsBucket,
        serverAccessLogsPrefix: `${description}/`,
        removalPolicy,
        lifecycleRules,
      });
      return { key, bucket };
    };

    const days = (n: number) => Duration.days(n);
    const quarantine = zone(
      'Quarantine',
      'quarantine',
      lifecycle(days(props.quarantineRetentionDays ?? 7), EXPIRING_PREFIXES.quarantine),
    );
    const events = zone(
      'Events',
      'events',
      lifecycle(days(props.eventsRetentionDays ?? 30), EXPIRING_PREFIXES.events),
    );
    const curated = zone(
      'Curated',
      'curated',
      lifecycle(days(props.curatedRetentionDays ?? 365), EXPIRING_PREFIXES.curated, [
        {
          storageClass: s3.StorageClass.INFREQUENT_ACCESS,
          transitionAfter: days(props.curatedInfrequentAccessDays ?? 30),
        },
        {
          storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
          transitionAfter: days(props.curatedGlacierInstantRetrievalDays ?? 90),
        },
      ]),
    );
    // Query results (both workgroups' and UNLOAD exports, at any prefix) are derived data: all of it expires.
    const athenaResults = zone(
      'AthenaResults',
      'athena-results',
      lifecycle(days(props.athenaResultsRetentionDays ?? 7), 'whole-bucket'),
    );
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

  /**
   * Read the objects under `prefixes` of a zone, nothing else in it: GetObject on those keys, ListBucket
   * limited to those prefixes, Decrypt with the zone key through S3 only. With `onlyThrough` (a service
   * principal such as `athena.amazonaws.com`), S3 allows the reads only when that service makes them on the
   * grantee's behalf (`aws:CalledVia`): queries, not downloads.
   */
  grantReadPrefixes(
    zone: DataZone,
    grantee: iam.IGrantable,
    prefixes: readonly string[],
    onlyThrough?: string,
  ): void {
    const bucket = this.bucket(zone);
    const via = onlyThrough ? { 'ForAnyValue:StringEquals': { 'aws:CalledVia': [onlyThrough] } } : {};
    const add = (statement: iam.PolicyStatement) => grantee.grantPrincipal.addToPrincipalPolicy(statement);
    add(
      new iam.PolicyStatement({
        actions: ['s3:GetObject'],
        resources: prefixes.map((p) => bucket.arnForObjects(`${p}*`)),
        conditions: via,
      }),
    );
    add(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': prefixes.map((p) => `${p}*`) }, ...via },
      }),
    );
    add(
      new iam.PolicyStatement({
        actions: ['s3:GetBucketLocation'],
        resources: [bucket.bucketArn],
        conditions: via,
      }),
    );
    this.grantKeyThroughS3(zone, grantee, ['kms:Decrypt']);
  }

  /**
   * Read and write the objects under one prefix of a zone (query results): Get/Put and multipart parts on
   * those keys, ListBucket limited to the prefix, the zone key through S3 only. No delete.
   */
  grantReadWritePrefix(zone: DataZone, grantee: iam.IGrantable, prefix: string): void {
    const bucket = this.bucket(zone);
    const add = (statement: iam.PolicyStatement) => grantee.grantPrincipal.addToPrincipalPolicy(statement);
    add(
      new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
        resources: [bucket.arnForObjects(`${prefix}*`)],
      }),
    );
    add(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } },
      }),
    );
    add(
      new iam.PolicyStatement({
        actions: ['s3:GetBucketLocation', 's3:ListBucketMultipartUploads'],
        resources: [bucket.bucketArn],
      }),
    );
    this.grantKeyThroughS3(zone, grantee, ['kms:Decrypt', 'kms:GenerateDataKey']);
  }

  /** Use of a zone key only in requests S3 makes for the grantee (`kms:ViaService`). */
  private grantKeyThroughS3(zone: DataZone, grantee: iam.IGrantable, actions: string[]): void {
    const key = this.bucket(zone).encryptionKey as kms.IKey;
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions,
        resources: [key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${Stack.of(this).region}.amazonaws.com` } },
      }),
    );
  }

  /** Delete objects in a zone (erasure); combine with grantRead to find them. */
  grantDelete(zone: DataZone, grantee: iam.IGrantable): iam.Grant {
    return this.bucket(zone).grantDelete(grantee);
  }
}
