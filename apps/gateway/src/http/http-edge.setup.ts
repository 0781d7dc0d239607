import type { NestExpressApplication } from '@nestjs/platform-express';
import { rejectNulCharacters } from '@gw/common';
import { InstanceForwardingMiddleware } from '../cluster/instance-forwarding.middleware';
import { BodyReaderMiddleware } from './body-reader.middleware';
import { EdgeAuthMiddleware } from './edge-auth.middleware';
import { deferExpectContinue } from './expect-continue.util';
import { v1Aliases } from './v1-aliases';
import { rejectNonStringQuery } from './query-shape.middleware';

/**
 * Size before trust: everything that can be decided from the request line and headers is
 * decided before a body byte is read. The order matters:
 * 1. query parameters are plain strings (400 otherwise); a v1 verb becomes the v2 call it stands for;
 *    no NUL character in the path or the query (400: Postgres cannot take them, and step 2 looks
 *    the path's instance name up);
 * 2. apikey / instance token for the route (404 unknown instance, then 401), no body read yet;
 * 3. calls for an instance another node runs are streamed to it, body unread;
 * 4. the body is read with the route's limit (413), depth (400) and encoding (400/415) checks;
 * 5. no NUL character in the body.
 */
export function installHttpEdge(app: NestExpressApplication, basePath: string): void {
  deferExpectContinue(app.getHttpServer());
  app.use(rejectNonStringQuery());
  app.use(v1Aliases(basePath));
  app.use(rejectNulCharacters('url'));
  app.use(app.get(EdgeAuthMiddleware).handle);
  app.use(app.get(InstanceForwardingMiddleware).handle);
  app.use(app.get(BodyReaderMiddleware).handle);
  app.use(rejectNulCharacters('body'));
}
