/**
 * Query layer: the Glue database and tables over the lake (Parquet and JSON, partition projection, no
 * crawlers), two locked Athena workgroups (engine v3, enforced configuration, SSE-KMS results, bytes-scanned
 * cutoff, each with its own results prefix): the pipeline's (`worktrace-<stage>`: canary, platform team,
 * privacy officer) and the analysts' (`worktrace-<stage>-analysts`), and the training-set views as Glue VIRTUAL_VIEW tables (Presto view definitions of the very SQL
 * files local mode runs on DuckDB). Column lists come from core/lake/schema.ts, the same data the
 * Parquet writers use.
 */
import { Stack } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { glueTypeOf, LAKE_TABLES, TABLE_LOCATIONS, type TableDef } from '#core/lake/schema.js';
import { SEQUENCE_SHARDS_MAX } from '#core/sequence/shards.js';
import { bindViewParams, type ViewParams } from '#core/views/dialect.js';
import { VIEWS, viewSql } from '#core/views/registry.js';
import { analystWorkgroupName, glueDatabaseName, workgroupName } from './names.js';

/** Props of QueryLayer. */
export interface QueryLayerProps {
  /** Stage; names the Glue database and the workgroup (lib/names.ts). */
  readonly stage: string;
  /** Zone buckets the tables read. */
  readonly buckets: {
    readonly events: s3.IBucket;
    readonly quarantine: s3.IBucket;
    readonly curated: s3.IBucket;
    readonly athenaResults: s3.IBucket;
  };
  /** Key the query results are encrypted with (SSE-KMS). */
  readonly resultsKey: kms.IKey;
  /** View parameters (k-anonymity, minimum episode length, retention, sft context). */
  readonly viewParams: ViewParams;
  /** Athena per-query scan limit, bytes. @default 10 GB */
  readonly bytesScannedCutoffPerQuery?: number;
  /** Turn on Glue Data Catalog encryption (account-wide, per region). @default false */
  readonly glueCatalogEncryption?: boolean;
  /** Days of partitions projection offers (older ones are gone by lifecycle anyway). @default 400 */
  readonly projectionDays?: number;
}

const PARQUET = {
  inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
  outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
  serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
};
const JSON_LINES = {
  inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
  outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
  serdeInfo: { serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' },
};

/** Converts a Trino type (`array(row(a varchar))`) to its Hive spelling (`array<struct<a:string>>`). */
export function hiveTypeOf(trino: string): string {
  return trino
    .replace(/timestamp\(3\)/g, 'timestamp')
    .replace(/\bvarchar\b/g, 'string')
    .replace(/\binteger\b/g, 'int')
    .replace(/\barray\(/g, 'array<')
    .replace(/\brow\(/g, 'struct<')
    .replace(/(\w+) (?=[a-z])/g, '$1:')
    .replace(/\)/g, '>')
    .replace(/, /g, ',');
}

/** The Presto view definition Athena stores in a Glue VIRTUAL_VIEW table. */
export function prestoViewText(
  sql: string,
  database: string,
  columns: readonly { name: string; type: string }[],
): string {
  const originalSql = sql
    .split('\n')
    .filter((l) => !l.trim().startsWith('--'))
    .join('\n')
    .trim();
  const definition = {
    originalSql,
    catalog: 'awsdatacatalog',
    schema: database,
    columns: columns.map((c) => ({ name: c.name, type: c.type })),
  };
  return `/* Presto View: ${Buffer.from(JSON.stringify(definition)).toString('base64')} */`;
}

/** Glue database, tables with projection, the Athena workgroups and the views. */
export class QueryLayer extends Construct {
  /** The Glue database. */
  public readonly database: glue.CfnDatabase;
  /** Glue tables by lake table name (events, quarantine, actions, episodes, opt_outs). */
  public readonly tables: Record<string, glue.CfnTable>;
  /** Glue VIRTUAL_VIEW tables by view id. */
  public readonly views: Record<string, glue.CfnTable>;
  /** The pipeline's workgroup (canary, platform team, privacy officer): every table and view. */
  public readonly workgroup: athena.CfnWorkGroup;
  /** Where the pipeline workgroup's results land (`s3://<athena-results>/<workgroup>/`). */
  public readonly resultsUri: string;
  /** The analysts' workgroup: only the analyst role may use it (lib/analyst-access.ts). */
  public readonly analystWorkgroup: athena.CfnWorkGroup;
  /** Key prefix of the analysts' results in the athena-results bucket (`<analyst workgroup>/`). */
  public readonly analystResultsPrefix: string;
  /** Where the analysts' results (and their UNLOAD exports) land. */
  public readonly analystResultsUri: string;
  /** Key of the Data Catalog encryption, when switched on. */
  public readonly catalogKey?: kms.Key;

  constructor(scope: Construct, id: string, props: QueryLayerProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const databaseName = glueDatabaseName(props.stage);
    const catalogId = stack.account;
    const projectionDays = props.projectionDays ?? 400;
    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId,
      databaseInput: {
        name: databaseName,
        description: `worktrace ${props.stage} lake: training sets and stats`,
      },
    });

    const bucketOf = (zone: string): s3.IBucket =>
      zone === 'events'
        ? props.buckets.events
        : zone === 'quarantine'
          ? props.buckets.quarantine
          : props.buckets.curated;
    this.tables = {};
    for (const table of Object.values(LAKE_TABLES) as TableDef[]) {
      const loc = TABLE_LOCATIONS[table.name as keyof typeof TABLE_LOCATIONS];
      const base = `s3://${bucketOf(loc.zone).bucketName}/${loc.prefix}`;
      const json = table.name === 'quarantine' || table.name === 'opt_outs';
      const template = `${base}${table.partitionKeys.map((k) => `${k}=\${${k}}/`).join('')}`;
      const projection: Record<string, string> = {};
      if (table.partitionKeys.length > 0) {
        Object.assign(projection, {
          'projection.enabled': 'true',
          'storage.location.template': template,
        });
        if (table.partitionKeys.includes('dt')) {
          Object.assign(projection, {
            'projection.dt.type': 'date',
            'projection.dt.format': 'yyyy-MM-dd',
            'projection.dt.range': `NOW-${projectionDays}DAYS,NOW+1DAYS`,
            'projection.dt.interval': '1',
            'projection.dt.interval.unit': 'DAYS',
          });
        }
        if (table.partitionKeys.includes('hour')) {
          Object.assign(projection, {
            'projection.hour.type': 'integer',
            'projection.hour.range': '0,23',
            'projection.hour.digits': '2',
          });
        }
        // The sequence shard of the events zone (`shard=00`..`shard=63`, core/sequence/shards.ts). Objects
        // written before shards (no shard= level) are outside this template: Athena no longer sees them, and
        // they age out with the events zone's retention (docs/sequencing.md, "Shards").
        if (table.partitionKeys.includes('shard')) {
          Object.assign(projection, {
            'projection.shard.type': 'integer',
            'projection.shard.range': `0,${SEQUENCE_SHARDS_MAX - 1}`,
            'projection.shard.digits': '2',
          });
        }
      }
      const t = new glue.CfnTable(this, `Table-${table.name}`, {
        catalogId,
        databaseName,
        tableInput: {
          name: table.name,
          description: `worktrace ${table.name} (${loc.zone} zone)`,
          tableType: 'EXTERNAL_TABLE',
          parameters: { EXTERNAL: 'TRUE', classification: json ? 'json' : 'parquet', ...projection },
          partitionKeys: table.partitionKeys.map((k) => ({ name: k, type: 'string' })),
          storageDescriptor: {
            location: base,
            columns: table.columns.map((c) => ({
              name: c.name,
              type: glueTypeOf(c.type),
              comment: c.description,
            })),
            ...(json ? JSON_LINES : PARQUET),
          },
        },
      });
      t.addResourceDependency(this.database);
      this.tables[table.name] = t;
    }

    const lockedWorkgroup = (id: string, name: string, description: string) =>
      new athena.CfnWorkGroup(this, id, {
        name,
        description,
        state: 'ENABLED',
        recursiveDeleteOption: false,
        workGroupConfiguration: {
          enforceWorkGroupConfiguration: true,
          publishCloudWatchMetricsEnabled: true,
          requesterPaysEnabled: false,
          bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery ?? 10_000_000_000,
          engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
          resultConfiguration: {
            outputLocation: `s3://${props.buckets.athenaResults.bucketName}/${name}/`,
            encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: props.resultsKey.keyArn },
            expectedBucketOwner: stack.account,
          },
        },
      });
    this.resultsUri = `s3://${props.buckets.athenaResults.bucketName}/${workgroupName(props.stage)}/`;
    this.workgroup = lockedWorkgroup(
      'WorkGroup',
      workgroupName(props.stage),
      `worktrace ${props.stage}: the pipeline (canary), platform team and privacy officer query every table here`,
    );
    const analysts = analystWorkgroupName(props.stage);
    this.analystResultsPrefix = `${analysts}/`;
    this.analystResultsUri = `s3://${props.buckets.athenaResults.bucketName}/${this.analystResultsPrefix}`;
    this.analystWorkgroup = lockedWorkgroup(
      'AnalystWorkGroup',
      analysts,
      `worktrace ${props.stage}: analysts query the published training-set views here`,
    );

    this.views = {};
    for (const view of VIEWS) {
      const sql = bindViewParams(viewSql(view), props.viewParams);
      const v = new glue.CfnTable(this, `View-${view.id}`, {
        catalogId,
        databaseName,
        tableInput: {
          name: view.id,
          description: view.description,
          tableType: 'VIRTUAL_VIEW',
          parameters: { presto_view: 'true', comment: 'Presto View' },
          viewOriginalText: prestoViewText(sql, databaseName, view.columns),
          viewExpandedText: '/* Presto View */',
          storageDescriptor: {
            columns: view.columns.map((c) => ({
              name: c.name,
              type: hiveTypeOf(c.type),
              comment: c.description,
            })),
            serdeInfo: {},
          },
        },
      });
      for (const t of Object.values(this.tables)) v.addResourceDependency(t);
      this.views[view.id] = v;
    }

    if (props.glueCatalogEncryption) {
      this.catalogKey = new kms.Key(this, 'CatalogKey', {
        enableKeyRotation: true,
        description: `worktrace ${props.stage}: Glue Data Catalog encryption`,
      });
      new glue.CfnDataCatalogEncryptionSettings(this, 'CatalogEncryption', {
        catalogId,
        dataCatalogEncryptionSettings: {
          encryptionAtRest: { catalogEncryptionMode: 'SSE-KMS', sseAwsKmsKeyId: this.catalogKey.keyArn },
          connectionPasswordEncryption: {
            returnConnectionPasswordEncrypted: true,
            kmsKeyId: this.catalogKey.keyArn,
          },
        },
      });
    }
  }
}
