import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3Client } from '#adapters/aws-clients.js';
import { S3ObjectStore } from '#adapters/s3-object-store.js';
import { defaultBucketName } from '#core/lake/schema.js';
import type { KeyProvider } from '#core/ports.js';
import { type BatchReport, createRedactHandler } from '../../../lambdas/redact/app.js';
import { EMULATOR_CREDENTIALS, type RunningEmulator, startS3Emulator } from '../../../local/emulators.js';
import { kinesisEvent, kinesisRecord, makeEvent } from '../../fixtures/events.js';
import { aggregate, TEST_KEY, testPolicy } from '../../fixtures/redact.js';

const EVENTS = defaultBucketName('test', 'events');
const QUARANTINE = defaultBucketName('test', 'quarantine');
const keyProvider: KeyProvider = { getKey: async () => TEST_KEY };

/** Planted values and raw ids that must never appear in any byte written. */
const SECRETS = [
  'alice@example.com',
  'LAPTOP-7F3K2',
  'alice-mbp.corp.example.com',
  'jane.roe@example.net',
  '4111 1111 1111 1111',
  'AKIAIOSFODNN7EXAMPLE',
  'hunter2',
];

function logCapture() {
  const lines: string[] = [];
  const log = (level: string) => (msg: string, extra?: object) =>
    lines.push(JSON.stringify({ level, msg, ...extra }));
  return { lines, logger: { info: log('info'), warn: log('warn'), error: log('error') } };
}

async function readParquetRows(files: string[]): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  const list = files.map((f) => `'${f}'`).join(',');
  const r = await conn.runAndReadAll(
    `select event_id, event_type, text, user_pseudonym, seq from read_parquet([${list}]) order by seq`,
  );
  const rows = r.getRowObjectsJson() as Record<string, unknown>[];
  conn.closeSync();
  return rows;
}

describe('redact handler on s3rver', () => {
  let s3: RunningEmulator;
  let dir: string;
  let events: S3ObjectStore;
  let quarantine: S3ObjectStore;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wt-redact-'));
    s3 = await startS3Emulator({ dir: join(dir, 's3'), buckets: [EVENTS, QUARANTINE] });
    const client = s3Client({ endpoint: s3.endpoint, credentials: EMULATOR_CREDENTIALS });
    events = new S3ObjectStore(client, EVENTS);
    quarantine = new S3ObjectStore(client, QUARANTINE);
  });
  afterAll(async () => s3.stop());

  /** A handler on the emulator's zones that records its batch reports and log lines. */
  function reportingHandler() {
    const reports: BatchReport[] = [];
    const { lines, logger } = logCapture();
    const handler = createRedactHandler({
      stores: { events, quarantine },
      keyProvider,
      policy: testPolicy(),
      logger,
      onBatch: (r) => reports.push(r),
    });
    return { handler, reports, lines };
  }

  async function mixedBatch() {
    const agg = await aggregate([makeEvent('mouse_down', { seq: 10 }), makeEvent('mouse_up', { seq: 11 })]);
    return kinesisEvent([
      kinesisRecord(makeEvent('focus', { seq: 1, windowTitle: 'Reply to jane.roe@example.net' })),
      kinesisRecord(makeEvent('text', { seq: 2, text: 'card 4111 1111 1111 1111 key AKIAIOSFODNN7EXAMPLE' })),
      kinesisRecord({ ...makeEvent('text', { text: 'password=hunter2' }), seq: -3 }),
      kinesisRecord(agg),
      kinesisRecord('not json at all alice@example.com'),
    ]);
  }

  it('writes Parquet rows and scrubbed quarantine objects for a mixed batch (plain, invalid, aggregated)', async () => {
    const { handler, reports } = reportingHandler();
    const response = await handler(await mixedBatch());
    expect(response.batchItemFailures).toEqual([]);
    expect(reports[0]).toMatchObject({ records: 5, events: 6, counts: { written: 4, quarantined: 2 } });

    const keys = (await events.list('events/')).map((o) => o.key);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(
      /^events\/dt=2026-11-02\/hour=09\/shard=\d{2}\/shardId-000000000000-\d+-\d+_ts\d+-\d+\.parquet$/,
    );
    const local = join(dir, 'batch.parquet');
    writeFileSync(local, (await events.get(keys[0] as string)) ?? new Uint8Array());
    const rows = await readParquetRows([local]);
    expect(rows.map((r) => [r.event_type, r.seq])).toEqual([
      ['focus', '1'],
      ['text', '2'],
      ['mouse_down', '10'],
      ['mouse_up', '11'],
    ]);
    expect(String(rows[1]?.text)).toMatch(/^card <CARD:[0-9a-f]{6}> key <AWS_ACCESS_KEY:[0-9a-f]{6}>$/);

    const qkeys = (await quarantine.list('quarantine/')).map((o) => o.key);
    expect(qkeys).toHaveLength(1);
    const qrows = Buffer.from((await quarantine.get(qkeys[0] as string)) ?? [])
      .toString()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(qrows.map((q) => q.reason)).toEqual(['contract', 'invalid_json']);
  });

  it('a retried batch writes the same object keys (overwrite, no duplicates)', async () => {
    const batch = await mixedBatch();
    const keysOf = async () =>
      [...(await events.list('')), ...(await quarantine.list(''))].map((o) => o.key).sort();
    const handler = createRedactHandler({
      stores: { events, quarantine },
      keyProvider,
      policy: testPolicy(),
    });
    await handler(batch);
    const before = await keysOf();
    await handler(batch);
    expect(await keysOf()).toEqual(before);
  });

  it('a failing store gives a partial batch failure response from the first record', async () => {
    const dead = s3Client({
      endpoint: 'http://127.0.0.1:9',
      credentials: EMULATOR_CREDENTIALS,
      maxAttempts: 1,
    });
    const { lines, logger } = logCapture();
    const handler = createRedactHandler({
      stores: { events: new S3ObjectStore(dead, EVENTS), quarantine: new S3ObjectStore(dead, QUARANTINE) },
      keyProvider,
      policy: testPolicy(),
      logger,
    });
    const batch = await mixedBatch();
    const response = await handler(batch);
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: batch.Records[0]?.kinesis.sequenceNumber },
    ]);
    expect(lines.some((l) => l.includes('write failed'))).toBe(true);
  });

  it('a record that cannot be decoded ends the batch there: earlier records are written, it and later ones retried', async () => {
    const { handler, reports, lines } = reportingHandler();
    const batch = kinesisEvent([
      kinesisRecord(makeEvent('mouse_move', { seq: 101 })),
      kinesisRecord(makeEvent('mouse_move', { seq: 102 })),
      kinesisRecord(makeEvent('mouse_move', { seq: 103 })),
      kinesisRecord(makeEvent('mouse_move', { seq: 104 })),
    ]);
    const broken = batch.Records[2];
    if (!broken) throw new Error('fixture');
    // A malformed event-source record (not a bad payload, which would be quarantined): data is not a string.
    (broken.kinesis as { data: unknown }).data = 42;
    const response = await handler(batch);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: broken.kinesis.sequenceNumber }]);
    expect(reports[0]).toMatchObject({ records: 2, events: 2, counts: { written: 2 } });
    const [key] = reports[0]?.keys ?? [];
    const last = batch.Records[1]?.kinesis.sequenceNumber;
    expect(key).toMatch(
      new RegExp(`-${batch.Records[0]?.kinesis.sequenceNumber}-${last}_ts\\d+-\\d+\\.parquet$`),
    );
    expect(lines.filter((l) => l.includes('could not be decoded'))).toHaveLength(1);
  });

  it('no raw id or planted value appears in any byte written or logged', async () => {
    const { handler, lines } = reportingHandler();
    await handler(await mixedBatch());
    const files: string[] = [];
    const walk = (d: string) => {
      for (const name of readdirSync(d)) {
        const p = join(d, name);
        if (statSync(p).isDirectory()) walk(p);
        else files.push(p);
      }
    };
    walk(join(dir, 's3'));
    expect(files.length).toBeGreaterThan(2);
    const blobs = [...files.map((f) => readFileSync(f)), Buffer.from(lines.join('\n'))];
    for (const blob of blobs) {
      for (const secret of SECRETS) expect(blob.includes(Buffer.from(secret)), secret).toBe(false);
    }
  });
});
