/**
 * Analyst access: one role, assumable by a configured principal, that sees only what the training views
 * publish. It may query in its own Athena workgroup (the query layer's analyst workgroup: enforced
 * configuration, SSE-KMS results under its own prefix) and nowhere else; read from the Glue catalog only
 * the published views and exactly the tables they read; read through Athena only those tables' prefixes of
 * the curated zone; and read/write only its own results prefix. Nothing of the events or quarantine zones,
 * of `_registry/`, `_state/` or `_erase/`, or of other workgroups' results.
 *
 * The residual trust boundary (plain IAM, no Lake Formation): Athena runs a view with the caller's
 * permissions, so a principal that may query a view may also query the tables that view reads
 * (`SELECT * FROM actions` works). What the views filter at query time must therefore also be removed from
 * those tables (opt-outs by erasure, retention by lifecycle); minimum length and k-anonymity are view-only.
 * docs/deployment.md ("Analyst access") says so.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { LAKE_TABLES, TABLE_LOCATIONS } from '#core/lake/schema.js';
import { VIEWS, viewSql } from '#core/views/registry.js';
import type { DataLake } from './data-lake.js';
import { acknowledgeFindings, GRANT_WILDCARD_ACTIONS, objectsFinding, prefixFinding } from './nag.js';
import { glueDatabaseName, workgroupName } from './names.js';
import type { QueryLayer } from './query-layer.js';

/** Athena actions a principal needs to run and read queries in a workgroup. */
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

/** Glue catalog reads Athena performs on the caller's behalf for one table or view. */
const GLUE_TABLE_READ_ACTIONS = [
  'glue:GetTable',
  'glue:GetPartition',
  'glue:GetPartitions',
  'glue:BatchGetPartition',
];

/** The zones whose tables analysts may read (through the views). */
export const ANALYST_ZONES = ['curated'] as const;

/** Athena's service principal: analysts read the curated zone only through queries. */
const ATHENA_SERVICE = 'athena.amazonaws.com';

/**
 * The lake tables and views a SQL text names (whole words outside `--` comments). It over-approximates on
 * purpose: a name in a string literal counts as read, which can only withhold a view, never publish one.
 */
export function relationsNamedIn(sql: string, known: Iterable<string>): string[] {
  const text = sql.replace(/--.*$/gm, '');
  return [...known].filter((name) => new RegExp(`\\b${name}\\b`, 'i').test(text));
}

/** What analysts may see: the published views and the lake tables those views read, by name. */
export interface PublishedRelations {
  /** Views whose every table lives in ANALYST_ZONES, in registry order. */
  readonly views: readonly string[];
  /** The tables those views read, directly or through other views. */
  readonly tables: readonly string[];
}

/** The registered views analysts may query, and exactly the tables Athena needs to run them. */
export function publishedRelations(): PublishedRelations {
  const tableNames = Object.keys(LAKE_TABLES).map((k) => LAKE_TABLES[k as keyof typeof LAKE_TABLES].name);
  const viewIds = VIEWS.map((v) => v.id);
  const tablesOf = new Map<string, Set<string>>();
  for (const view of VIEWS) {
    const named = relationsNamedIn(viewSql(view), [...tableNames, ...viewIds]).filter((n) => n !== view.id);
    const tables = new Set<string>();
    for (const n of named) {
      const viaView = tablesOf.get(n);
      // VIEWS is in dependency order, so a view read here was resolved already; an unknown one is read as
      // "every table" so that the view is withheld rather than published with a gap.
      if (viewIds.includes(n)) for (const t of viaView ?? tableNames) tables.add(t);
      else tables.add(n);
    }
    tablesOf.set(view.id, tables);
  }
  const readable = (table: string) =>
    (ANALYST_ZONES as readonly string[]).includes(
      TABLE_LOCATIONS[table as keyof typeof TABLE_LOCATIONS]?.zone ?? '',
    );
  const views = viewIds.filter((id) => [...(tablesOf.get(id) ?? [])].every(readable));
  const tables = tableNames.filter((t) => views.some((v) => tablesOf.get(v)?.has(t)));
  return { views, tables };
}

/** Props of AnalystAccess. */
export interface AnalystAccessProps {
  /** Stage; the Glue database name derives from it (lib/names.ts). */
  readonly stage: string;
  /** The lake. */
  readonly lake: DataLake;
  /** The query layer: its analyst workgroup and results prefix. */
  readonly query: QueryLayer;
  /** ARN of the principal allowed to assume the role. @default the account root (IAM policies decide) */
  readonly principalArn?: string;
  /** Longest session. @default Duration.hours(1) */
  readonly maxSessionDuration?: Duration;
}

/** The analyst role, limited to the published views. */
export class AnalystAccess extends Construct {
  /** Role analysts assume. */
  public readonly role: iam.Role;
  /** The analysts' workgroup, the only one the role may use. */
  public readonly workgroupName: string;
  /** The Glue database of the published views. */
  public readonly glueDatabaseName: string;
  /** The views the role may query, and the tables they read (the only catalog entries it may read). */
  public readonly published: PublishedRelations;

  constructor(scope: Construct, id: string, props: AnalystAccessProps) {
    super(scope, id);
    const { lake, query } = props;
    const stack = Stack.of(this);
    this.workgroupName = query.analystWorkgroup.name;
    this.glueDatabaseName = glueDatabaseName(props.stage);
    this.published = publishedRelations();
    this.role = new iam.Role(this, 'Role', {
      description: `worktrace ${props.stage} analysts: query the published views in the ${this.workgroupName} workgroup`,
      assumedBy: props.principalArn
        ? new iam.ArnPrincipal(props.principalArn)
        : new iam.AccountRootPrincipal(),
      maxSessionDuration: props.maxSessionDuration ?? Duration.hours(1),
    });
    const database = this.glueDatabaseName;
    const table = (name: string) =>
      stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${database}/${name}` });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'QueryInAnalystWorkgroup',
        actions: ATHENA_QUERY_ACTIONS,
        resources: [
          stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: this.workgroupName }),
        ],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadPublishedCatalog',
        actions: ['glue:GetDatabase', ...GLUE_TABLE_READ_ACTIONS],
        resources: [
          stack.formatArn({ service: 'glue', resource: 'catalog' }),
          stack.formatArn({ service: 'glue', resource: 'database', resourceName: database }),
          ...[...this.published.views, ...this.published.tables].map(table),
        ],
      }),
    );
    const prefixes = this.published.tables.map(
      (t) => TABLE_LOCATIONS[t as keyof typeof TABLE_LOCATIONS].prefix,
    );
    lake.grantReadPrefixes('curated', this.role, prefixes, ATHENA_SERVICE);
    lake.grantReadWritePrefix('athenaResults', this.role, query.analystResultsPrefix);
    acknowledgeFindings(
      this.role,
      'AwsSolutions-IAM5',
      [
        ...prefixes.map((p) => prefixFinding(lake.curatedBucket, p)),
        prefixFinding(lake.athenaResultsBucket, query.analystResultsPrefix),
      ],
      "Objects under the published tables' prefixes of the curated zone (read through Athena only) and under " +
        "the analysts' own results prefix of the athena-results zone (read/write, no delete); nothing else.",
    );
  }
}

/**
 * Lets a pipeline role (the canary) run queries in the stage's pipeline workgroup: Athena on that workgroup,
 * every table and view of the stage's Glue database, read the curated zone, read/write that workgroup's
 * results prefix of the athena-results zone; acknowledges the scoped wildcards. Not for analysts.
 */
export function grantAthenaQuery(role: iam.Role, stage: string, lake: DataLake): void {
  const stack = Stack.of(role);
  const database = glueDatabaseName(stage);
  const workgroup = workgroupName(stage);
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'QueryInWorkgroup',
      actions: ATHENA_QUERY_ACTIONS,
      resources: [stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: workgroup })],
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'ReadCatalog',
      actions: ['glue:GetDatabase', 'glue:GetTables', ...GLUE_TABLE_READ_ACTIONS],
      resources: [
        stack.formatArn({ service: 'glue', resource: 'catalog' }),
        stack.formatArn({ service: 'glue', resource: 'database', resourceName: database }),
        stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${database}/*` }),
      ],
    }),
  );
  lake.grantRead('curated', role);
  lake.grantReadWritePrefix('athenaResults', role, `${workgroup}/`);
  acknowledgeFindings(
    role,
    'AwsSolutions-IAM5',
    [
      objectsFinding(lake.curatedBucket),
      prefixFinding(lake.athenaResultsBucket, `${workgroup}/`),
      ...GRANT_WILDCARD_ACTIONS.read,
      `Resource::arn:<AWS::Partition>:glue:<AWS::Region>:<AWS::AccountId>:table/${database}/*`,
    ],
    "Scoped wildcards only: the tables of this stage's Glue database, objects of the curated zone (read), " +
      "the pipeline workgroup's results prefix of the athena-results zone (read/write), and the grant actions " +
      '(Get*/List*) on the curated bucket. No events or quarantine access from this grant.',
  );
}
