import type { Request } from 'express';
import { Readable } from 'node:stream';
import { SingleCopyMemoryStorage } from './single-copy-memory.storage';

function store(contentLength: string | undefined, chunks: Buffer[]) {
  const req = { headers: contentLength === undefined ? {} : { 'content-length': contentLength } } as unknown as Request;
  const file = { stream: Readable.from(chunks) } as unknown as Express.Multer.File;
  return new Promise<Partial<Express.Multer.File>>((resolve, reject) =>
    new SingleCopyMemoryStorage(1024 * 1024)._handleFile(req, file, (err, info) => (err ? reject(err) : resolve(info!))),
  );
}

describe('SingleCopyMemoryStorage', () => {
  const chunks = Array.from({ length: 40 }, (_, i) => Buffer.alloc(5000, i));
  const whole = Buffer.concat(chunks);

  it('reads the part into one buffer sized from Content-Length', async () => {
    const info = await store(String(whole.length + 300), chunks);
    expect(info.size).toBe(whole.length);
    expect(info.buffer!.equals(whole)).toBe(true);
    expect(info.buffer!.buffer.byteLength).toBeLessThan(whole.length + 64 * 1024); // no second copy kept around
  });

  it('grows when the length is unknown or understated', async () => {
    expect((await store(undefined, chunks)).buffer!.equals(whole)).toBe(true);
    expect((await store('10', chunks)).buffer!.equals(whole)).toBe(true);
    expect((await store('junk', chunks)).buffer!.equals(whole)).toBe(true);
  });
});
