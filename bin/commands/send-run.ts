/** What `worktrace send` does: streams a file through the agent producer, with a progress bar on a TTY. */
import { createReadStream, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SingleBar } from 'cli-progress';
import { kinesisClient } from '#adapters/aws-clients.js';
import { type ProducerCounters, WorktraceProducer } from '../../agent/producer.js';
import { kinesisTargetFromEnv } from '../../local/cli-env.js';
import { loadKeyAndPolicy } from './key-and-policy.js';
import type { SendOptions } from './send.js';

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
    client: kinesisClient(endpoint ? { endpoint } : {}),
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

/** Sends the file and prints the counters. */
export async function runSend(file: string, opts: SendOptions): Promise<void> {
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
}
