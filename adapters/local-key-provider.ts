/**
 * Local-mode pseudonym key: a 32-byte random key in a file only its owner can read (0600), created on
 * first use. Stands in for the KMS-rooted key when there is no AWS account.
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ERROR_CODES, WorktraceError } from '#core/errors.js';
import type { KeyProvider, PseudonymKey } from '#core/ports.js';

/** A key file that is missing, malformed or readable by others. */
export class KeyFileError extends WorktraceError {
  override readonly name = 'KeyFileError';
  readonly code = ERROR_CODES.keyFile;
}

/** Default key file under a data directory. */
export function defaultKeyFile(dataDir = '.worktrace'): string {
  return join(dataDir, 'keys', 'pseudonym.key');
}

/** Reads (or creates) the local key file. */
export class LocalKeyFileProvider implements KeyProvider {
  private cached: PseudonymKey | undefined;

  constructor(private readonly path: string) {}

  async getKey(): Promise<PseudonymKey> {
    this.cached ??= this.load();
    return this.cached;
  }

  private load(): PseudonymKey {
    if (!existsSync(this.path)) {
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
      writeFileSync(this.path, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
      chmodSync(this.path, 0o600);
    }
    const mode = statSync(this.path).mode & 0o077;
    if (mode !== 0)
      throw new KeyFileError(`key file ${this.path} is readable by group or others; chmod 600 it`);
    const hex = readFileSync(this.path, 'utf8').trim();
    if (!/^[0-9a-f]{64}$/.test(hex))
      throw new KeyFileError(`key file ${this.path} must hold 64 hex characters`);
    const key = Buffer.from(hex, 'hex');
    return {
      key: new Uint8Array(key),
      version: `local-${createHash('sha256').update(key).digest('hex').slice(0, 8)}`,
    };
  }
}
