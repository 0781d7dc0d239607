import { mkdir, readFile, readdir, rm, stat, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { MediaStore } from './media-store.port';
import { isMediaKey } from './media-key.util';
import { MediaUrlSigner } from './media-url.signer';

/**
 * Media on the gateway's disk, served by GET /media/... with a signed, expiring URL under
 * SERVER_URL (used when S3 is off, so large media is never lost).
 */
export class LocalMediaStore implements MediaStore {
  constructor(
    private readonly dir: string,
    private readonly signer: MediaUrlSigner,
    /** SERVER_URL + SERVER_BASE_PATH. */
    private readonly baseUrl: string,
    private readonly ttlS: number,
  ) {}

  private path(key: string): string {
    if (!isMediaKey(key)) throw new Error('invalid media key');
    return join(this.dir, key);
  }

  async put(key: string, data: Buffer, _contentType: string): Promise<void> {
    const file = this.path(key);
    await mkdir(join(file, '..'), { recursive: true });
    // Written aside, then renamed: a reader never sees half a file.
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, data);
    await rename(tmp, file);
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.path(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  /** The file's path and size for streaming, or undefined when absent. */
  async file(key: string): Promise<{ path: string; size: number } | undefined> {
    const path = this.path(key);
    const info = await stat(path).catch(() => undefined);
    return info?.isFile() ? { path, size: info.size } : undefined;
  }

  async url(key: string, contentType: string): Promise<string> {
    const expires = Math.floor(Date.now() / 1000) + this.ttlS;
    const signature = this.signer.sign({ key, contentType, expires });
    const query = new URLSearchParams({ type: contentType, expires: String(expires), signature });
    return `${this.baseUrl}/media/${key}?${query}`;
  }

  async removeOlderThan(before: Date): Promise<number> {
    let removed = 0;
    const instances = await readdir(this.dir).catch(() => [] as string[]);
    for (const instance of instances) {
      const folder = join(this.dir, instance);
      for (const name of await readdir(folder).catch(() => [] as string[])) {
        const file = join(folder, name);
        const info = await stat(file).catch(() => undefined);
        if (info && info.mtime < before) {
          await rm(file, { force: true });
          removed += 1;
        }
      }
    }
    return removed;
  }
}
