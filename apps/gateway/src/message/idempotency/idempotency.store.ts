import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { serviceUnavailable } from '@gw/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { createHash, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createFailFastRedis, redisKeys } from '@gw/redis';
import type IORedis from 'ioredis';

/** Stripe's window: a retry within 24 h gets the first answer. */
export const IDEMPOTENCY_WINDOW_S = 24 * 3600;
/** Completed keys kept per instance; the oldest go first (bounds Redis whatever clients send). */
export const MAX_KEYS_PER_INSTANCE = 10_000;
/**
 * How long a claim of a running request lives: longer than the slowest send (a 5-min `delay`
 * plus queue and send timeout). A node that dies mid-send frees its keys after this.
 */
const RUNNING_TTL_MS = 10 * 60_000;
/** A waiting duplicate checks this often whether the first request finished. */
const POLL_MS = 100;
/** How long a request waits for a (re)connecting Redis before it is a 503. */
const CONNECT_WAIT_MS = 1_000;

/** What a key holds: the request still running on some node, or its stored response. */
type Entry =
  | { state: 'running'; fingerprint: string; token: string }
  | { state: 'done'; fingerprint: string; status: number; body: unknown };

export type Claim =
  | { kind: 'fresh'; token: string }
  | { kind: 'replay'; status: number; body: unknown }
  | { kind: 'mismatch' };

/** Stores the response, indexes the key per instance and evicts the oldest beyond the cap. */
const COMPLETE = `
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
local now = tonumber(ARGV[3])
redis.call('ZADD', KEYS[2], now, KEYS[1])
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now - tonumber(ARGV[2]) * 1000)
for _, k in ipairs(expired) do redis.call('ZREM', KEYS[2], k) end
local extra = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[4])
if extra > 0 then
  local oldest = redis.call('ZPOPMIN', KEYS[2], extra)
  for i = 1, #oldest, 2 do redis.call('DEL', oldest[i]) end
end
redis.call('EXPIRE', KEYS[2], ARGV[2])
return 1`;

/** Frees a claim only if it is still ours (a slow request must not free a newer claim). */
const RELEASE = `
local v = redis.call('GET', KEYS[1])
if v and string.find(v, ARGV[1], 1, true) then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * Idempotency keys of the send routes, in Redis so every node sees the same keys. The first
 * request claims its key (SET NX); a duplicate waits for the first to finish and gets its
 * response; a key reused for another request is a mismatch. Only successful responses are
 * kept: a failed send sent nothing, so its retry runs again.
 */
@Injectable()
export class IdempotencyStore implements OnModuleDestroy {
  // Its own connection without an offline queue: a Redis outage is a quick 503, not a hang.
  private readonly redis: IORedis;
  /** MAX_KEYS_PER_INSTANCE; a field so the spec can check the eviction with a small cap. */
  protected readonly maxKeys: number = MAX_KEYS_PER_INSTANCE;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.redis = createFailFastRedis(config.redis.url);
  }

  async claim(instance: string, key: string, fingerprint: string): Promise<Claim> {
    const redisKey = this.key(instance, key);
    const token = randomUUID();
    const running = JSON.stringify({ state: 'running', fingerprint, token } satisfies Entry);
    for (;;) {
      const set = await this.call(() => this.redis.set(redisKey, running, 'PX', RUNNING_TTL_MS, 'NX'));
      if (set === 'OK') return { kind: 'fresh', token };
      const raw = await this.call(() => this.redis.get(redisKey));
      if (raw === null) continue; // finished without a result (or expired) in between: claim again
      const entry = JSON.parse(raw) as Entry;
      if (entry.fingerprint !== fingerprint) return { kind: 'mismatch' };
      if (entry.state === 'done') return { kind: 'replay', status: entry.status, body: entry.body };
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  async complete(instance: string, key: string, fingerprint: string, status: number, body: unknown): Promise<void> {
    const entry = JSON.stringify({ state: 'done', fingerprint, status, body } satisfies Entry);
    await this.call(() =>
      this.redis.eval(COMPLETE, 2, this.key(instance, key), this.indexKey(instance), entry, IDEMPOTENCY_WINDOW_S, Date.now(), this.maxKeys),
    );
  }

  async release(instance: string, key: string, token: string): Promise<void> {
    await this.call(() => this.redis.eval(RELEASE, 1, this.key(instance, key), `"token":"${token}"`));
  }

  /** Right after boot or during a reconnect: wait briefly rather than fail at once (no offline queue). */
  private async connected(): Promise<void> {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), CONNECT_WAIT_MS);
    try {
      await once(this.redis, 'ready', { signal: timeout.signal });
    } finally {
      clearTimeout(timer);
    }
  }

  onModuleDestroy() {
    this.redis.disconnect();
  }

  /** The client's key is hashed: any length or character set makes a short, safe Redis key. */
  private key(instance: string, key: string) {
    const digest = createHash('sha256').update(key).digest('base64url');
    return redisKeys(this.config.redis.prefix).idempotency(instance, digest);
  }

  private indexKey(instance: string) {
    return redisKeys(this.config.redis.prefix).idempotencyIndex(instance);
  }

  private async call<T>(op: () => Promise<T>): Promise<T> {
    try {
      if (this.redis.status !== 'ready') await this.connected();
      return await op();
    } catch {
      throw serviceUnavailable('Idempotency-Key cannot be honoured right now (Redis unavailable); nothing was sent, try again');
    }
  }
}
