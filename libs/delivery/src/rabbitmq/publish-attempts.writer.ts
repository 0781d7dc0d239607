import type { Logger } from '@nestjs/common';
import type { PublishAttempt } from '@gw/persistence';

/**
 * Writes publish attempts in the order they were added, one write at a time; what is added
 * while one is written goes in the next (group commit), so small confirmed batches do not each
 * cost a transaction. `written` gets the ids of each write once it ended (failed or not: a
 * failed write leaves its rows pending, so they are published again, same message_id).
 */
export class PublishAttemptsWriter {
  private buffer: PublishAttempt[] = [];
  private writing?: Promise<void>;

  constructor(
    private readonly write: (batch: PublishAttempt[]) => Promise<void>,
    private readonly written: (ids: string[]) => void,
    private readonly logger: Logger,
  ) {}

  add(attempts: PublishAttempt[]): void {
    this.buffer.push(...attempts);
    this.writing ??= this.next();
  }

  /** Resolves once everything added so far is written. */
  async drain(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async next(): Promise<void> {
    while (this.buffer.length) {
      const batch = this.buffer;
      this.buffer = [];
      try {
        await this.write(batch);
      } catch (err) {
        this.logger.error(`could not write ${batch.length} publish attempts (${(err as Error).message}); those rows stay pending`);
      }
      this.written(batch.map((a) => a.deliveryId));
    }
    this.writing = undefined;
  }
}
