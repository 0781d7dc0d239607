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
  /** Per instance (name or phone number id): the tail of its notifications being handled on this node. */
  private readonly lanes = new Map<string, Promise<void>>();

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

  /**
   * The worker runs CONCURRENCY jobs at once, but one instance's notifications are handled in
   * the order they were taken (the order Meta sent them, on one node): a "delivered" and a
   * "read" posted back to back otherwise raced, and the read could be stored and sent first.
   */
  async process(job: Pick<Job<MetaInboundJob>, 'data'>): Promise<void> {
    const notification = JSON.parse(job.data.body) as CloudNotification;
    const lane = job.data.instanceName ?? notification.entry?.[0]?.changes?.[0]?.value?.metadata?.phone_number_id ?? '';
    const run = (this.lanes.get(lane) ?? Promise.resolve()).then(() => this.inbound.handle(notification, job.data.instanceName));
    const tail = run.catch(() => undefined);
    this.lanes.set(lane, tail);
    try {
      await run;
    } finally {
      if (this.lanes.get(lane) === tail) this.lanes.delete(lane);
    }
  }

  async onModuleDestroy() {
    if (this.purgeTimer) clearInterval(this.purgeTimer);
    await this.worker?.close();
  }
}
