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
  /** The write that has not started yet: later records join it. */
  private next?: Promise<void>;

  constructor(private readonly repository: DeliveryLogRepository) {}

  push(record: AttemptRecord): void {
    this.buffer.push(record);
    if (this.buffer.length >= MAX_BATCH) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_EVERY_MS);
  }

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.buffer.length) return this.flushing;
    // Group commit: join the next write. Its batch is taken when the write in progress ends, so
    // everything buffered meanwhile (by all concurrent jobs) goes in one transaction.
    this.next ??= this.flushing.then(() => {
      this.next = undefined;
      const batch = this.buffer;
      this.buffer = [];
      if (!batch.length) return;
      return this.repository
        .recordAttempts(batch)
        .catch((err) => this.logger.error(`could not write ${batch.length} attempt records: ${(err as Error).message}`));
    });
    this.flushing = this.next;
    return this.next;
  }

  purge(cutoff: Date): Promise<number> {
    return this.repository.purgeOlderThan(cutoff);
  }

  async onModuleDestroy() {
    await this.flush();
  }
}
