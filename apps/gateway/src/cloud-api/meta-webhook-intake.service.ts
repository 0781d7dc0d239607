import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { badRequest, forbidden, secureEquals, serviceUnavailable, unauthorized, withTimeout } from '@gw/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { hubSignature256 } from '@gw/delivery';
import { QUEUES, REDIS_CONNECTION } from '@gw/redis';
import { Queue } from 'bullmq';
import type IORedis from 'ioredis';
import { MetaInboundJob } from './meta-inbound.constants';

const ENQUEUE_TIMEOUT_MS = 3_000;

/**
 * The public side of Meta's webhooks: answers the verification GET, checks each notification's
 * X-Hub-Signature-256 against the app secret and puts it on a durable queue, so Meta gets its
 * 200 at once and never retries because we were slow.
 */
@Injectable()
export class MetaWebhookIntake implements OnModuleDestroy {
  private readonly queue: Queue<MetaInboundJob>;
  private readonly logger = new Logger('MetaWebhook');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS_CONNECTION) connection: IORedis,
  ) {
    this.queue = new Queue<MetaInboundJob>(QUEUES.metaInbound, { connection, prefix: config.redis.prefix });
  }

  /** hub.challenge when hub.mode is subscribe and hub.verify_token matches WA_BUSINESS_TOKEN_WEBHOOK, else 403. */
  verify(mode: unknown, token: unknown, challenge: unknown): string {
    const expected = this.config.cloudApi.verifyToken;
    if (!expected || mode !== 'subscribe' || typeof token !== 'string' || !secureEquals(token, expected)) {
      throw forbidden('Verification failed: hub.mode must be subscribe and hub.verify_token must match WA_BUSINESS_TOKEN_WEBHOOK');
    }
    if (typeof challenge !== 'string' || !challenge) throw badRequest('hub.challenge is required');
    return challenge;
  }

  async accept(body: unknown, signature: string | undefined, instanceName?: string): Promise<void> {
    const secret = this.config.cloudApi.appSecret;
    // Without the app secret nobody can tell Meta from a forger: refuse rather than trust.
    if (!secret) throw forbidden('WA_BUSINESS_APP_SECRET is not set: Meta notifications cannot be verified and are refused');
    if (!Buffer.isBuffer(body) || body.length === 0) throw badRequest('The notification body is empty');
    if (!signature || !secureEquals(signature, hubSignature256(body, secret))) {
      this.logger.warn(`notification refused: ${signature ? 'X-Hub-Signature-256 does not match' : 'no X-Hub-Signature-256 header'}`);
      throw unauthorized();
    }
    const text = body.toString('utf8');
    let parsed: { object?: unknown };
    try {
      parsed = JSON.parse(text) as { object?: unknown };
    } catch {
      throw badRequest('Malformed JSON body');
    }
    if (parsed?.object !== 'whatsapp_business_account') {
      this.logger.debug(`ignored a notification for object ${String(parsed?.object)}`);
      return;
    }
    try {
      await withTimeout(this.queue.add('notification', { body: text, instanceName, receivedAt: Date.now() }, JOB_OPTIONS), ENQUEUE_TIMEOUT_MS);
    } catch (err) {
      // Not a 200: Meta keeps the notification and retries it later.
      this.logger.error(`could not queue a Meta notification: ${(err as Error).message}`);
      throw serviceUnavailable('The inbound queue is unavailable; retry later');
    }
  }

  async onModuleDestroy() {
    await this.queue.close();
  }
}

/** Retries with backoff for ~1 h of failures (Postgres/Redis away); failed jobs stay a week for inspection. */
const JOB_OPTIONS = {
  attempts: 12,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600 },
  stackTraceLimit: 0,
};
