import { CanActivate, ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import { AUTH_THROTTLE, AuthThrottle, clientAddress, secureEquals, unauthorized } from '@gw/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import type { Request } from 'express';

/**
 * /metrics needs the global API key (header `apikey`) or, when METRICS_TOKEN is set,
 * `Authorization: Bearer <METRICS_TOKEN>` (what Prometheus' `authorization` block sends).
 * METRICS_AUTH=false opens it, for scrapers on a private network.
 */
@Injectable()
export class MetricsAuthGuard implements CanActivate {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(AUTH_THROTTLE) private readonly throttle?: AuthThrottle,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (!this.config.metrics.auth) return true;
    const req = ctx.switchToHttp().getRequest<Request>();
    const apikey = req.get('apikey');
    const bearer = /^Bearer\s+(.+)$/i.exec(req.get('authorization') ?? '')?.[1];
    if (!apikey && !bearer) throw unauthorized();
    const client = clientAddress(req);
    await this.throttle?.assertAllowed(client);
    const token = this.config.metrics.token;
    if ((apikey && secureEquals(apikey, this.config.auth.apiKey)) || (bearer && token && secureEquals(bearer, token))) return true;
    await this.throttle?.recordFailure(client);
    throw unauthorized();
  }
}
