import type { Logger } from '@nestjs/common';
import type { InstanceSettingsFields } from '@gw/persistence';
import type { EngineCall, EngineEvent, EngineMessage, MessageKey, WhatsAppSession } from '@gw/whatsapp';

export interface SettingsPolicyDeps {
  instanceName: string;
  session: WhatsAppSession;
  settings: () => Promise<InstanceSettingsFields>;
  logger: Logger;
}

const STATUS_JID = 'status@broadcast';

const isGroup = (jid: string) => jid.endsWith('@g.us');

/**
 * Applies an instance's settings to its live session, read fresh for every event so a
 * /settings/set takes effect without a restart: rejectCall (+ msgCall), groupsIgnore,
 * alwaysOnline (on every open, so also after a reconnect), readMessages and readStatus.
 * syncFullHistory is a socket option, read by the session at connect; groupsIgnore is the
 * event pipeline's first stage (pipeline/settings-filter.stage.ts).
 */
export class InstanceSettingsPolicy {
  constructor(private readonly deps: SettingsPolicyDeps) {
    deps.session.onEvent((event) => {
      this.react(event).catch((err) =>
        deps.logger.warn(`instance ${deps.instanceName}: applying settings to ${event.type} failed: ${(err as Error).message}`),
      );
    });
  }

  private async react(event: EngineEvent): Promise<void> {
    switch (event.type) {
      case 'open': {
        if ((await this.deps.settings()).alwaysOnline) await this.deps.session.chat.setPresence('available');
        return;
      }
      case 'calls':
        return this.onCalls(event.calls);
      case 'messages':
        if (event.origin === 'notify') await this.markRead(event.messages);
        return;
      default:
        return;
    }
  }

  private async onCalls(calls: EngineCall[]): Promise<void> {
    const offers = calls.filter((c) => c.status === 'offer');
    if (!offers.length) return;
    const { rejectCall, msgCall } = await this.deps.settings();
    if (!rejectCall) return;
    for (const call of offers) {
      await this.deps.session.chat.rejectCall(call.id, call.from);
      if (msgCall) await this.deps.session.sendMessage(call.from, { kind: 'text', text: msgCall });
    }
  }

  private async markRead(messages: EngineMessage[]): Promise<void> {
    const { readMessages, readStatus, groupsIgnore } = await this.deps.settings();
    if (!readMessages && !readStatus) return;
    const keys: MessageKey[] = messages
      .filter((m) => !m.key.fromMe && m.message && m.messageType !== 'protocolMessage')
      .filter((m) => {
        if (m.key.remoteJid === STATUS_JID) return readStatus;
        return readMessages && !(groupsIgnore && isGroup(m.key.remoteJid));
      })
      .map((m) => m.key);
    if (keys.length) await this.deps.session.chat.readMessages(keys);
  }
}
