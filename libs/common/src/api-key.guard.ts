import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiKeyAuthenticator } from './api-key.authenticator';
import { AUTH_MODE, AuthMode, AuthenticatedRequest } from './auth.decorators';
import { clientAddress } from './auth-throttle.port';

/**
 * Applies the route's auth mode (see ApiKeyAuthenticator). The HTTP edge normally decided
 * already, before reading the body; the guard then only checks that the edge decided for this
 * very route and instance (so a route the edge did not recognise is still authenticated here).
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: ApiKeyAuthenticator,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const mode =
      this.reflector.getAllAndOverride<AuthMode>(AUTH_MODE, [ctx.getHandler(), ctx.getClass()]) ?? 'instance';
    if (mode === 'public') return true;
    const req = ctx.switchToHttp().getRequest<AuthenticatedRequest>();

    const raw = req.params?.instanceName;
    const name = Array.isArray(raw) ? raw.join('/') : raw;
    const edge = req.authenticatedFor;
    if (req.auth && edge && edge.mode === mode && edge.instanceName === name) return true;

    const { auth, instance } = await this.authenticator.authenticate(mode, name, req.get('apikey'), clientAddress(req));
    req.auth = auth;
    if (instance) req.instanceRecord = instance;
    req.authenticatedFor = { mode, instanceName: name };
    return true;
  }
}
