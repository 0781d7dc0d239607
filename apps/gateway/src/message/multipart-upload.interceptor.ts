import { CallHandler, ExecutionContext, HttpStatus, Injectable, NestInterceptor } from '@nestjs/common';
import { EvolutionException, badRequest } from '@gw/common';
import type { Request, RequestHandler, Response } from 'express';
import multer, { MulterError } from 'multer';
import type { Observable } from 'rxjs';
import { MAX_MEDIA_BYTES } from './media.loader';
import { SingleCopyMemoryStorage } from './single-copy-memory.storage';

export const UPLOAD_FIELD = 'file';
/** Form fields are short (numbers, captions, JSON for quoted/mentioned); captions stop at 4096. */
const MAX_FIELD_BYTES = 64 * 1024;
const MAX_FIELDS = 100;

const megabytes = (bytes: number) => `${bytes / (1024 * 1024)} MB`;

/** multer's codes as Evolution envelopes naming what was wrong. */
function uploadError(err: unknown): unknown {
  if (!(err instanceof MulterError)) {
    // busboy: "Unexpected end of form", "Malformed part header", "Multipart: Boundary not found"
    const message = (err as Error)?.message;
    return message ? badRequest(`Malformed multipart body: ${message}`) : err;
  }
  switch (err.code) {
    case 'LIMIT_FILE_SIZE':
      return new EvolutionException(HttpStatus.PAYLOAD_TOO_LARGE, [`${UPLOAD_FIELD}: media is larger than ${megabytes(MAX_MEDIA_BYTES)}`]);
    case 'LIMIT_UNEXPECTED_FILE':
      return badRequest(`Unexpected file part "${err.field ?? ''}": send the media as one part named "${UPLOAD_FIELD}"`);
    case 'LIMIT_FILE_COUNT':
      return badRequest(`Only one file part ("${UPLOAD_FIELD}") is accepted`);
    case 'LIMIT_FIELD_VALUE':
      return badRequest(`Form field "${err.field ?? ''}" is longer than ${MAX_FIELD_BYTES / 1024} KB`);
    case 'LIMIT_FIELD_COUNT':
    case 'LIMIT_PART_COUNT':
      return badRequest(`Multipart body has more than ${MAX_FIELDS} fields`);
    default:
      return badRequest(`Malformed multipart body: ${err.message}`);
  }
}

/**
 * `multipart/form-data` sends (Evolution v2 accepts them): the other fields arrive as form
 * fields, the media as the `file` part, streamed into one buffer (held once) with the same 64 MB
 * cap as JSON media. An interceptor runs after the guards, so nothing is read before the caller is
 * authenticated; JSON bodies pass through untouched.
 */
@Injectable()
export class MultipartUploadInterceptor implements NestInterceptor {
  private readonly parse: RequestHandler = multer({
    storage: new SingleCopyMemoryStorage(MAX_MEDIA_BYTES),
    limits: { fileSize: MAX_MEDIA_BYTES, files: 1, fields: MAX_FIELDS, parts: MAX_FIELDS + 1, fieldSize: MAX_FIELD_BYTES },
  }).single(UPLOAD_FIELD);

  async intercept(ctx: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const req = ctx.switchToHttp().getRequest<Request>();
    if (req.is('multipart/form-data')) {
      const res = ctx.switchToHttp().getResponse<Response>();
      await new Promise<void>((resolve, reject) => this.parse(req, res, (err?: unknown) => (err ? reject(uploadError(err)) : resolve())));
    }
    return next.handle();
  }
}
