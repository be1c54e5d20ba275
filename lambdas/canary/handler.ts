/**
 * The canary function (daily schedule): sends canary secrets and PII through the live pipeline with the
 * agent SDK, waits for the redact function, then searches the events and quarantine zones for them. The
 * curated zone lags (windows close after the late-arrival allowance and the longest episode), so each run
 * also searches the curated zone — and again events and quarantine — for the previous run's values, kept
 * in the audit bucket (`canary/last-run.json`), and queries every view in Athena for them. A survivor, or no output at all, fails the
 * invocation (the stack alarms on it). Logs name locations only.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { z } from 'zod';
import { queryAthena } from '#adapters/athena.js';
import { athenaClient, s3Client } from '#adapters/aws-clients.js';
import { readEnv } from '#adapters/lambda-env.js';
import { S3ObjectStore } from '#adapters/s3-object-store.js';
import {
  CANARY_STATE_KEY,
  type CanaryValue,
  canaryEvents,
  canaryValues,
  searchObjects,
} from '#core/governance/canary.js';
import { parsePolicy } from '#core/redact/policy.js';
import { VIEWS } from '#core/views/registry.js';
import { viewSearchSql } from '#core/views/search.js';
import { WorktraceProducer } from '../../agent/producer.js';

const EnvSchema = z.object({
  STREAM_NAME: z.string().min(1),
  EVENTS_BUCKET: z.string().min(3),
  QUARANTINE_BUCKET: z.string().min(3),
  CURATED_BUCKET: z.string().min(3),
  AUDIT_BUCKET: z.string().min(3),
  AUDIT_KMS_KEY_ARN: z.string().min(1),
  ATHENA_WORKGROUP: z.string().min(1),
  GLUE_DATABASE: z.string().min(1),
  POLICY_JSON: z.string().min(2),
  WAIT_SECONDS: z.coerce.number().int().min(0).max(600).default(120),
});

const logger = new Logger({ serviceName: 'worktrace-canary' });
/** The previous run's values, in the audit bucket. */

async function canary() {
  const env = readEnv(EnvSchema);
  const values = canaryValues();
  const started = Date.now();
  const s3 = s3Client();
  const audit = new S3ObjectStore(s3, env.AUDIT_BUCKET, { kmsKeyId: env.AUDIT_KMS_KEY_ARN });
  const previousBody = await audit.get(CANARY_STATE_KEY);
  const previous = previousBody
    ? (JSON.parse(Buffer.from(previousBody).toString('utf8')) as { startedAt: string; values: CanaryValue[] })
    : undefined;
  await audit.put(CANARY_STATE_KEY, JSON.stringify({ startedAt: new Date(started).toISOString(), values }), {
    contentType: 'application/json',
  });
  const producer = await WorktraceProducer.open({
    streamName: env.STREAM_NAME,
    policy: parsePolicy(JSON.parse(env.POLICY_JSON)),
    spoolDir: `/tmp/canary-spool-${started}`,
  });
  for (const e of canaryEvents(values, started)) producer.send(e);
  await producer.close();
  await new Promise((r) => setTimeout(r, env.WAIT_SECONDS * 1000));
  const day = new Date(started).toISOString().slice(0, 10);
  const stores = {
    events: new S3ObjectStore(s3, env.EVENTS_BUCKET),
    quarantine: new S3ObjectStore(s3, env.QUARANTINE_BUCKET),
  };
  const { survivors, objectsSearched } = await searchObjects(stores, values, {
    prefixes: { events: `events/dt=${day}/`, quarantine: `quarantine/dt=${day}/` },
    since: new Date(started),
  });
  if (previous) {
    // The previous run's values, now through the sequencer too: every zone, objects written since then.
    const all = { ...stores, curated: new S3ObjectStore(s3, env.CURATED_BUCKET) };
    const earlier = await searchObjects(all, previous.values, { since: new Date(previous.startedAt) });
    survivors.push(...earlier.survivors.map((s) => ({ ...s, kind: `${s.kind} (previous run)` })));
    // And every view, through Athena in the stage's workgroup.
    const athena = athenaClient();
    const searched = previous.values.map((v) => v.value);
    for (const view of VIEWS) {
      const r = await queryAthena(athena, viewSearchSql(view, searched), {
        workgroup: env.ATHENA_WORKGROUP,
        database: env.GLUE_DATABASE,
        timeoutMs: 240_000,
      });
      if (Number(r.rows[0]?.n ?? 0) > 0)
        survivors.push({ kind: 'canary value (previous run)', location: `view:${view.id}` });
    }
  }
  if (survivors.length > 0) {
    for (const s of survivors) logger.error('canary value survived', { kind: s.kind, location: s.location });
    throw new Error(`canary failed: ${survivors.length} canary values survived (see log for locations)`);
  }
  if (objectsSearched === 0) throw new Error('canary failed: the pipeline wrote nothing within the wait');
  logger.info('canary passed', { values: values.length, objectsSearched, sent: producer.counters.sent });
  return { passed: true, objectsSearched };
}

/** Lambda entry point. */
export const handler = middy(canary).use(injectLambdaContext(logger));
