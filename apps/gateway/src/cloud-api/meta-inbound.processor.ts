import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { QUEUES, REDIS_CONNECTION } from '@gw/redis';
import { CloudApiRepository } from '@gw/persistence';
import type { CloudNotification } from '@gw/whatsapp';
import { Job, Worker } from 'bullmq';
import type IORedis from 'ioredis';
import { CloudInboundService } from './cloud-inbound.service';
import { MetaInboundJob } from './meta-inbound.constants';

const CONCURRENCY = 4;
const RECEIPT_TTL_MS = 7 * 24 * 3600 * 1000;

/** Consumes the queued Meta notifications (any gateway node can: no session is needed). */
@Injectable()
export class MetaInboundProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('MetaWebhook');
  private worker?: Worker<MetaInboundJob>;
  private purgeTimer?: NodeJS.Timeout;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS_CONNECTION) private readonly connection: IORedis,
    private readonly inbound: CloudInboundService,
    private readonly cloud: CloudApiRepository,
  ) {}

  onApplicationBootstrap() {
    this.worker = new Worker<MetaInboundJob>(QUEUES.metaInbound, (job) => this.process(job), {
      connection: this.connection.duplicate(),
      prefix: this.config.redis.prefix,
      concurrency: CONCURRENCY,
    });
    this.worker.on('error', (err) => this.logger.error(`inbound worker error: ${err.message}`));
    this.worker.on('failed', (job, err) => this.logger.warn(`notification ${job?.id} attempt ${job?.attemptsMade} failed: ${err.message}`));
    // Receipts only need to outlive Meta's 7 days of retries; any node may purge.
    this.purgeTimer = setInterval(() => void this.cloud.purgeBefore(new Date(Date.now() - RECEIPT_TTL_MS)).catch(() => undefined), 3600_000);
    this.purgeTimer.unref();
  }

  async process(job: Job<MetaInboundJob>): Promise<void> {
    const notification = JSON.parse(job.data.body) as CloudNotification;
    await this.inbound.handle(notification, job.data.instanceName);
  }

  async onModuleDestroy() {
    if (this.purgeTimer) clearInterval(this.purgeTimer);
    await this.worker?.close();
  }
}
