import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { Queue } from 'bullmq';
import type IORedis from 'ioredis';
import { DeliveryJob } from './delivery-job';
import { DELIVERY_QUEUE, KEEP_COMPLETED, KEEP_FAILED, REDIS_CONNECTION } from './delivery.constants';

/** Puts deliveries on the durable queue; the job id is the delivery id, so a re-add is a no-op. */
@Injectable()
export class DeliveryProducer implements OnModuleInit, OnModuleDestroy {
  private readonly queue: Queue<DeliveryJob, void, string>;
  private readonly logger = new Logger('Delivery');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS_CONNECTION) private readonly connection: IORedis,
  ) {
    this.queue = new Queue<DeliveryJob, void, string>(DELIVERY_QUEUE, { connection, prefix: config.redis.prefix });
  }

  /** Pending deliveries live in Redis: an evicting Redis would silently drop them. */
  async onModuleInit() {
    try {
      const [, policy] = (await this.connection.config('GET', 'maxmemory-policy')) as [string, string];
      if (policy !== 'noeviction') {
        this.logger.warn(`Redis maxmemory-policy is "${policy}"; set it to "noeviction" or queued webhooks can be lost`);
      }
    } catch {
      // Managed Redis often forbids CONFIG; nothing to check then.
    }
  }

  async enqueue(jobs: DeliveryJob[]): Promise<void> {
    if (!jobs.length) return;
    await this.queue.addBulk(
      jobs.map((data) => ({
        name: data.event,
        data,
        opts: {
          jobId: data.deliveryId,
          attempts: this.config.delivery.retryScheduleMs.length + 1,
          backoff: { type: 'schedule' },
          removeOnComplete: KEEP_COMPLETED,
          removeOnFail: KEEP_FAILED,
        },
      })),
    );
  }

  async onModuleDestroy() {
    await this.queue.close();
  }
}
