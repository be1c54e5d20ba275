/**
 * The agent producer into kinesalite: events/s through validation, on-device privacy, aggregation and
 * PutRecords, and what the simulator's traffic costs in Kinesis billing units with and without KPL
 * aggregation (on-demand bills each record's payload rounded up to 1 KB).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateStreamCommand, type PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { kinesisClient } from '#adapters/aws-clients.js';
import { parsePolicy } from '#core/redact/policy.js';
import { WorktraceProducer } from '../../agent/producer.js';
import { simulate } from '../../agent/simulator/simulate.js';
import { EMULATOR_CREDENTIALS, startKinesisEmulator } from '../../local/emulators.js';
import type { RunCase } from '../harness.js';

/** Sends the events through a producer; returns seconds taken and billing units of the accepted records. */
async function produce(
  events: readonly unknown[],
  aggregate: boolean,
  endpoint: string,
): Promise<{ seconds: number; units: number; sent: number; records: number }> {
  const real = kinesisClient({ endpoint, credentials: EMULATOR_CREDENTIALS });
  const stream = `bench-${aggregate ? 'agg' : 'plain'}`;
  await real.send(new CreateStreamCommand({ StreamName: stream, ShardCount: 4 }));
  let units = 0;
  // Counts 1 KB units of every record the stream accepted (what on-demand bills as data in).
  const client = {
    async send(command: PutRecordsCommand) {
      const res = await real.send(command);
      (command.input.Records ?? []).forEach((r, i) => {
        if (!res.Records?.[i]?.ErrorCode) units += Math.ceil(((r.Data?.byteLength ?? 0) + 1) / 1024);
      });
      return res;
    },
  };
  const spoolDir = mkdtempSync(join(tmpdir(), 'wt-bench-spool-'));
  const producer = await WorktraceProducer.open({
    streamName: stream,
    policy: parsePolicy({ version: 'bench' }),
    spoolDir,
    aggregate,
    client: client as never,
  });
  const t0 = performance.now();
  let i = 0;
  for (const e of events) {
    producer.send(e);
    if (++i % 5000 === 0) await producer.flush();
  }
  await producer.close();
  const seconds = (performance.now() - t0) / 1000;
  real.destroy();
  rmSync(spoolDir, { recursive: true, force: true });
  return { seconds, units, sent: producer.counters.sent, records: producer.counters.records };
}

export const produceCase: RunCase = {
  kind: 'run',
  name: 'produce',
  description:
    'simulator traffic through WorktraceProducer (aggregated) into kinesalite; billing units vs plain',
  async measure() {
    const sim = simulate({ users: 4, minutes: 5, seed: 9 });
    const kinesis = await startKinesisEmulator();
    try {
      const agg = await produce(sim.events, true, kinesis.endpoint);
      const plain = await produce(sim.events, false, kinesis.endpoint);
      const perMillion = (units: number, sent: number) => Math.round((units / sent) * 1_000_000);
      return {
        events: sim.events.length,
        seconds: agg.seconds,
        extras: {
          'events in (simulator)': sim.events.length,
          'events sent after on-device coalescing': agg.sent,
          'records aggregated / plain': `${agg.records} / ${plain.records}`,
          'billing units per M sent events, aggregated': perMillion(agg.units, agg.sent),
          'billing units per M sent events, plain': perMillion(plain.units, plain.sent),
          'aggregation saving (plain / aggregated)': Number((plain.units / agg.units).toFixed(1)),
          'target saving': '>= 2',
          'plain events/s': Math.round(sim.events.length / plain.seconds),
        },
      };
    } finally {
      await kinesis.stop();
    }
  },
};
