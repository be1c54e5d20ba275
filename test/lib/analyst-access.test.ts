/**
 * Invariant 10 (what IAM alone can do): analysts see only what the views publish. Reads the analyst role's
 * synthesised policy and evaluates it against probes: which Glue entries, which S3 keys, which workgroup.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { OPT_OUT_REGISTRY_KEY } from '#core/governance/opt-outs.js';
import { WATERMARK_KEY } from '#core/sequence/sequencer.js';
import { publishedRelations, relationsNamedIn } from '../../lib/analyst-access.js';
import { logicalIdOf } from '../../lib/nag.js';
import { logicalId, statementsOfRole, synth } from './synth.js';

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** `kms:Create*` → a RegExp for the actions it covers. */
const glob = (pattern: string) =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);

/** An object resource `<bucket>.Arn/<suffix>` as [bucket logical id, key pattern]; undefined for others. */
function objectResource(resource: unknown): [string, RegExp] | undefined {
  const parts = (resource as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join']?.[1];
  const bucket = (parts?.[0] as { 'Fn::GetAtt'?: string[] } | undefined)?.['Fn::GetAtt']?.[0];
  const suffix = parts?.[1];
  if (!bucket || typeof suffix !== 'string' || !suffix.startsWith('/')) return undefined;
  return [bucket, glob(suffix.slice(1))];
}

describe('analyst access (analyst principal configured)', () => {
  const { template, stack } = synth({ analystPrincipalArn: 'arn:aws:iam::123456789012:role/data-science' });
  const { lake } = stack;
  const statements = statementsOfRole(
    template,
    logicalId(template, 'AWS::IAM::Role', 'AnalystRole'),
  ) as Statement[];
  const allowing = (action: string) =>
    statements.filter((s) => s.Effect === 'Allow' && [s.Action].flat().some((a) => glob(a).test(action)));

  /** Whether the policy allows `action` on object `key` of `bucket` (in any request context). */
  const mayObject = (action: string, bucket: string, key: string) =>
    allowing(action).some((s) =>
      [s.Resource].flat().some((r) => {
        const o = objectResource(r);
        return o !== undefined && o[0] === bucket && o[1].test(key);
      }),
    );

  it('has its own workgroup: enforced configuration, SSE-KMS results under its own prefix', () => {
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: 'worktrace-dev-analysts',
      WorkGroupConfiguration: Match.objectLike({
        EnforceWorkGroupConfiguration: true,
        EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
        ResultConfiguration: Match.objectLike({
          OutputLocation: {
            'Fn::Join': [
              '',
              ['s3://', { Ref: logicalIdOf(lake.athenaResultsBucket) }, '/worktrace-dev-analysts/'],
            ],
          },
          EncryptionConfiguration: {
            EncryptionOption: 'SSE_KMS',
            KmsKey: { 'Fn::GetAtt': [logicalIdOf(lake.athenaResultsKey), 'Arn'] },
          },
        }),
      }),
    });
    expect(stack.analyst.workgroupName).toBe('worktrace-dev-analysts');
    template.hasOutput('AthenaWorkGroup', { Value: 'worktrace-dev-analysts' });
  });

  it('may use Athena only in its own workgroup, not in the pipeline workgroup', () => {
    const athena = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('athena:')));
    expect(athena.length).toBeGreaterThan(0);
    for (const s of athena)
      expect(JSON.stringify(s.Resource)).toMatch(/:workgroup\/worktrace-dev-analysts"\]\]\}$/);
  });

  it('reads from the catalog only the published views and exactly the tables they read', () => {
    const glue = allowing('glue:GetTable');
    const tables = glue
      .flatMap((s) => [s.Resource].flat())
      .map((r) => /:table\/worktrace_dev\/(.+)"\]\]\}$/.exec(JSON.stringify(r))?.[1])
      .filter((t): t is string => t !== undefined)
      .sort();
    expect(tables).toEqual([
      'actions',
      'app_workflow_stats',
      'episodes',
      'error_recovery_examples',
      'opt_outs',
      'sft_examples',
      'training_trajectories',
    ]);
    expect(JSON.stringify(glue)).not.toMatch(
      /:table\/worktrace_dev\/\*|\/events"|\/quarantine"|redaction_summary/,
    );
  });

  it('publishes the views whose tables all live in the curated zone (redaction_summary reads events)', () => {
    expect(publishedRelations()).toEqual({
      views: ['training_trajectories', 'sft_examples', 'error_recovery_examples', 'app_workflow_stats'],
      tables: ['actions', 'episodes', 'opt_outs'],
    });
    expect(stack.analyst.published).toEqual(publishedRelations());
    expect(
      relationsNamedIn('SELECT 1 FROM a_events -- FROM episodes\nJOIN opt_outs o', [
        'events',
        'episodes',
        'opt_outs',
      ]),
    ).toEqual(['opt_outs']);
  });

  it('reads curated objects only under the published tables, only through Athena', () => {
    const curated = logicalIdOf(lake.curatedBucket);
    for (const key of [
      'actions/dt=2026-01-01/a.parquet',
      'episodes/dt=2026-01-01/e.parquet',
      'opt_outs/registry.jsonl',
    ])
      expect(mayObject('s3:GetObject', curated, key), key).toBe(true);
    for (const s of allowing('s3:GetObject').filter((x) => JSON.stringify(x.Resource).includes(curated)))
      expect(s.Condition?.['ForAnyValue:StringEquals']?.['aws:CalledVia']).toEqual(['athena.amazonaws.com']);
    const list = allowing('s3:ListBucket').filter((s) => JSON.stringify(s.Resource).includes(curated));
    expect(list.map((s) => s.Condition?.StringLike?.['s3:prefix'])).toEqual([
      ['actions/*', 'episodes/*', 'opt_outs/*'],
    ]);
  });

  it("can read no control object, no events or quarantine object and no other principal's results", () => {
    const probes: [string, string][] = [
      [logicalIdOf(lake.curatedBucket), WATERMARK_KEY],
      [logicalIdOf(lake.curatedBucket), '_erase/journal/subject.json'],
      [logicalIdOf(lake.curatedBucket), '_sweeps/subject.json'],
      [logicalIdOf(lake.curatedBucket), 'anything-else/x.json'],
      [logicalIdOf(lake.eventsBucket), OPT_OUT_REGISTRY_KEY],
      [logicalIdOf(lake.eventsBucket), 'events/dt=2026-01-01/hour=00/x.parquet'],
      [logicalIdOf(lake.quarantineBucket), 'quarantine/dt=2026-01-01/hour=00/x.jsonl'],
      [logicalIdOf(lake.athenaResultsBucket), 'worktrace-dev/0000-canary-query.csv'],
      [logicalIdOf(lake.athenaResultsBucket), 'exports/someone/part-0.gz'],
      [logicalIdOf(stack.governance.auditBucket), 'receipts/000001.json'],
    ];
    const readable = probes.filter(([b, k]) => mayObject('s3:GetObject', b, k)).map(([, k]) => k);
    expect(readable).toEqual([]);
    const text = JSON.stringify(statements);
    for (const c of [
      lake.eventsBucket,
      lake.eventsKey,
      lake.quarantineBucket,
      lake.quarantineKey,
      stack.governance.auditBucket,
    ])
      expect(text).not.toContain(`"${logicalIdOf(c)}"`);
  });

  it('reads and writes only its own results prefix of the athena-results zone, deleting nothing', () => {
    const results = logicalIdOf(lake.athenaResultsBucket);
    expect(mayObject('s3:GetObject', results, 'worktrace-dev-analysts/q.csv')).toBe(true);
    expect(mayObject('s3:PutObject', results, 'worktrace-dev-analysts/export/part-0.gz')).toBe(true);
    expect(mayObject('s3:PutObject', results, 'worktrace-dev/q.csv')).toBe(false);
    const list = allowing('s3:ListBucket').filter((s) => JSON.stringify(s.Resource).includes(results));
    expect(list.map((s) => s.Condition?.StringLike?.['s3:prefix'])).toEqual([['worktrace-dev-analysts/*']]);
    expect(allowing('s3:DeleteObject')).toEqual([]);
  });
});
