import type { WAMessage } from '@whiskeysockets/baileys';
import { BoundedTtlCache } from './bounded-ttl.cache';

/**
 * Media is fetched within seconds of a message's arrival (webhook base64, media storage); later
 * requests download from the stored message instead (media-base64.use-case). Kept longer, the
 * last 500 messages of every instance would stay in memory for good, even on idle numbers.
 */
const RECENT_FOR_MS = 10 * 60_000;

/**
 * The last few hundred raw messages of a session from the last minutes, by id: what media
 * download needs, and all it needs, without keeping every message of the account in memory.
 */
export class RecentMessagesCache {
  private readonly byId: BoundedTtlCache<WAMessage>;

  constructor(capacity = 500, ttlMs = RECENT_FOR_MS, now: () => number = Date.now) {
    this.byId = new BoundedTtlCache<WAMessage>(ttlMs, { capacity, now });
  }

  add(messages: WAMessage[]): void {
    for (const m of messages) {
      const id = m.key?.id;
      if (id && m.message) this.byId.set(id, m);
    }
  }

  get(id: string): WAMessage | undefined {
    return this.byId.get(id);
  }
}
