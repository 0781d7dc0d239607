import type { InstanceSettingsFields } from '@gw/persistence';
import type { EngineEvent } from '@gw/whatsapp';

const isGroup = (jid: string) => jid.endsWith('@g.us');

/**
 * First stage: drops (or trims) what the instance's settings exclude, before it is stored or
 * published. groupsIgnore: group messages and their receipts never reach the store or the
 * webhooks. Settings are read per event, so a /settings/set applies without a restart.
 */
export class SettingsFilter {
  constructor(private readonly settings: () => Promise<InstanceSettingsFields>) {}

  async apply(event: EngineEvent): Promise<EngineEvent | undefined> {
    if (event.type !== 'messages' && event.type !== 'message-updates') return event;
    const { groupsIgnore } = await this.settings();
    if (!groupsIgnore) return event;
    if (event.type === 'messages') {
      const messages = event.messages.filter((m) => !isGroup(m.key.remoteJid));
      return messages.length ? { ...event, messages } : undefined;
    }
    const updates = event.updates.filter((u) => !isGroup(u.key.remoteJid));
    return updates.length ? { ...event, updates } : undefined;
  }
}
