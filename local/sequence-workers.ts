/**
 * Shard jobs in worker threads: `worktrace local`'s stand-in for the sequencing state machine's Distributed
 * Map, so that shard jobs use every core of the machine as Lambda invocations would run side by side. Each
 * worker (local/sequence-worker.ts) holds its own S3 client to the local emulator and runs `runShardJob`
 * for the jobs it is handed; results are counts and keys only. The bundled CLI has the worker as its own
 * entry (dist/cli/sequence-worker.js); from source it runs through tsx.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ShardJobInput, ShardJobResult } from '#core/sequence/runs.js';

/** What a worker needs to reach the stores: the emulator's endpoint, credentials and bucket names. */
export interface SequenceWorkerTarget {
  readonly endpoint: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly eventsBucket: string;
  readonly curatedBucket: string;
}

/** A shard job as sent to a worker: everything but the stores and callbacks. */
export type SequenceWorkerJob = Omit<ShardJobInput, 'eventsStore' | 'curatedStore' | 'onWindow'>;

/** A worker's answer. */
export type SequenceWorkerReply =
  | { readonly id: number; readonly ok: true; readonly result: ShardJobResult }
  | { readonly id: number; readonly ok: false; readonly name: string; readonly message: string };

/** A shard job failed in a worker (its name and message, which never carry event content). */
export class SequenceWorkerError extends Error {
  override readonly name = 'SequenceWorkerError';
}

/** The worker's module: the bundled JavaScript beside this chunk, or the TypeScript source through tsx. */
function workerModule(): { url: URL; execArgv: string[] } {
  const built = new URL('./sequence-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(built))) return { url: built, execArgv: [] };
  return { url: new URL('./sequence-worker.ts', import.meta.url), execArgv: ['--import', 'tsx'] };
}

/** A fixed set of worker threads taking shard jobs in turn. */
export class SequenceWorkerPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly waiting: ((w: Worker) => void)[] = [];
  private readonly pending = new Map<number, (reply: SequenceWorkerReply) => void>();
  private nextId = 0;

  /**
   * @param heapMb old-generation heap of each worker, MB: what one job holds (its shard's window plus the
   *   allowance, decoded) with room to spare; V8 then collects before the heap grows far past it. A job
   *   that needs more fails the run with an out-of-memory error naming the worker. @default 512
   */
  constructor(
    target: SequenceWorkerTarget,
    readonly size: number = Math.max(1, Math.min(4, availableParallelism())),
    heapMb = 512,
  ) {
    const { url, execArgv } = workerModule();
    for (let i = 0; i < size; i++) {
      const worker = new Worker(url, {
        workerData: target,
        execArgv,
        resourceLimits: { maxOldGenerationSizeMb: heapMb },
      });
      // An idle worker never keeps the process alive (a run that fails midway need not close the pool);
      // a busy one does.
      worker.unref();
      worker.on('message', (reply: SequenceWorkerReply) => {
        const settle = this.pending.get(reply.id);
        this.pending.delete(reply.id);
        settle?.(reply);
      });
      worker.on('error', (err) => {
        // A crashed worker fails whatever it was running; the run fails with it.
        for (const [id, settle] of this.pending) {
          settle({ id, ok: false, name: err.name, message: err.message });
        }
        this.pending.clear();
      });
      this.workers.push(worker);
      this.idle.push(worker);
    }
  }

  private async take(): Promise<Worker> {
    const w = this.idle.pop();
    if (w) return w;
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private give(w: Worker): void {
    const next = this.waiting.shift();
    if (next) next(w);
    else this.idle.push(w);
  }

  /** Runs one shard job in the next free worker. */
  async run(job: SequenceWorkerJob): Promise<ShardJobResult> {
    const worker = await this.take();
    worker.ref();
    const id = this.nextId++;
    try {
      const reply = await new Promise<SequenceWorkerReply>((resolve) => {
        this.pending.set(id, resolve);
        worker.postMessage({ id, job });
      });
      if (!reply.ok) throw new SequenceWorkerError(`${reply.name}: ${reply.message}`);
      return reply.result;
    } finally {
      worker.unref();
      this.give(worker);
    }
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
