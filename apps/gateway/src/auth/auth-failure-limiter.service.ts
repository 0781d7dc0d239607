import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { AuthThrottle, tooManyAttempts } from '@gw/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { createFailFastRedis, redisKeys } from '@gw/redis';
import type IORedis from 'ioredis';

/** Redis must answer quickly; a slow or absent Redis lets requests through (auth itself still applies). */
const REDIS_TIMEOUT_MS = 250;

/**
 * Failed API-key attempts per client address in a fixed window (AUTH_FAILURE_LIMIT per
 * AUTH_FAILURE_WINDOW_S), counted in Redis so all nodes share them and memory stays bounded
 * (one expiring counter per address that failed). A client over the limit gets 429 until the
 * window ends; that is logged once per window, with the address but never the tried key.
 */
@Injectable()
export class AuthFailureLimiter implements AuthThrottle, OnModuleDestroy {
  private readonly logger = new Logger('Auth');
  // Its own connection: no offline queue, so an outage fails fast instead of holding requests.
  private readonly redis: IORedis;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.redis = createFailFastRedis(config.redis.url);
  }

  async assertAllowed(client: string): Promise<void> {
    const state = await this.withTimeout(this.redis.multi().get(this.key(client)).pttl(this.key(client)).exec());
    if (!state) return;
    const count = Number(state[0]?.[1] ?? 0);
    const ttlMs = Number(state[1]?.[1] ?? 0);
    if (count >= this.config.auth.failureLimit) throw tooManyAttempts(Math.max(1, Math.ceil(ttlMs / 1000)));
  }

  async recordFailure(client: string): Promise<void> {
    const key = this.key(client);
    const result = await this.withTimeout(this.redis.multi().incr(key).expire(key, this.config.auth.failureWindowS, 'NX').exec());
    if (Number(result?.[0]?.[1]) === this.config.auth.failureLimit) {
      this.logger.warn(
        `client ${client}: ${this.config.auth.failureLimit} failed API key attempts within ${this.config.auth.failureWindowS} s; ` +
          'refusing its requests with 429 until the window ends',
      );
    }
  }

  onModuleDestroy() {
    this.redis.disconnect();
  }

  private key(client: string) {
    return redisKeys(this.config.redis.prefix).authFailures(client);
  }

  private async withTimeout<T>(op: Promise<T>): Promise<T | undefined> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([op, new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), REDIS_TIMEOUT_MS)))]);
    } catch {
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }
}
