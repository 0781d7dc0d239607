import type { RequestHandler } from 'express';
import { badRequest } from './evolution.exception';

const NUL = '\u0000';

/** The path (`where.key.remoteJid`, `numbers.2`) of the first string holding a NUL, if any. Iterative: bodies may nest deeply. */
export function findNulCharacter(value: unknown, root: string): string | undefined {
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length) {
    const [current, path] = stack.pop()!;
    if (typeof current === 'string') {
      if (current.includes(NUL)) return path;
    } else if (current && typeof current === 'object' && !Buffer.isBuffer(current)) {
      for (const [key, child] of Object.entries(current)) {
        if (key.includes(NUL)) return path ? `${path}.${key.replaceAll(NUL, '\\u0000')}` : key.replaceAll(NUL, '\\u0000');
        stack.push([child, path ? `${path}.${key}` : key]);
      }
    }
  }
  return undefined;
}

function decodedPath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/**
 * Postgres text and jsonb cannot hold U+0000, so a NUL anywhere in a body, a query or the path
 * would reach the database and fail there as a 500. It is refused up front with a 400 naming
 * the field. `url` (the decoded path and the query) runs before anything looks an instance up by
 * the path's name; `body` once the body is read. Raw (Buffer) bodies, such as Meta's signed
 * notifications, are left alone.
 */
export function rejectNulCharacters(part: 'url' | 'body'): RequestHandler {
  return (req, _res, next) => {
    const field =
      part === 'url'
        ? ((decodedPath(req.path).includes(NUL) ? 'the URL path' : undefined) ?? findNulCharacter(req.query, ''))
        : findNulCharacter(req.body, '');
    if (field === undefined) return next();
    next(badRequest(`${field || 'body'} must not contain the NUL character (\\u0000)`));
  };
}
