import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Inject, Logger, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { ERROR_TRANSLATOR, type ErrorTranslator } from './error-translator.port';
import { EvolutionException } from './evolution.exception';

const REASON: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};

/** Body-parser errors carry `type`/`status`; they are client mistakes, never 500s. */
function bodyParserError(err: unknown): { status: number; message: string } | undefined {
  const e = err as { type?: string; status?: number; message?: string };
  if (!e || typeof e.type !== 'string' || typeof e.status !== 'number') return undefined;
  if (e.type === 'entity.parse.failed') return { status: 400, message: 'Malformed JSON body' };
  if (e.type === 'entity.too.large') return { status: 413, message: 'Request body too large' };
  if (e.status >= 400 && e.status < 500) return { status: e.status, message: e.message ?? 'Bad request body' };
  return undefined;
}

/**
 * Turns every error into Evolution's envelope; unexpected ones become a 500 with a correlation id
 * only. Errors of the engine and the send queue are translated first (ERROR_TRANSLATOR), so
 * services let them through instead of each mapping them.
 */
@Catch()
export class EvolutionExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  constructor(@Optional() @Inject(ERROR_TRANSLATOR) private readonly translator?: ErrorTranslator) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request>();
    const { status, message } = this.describe(this.translator?.translate(exception, req) ?? exception, req);
    const body: Record<string, unknown> = { status, error: REASON[status] ?? HttpStatus[status] ?? 'Error' };
    body.response = message === undefined ? {} : { message };
    res.status(status).json(body);
  }

  private describe(exception: unknown, req: Request): { status: number; message: unknown } {
    if (exception instanceof EvolutionException) {
      return { status: exception.getStatus(), message: exception.messages };
    }
    const parser = bodyParserError(exception);
    if (parser) return { status: parser.status, message: [parser.message] };
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status === 404) return { status, message: [`Cannot ${req.method} ${req.originalUrl.split('?')[0]}`] };
      const resp = exception.getResponse();
      const msg = typeof resp === 'object' && resp && 'message' in resp ? (resp as { message: unknown }).message : resp;
      return { status, message: Array.isArray(msg) ? msg : [msg] };
    }
    // A stored secret that does not decrypt (moved between rows, or a key mix-up): the message
    // names the row and key id, never the value.
    if ((exception as Error)?.name === 'SecretDecryptError') {
      this.logger.error(`${req.method} ${req.path}: ${(exception as Error).message}`);
      return { status: 409, message: [`${(exception as Error).message}; the instance needs a new link (delete it and create it again)`] };
    }
    const id = randomUUID();
    this.logger.error(`unhandled error ${id} on ${req.method} ${req.path}: ${(exception as Error)?.stack ?? exception}`);
    return { status: 500, message: `Internal error, reference ${id}` };
  }
}
