import type { Request } from 'express';
import type { StorageEngine } from 'multer';

const MIN_BUFFER = 64 * 1024;

/**
 * multer storage that reads the file part into one buffer sized from the request's
 * Content-Length (an upper bound of the part), so the media is held once. multer's
 * memoryStorage collects chunks and concatenates them: twice the file at the end of each upload.
 * Without a Content-Length (chunked), the buffer doubles as needed.
 */
export class SingleCopyMemoryStorage implements StorageEngine {
  constructor(private readonly maxBytes: number) {}

  _handleFile(req: Request, file: Express.Multer.File, cb: (error?: unknown, info?: Partial<Express.Multer.File>) => void): void {
    const declared = Number(req.headers['content-length']);
    // allocUnsafe commits pages only as they are written: a large declared length costs nothing up front
    let buffer = Buffer.allocUnsafe(Math.max(MIN_BUFFER, Math.min(Number.isFinite(declared) ? declared : 0, this.maxBytes + 1)));
    let size = 0;
    file.stream.on('data', (chunk: Buffer) => {
      if (size + chunk.length > buffer.length) {
        const grown = Buffer.allocUnsafe(Math.max(buffer.length * 2, size + chunk.length));
        buffer.copy(grown, 0, 0, size);
        buffer = grown;
      }
      chunk.copy(buffer, size);
      size += chunk.length;
    });
    file.stream.once('error', (err) => cb(err));
    // busboy truncates at limits.fileSize and multer reports LIMIT_FILE_SIZE itself
    file.stream.once('end', () => cb(null, { buffer: buffer.subarray(0, size), size }));
  }

  _removeFile(_req: Request, file: Express.Multer.File, cb: (error: Error | null) => void): void {
    delete (file as Partial<Express.Multer.File>).buffer;
    cb(null);
  }
}
