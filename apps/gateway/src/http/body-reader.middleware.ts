import { HttpStatus, Injectable } from '@nestjs/common';
import { EvolutionException, badRequest } from '@gw/common';
import { json, urlencoded, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { EdgeRequest } from './edge-auth.middleware';
import { continueIfExpected } from './expect-continue.util';
import { MAX_JSON_DEPTH, jsonDepthExceeds } from './json-depth.util';

/** Errors body-parser reports carry a `type`; decompression errors from zlib do not. */
interface ParserError {
  type?: string;
  message?: string;
}

const megabytes = (bytes: number) => `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
const tooLarge = (limit: number) =>
  new EvolutionException(HttpStatus.PAYLOAD_TOO_LARGE, [`Request body is larger than this route accepts (${megabytes(limit)})`]);
const unsupported = (message: string) => new EvolutionException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, [message]);

/** Thrown from body-parser's `verify` hook, which sees the decoded bytes before JSON.parse. */
function checkJsonText(_req: Request, _res: Response, buf: Buffer, charset: string) {
  if (charset !== 'utf-8') throw Object.assign(new Error('JSON bodies must be UTF-8'), { type: 'gw.charset' });
  if (jsonDepthExceeds(buf, MAX_JSON_DEPTH)) {
    throw Object.assign(new Error(`JSON body is nested deeper than ${MAX_JSON_DEPTH} levels`), { type: 'gw.depth' });
  }
}

/** One clear 4xx in the envelope per way a body can be wrong; anything else goes on unchanged. */
export function bodyError(err: unknown, req: Request, limit: number): unknown {
  const e = err as ParserError;
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  switch (e?.type) {
    case 'entity.too.large':
      return tooLarge(limit);
    case 'entity.parse.failed':
      return badRequest('Malformed JSON body');
    case 'gw.depth':
      return badRequest(e.message);
    case 'gw.charset':
    case 'charset.unsupported':
      return unsupported(e.message ?? 'Unsupported charset');
    case 'encoding.unsupported':
      return unsupported(`Unsupported content-encoding "${encoding}" (use gzip, deflate, br or none)`);
    case 'querystring.parse.rangeError':
      return badRequest(`Form body nests deeper than ${MAX_JSON_DEPTH} levels`);
    case 'parameters.too.many':
      return new EvolutionException(HttpStatus.PAYLOAD_TOO_LARGE, ['Form body has more than 1000 fields']);
    case 'request.aborted':
    case 'request.size.invalid':
      return badRequest('Request body ended before its declared length');
    case undefined:
      // a stream error with no type comes from decompressing the body (zlib: "incorrect header check")
      if (encoding !== 'identity') return badRequest(`Request body is not valid ${encoding} data (content-encoding: ${encoding})`);
      return err;
    default:
      return err;
  }
}

/**
 * Reads JSON and form bodies once the edge knows the route and has authenticated the caller,
 * with that route's limit: generous where media travels (@MediaBody), 1 MB elsewhere. Requests
 * for no known route (404) and bodies already read (Meta's signed raw bodies) are left alone.
 */
@Injectable()
export class BodyReaderMiddleware {
  private readonly parsers = new Map<number, RequestHandler[]>();

  readonly handle: RequestHandler = (req, res, next) => {
    const route = (req as EdgeRequest).edgeRoute;
    if (!route || req.body !== undefined) return next();
    const limit = route.bodyLimit;
    const identity = (req.headers['content-encoding'] ?? 'identity').toLowerCase() === 'identity';
    // A declared length over the limit is refused before a byte is read.
    if (identity && Number(req.headers['content-length']) > limit) return next(tooLarge(limit));
    const [first, second] = this.parsersFor(limit);
    const done: NextFunction = (err?: unknown) => next(err === undefined ? undefined : bodyError(err, req, limit));
    continueIfExpected(req, res);
    first(req, res, (err?: unknown) => (err ? done(err) : second(req, res, done)));
  };

  private parsersFor(limit: number): RequestHandler[] {
    let parsers = this.parsers.get(limit);
    if (!parsers) {
      // urlencoded: body-parser's default depth (32, like MAX_JSON_DEPTH) applies to bracketed form keys
      parsers = [json({ limit, verify: checkJsonText }), urlencoded({ limit, extended: true })];
      this.parsers.set(limit, parsers);
    }
    return parsers;
  }
}
