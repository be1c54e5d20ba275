/** ObjectStore on a local directory (keys are relative paths): for CLI outputs that stay on this machine. */

import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { type ObjectInfo, type ObjectStore, PreconditionFailedError, type PutOptions } from '#core/ports.js';

/** Content hash standing in for an S3 ETag (conditional writes compare it). */
function etagOf(body: Uint8Array): string {
  return `"${createHash('sha256').update(body).digest('hex')}"`;
}

/** A directory as an object store. */
export class FileObjectStore implements ObjectStore {
  readonly name: string;

  constructor(private readonly root: string) {
    this.name = root;
  }

  private path(key: string): string {
    if (key.includes('..')) throw new Error('object keys may not contain ".."');
    return join(this.root, key);
  }

  async put(key: string, body: Uint8Array | string, options: PutOptions = {}): Promise<void> {
    const p = this.path(key);
    if (options.ifMatch !== undefined) {
      const current = await this.get(key);
      if (!current || etagOf(current) !== options.ifMatch) {
        throw new PreconditionFailedError(`${key} changed since it was read`);
      }
    }
    if (options.ifNoneMatch === '*' && (await this.get(key)) !== undefined) {
      throw new PreconditionFailedError(`${key} exists already`);
    }
    await mkdir(dirname(p), { recursive: true });
    await writeFile(p, body);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(this.path(key)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    const out: ObjectInfo[] = [];
    const walk = async (dir: string): Promise<void> => {
      let names: string[];
      try {
        names = await readdir(dir);
      } catch {
        return;
      }
      for (const name of names) {
        const p = join(dir, name);
        const s = await stat(p);
        if (s.isDirectory()) await walk(p);
        else {
          const key = relative(this.root, p).split(sep).join('/');
          if (key.startsWith(prefix)) {
            out.push({ key, size: s.size, lastModified: s.mtime, etag: etagOf(await readFile(p)) });
          }
        }
      }
    };
    // Keys under the prefix live under its directory part: walk only that subtree.
    const dir = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    await walk(dir === '' ? this.root : this.path(dir));
    return out.sort((a, b) => a.key.localeCompare(b.key));
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }
}
