import type { WAMessage } from '@whiskeysockets/baileys';

/**
 * The last few hundred raw messages of a session, by id: what media download needs, and
 * all it needs, without keeping every message of the account in memory.
 */
export class RecentMessagesCache {
  private readonly byId = new Map<string, WAMessage>();

  constructor(private readonly capacity = 500) {}

  add(messages: WAMessage[]): void {
    for (const m of messages) {
      const id = m.key?.id;
      if (!id || !m.message) continue;
      this.byId.delete(id);
      this.byId.set(id, m);
      if (this.byId.size > this.capacity) this.byId.delete(this.byId.keys().next().value!);
    }
  }

  get(id: string): WAMessage | undefined {
    return this.byId.get(id);
  }
}
