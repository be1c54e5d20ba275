/** `worktrace send <file.ndjson> --stream <name>`: replays a file through the agent producer. */
import { createReadStream, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { type ProducerCounters, WorktraceProducer } from '../../agent/producer.js';
import { defaultStreamName, kinesisTargetFromEnv, stageFromEnv } from '../../local/cli-env.js';
import { failSoftly, loadKeyAndPolicy, withKeyAndPolicy } from './common.js';

/** Options shared by the commands that send through the producer. */
export interface SendOptions {
  readonly stream: string;
  readonly endpoint?: string;
  readonly aggregate: boolean;
  readonly dataDir: string;
  readonly policy: string;
  readonly keyFile?: string;
}

/** Sends events through a producer (flushing every `every` events) and returns its counters. */
export async function sendAll(
  events: AsyncIterable<unknown> | Iterable<unknown>,
  opts: SendOptions,
  onProgress?: (done: number) => void,
): Promise<ProducerCounters & { invalidLines: number }> {
  const { policy } = loadKeyAndPolicy(opts);
  const endpoint = opts.endpoint ?? kinesisTargetFromEnv().endpoint;
  const producer = await WorktraceProducer.open({
    streamName: opts.stream,
    policy,
    spoolDir: join(opts.dataDir, 'spool'),
    aggregate: opts.aggregate,
    ...(endpoint ? { endpoint } : {}),
  });
  let done = 0;
  let invalidLines = 0;
  for await (const e of events) {
    if (e === undefined) invalidLines += 1;
    else producer.send(e);
    done += 1;
    if (done % 2000 === 0) {
      await producer.flush();
      onProgress?.(done);
    }
  }
  await producer.close();
  onProgress?.(done);
  return { ...producer.counters, invalidLines };
}

async function* ndjson(file: string, onBytes: (n: number) => void): AsyncIterable<unknown> {
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    onBytes(Buffer.byteLength(line) + 1);
    if (line.trim() === '') continue;
    try {
      yield JSON.parse(line);
    } catch {
      yield undefined;
    }
  }
}

/** Prints the producer's counters in one block. */
export function printCounters(c: ProducerCounters & { invalidLines?: number }): void {
  const dropped = Object.entries(c.droppedByPolicy).filter(([, n]) => n > 0);
  console.log(
    `sent ${c.sent} events in ${c.records} Kinesis records (${c.bytes} bytes); retried ${c.retried} entries`,
  );
  console.log(
    `spooled ${c.spooled}; invalid ${c.invalid + (c.invalidLines ?? 0)}; kept on device by policy ${
      dropped.map(([k, n]) => `${k}=${n}`).join(' ') || '0'
    }`,
  );
}

/** Adds the producer options to a command. */
export function withProducerOptions(command: Command): Command {
  return withKeyAndPolicy(
    command
      .option('--stream <name>', 'Kinesis stream', defaultStreamName(stageFromEnv()))
      .option('--endpoint <url>', 'Kinesis endpoint (default: WORKTRACE_KINESIS_ENDPOINT, else AWS)')
      .option('--no-aggregate', 'send one Kinesis record per event (no KPL aggregation)'),
  );
}

/** Registers the command. */
export function registerSend(program: Command): void {
  withProducerOptions(
    program
      .command('send')
      .description('replay an NDJSON file of events through the agent producer (privacy, batching, retries)')
      .argument('<file>', 'NDJSON file of contract events'),
  ).action(
    failSoftly(async (file: string, opts: SendOptions) => {
      const total = statSync(file).size;
      const bar = process.stderr.isTTY
        ? new SingleBar({ format: 'send [{bar}] {percentage}% | {value}/{total} bytes', hideCursor: true })
        : undefined;
      bar?.start(total, 0);
      let bytes = 0;
      const counters = await sendAll(
        ndjson(file, (n) => {
          bytes += n;
        }),
        opts,
        () => bar?.update(Math.min(bytes, total)),
      );
      bar?.update(total);
      bar?.stop();
      printCounters(counters);
    }),
  );
}
