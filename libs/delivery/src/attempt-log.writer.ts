import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { AttemptRecord, DeliveryLogRepository } from '@gw/persistence';

const FLUSH_EVERY_MS = 25;
const MAX_BATCH = 500;

/**
 * Attempts are written in batches (group commit): every job awaits flush() before it
 * completes, and all attempts buffered meanwhile share one transaction, so the log is
 * durable without one round trip per delivery capping throughput.
 */
@Injectable()
export class AttemptLogWriter implements OnModuleDestroy {
  private readonly logger = new Logger('AttemptLog');
  private buffer: AttemptRecord[] = [];
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly repository: DeliveryLogRepository) {}

  push(record: AttemptRecord): void {
    this.buffer.push(record);
    if (this.buffer.length >= MAX_BATCH) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_EVERY_MS);
  }

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.buffer;
    this.buffer = [];
    if (!batch.length) return this.flushing;
    this.flushing = this.flushing
      .then(() => this.repository.recordAttempts(batch))
      .catch((err) => this.logger.error(`could not write ${batch.length} attempt records: ${(err as Error).message}`));
    return this.flushing;
  }

  purge(cutoff: Date): Promise<number> {
    return this.repository.purgeOlderThan(cutoff);
  }

  async onModuleDestroy() {
    await this.flush();
  }
}
