import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { Job, UnrecoverableError, Worker } from 'bullmq';
import type IORedis from 'ioredis';
import { DeliveryJob } from './delivery-job';
import { DELIVERY_QUEUE, REDIS_CONNECTION } from './delivery.constants';
import { retryDelay } from './retry-schedule';
import { WebhookHttpSender } from './webhook-http.sender';

/** Consumes the delivery queue: one POST per attempt; 2xx done, 410 final, anything else retried. */
@Injectable()
export class DeliveryProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Delivery');
  private worker?: Worker<DeliveryJob>;
  private readonly sender: WebhookHttpSender;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS_CONNECTION) private readonly connection: IORedis,
  ) {
    this.sender = new WebhookHttpSender(config.delivery.requestTimeoutMs);
  }

  onApplicationBootstrap() {
    if (!this.config.delivery.workerEnabled) return;
    const schedule = this.config.delivery.retryScheduleMs;
    this.worker = new Worker<DeliveryJob>(DELIVERY_QUEUE, (job) => this.process(job), {
      // A worker needs its own connection: it blocks on BRPOPLPUSH-style commands.
      connection: this.connection.duplicate(),
      prefix: this.config.redis.prefix,
      concurrency: this.config.delivery.concurrency,
      settings: { backoffStrategy: (attemptsMade: number) => retryDelay(schedule, attemptsMade) },
    });
    this.worker.on('error', (err) => this.logger.error(`delivery worker error: ${err.message}`));
  }

  async process(job: Job<DeliveryJob>): Promise<void> {
    const { url, body, headers, deliveryId, event } = job.data;
    let result;
    try {
      result = await this.sender.post(url, body, { ...headers, 'webhook-id': deliveryId });
    } catch (err) {
      this.logger.warn(`${event} ${deliveryId} attempt ${job.attemptsMade + 1} failed: ${(err as Error).message}`);
      throw err;
    }
    if (result.status >= 200 && result.status < 300) return;
    const message = `${event} ${deliveryId} attempt ${job.attemptsMade + 1}: HTTP ${result.status}`;
    this.logger.warn(message);
    if (result.status === 410) throw new UnrecoverableError(message);
    throw new Error(message);
  }

  async onModuleDestroy() {
    await this.worker?.close();
    await this.sender.close();
  }
}
