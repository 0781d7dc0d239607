import type { Logger } from '@nestjs/common';
import type { MessageRepository } from '@gw/persistence';
import type { EngineEvent, EngineMessage } from '@gw/whatsapp';

/** The message store's writer of chats, contacts, groups and status history (libs/store's StoreWriter fits). */
export interface StoreRecorder {
  /** Must return at once and never hold up the event. */
  record(instanceId: string, event: EngineEvent): void;
}

/** What the store stage learnt, for the map stage. */
export interface StoredFacts {
  /** Whether a message is new (never stored, never published before). */
  isNew(keyId: string): boolean;
  /** The stored row's id of a message a receipt is about, when there is one. */
  rowIdOf(keyId: string): string | undefined;
}

export interface StoreStageDeps {
  instanceId: string;
  instanceName: string;
  messages: Pick<MessageRepository, 'insertNew' | 'updateStatus'>;
  /** Absent when the gateway runs without the message store. */
  recorder?: StoreRecorder;
  logger: Logger;
  /**
   * Who decides what is new: the message store's unique key (Baileys: WhatsApp redelivers), or
   * the feed itself before the pipeline (Cloud API: every message id is claimed first, and a
   * failed attempt is released for the retry, which must publish even though the row exists).
   */
  deduplicatedByFeed?: boolean;
}

/** A message that could not be decrypted yet (CIPHERTEXT stub): WhatsApp resends it after a retry receipt. */
export const isUndecrypted = (m: EngineMessage) => m.messageStubType === 'CIPHERTEXT' && !m.message;
/** Bookkeeping (key shares, history notices, revokes, edits), never a message of its own. */
export const isProtocol = (m: EngineMessage) => m.messageType === 'protocolMessage';

const EVERYTHING_NEW: StoredFacts = { isNew: () => true, rowIdOf: () => undefined };

/**
 * Third stage: the message store. Chats, contacts, groups and status history go to the store's
 * writer (a side consumer: it never holds up an event); messages are inserted here, on the
 * event path, because that insert is what deduplicates them, and receipts update their row.
 */
export class StoreStage {
  constructor(private readonly deps: StoreStageDeps) {}

  /** `engineEvent` as the engine gave it (the store's tables), `addressed` with the LIDs resolved (message rows). */
  async write(engineEvent: EngineEvent, addressed: EngineEvent): Promise<StoredFacts> {
    this.record(engineEvent);
    switch (addressed.type) {
      case 'messages':
        // Stored first: the unique key makes WhatsApp's redeliveries and our replays idempotent.
        return this.insert(addressed.messages.filter((m) => !isUndecrypted(m) && !isProtocol(m)));
      case 'history':
        return this.insert(addressed.batch.messages.filter((m) => !isProtocol(m)));
      case 'message-updates': {
        const rows = new Map<string, string | undefined>();
        for (const u of addressed.updates) {
          // A receipt for a message we never stored is still delivered (Evolution drops it).
          rows.set(u.key.id, await this.deps.messages.updateStatus(this.deps.instanceId, u.key.id, u.status).catch(() => undefined));
        }
        return { isNew: () => true, rowIdOf: (id) => rows.get(id) };
      }
      default:
        return EVERYTHING_NEW;
    }
  }

  private record(event: EngineEvent) {
    try {
      this.deps.recorder?.record(this.deps.instanceId, event);
    } catch (err) {
      this.deps.logger.error(`instance ${this.deps.instanceName}: store writer failed: ${(err as Error).message}`);
    }
  }

  /** New ids; if the store fails, delivering beats deduplicating. */
  private async insert(messages: EngineMessage[]): Promise<StoredFacts> {
    if (!messages.length) return EVERYTHING_NEW;
    try {
      const fresh = await this.deps.messages.insertNew(this.deps.instanceId, messages);
      return this.deps.deduplicatedByFeed ? EVERYTHING_NEW : { isNew: (id) => fresh.has(id), rowIdOf: () => undefined };
    } catch (err) {
      this.deps.logger.error(`instance ${this.deps.instanceName}: could not store messages: ${(err as Error).message}`);
      return EVERYTHING_NEW;
    }
  }
}
