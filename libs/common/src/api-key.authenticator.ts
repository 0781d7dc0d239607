import { Inject, Injectable, Optional } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import type { AuthMode, RequestAuth } from './auth.decorators';
import { AUTH_THROTTLE, type AuthThrottle } from './auth-throttle.port';
import { EvolutionException, instanceNotFound, unauthorized } from './evolution.exception';
import { secureEquals } from './secure-compare.util';

export interface InstanceIdentity {
  id: string;
  name: string;
  token: string;
}

/** Port the authenticator uses to find instances; implemented by the persistence layer. */
export interface InstanceLookup {
  /** Identity only (id, name, token): where nothing else of the row is needed (socket handshakes). */
  findByName(name: string): Promise<InstanceIdentity | null>;
  /**
   * The whole row of the instance a route names (webhooks, settings): the request keeps it, so
   * the forwarding middleware and the route's @InstanceParam() do not read it again.
   */
  findFullByName(name: string): Promise<InstanceIdentity | null>;
  findByToken(token: string): Promise<InstanceIdentity | null>;
}
export const INSTANCE_LOOKUP = Symbol('INSTANCE_LOOKUP');

export interface Authentication {
  auth: RequestAuth;
  /** The instance named by the route (:instanceName), when it has one: its whole row (see InstanceLookup). */
  instance: InstanceIdentity | null;
}

/**
 * The one place the `apikey` rules live; used by the HTTP edge (before any body byte is read)
 * and by the guard. Evolution's order: an unknown :instanceName is a 404 before the key is
 * checked; then the global key passes everything and an instance token only its own instance.
 */
@Injectable()
export class ApiKeyAuthenticator {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(INSTANCE_LOOKUP) private readonly instances: InstanceLookup,
    @Optional() @Inject(AUTH_THROTTLE) private readonly throttle?: AuthThrottle,
  ) {}

  /**
   * `client` (the caller's address) is what failed attempts are counted by: a client guessing keys
   * gets 429 from the throttle, whatever key it sends next. A missing key is not a guess.
   */
  async authenticate(
    mode: Exclude<AuthMode, 'public'>,
    instanceName: string | undefined,
    key: string | undefined,
    client: string,
  ): Promise<Authentication> {
    let instance: InstanceIdentity | null = null;
    if (instanceName !== undefined) {
      instance = await this.instances.findFullByName(instanceName);
      if (!instance) throw instanceNotFound(instanceName);
    }

    if (!key) throw unauthorized();
    await this.throttle?.assertAllowed(client);
    try {
      return await this.check(mode, instance, key);
    } catch (err) {
      if (err instanceof EvolutionException && err.getStatus() === 401) await this.throttle?.recordFailure(client);
      throw err;
    }
  }

  private async check(mode: Exclude<AuthMode, 'public'>, instance: InstanceIdentity | null, key: string): Promise<Authentication> {
    if (secureEquals(key, this.config.auth.apiKey)) return { auth: { isGlobal: true }, instance };
    if (mode === 'global') throw unauthorized();

    if (instance) {
      if (!secureEquals(key, instance.token)) throw unauthorized();
      return { auth: { isGlobal: false, tokenInstanceId: instance.id }, instance };
    }
    const owner = await this.instances.findByToken(key);
    if (!owner) throw unauthorized();
    return { auth: { isGlobal: false, tokenInstanceId: owner.id }, instance };
  }
}
