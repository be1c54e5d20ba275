/**
 * The agent's spool: an append-only NDJSON file of events accepted for sending and not yet acknowledged by
 * Kinesis. Every accepted event is written (write(2)) before it is queued, so a crashed process loses
 * nothing the OS has; `sync()` fsyncs it (the producer does on every flush). When the queue is empty the
 * spool is truncated. On start, whatever the file holds is sent again: duplicates are fine, the pipeline
 * deduplicates by event id.
 */
import {
  closeSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES, WorktraceError } from '#core/errors.js';

/** The spool is full: the caller must flush (or wait for the network) before sending more. */
export class SpoolFullError extends WorktraceError {
  override readonly name = 'SpoolFullError';
  readonly code = ERROR_CODES.spoolFull;
}

/** An append-only spool file with a size bound. */
export class Spool {
  readonly path: string;
  private fd: number;
  private bytes: number;

  /** Opens (creating) `<dir>/spool.ndjson`. */
  constructor(
    dir: string,
    private readonly maxBytes: number,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.path = join(dir, 'spool.ndjson');
    this.fd = openSync(this.path, 'a+', 0o600);
    this.bytes = fstatSync(this.fd).size;
  }

  /** Size on disk, bytes. */
  get size(): number {
    return this.bytes;
  }

  /** Lines left by an earlier process (a torn last line from a crash is skipped). */
  pending(): string[] {
    const text = readFileSync(this.path, 'utf8');
    const lines = text.split('\n');
    lines.pop(); // the part after the last newline: empty, or a line torn by a crash
    return lines.filter((l) => l !== '');
  }

  /** Appends one serialised event; throws SpoolFullError when the bound would be passed. */
  append(line: string): void {
    const buf = Buffer.from(`${line}\n`, 'utf8');
    if (this.bytes + buf.byteLength > this.maxBytes) {
      throw new SpoolFullError(`spool is full (${this.maxBytes} bytes); flush before sending more`);
    }
    writeSync(this.fd, buf);
    this.bytes += buf.byteLength;
  }

  /** Forces the spool to disk. */
  sync(): void {
    fsyncSync(this.fd);
  }

  /** Empties the spool (everything in it was acknowledged). */
  clear(): void {
    ftruncateSync(this.fd, 0);
    fsyncSync(this.fd);
    this.bytes = 0;
  }

  /** Closes the file (its content stays for the next start). */
  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
