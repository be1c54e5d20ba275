import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  PutRecordsCommand,
  type PutRecordsRequestEntry,
  type PutRecordsResultEntry,
} from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kinesisClient } from '#adapters/aws-clients.js';
import { toSourceRecords } from '#adapters/kinesis-records.js';
import type { WorktraceEvent } from '#core/contract/event-contract.js';
import { isTypingKey } from '#core/contract/event-contract.js';
import { parsePolicy } from '#core/redact/policy.js';
import { FlushError, WorktraceProducer } from '../../agent/producer.js';
import { simulate } from '../../agent/simulator/simulate.js';
import {
  createActiveStream,
  EMULATOR_CREDENTIALS,
  type RunningEmulator,
  startKinesisEmulator,
} from '../../local/emulators.js';
import { lambdaRecordOf } from '../../local/poller.js';
import { makeEvent } from '../fixtures/events.js';

let kinesis: RunningEmulator;
let client: KinesisClient;
const policy = parsePolicy({ version: 'test', excludedApps: ['keepassxc', 'com.1password.1password'] });
const noSleep = async () => {};

beforeAll(async () => {
  kinesis = await startKinesisEmulator();
  client = kinesisClient({ endpoint: kinesis.endpoint, credentials: EMULATOR_CREDENTIALS });
});
afterAll(async () => {
  client?.destroy();
  await kinesis?.stop();
});

async function createStream(name: string, shards = 2): Promise<void> {
  await createActiveStream(client, name, shards);
}

/** Reads every record of a stream back, de-aggregated exactly as the redact Lambda does. */
async function readBack(name: string): Promise<{ pk: string; event: WorktraceEvent; raw: string }[]> {
  const desc = await client.send(new DescribeStreamCommand({ StreamName: name }));
  const out: { pk: string; event: WorktraceEvent; raw: string }[] = [];
  for (const shard of desc.StreamDescription?.Shards ?? []) {
    let iterator = (
      await client.send(
        new GetShardIteratorCommand({
          StreamName: name,
          ShardId: shard.ShardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      )
    ).ShardIterator;
    for (;;) {
      const got = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10000 }));
      for (const r of got.Records ?? []) {
        for (const s of toSourceRecords(lambdaRecordOf(shard.ShardId ?? '', r))) {
          const raw = Buffer.from(s.data).toString('utf8');
          out.push({ pk: r.PartitionKey as string, event: JSON.parse(raw) as WorktraceEvent, raw });
        }
      }
      if (!got.Records?.length) break;
      iterator = got.NextShardIterator;
    }
  }
  return out;
}

/** A client that fails chosen entries (ProvisionedThroughputExceeded) without writing them. */
function flakyClient(failIf: (call: number, index: number) => boolean) {
  const calls: PutRecordsRequestEntry[][] = [];
  let call = 0;
  const wrapped = {
    async send(command: PutRecordsCommand) {
      const entries = command.input.Records ?? [];
      calls.push(entries);
      const n = call++;
      const keep = entries.map((_, i) => !failIf(n, i));
      const passed = entries.filter((_, i) => keep[i]);
      const res = passed.length
        ? await client.send(new PutRecordsCommand({ StreamName: command.input.StreamName, Records: passed }))
        : { Records: [] };
      const ok = [...(res.Records ?? [])];
      const results: PutRecordsResultEntry[] = keep.map((k) =>
        k
          ? (ok.shift() as PutRecordsResultEntry)
          : { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded' },
      );
      return { Records: results, FailedRecordCount: keep.filter((k) => !k).length };
    },
  };
  return { client: wrapped as unknown as KinesisClient, calls };
}

function sessionEvents(session: string, n: number, t0 = 1_700_000_000_000): WorktraceEvent[] {
  return Array.from({ length: n }, (_, i) =>
    makeEvent('mouse_move', { sessionId: session, seq: i, ts: t0 + i * 10, x: i, y: i }),
  ) as WorktraceEvent[];
}

describe('WorktraceProducer on kinesalite', () => {
  it('resends only the failed entries of a partial failure and keeps each session in order', async () => {
    await createStream('partial');
    // Every first attempt fails the entries at odd positions.
    const flaky = flakyClient((call, i) => call % 2 === 0 && i % 2 === 1);
    const producer = await WorktraceProducer.open({
      streamName: 'partial',
      policy,
      spoolDir: mkdtempSync(join(tmpdir(), 'wt-spool-')),
      client: flaky.client,
      aggregate: false,
      sleep: noSleep,
    });
    const sessions = ['s-a', 's-b', 's-c', 's-d'];
    const sent = sessions.flatMap((s) => sessionEvents(s, 6));
    for (const e of sent) producer.send(e);
    await producer.flush();
    expect(producer.counters.sent).toBe(sent.length);
    expect(producer.counters.retried).toBeGreaterThan(0);
    // An entry is sent again only after it failed: sends of each entry = its failures + 1.
    const sends = new Map<string, number>();
    const failures = new Map<string, number>();
    flaky.calls.forEach((entries, call) => {
      entries.forEach((e, i) => {
        const id = `${e.PartitionKey}|${Buffer.from(e.Data ?? []).toString()}`;
        sends.set(id, (sends.get(id) ?? 0) + 1);
        if (call % 2 === 0 && i % 2 === 1) failures.set(id, (failures.get(id) ?? 0) + 1);
      });
    });
    expect(sends.size).toBe(sent.length);
    for (const [id, n] of sends) expect(n).toBe((failures.get(id) ?? 0) + 1);
    const got = await readBack('partial');
    for (const s of sessions) {
      const seqs = got.filter((g) => g.pk === s).map((g) => g.event.seq);
      expect(seqs).toEqual([0, 1, 2, 3, 4, 5]);
    }
    await producer.close();
  });

  it('aggregates a session into one KPL record that the redact Lambda de-aggregates, in order', async () => {
    await createStream('agg');
    const flaky = flakyClient((call, i) => call === 0 && i === 0);
    const producer = await WorktraceProducer.open({
      streamName: 'agg',
      policy,
      spoolDir: mkdtempSync(join(tmpdir(), 'wt-spool-')),
      client: flaky.client,
      sleep: noSleep,
    });
    const sent = [...sessionEvents('agg-1', 300), ...sessionEvents('agg-2', 200)];
    for (const e of sent) producer.send(e);
    await producer.flush();
    expect(flaky.calls[0]).toHaveLength(2); // one aggregated record per session
    expect(producer.counters.records).toBe(2);
    const got = await readBack('agg');
    expect(got.filter((g) => g.pk === 'agg-1').map((g) => g.event.seq)).toEqual([...Array(300).keys()]);
    expect(new Set(got.map((g) => g.event.eventId))).toEqual(new Set(sent.map((e) => e.eventId)));
    await producer.close();
  });

  it('keeps unsent events in the spool through a crash and sends them on restart', async () => {
    await createStream('spool');
    const spoolDir = mkdtempSync(join(tmpdir(), 'wt-spool-'));
    const down = { send: async () => Promise.reject(new Error('network unreachable')) };
    const first = await WorktraceProducer.open({
      streamName: 'spool',
      policy,
      spoolDir,
      client: down as unknown as KinesisClient,
      maxAttempts: 2,
      sleep: noSleep,
    });
    const sent = sessionEvents('crash', 50);
    for (const e of sent) first.send(e);
    await expect(first.flush()).rejects.toBeInstanceOf(FlushError);
    first.abandon(); // the process dies here
    const second = await WorktraceProducer.open({ streamName: 'spool', policy, spoolDir, client });
    expect(second.counters.respooled).toBe(50);
    await second.flush();
    const got = await readBack('spool');
    expect(new Set(got.map((g) => g.event.eventId))).toEqual(new Set(sent.map((e) => e.eventId)));
    await second.close();
    const third = await WorktraceProducer.open({ streamName: 'spool', policy, spoolDir, client });
    expect(third.pending).toBe(0); // acknowledged events left the spool
    await third.close();
  });

  it('lets no printable key, no secure-field text and nothing from excluded apps leave the device', async () => {
    await createStream('privacy', 1);
    const sim = simulate({ users: 2, minutes: 3, seed: 14 }); // has a sign-in and an excluded-app visit;
    const producer = await WorktraceProducer.open({
      streamName: 'privacy',
      policy,
      spoolDir: mkdtempSync(join(tmpdir(), 'wt-spool-')),
      client,
    });
    for (const e of sim.events) expect(producer.send(e).status).toBe('queued');
    await producer.close();
    const got = await readBack('privacy');
    // Every event the producer acknowledged arrived (at least once).
    expect(new Set(got.map((g) => g.event.eventId)).size).toBe(producer.counters.sent);
    for (const { event } of got) {
      if (event.type === 'key_down' || event.type === 'key_up') {
        expect(isTypingKey(event)).toBe(false);
        expect(event).not.toHaveProperty('char');
      }
      if (event.type === 'focus') expect(event.appId).not.toBe('com.1password.1password');
    }
    expect(got.some((g) => g.event.type === 'text')).toBe(true);
    const wire = got.map((g) => g.raw).join('\n');
    const secure = sim.truth.planted.filter((p) => p.kind === 'secure_password');
    expect(secure.length).toBeGreaterThan(0);
    for (const p of secure) expect(wire).not.toContain(p.value);
    // Typed (non-secure) planted values do travel, coalesced into text: the server scrubs them.
    const typed = sim.truth.planted.find((p) => p.where === 'typed');
    if (typed) expect(wire).toContain(typed.value);
    expect(producer.counters.droppedByPolicy.secure_text).toBeGreaterThan(0);
    expect(producer.counters.droppedByPolicy.excluded_app).toBeGreaterThan(0);
  });

  it('rejects an invalid event with its field paths and sends nothing for it', async () => {
    const producer = await WorktraceProducer.open({
      streamName: 'unused',
      policy,
      spoolDir: mkdtempSync(join(tmpdir(), 'wt-spool-')),
      client,
    });
    const out = producer.send({ ...makeEvent('mouse_move'), x: 'left' });
    expect(out).toEqual({ status: 'invalid', issues: [expect.objectContaining({ path: 'x' })] });
    expect(producer.pending).toBe(0);
    producer.abandon();
  });
});
