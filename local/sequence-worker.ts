/**
 * One worker thread of `SequenceWorkerPool` (local/sequence-workers.ts): runs the shard jobs it is sent
 * against the local S3 emulator and answers with their results, or with an error's name and message.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { s3Client } from '#adapters/aws-clients.js';
import { S3ObjectStore } from '#adapters/s3-object-store.js';
import { runShardJob } from '#core/sequence/runs.js';
import type { SequenceWorkerJob, SequenceWorkerReply, SequenceWorkerTarget } from './sequence-workers.js';

const target = workerData as SequenceWorkerTarget;
const client = s3Client({ endpoint: target.endpoint, credentials: target.credentials });
const eventsStore = new S3ObjectStore(client, target.eventsBucket);
const curatedStore = new S3ObjectStore(client, target.curatedBucket);

parentPort?.on('message', async ({ id, job }: { id: number; job: SequenceWorkerJob }) => {
  let reply: SequenceWorkerReply;
  try {
    reply = { id, ok: true, result: await runShardJob({ ...job, eventsStore, curatedStore }) };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    reply = { id, ok: false, name: e.name, message: e.message };
  }
  parentPort?.postMessage(reply);
});
