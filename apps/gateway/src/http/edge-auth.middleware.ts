import { Injectable } from '@nestjs/common';
import { ApiKeyAuthenticator, AuthenticatedRequest, clientAddress } from '@gw/common';
import type { NextFunction, RequestHandler, Response } from 'express';
import { EdgeRoute, RouteTable } from './route-table.service';

export interface EdgeRequest extends AuthenticatedRequest {
  /** The route this request will reach, as the edge found it (undefined: Nest will answer 404). */
  edgeRoute?: EdgeRoute;
}

/**
 * Authenticates from the headers and the route's :instanceName alone, before any body byte is
 * read: an unauthenticated 130 MB POST is answered 401 (or 404 for an unknown instance) at
 * once and its body never buffered. The guard later accepts this decision for the same route.
 */
@Injectable()
export class EdgeAuthMiddleware {
  constructor(
    private readonly routes: RouteTable,
    private readonly authenticator: ApiKeyAuthenticator,
  ) {}

  readonly handle: RequestHandler = (req, _res: Response, next: NextFunction) => {
    this.authenticate(req as EdgeRequest).then(() => next(), next);
  };

  private async authenticate(req: EdgeRequest): Promise<void> {
    // CORS preflights carry no key and no body; the cors middleware answers them.
    if (req.method === 'OPTIONS') return;
    const matched = this.routes.find(req.method, req.path);
    if (!matched) return;
    req.edgeRoute = matched.route;
    const mode = matched.route.auth;
    if (mode === 'public') return;

    const raw = matched.params.instanceName;
    const name = Array.isArray(raw) ? raw.join('/') : raw;
    const { auth, instance } = await this.authenticator.authenticate(mode, name, req.get('apikey'), clientAddress(req));
    req.auth = auth;
    if (instance) req.instanceRecord = instance;
    req.authenticatedFor = { mode, instanceName: name };
  }
}
