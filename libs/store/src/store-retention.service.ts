import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { MessageRepository, MessageUpdateRepository } from '@gw/persistence';

/** Rows per DELETE: short statements keep locks and WAL bursts small on a busy table. */
export const RETENTION_BATCH = 5000;

/**
 * Deletes messages older than STORE_MESSAGE_RETENTION_DAYS (by message time) in bounded
 * batches, with their status history (cascade), plus orphan status rows of the same age.
 * Any node may run it: a DELETE by age is idempotent.
 */
@Injectable()
export class StoreRetentionService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('MessageStore');
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly messages: MessageRepository,
    private readonly updates: MessageUpdateRepository,
  ) {}

  onApplicationBootstrap() {
    if (!this.config.store.messageRetentionDays) return;
    void this.runOnce();
    this.timer = setInterval(() => void this.runOnce(), this.config.store.retentionIntervalMs);
    this.timer.unref();
  }

  onModuleDestroy() {
    if (this.timer) clearInterval(this.timer);
  }

  /** One pass; overlapping calls share the pass in progress. Returns the messages deleted. */
  runOnce(now = Date.now()): Promise<number> {
    this.running ??= this.purge(now)
      .catch((err) => {
        this.logger.warn(`retention pass failed: ${(err as Error).message}`);
        return 0;
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async purge(now: number): Promise<number> {
    const days = this.config.store.messageRetentionDays;
    const cutoff = new Date(now - days * 24 * 3600 * 1000);
    const cutoffSeconds = Math.floor(cutoff.getTime() / 1000);
    const messages = await this.inBatches(() => this.messages.deleteOlderThan(cutoffSeconds, RETENTION_BATCH));
    const updates = await this.inBatches(() => this.updates.deleteOrphansOlderThan(cutoff, RETENTION_BATCH));
    this.logger.log(`retention: deleted ${messages} messages and ${updates} orphan status rows older than ${days} days`);
    return messages;
  }

  private async inBatches(deleteBatch: () => Promise<number>): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await deleteBatch();
      total += deleted;
      if (deleted < RETENTION_BATCH) return total;
    }
  }
}
