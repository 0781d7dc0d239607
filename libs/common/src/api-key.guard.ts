import { CanActivate, ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { AUTH_MODE, AuthMode, AuthenticatedRequest } from './auth.decorators';
import { EvolutionException, instanceNotFound, unauthorized } from './evolution.exception';
import { secureEquals } from './secure-compare.util';
import { AUTH_THROTTLE, AuthThrottle, clientAddress } from './auth-throttle.port';

export interface InstanceIdentity {
  id: string;
  name: string;
  token: string;
}

/** Port the guard uses to find instances; implemented by the persistence layer. */
export interface InstanceLookup {
  findByName(name: string): Promise<InstanceIdentity | null>;
  findByToken(token: string): Promise<InstanceIdentity | null>;
}
export const INSTANCE_LOOKUP = Symbol('INSTANCE_LOOKUP');

/**
 * Evolution's order: an unknown :instanceName is a 404 before the key is checked; then the
 * global key passes everything and an instance token passes only its own instance.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(INSTANCE_LOOKUP) private readonly instances: InstanceLookup,
    @Optional() @Inject(AUTH_THROTTLE) private readonly throttle?: AuthThrottle,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const mode =
      this.reflector.getAllAndOverride<AuthMode>(AUTH_MODE, [ctx.getHandler(), ctx.getClass()]) ?? 'instance';
    if (mode === 'public') return true;
    const req = ctx.switchToHttp().getRequest<AuthenticatedRequest>();

    const raw = req.params?.instanceName;
    const name = Array.isArray(raw) ? raw.join('/') : raw;
    let routeInstance: InstanceIdentity | null = null;
    if (name !== undefined) {
      routeInstance = await this.instances.findByName(name);
      if (!routeInstance) throw instanceNotFound(name);
      req.instanceRecord = routeInstance;
    }

    const key = req.get('apikey');
    if (!key) throw unauthorized();
    const client = clientAddress(req);
    await this.throttle?.assertAllowed(client);
    try {
      return await this.check(req, key, mode, routeInstance);
    } catch (err) {
      if (err instanceof EvolutionException && err.getStatus() === 401) await this.throttle?.recordFailure(client);
      throw err;
    }
  }

  private async check(req: AuthenticatedRequest, key: string, mode: AuthMode, routeInstance: InstanceIdentity | null): Promise<boolean> {
    if (secureEquals(key, this.config.auth.apiKey)) {
      req.auth = { isGlobal: true };
      return true;
    }
    if (mode === 'global') throw unauthorized();

    if (routeInstance) {
      if (!secureEquals(key, routeInstance.token)) throw unauthorized();
      req.auth = { isGlobal: false, tokenInstanceId: routeInstance.id };
      return true;
    }
    const owner = await this.instances.findByToken(key);
    if (!owner) throw unauthorized();
    req.auth = { isGlobal: false, tokenInstanceId: owner.id };
    return true;
  }
}
