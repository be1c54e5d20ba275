/**
 * Analyst access: one role, assumable by a configured principal, that may query in the stage's Athena
 * workgroup, read the Glue catalog of the stage's database, read the curated zone and use the
 * athena-results zone. It has no access to the events or quarantine zones. The workgroup and the Glue
 * tables are created elsewhere (lib/query-layer.ts); permissions are granted on their ARNs by name.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { DataLake } from './data-lake.js';
import { acknowledgeFindings, GRANT_WILDCARD_ACTIONS, objectsFinding } from './nag.js';
import { glueDatabaseName, workgroupName } from './names.js';

/** Athena actions an analyst needs to run and read queries. */
const ATHENA_QUERY_ACTIONS = [
  'athena:StartQueryExecution',
  'athena:StopQueryExecution',
  'athena:GetQueryExecution',
  'athena:GetQueryResults',
  'athena:GetQueryResultsStream',
  'athena:BatchGetQueryExecution',
  'athena:ListQueryExecutions',
  'athena:GetWorkGroup',
  'athena:GetNamedQuery',
  'athena:ListNamedQueries',
  'athena:BatchGetNamedQuery',
];

/** Glue catalog reads Athena performs on the analyst's behalf. */
const GLUE_READ_ACTIONS = [
  'glue:GetDatabase',
  'glue:GetTable',
  'glue:GetTables',
  'glue:GetPartition',
  'glue:GetPartitions',
  'glue:BatchGetPartition',
];

/** Props of AnalystAccess. */
export interface AnalystAccessProps {
  /** Stage; the workgroup and Glue database names derive from it (lib/names.ts). */
  readonly stage: string;
  /** The lake. */
  readonly lake: DataLake;
  /** ARN of the principal allowed to assume the role. @default the account root (IAM policies decide) */
  readonly principalArn?: string;
  /** Longest session. @default Duration.hours(1) */
  readonly maxSessionDuration?: Duration;
}

/** The analyst role. */
export class AnalystAccess extends Construct {
  /** Role analysts assume. */
  public readonly role: iam.Role;
  /** The workgroup the role may use (created by the query layer under this name). */
  public readonly workgroupName: string;
  /** The Glue database the role may read (created by the query layer under this name). */
  public readonly glueDatabaseName: string;

  constructor(scope: Construct, id: string, props: AnalystAccessProps) {
    super(scope, id);
    this.workgroupName = workgroupName(props.stage);
    this.glueDatabaseName = glueDatabaseName(props.stage);
    this.role = new iam.Role(this, 'Role', {
      description: `worktrace ${props.stage} analysts: query curated data in the ${this.workgroupName} workgroup`,
      assumedBy: props.principalArn
        ? new iam.ArnPrincipal(props.principalArn)
        : new iam.AccountRootPrincipal(),
      maxSessionDuration: props.maxSessionDuration ?? Duration.hours(1),
    });
    grantAthenaQuery(this.role, props.stage, props.lake);
  }
}

/**
 * Lets a role run queries in the stage's workgroup: Athena on the workgroup, read the stage's Glue
 * database, read the curated zone, read/write the athena-results zone; acknowledges the scoped wildcards.
 */
export function grantAthenaQuery(role: iam.Role, stage: string, lake: DataLake): void {
  const stack = Stack.of(role);
  const database = glueDatabaseName(stage);
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'QueryInWorkgroup',
      actions: ATHENA_QUERY_ACTIONS,
      resources: [
        stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: workgroupName(stage) }),
      ],
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'ReadCatalog',
      actions: GLUE_READ_ACTIONS,
      resources: [
        stack.formatArn({ service: 'glue', resource: 'catalog' }),
        stack.formatArn({ service: 'glue', resource: 'database', resourceName: database }),
        stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${database}/*` }),
      ],
    }),
  );
  lake.grantRead('curated', role);
  lake.grantReadWrite('athenaResults', role);
  acknowledgeFindings(
    role,
    'AwsSolutions-IAM5',
    [
      objectsFinding(lake.curatedBucket),
      objectsFinding(lake.athenaResultsBucket),
      ...GRANT_WILDCARD_ACTIONS.read,
      ...GRANT_WILDCARD_ACTIONS.write,
      `Resource::arn:<AWS::Partition>:glue:<AWS::Region>:<AWS::AccountId>:table/${database}/*`,
    ],
    "Scoped wildcards only: the tables of this stage's Glue database, objects of the curated (read) and " +
      'athena-results (read/write) buckets, and the grant actions (Get*/List*/Abort*, ' +
      'GenerateDataKey*/ReEncrypt*) on those two zone keys. No events or quarantine access.',
  );
}
