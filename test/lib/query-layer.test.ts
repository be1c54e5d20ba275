import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ACTIONS_TABLE, EPISODES_TABLE, EVENTS_TABLE, glueTypeOf, LAKE_TABLES } from '#core/lake/schema.js';
import { VIEWS } from '#core/views/registry.js';
import { hiveTypeOf } from '../../lib/query-layer.js';
import { synth } from './synth.js';

const { template, stack } = synth();
const tables = template.findResources('AWS::Glue::Table');
const byName = (name: string) =>
  Object.values(tables).find((t) => t.Properties.TableInput.Name === name)?.Properties.TableInput as Record<
    string,
    // biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON
    any
  >;

describe('query layer: Glue tables', () => {
  it('defines a table per lake table, columns exactly as the Parquet writers write them', () => {
    for (const table of Object.values(LAKE_TABLES)) {
      const t = byName(table.name);
      expect(t, table.name).toBeDefined();
      expect(
        t.StorageDescriptor.Columns.map((c: { Name: string; Type: string }) => [c.Name, c.Type]),
      ).toEqual(table.columns.map((c) => [c.name, glueTypeOf(c.type)]));
      expect(t.PartitionKeys.map((k: { Name: string }) => k.Name)).toEqual(table.partitionKeys);
    }
  });

  it('uses partition projection on dt (and hour and shard for events), no crawler', () => {
    const events = byName(EVENTS_TABLE.name);
    expect(events.Parameters).toMatchObject({
      'projection.enabled': 'true',
      'projection.dt.type': 'date',
      'projection.dt.format': 'yyyy-MM-dd',
      'projection.hour.type': 'integer',
      'projection.hour.range': '0,23',
      'projection.hour.digits': '2',
      'projection.shard.type': 'integer',
      'projection.shard.range': '0,63',
      'projection.shard.digits': '2',
    });
    // Glue's projection template is literally `${dt}`: built here so no string holds a placeholder.
    const placeholder = (k: string) => `$\{${k}}`;
    expect(JSON.stringify(events.Parameters['storage.location.template'])).toContain(
      `/events/dt=${placeholder('dt')}/hour=${placeholder('hour')}/shard=${placeholder('shard')}/`,
    );
    expect(events.PartitionKeys.map((k: { Name: string }) => k.Name)).toEqual(['dt', 'hour', 'shard']);
    expect(byName('quarantine').Parameters['projection.shard.type']).toBeUndefined();
    for (const t of [ACTIONS_TABLE, EPISODES_TABLE]) {
      expect(byName(t.name).Parameters['projection.dt.type']).toBe('date');
      expect(byName(t.name).Parameters['projection.hour.type']).toBeUndefined();
    }
    expect(byName(EVENTS_TABLE.name).StorageDescriptor.SerdeInfo.SerializationLibrary).toContain(
      'ParquetHiveSerDe',
    );
    expect(byName('quarantine').StorageDescriptor.SerdeInfo.SerializationLibrary).toBe(
      'org.openx.data.jsonserde.JsonSerDe',
    );
    template.resourceCountIs('AWS::Glue::Crawler', 0);
  });
});

describe('query layer: Athena workgroup', () => {
  it('is engine v3, enforced, SSE-KMS into the athena-results bucket, with the configured scan cutoff', () => {
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: `worktrace-${stack.config.stage}`,
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: true,
        RequesterPaysEnabled: false,
        BytesScannedCutoffPerQuery: stack.config.bytesScannedCutoffPerQuery,
        EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
        ResultConfiguration: {
          EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey: Match.anyValue() },
          OutputLocation: Match.anyValue(),
        },
      },
    });
  });

  it('follows the configured cutoff, and false settings stay false', () => {
    const other = synth({ bytesScannedCutoffPerQuery: 123_000_000, glueCatalogEncryption: false });
    other.template.hasResourceProperties('AWS::Athena::WorkGroup', {
      WorkGroupConfiguration: Match.objectLike({
        BytesScannedCutoffPerQuery: 123_000_000,
        RequesterPaysEnabled: false,
      }),
    });
    other.template.resourceCountIs('AWS::Glue::DataCatalogEncryptionSettings', 0);
  });

  it('turns on Data Catalog encryption only behind its flag, and lets the analyst decrypt the catalog', () => {
    const on = synth({ glueCatalogEncryption: true });
    on.template.hasResourceProperties('AWS::Glue::DataCatalogEncryptionSettings', {
      DataCatalogEncryptionSettings: { EncryptionAtRest: { CatalogEncryptionMode: 'SSE-KMS' } },
    });
    expect(JSON.stringify(on.template.toJSON())).toMatch(/kms:Decrypt/);
  });
});

describe('query layer: views', () => {
  it('deploys every registered view as a Presto VIRTUAL_VIEW with its SQL and columns', () => {
    for (const view of VIEWS) {
      const t = byName(view.id);
      expect(t.TableType).toBe('VIRTUAL_VIEW');
      const encoded = /\/\* Presto View: (.*) \*\//.exec(t.ViewOriginalText)?.[1] as string;
      const definition = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
      expect(definition.schema).toBe(stack.analyst.glueDatabaseName);
      expect(definition.columns).toEqual(view.columns.map((c) => ({ name: c.name, type: c.type })));
      expect(definition.originalSql).not.toMatch(/\{\{/);
      expect(t.StorageDescriptor.Columns.map((c: { Name: string }) => c.Name)).toEqual(
        view.columns.map((c) => c.name),
      );
    }
    const kView = JSON.parse(
      Buffer.from(
        /Presto View: (.*) \*\//.exec(byName('app_workflow_stats').ViewOriginalText)?.[1] as string,
        'base64',
      ).toString(),
    );
    expect(kView.originalSql).toContain(`>= ${stack.config.kAnonymity}`);
  });

  it('spells Trino types in Hive for the Glue columns', () => {
    expect(hiveTypeOf('array(row(step_index integer, ts timestamp(3), text varchar))')).toBe(
      'array<struct<step_index:int,ts:timestamp,text:string>>',
    );
    expect(hiveTypeOf('array(varchar)')).toBe('array<string>');
  });

  it('outputs what analysts and agents need', () => {
    for (const o of [
      'AthenaWorkGroup',
      'GlueDatabase',
      'AthenaResultsUri',
      'AnalystRoleArn',
      'IngestStreamName',
      'AgentPolicyArn',
    ]) {
      template.hasOutput(o, Match.anyValue());
    }
  });
});
