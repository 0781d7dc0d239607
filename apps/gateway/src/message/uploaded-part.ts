import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/** The `file` part of a multipart send, held in memory once (multer's memory storage, size-capped). */
export interface UploadedPart {
  data: Buffer;
  /** as the client declared it on the part; the bytes' signature is checked too */
  mimetype?: string;
  fileName?: string;
}

/** `@Upload() file?: UploadedPart`: the multipart `file` part, when the request had one. */
export const Upload = createParamDecorator((_: unknown, ctx: ExecutionContext): UploadedPart | undefined => {
  const part = ctx.switchToHttp().getRequest<Request>().file;
  if (!part) return undefined;
  const generic = !part.mimetype || part.mimetype === 'application/octet-stream';
  return { data: part.buffer, ...(generic ? {} : { mimetype: part.mimetype }), ...(part.originalname ? { fileName: part.originalname } : {}) };
});
