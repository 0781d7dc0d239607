import { badRequest } from '@gw/common';
import type { RequestHandler } from 'express';

/**
 * Every query parameter of the API is one plain string. `?instanceName[]=a`,
 * `?instanceName[$ne]=x` or a repeated `?instanceName=a&instanceName=b` would otherwise be
 * dropped as unknown keys (listing every instance) or reach code expecting a string: refuse them.
 */
export function rejectNonStringQuery(): RequestHandler {
  return (req, _res, next) => {
    for (const [key, value] of Object.entries(req.query)) {
      if (/[[\]]/.test(key)) {
        const name = key.slice(0, key.indexOf('[')) || key;
        return next(badRequest(`Query parameter "${key}" is not accepted: send ${name}=<text> once, without brackets`));
      }
      if (typeof value !== 'string') return next(badRequest(`Query parameter "${key}" must be given once, as text`));
    }
    next();
  };
}
