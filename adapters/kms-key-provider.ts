/**
 * Pseudonym key whose root lives in KMS: the stack stores a data key encrypted under the pseudonym KMS
 * key; the function decrypts it ONCE per container and caches the plaintext in memory (one KMS call per
 * cold start, never one per event).
 */
import { createHash } from 'node:crypto';
import { DecryptCommand, type KMSClient } from '@aws-sdk/client-kms';
import { ERROR_CODES, WorktraceError } from '#core/errors.js';
import type { KeyProvider, PseudonymKey } from '#core/ports.js';

/** A KMS-rooted key could not be obtained. */
export class KeyUnavailableError extends WorktraceError {
  override readonly name = 'KeyUnavailableError';
  readonly code = ERROR_CODES.keyUnavailable;
}

/** Decrypts the encrypted data key once and caches it. */
export class KmsKeyProvider implements KeyProvider {
  private cached: Promise<PseudonymKey> | undefined;

  constructor(
    private readonly kms: KMSClient,
    private readonly encryptedDataKeyBase64: string,
    private readonly kmsKeyId?: string,
  ) {}

  getKey(): Promise<PseudonymKey> {
    this.cached ??= this.decrypt().catch((err: unknown) => {
      this.cached = undefined; // a transient KMS failure must not poison the container
      throw err;
    });
    return this.cached;
  }

  private async decrypt(): Promise<PseudonymKey> {
    const blob = Buffer.from(this.encryptedDataKeyBase64, 'base64');
    const out = await this.kms.send(
      new DecryptCommand({ CiphertextBlob: blob, ...(this.kmsKeyId ? { KeyId: this.kmsKeyId } : {}) }),
    );
    if (!out.Plaintext || out.Plaintext.byteLength < 32)
      throw new KeyUnavailableError('KMS returned no usable key');
    const version = `kms-${createHash('sha256').update(blob).digest('hex').slice(0, 12)}`;
    return { key: new Uint8Array(out.Plaintext), version };
  }
}
