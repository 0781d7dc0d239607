import type { Logger } from '@nestjs/common';
import type { EngineEvent } from '@gw/whatsapp';

/** Events that may be handled after a batch of messages that arrived behind them. */
const DEFERRABLE = new Set<EngineEvent['type']>(['chats', 'message-updates', 'presence']);

/**
 * A live session's engine events, handled one at a time in arrival order, so a slow store
 * write cannot reorder webhooks. Live messages come one per engine event; those that queued
 * up meanwhile are handled as one batch (one store write, one publish batch).
 */
export class EngineEventQueue {
  private handling: Promise<void> = Promise.resolve();
  private unhandled: EngineEvent[] = [];
  private active = false;

  constructor(
    private readonly handle: (event: EngineEvent) => Promise<void>,
    private readonly logger: Logger,
    private readonly instanceName: string,
  ) {}

  push(event: EngineEvent): void {
    this.unhandled.push(event);
    if (!this.active) this.handling = this.handleQueued();
  }

  /** Resolves once every event pushed so far has been handled. */
  drained(): Promise<void> {
    return this.handling;
  }

  private async handleQueued(): Promise<void> {
    this.active = true;
    try {
      while (this.unhandled.length) {
        const queued = this.unhandled;
        this.unhandled = [];
        for (let i = 0; i < queued.length; i++) {
          const event = queued[i];
          if (event.type !== 'messages') {
            await this.handleOne(event);
            continue;
          }
          // Every incoming message also brings its chat update (and receipts follow): merging only
          // back-to-back message events would never batch. Those followers may go after the merged
          // batch, as in Baileys' own buffered flush; anything else (contacts, LID mappings, groups,
          // connection changes) may shape the next messages and ends the batch.
          const messages = [...event.messages];
          const deferred: EngineEvent[] = [];
          for (let next = queued[i + 1]; next; next = queued[i + 1]) {
            if (next.type === 'messages' && next.origin === event.origin) messages.push(...next.messages);
            else if (DEFERRABLE.has(next.type)) deferred.push(next);
            else break;
            i++;
          }
          await this.handleOne({ ...event, messages });
          for (const later of deferred) await this.handleOne(later);
        }
      }
    } finally {
      this.active = false;
    }
  }

  private handleOne(event: EngineEvent): Promise<void> {
    return this.handle(event).catch((err) =>
      this.logger.error(`instance ${this.instanceName}: handling ${event.type} failed: ${(err as Error).stack}`),
    );
  }
}
