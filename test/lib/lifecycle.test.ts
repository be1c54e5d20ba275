/**
 * Invariant 9: control objects (opt-out registries, watermarks, journals, checkpoints) never expire. Reads
 * every lifecycle rule of every bucket in the synthesised template and checks it against every control
 * object key, the way S3 would match it (prefix; tag and size filters count as "may match").
 */
import { describe, expect, it } from 'vitest';
import { CANARY_STATE_KEY } from '#core/governance/canary.js';
import { OPT_OUT_REGISTRY_KEY, OPT_OUT_TABLE_KEY } from '#core/governance/opt-outs.js';
import { TABLE_LOCATIONS } from '#core/lake/schema.js';
import { WATERMARK_KEY } from '#core/sequence/sequencer.js';
import { CONTROL_TABLES } from '../../lib/data-lake.js';
import { logicalIdOf } from '../../lib/nag.js';
import { synth } from './synth.js';

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON
type Rule = Record<string, any>;

/** The prefix a rule is scoped to ('' = the whole bucket). */
function rulePrefix(rule: Rule): string {
  return rule.Prefix ?? rule.Filter?.Prefix ?? rule.Filter?.And?.Prefix ?? '';
}

/** Whether S3 could apply the rule to the key: enabled and the key under its prefix. */
function ruleMayMatch(rule: Rule, key: string): boolean {
  return rule.Status !== 'Disabled' && key.startsWith(rulePrefix(rule));
}

/**
 * Rule settings that leave a current version alone: aborting incomplete uploads, expiring noncurrent
 * versions (once overwritten), removing a delete marker that has nothing left behind it. Any other setting
 * (Expiration*, Transitions, NoncurrentVersionTransitions, anything new) counts as reaching the object.
 */
const HARMLESS = new Set([
  'Id',
  'Status',
  'Prefix',
  'Filter',
  'AbortIncompleteMultipartUpload',
  'NoncurrentVersionExpiration',
  'NoncurrentVersionExpirationInDays',
  'ExpiredObjectDeleteMarker',
]);

describe('lifecycle rules and control objects (invariant 9)', () => {
  const { template, stack } = synth();
  const { lake, governance } = stack;
  const probe = '_any-control/state.json';
  /** Every control object the code writes, by bucket; `_`-prefixed keys stand for ones added later. */
  const controlObjects: { bucket: string; key: string }[] = [
    { bucket: logicalIdOf(lake.eventsBucket), key: OPT_OUT_REGISTRY_KEY },
    { bucket: logicalIdOf(lake.curatedBucket), key: OPT_OUT_TABLE_KEY },
    { bucket: logicalIdOf(lake.curatedBucket), key: WATERMARK_KEY },
    // core/governance/erase.ts: the journal of a run in progress, and pending follow-up sweeps.
    { bucket: logicalIdOf(lake.curatedBucket), key: '_erase/journal/subject.json' },
    { bucket: logicalIdOf(lake.curatedBucket), key: '_sweeps/subject.json' },
    { bucket: logicalIdOf(governance.auditBucket), key: CANARY_STATE_KEY },
    { bucket: logicalIdOf(governance.auditBucket), key: 'receipts/000001.json' },
    ...[lake.eventsBucket, lake.quarantineBucket, lake.curatedBucket].map((b) => ({
      bucket: logicalIdOf(b),
      key: probe,
    })),
  ];
  const buckets = template.findResources('AWS::S3::Bucket');
  const rulesOf = (id: string): Rule[] => buckets[id]?.Properties.LifecycleConfiguration?.Rules ?? [];

  it('finds every bucket the control objects live in', () => {
    for (const { bucket } of controlObjects) expect(Object.keys(buckets)).toContain(bucket);
  });

  it('no rule of any bucket can expire, transition or otherwise reach a control object', () => {
    const reached: string[] = [];
    for (const [id, bucket] of Object.entries(buckets)) {
      for (const rule of (bucket.Properties.LifecycleConfiguration?.Rules ?? []) as Rule[]) {
        for (const control of controlObjects.filter((c) => c.bucket === id)) {
          if (!ruleMayMatch(rule, control.key)) continue;
          const harmful = Object.keys(rule).filter((k) => !HARMLESS.has(k));
          if (harmful.length > 0)
            reached.push(`${id} rule ${rule.Id} (${harmful.join(', ')}) reaches ${control.key}`);
        }
      }
    }
    expect(reached).toEqual([]);
  });

  it('still expires every data table location with its zone', () => {
    const zoneBucket = {
      events: logicalIdOf(lake.eventsBucket),
      quarantine: logicalIdOf(lake.quarantineBucket),
      curated: logicalIdOf(lake.curatedBucket),
    } as const;
    const dataTables = Object.entries(TABLE_LOCATIONS).filter(
      ([t]) => !(CONTROL_TABLES as readonly string[]).includes(t),
    );
    expect(dataTables.map(([t]) => t).sort()).toEqual(['actions', 'episodes', 'events', 'quarantine']);
    for (const [table, loc] of dataTables) {
      const key = `${loc.prefix}dt=2026-01-01/part.parquet`;
      const expiring = rulesOf(zoneBucket[loc.zone]).filter(
        (r) => ruleMayMatch(r, key) && typeof r.ExpirationInDays === 'number',
      );
      expect(expiring, table).toHaveLength(1);
    }
  });

  it('expires the buckets without control objects (athena-results, access logs) as a whole', () => {
    for (const b of [lake.athenaResultsBucket, lake.accessLogsBucket]) {
      const expiring = rulesOf(logicalIdOf(b)).filter((r) => typeof r.ExpirationInDays === 'number');
      expect(expiring.map(rulePrefix)).toEqual(['']);
    }
  });

  it('expires noncurrent versions bucket-wide, control objects included (their current versions stay)', () => {
    for (const b of [lake.eventsBucket, lake.quarantineBucket, lake.curatedBucket]) {
      const wide = rulesOf(logicalIdOf(b)).filter((r) => rulePrefix(r) === '');
      expect(wide).toHaveLength(1);
      expect(Object.keys(wide[0] as Rule).every((k) => HARMLESS.has(k))).toBe(true);
      expect(wide[0]?.NoncurrentVersionExpiration).toEqual({ NoncurrentDays: 7 });
    }
  });

  it('the matcher sees rules the way S3 does', () => {
    const whole = { Id: 'r', Status: 'Enabled', ExpirationInDays: 30 };
    expect(ruleMayMatch(whole, OPT_OUT_REGISTRY_KEY)).toBe(true);
    expect(ruleMayMatch({ ...whole, Prefix: 'events/' }, OPT_OUT_REGISTRY_KEY)).toBe(false);
    expect(ruleMayMatch({ ...whole, Filter: { Prefix: '_reg' } }, OPT_OUT_REGISTRY_KEY)).toBe(true);
    expect(ruleMayMatch({ ...whole, Filter: { And: { Prefix: '', Tags: [] } } }, WATERMARK_KEY)).toBe(true);
    expect(ruleMayMatch({ ...whole, Status: 'Disabled' }, WATERMARK_KEY)).toBe(false);
  });
});
