import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3Client } from '#adapters/aws-clients.js';
import { FileObjectStore } from '#adapters/file-object-store.js';
import { LocalKeyFileProvider } from '#adapters/local-key-provider.js';
import { S3ObjectStore } from '#adapters/s3-object-store.js';
import {
  OPT_OUT_REGISTRY_KEY,
  OPT_OUT_TABLE_KEY,
  readOptOuts,
  StoredOptOutRegistry,
  writeOptOuts,
} from '#core/governance/opt-outs.js';
import { Pseudonymizer } from '#core/redact/pseudonym.js';
import { type BatchReport, createRedactHandler } from '../../lambdas/redact/app.js';
import { EMULATOR_CREDENTIALS, type RunningEmulator, startS3Emulator } from '../../local/emulators.js';
import { cliIn } from '../fixtures/cli.js';
import { kinesisEvent, kinesisRecord, makeEvent } from '../fixtures/events.js';
import { TEST_KEY, testPolicy } from '../fixtures/redact.js';

describe('opt-out registry', () => {
  it('caches the registry for its TTL, then reads it again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wt-optout-'));
    const store = new FileObjectStore(dir);
    let now = 0;
    const registry = new StoredOptOutRegistry(store, 60_000, () => now);
    expect(await registry.isOptedOut('p1')).toBe(false);
    await writeOptOuts({ events: store, curated: store }, ['p1']);
    now = 59_999;
    expect(await registry.isOptedOut('p1')).toBe(false); // still the cached read
    now = 60_000;
    expect(await registry.isOptedOut('p1')).toBe(true);
    // The views' copy holds the same pseudonyms, one JSON object per line.
    expect(readFileSync(join(dir, OPT_OUT_TABLE_KEY), 'utf8')).toBe('{"user_pseudonym":"p1"}\n');
  });

  describe('with the real redact handler on s3rver', () => {
    let s3: RunningEmulator;
    beforeAll(async () => {
      s3 = await startS3Emulator({ buckets: ['oo-events', 'oo-quarantine'] });
    });
    afterAll(async () => s3?.stop());

    it("drops an opted-out subject's new events before anything is written", async () => {
      const client = s3Client({ endpoint: s3.endpoint, credentials: EMULATOR_CREDENTIALS });
      const events = new S3ObjectStore(client, 'oo-events');
      const quarantine = new S3ObjectStore(client, 'oo-quarantine');
      const optedOut = new Pseudonymizer(TEST_KEY).of('user', 'leaver@corp.example');
      await writeOptOuts({ events, curated: events }, [optedOut]);
      const reports: BatchReport[] = [];
      const handler = createRedactHandler({
        stores: { events, quarantine },
        keyProvider: { getKey: async () => TEST_KEY },
        policy: testPolicy(),
        optOuts: new StoredOptOutRegistry(events),
        onBatch: (r) => reports.push(r),
      });
      const records = [
        makeEvent('mouse_move', { userId: 'leaver@corp.example', seq: 1 }),
        makeEvent('mouse_move', { userId: 'stayer@corp.example', seq: 2 }),
        makeEvent('focus', { userId: 'leaver@corp.example', seq: 3, windowTitle: 'Inbox' }),
      ].map((e, i) => kinesisRecord(e, { sequenceNumber: String(100 + i) }));
      const res = await handler(kinesisEvent(records));
      expect(res.batchItemFailures).toEqual([]);
      expect(reports[0]?.counts.dropped.opted_out).toBe(2);
      expect(reports[0]?.rowsWritten).toBe(1);
      const keys = (await events.list('events/')).map((o) => o.key);
      const bytes = Buffer.concat(
        await Promise.all(keys.map(async (k) => Buffer.from((await events.get(k)) ?? []))),
      );
      expect(bytes.includes(Buffer.from(optedOut))).toBe(false);
      expect(await readOptOuts(events)).toEqual([optedOut]);
      client.destroy();
    });
  });

  it('worktrace optout add|list|remove stores the pseudonym only, in both copies', () => {
    const lakeDir = mkdtempSync(join(tmpdir(), 'wt-optout-lake-'));
    const dataDir = mkdtempSync(join(tmpdir(), 'wt-optout-data-'));
    const cli = (args: string[]) =>
      spawnSync(
        process.execPath,
        ['bin/worktrace.mjs', 'optout', ...args, '--lake-dir', lakeDir, '--data-dir', dataDir],
        {
          encoding: 'utf8',
        },
      );
    const add = cli(['add', '--user', 'jane.doe@corp.example']);
    expect(add.status).toBe(0);
    const key = new LocalKeyFileProvider(join(dataDir, 'keys', 'pseudonym.key'));
    return key.getKey().then((k) => {
      const p = new Pseudonymizer(k).of('user', 'jane.doe@corp.example');
      expect(add.stdout).toContain(`added ${p}; the registry lists 1 subjects`);
      expect(cli(['add', '--user', 'jane.doe@corp.example']).stdout).toContain('already listed');
      expect(cli(['list']).stdout).toBe(`${p}\n(1 subjects)\n`);
      const stored =
        readFileSync(join(lakeDir, OPT_OUT_REGISTRY_KEY), 'utf8') +
        readFileSync(join(lakeDir, OPT_OUT_TABLE_KEY), 'utf8');
      expect(stored).toContain(p);
      expect(stored).not.toContain('jane.doe');
      expect(cli(['remove', '--user', 'jane.doe@corp.example']).stdout).toContain(
        `removed ${p}; the registry lists 0 subjects`,
      );
    });
  });
});

describe('worktrace export --user (subject access)', () => {
  it('returns exactly the subject’s rows from every zone, by pseudonym', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wt-sar-'));
    const lake = join(dataDir, 'lake');
    const run = cliIn(dataDir);
    expect(run(['redact', 'samples/sample-events.ndjson', '--out', lake]).status).toBe(0);
    const sample = readFileSync('samples/sample-events.ndjson', 'utf8').split('\n')[0] as string;
    const rawUser = (JSON.parse(sample) as { userId: string }).userId;
    const out = join(dataDir, 'sar.json');
    const sar = run(['export', '--user', rawUser, '--out', out, '--lake-dir', lake]);
    expect(sar.status).toBe(0);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    const redacted = readFileSync(join(lake, 'events.ndjson'), 'utf8').trim().split('\n');
    expect(doc.counts.events).toBe(redacted.length);
    expect(doc.zones.events.every((r: { user_pseudonym: string }) => r.user_pseudonym === doc.subject)).toBe(
      true,
    );
    expect(JSON.stringify(doc)).not.toContain(rawUser);
    const other = run([
      'export',
      '--user',
      'nobody@corp.example',
      '--out',
      join(dataDir, 'none.json'),
      '--lake-dir',
      lake,
    ]);
    expect(other.stdout).toContain('events 0, quarantine 0, actions 0, episodes 0');
  });

  it('finds the subject’s quarantined records by their user_pseudonym column', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wt-sar-q-'));
    const lake = join(dataDir, 'lake');
    const run = cliIn(dataDir);
    const sample = JSON.parse(readFileSync('samples/sample-events.ndjson', 'utf8').split('\n')[0] as string);
    const invalid = { ...sample, eventId: 'sar-quarantined-0001', agentBuild: 'unknown field' };
    const input = join(dataDir, 'in.ndjson');
    writeFileSync(input, `${JSON.stringify(invalid)}\n`);
    expect(run(['redact', input, '--out', lake]).status).toBe(0);
    const out = join(dataDir, 'sar.json');
    expect(run(['export', '--user', sample.userId, '--out', out, '--lake-dir', lake]).status).toBe(0);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    expect(doc.counts.quarantine).toBe(1);
    expect(doc.zones.quarantine[0].user_pseudonym).toBe(doc.subject);
  });
});
