/** The redact path: decode + validate + transform, and the whole handler including Parquet encoding. */
import { existsSync, readFileSync } from 'node:fs';
import { toSourceRecords } from '#adapters/kinesis-records.js';
import { encodeParquet } from '#core/lake/parquet.js';
import { EVENTS_TABLE } from '#core/lake/schema.js';
import type { ObjectStore } from '#core/ports.js';
import { parsePolicy, scrubberOptionsFor } from '#core/redact/policy.js';
import { Pseudonymizer } from '#core/redact/pseudonym.js';
import { createScrubber } from '#core/redact/scrubber.js';
import { redactBatch, SessionStates } from '#core/redact/transform.js';
import { createRedactHandler } from '../../lambdas/redact/app.js';
import { ConfigSchema } from '../../lib/config.js';
import { corpusRecords } from '../corpus.js';
import type { MicroCase } from '../harness.js';

/**
 * Records per handler invocation: the deployed `redactBatchSize` (cdk.json context, else the config
 * default), so the case measures the handler as the stack runs it. One event per record: a plain recorder,
 * the worst case (KPL-aggregated records carry many events each).
 */
const context = existsSync('cdk.json')
  ? ((JSON.parse(readFileSync('cdk.json', 'utf8')) as { context?: { redactBatchSize?: unknown } }).context ??
    {})
  : {};
const BATCH = ConfigSchema.parse({ redactBatchSize: context.redactBatchSize }).redactBatchSize;
// Whole batches of about 5000 events per run.
const records = corpusRecords(Math.max(1, Math.round(5000 / BATCH)) * BATCH);
const key = { key: new Uint8Array(32).fill(5), version: 'bench' };
const policy = parsePolicy({ version: 'bench' });
const batches = Array.from({ length: records.length / BATCH }, (_, b) =>
  records.slice(b * BATCH, (b + 1) * BATCH),
);

/** Counts bytes instead of storing them: the case measures CPU, not a disk. */
function sinkStore(): ObjectStore & { bytes: number } {
  return {
    name: 'sink',
    bytes: 0,
    async put(_k, body) {
      this.bytes += typeof body === 'string' ? body.length : body.byteLength;
    },
    get: async () => undefined,
    list: async () => [],
    delete: async () => {},
  };
}

export const redactTransformCase: MicroCase = {
  kind: 'micro',
  name: 'redact: transform',
  description: 'decode + validate + transform (policy, coalescing, scrubbing, pseudonyms), no Parquet',
  events: records.length,
  targetRatio: 0.25,
  async run() {
    const ctx = {
      policy,
      pseudonymizer: new Pseudonymizer(key),
      scrubber: createScrubber(scrubberOptionsFor(policy, key.key)),
      redactorVersion: 'bench',
      sessions: new SessionStates(),
    };
    // As the handler does after a successful write: the next batch continues the sessions.
    for (const batch of batches) (await redactBatch(batch.flatMap(toSourceRecords), ctx)).commit();
  },
};

const events = sinkStore();
const quarantine = sinkStore();
const handler = createRedactHandler({
  stores: { events, quarantine },
  keyProvider: { getKey: async () => key },
  policy,
});

export const redactHandlerCase: MicroCase = {
  kind: 'micro',
  name: 'redact: handler+parquet',
  description: `the whole redact handler path at the deployed batch size (${BATCH} records): in-order decode, transform, Parquet (zstd)`,
  events: records.length,
  targetRatio: 0.15,
  async run() {
    for (const batch of batches) await handler({ Records: batch });
  },
  async extras() {
    const ctx = {
      policy,
      pseudonymizer: new Pseudonymizer(key),
      scrubber: createScrubber(scrubberOptionsFor(policy, key.key)),
      redactorVersion: 'bench',
    };
    const outcome = await redactBatch(records.flatMap(toSourceRecords), ctx);
    const parquet = encodeParquet(EVENTS_TABLE.columns, outcome.rows).byteLength;
    const ndjson = Buffer.byteLength(outcome.rows.map((r) => JSON.stringify(r)).join('\n'));
    return { 'parquet bytes / ndjson bytes': parquet / ndjson, 'target size ratio': '<= 0.167' };
  },
};
