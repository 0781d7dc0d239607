import type { WAMessage, WAMessageKey, WASocket } from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import type {
  AccountPresence,
  EngineBusinessProfile,
  EngineStatusText,
  PrivacyCategory,
  StoredMessage,
  WhatsAppChatOperations,
} from '../chat-operations.port';
import type { EngineMessage, Json, LastMessageRef, MessageKey } from '@gw/messages';
import { EngineNotConnectedError } from '../messaging.types';
import type { MediaDownload } from '../whatsapp-engine.port';
import { loadBaileys } from './baileys.loader';
import { downloadMedia } from './media-download';
import { toEngineMessage } from './message.translator';

/** Baileys has one setter per privacy category. */
const PRIVACY_SETTERS: Record<PrivacyCategory, keyof WASocket> = {
  readreceipts: 'updateReadReceiptsPrivacy',
  profile: 'updateProfilePicturePrivacy',
  status: 'updateStatusPrivacy',
  online: 'updateOnlinePrivacy',
  last: 'updateLastSeenPrivacy',
  groupadd: 'updateGroupsAddPrivacy',
  calladd: 'updateCallPrivacy',
  messages: 'updateMessagesPrivacy',
};

/** 1234:5@s.whatsapp.net -> 1234@s.whatsapp.net */
function bareJid(jid: string): string {
  const [user, server] = jid.split('@');
  return `${user.split(':')[0]}@${server}`;
}

/** IQ errors carry WhatsApp's code in `data` (404 item-not-found, 401 not-authorized: no picture / not allowed). */
function isAbsent(err: unknown): boolean {
  const code = (err as { data?: unknown; output?: { statusCode?: number } }).data;
  return code === 404 || code === 401 || code === 403 || /item-not-found|not-authorized|forbidden/.test(String(err));
}

function toKey(key: MessageKey): WAMessageKey {
  return { remoteJid: key.remoteJid, fromMe: key.fromMe, id: key.id, ...(key.participant ? { participant: key.participant } : {}) };
}

function lastMessages(ref: LastMessageRef): Pick<WAMessage, 'key' | 'messageTimestamp'>[] {
  return [{ key: toKey(ref.key), messageTimestamp: ref.messageTimestamp ?? Math.floor(Date.now() / 1000) }];
}

/** The chat/profile/account capability of a Baileys session (chat-operations.port.ts). */
export class BaileysChatOperations implements WhatsAppChatOperations {
  constructor(
    private readonly socket: () => WASocket | undefined,
    private readonly logger: Logger,
  ) {}

  async readMessages(keys: MessageKey[]): Promise<void> {
    await this.requireSocket().readMessages(keys.map(toKey));
  }

  async archiveChat(jid: string, archive: boolean, lastMessage: LastMessageRef): Promise<void> {
    await this.requireSocket().chatModify({ archive, lastMessages: lastMessages(lastMessage) }, jid);
  }

  async markChatUnread(jid: string, lastMessage: LastMessageRef): Promise<void> {
    await this.requireSocket().chatModify({ markRead: false, lastMessages: lastMessages(lastMessage) }, jid);
  }

  async deleteForEveryone(key: MessageKey): Promise<EngineMessage> {
    const sent = await this.requireSocket().sendMessage(key.remoteJid, { delete: toKey(key) });
    return this.translate(sent);
  }

  async editText(jid: string, key: MessageKey, text: string): Promise<EngineMessage> {
    const sent = await this.requireSocket().sendMessage(jid, { text, edit: toKey(key) });
    return this.translate(sent);
  }

  async updateBlockStatus(jid: string, action: 'block' | 'unblock'): Promise<void> {
    await this.requireSocket().updateBlockStatus(jid, action);
  }

  async profilePictureUrl(jid: string): Promise<string | null> {
    try {
      return (await this.requireSocket().profilePictureUrl(jid, 'image')) ?? null;
    } catch (err) {
      if (err instanceof EngineNotConnectedError || !isAbsent(err)) throw err;
      return null;
    }
  }

  async fetchStatus(jid: string): Promise<EngineStatusText | null> {
    const [hit] = ((await this.requireSocket().fetchStatus(jid)) ?? []) as { status?: { status?: string | null; setAt?: Date } }[];
    if (!hit?.status) return null;
    const setAt = hit.status.setAt ? Math.floor(hit.status.setAt.getTime() / 1000) : undefined;
    return { status: hit.status.status ?? null, ...(setAt ? { setAt } : {}) };
  }

  async businessProfile(jid: string): Promise<EngineBusinessProfile | null> {
    const profile = await this.requireSocket().getBusinessProfile(jid);
    if (!profile) return null;
    return {
      jid: profile.wid ?? jid,
      description: profile.description ?? '',
      category: profile.category,
      email: profile.email,
      website: profile.website ?? [],
      address: profile.address,
      businessHours: (profile.business_hours as unknown as Json) ?? undefined,
    };
  }

  async privacySettings(): Promise<Partial<Record<PrivacyCategory, string>>> {
    return (await this.requireSocket().fetchPrivacySettings(true)) as Partial<Record<PrivacyCategory, string>>;
  }

  async updatePrivacy(settings: Partial<Record<PrivacyCategory, string>>): Promise<void> {
    const sock = this.requireSocket();
    for (const [category, value] of Object.entries(settings) as [PrivacyCategory, string][]) {
      const setter = sock[PRIVACY_SETTERS[category]] as (value: string) => Promise<void>;
      await setter(value);
    }
  }

  async updateProfileName(name: string): Promise<void> {
    await this.requireSocket().updateProfileName(name);
  }

  async updateProfileStatus(status: string): Promise<void> {
    await this.requireSocket().updateProfileStatus(status);
  }

  async updateProfilePicture(image: Buffer): Promise<void> {
    const sock = this.requireSocket();
    await sock.updateProfilePicture(bareJid(sock.user!.id), image);
  }

  async removeProfilePicture(): Promise<void> {
    const sock = this.requireSocket();
    await sock.removeProfilePicture(bareJid(sock.user!.id));
  }

  async setPresence(presence: AccountPresence): Promise<void> {
    const sock = this.requireSocket();
    if (sock.authState.creds.me?.name) {
      await sock.sendPresenceUpdate(presence);
      return;
    }
    // Baileys drops the update until WhatsApp has synced our push name (app state); the
    // server takes a nameless presence, so it is sent as is rather than silently lost.
    this.logger.debug('no push name synced yet; sending presence without a name');
    await sock.sendNode({ tag: 'presence', attrs: { type: presence } });
  }

  async rejectCall(callId: string, from: string): Promise<void> {
    await this.requireSocket().rejectCall(callId, from);
  }

  async downloadStoredMedia(stored: StoredMessage, maxBytes: number): Promise<MediaDownload> {
    const sock = this.requireSocket();
    if (!stored.message) return { ok: false, reason: 'not-media' };
    const baileys = await loadBaileys();
    const msg: WAMessage = {
      key: toKey(stored.key),
      message: baileys.proto.Message.fromObject(stored.message as Record<string, unknown>),
    };
    return downloadMedia(baileys, sock, msg, maxBytes, this.logger);
  }

  private async translate(sent: WAMessage | undefined): Promise<EngineMessage> {
    if (!sent) throw new Error('WhatsApp did not return the sent message');
    return toEngineMessage(await loadBaileys(), sent);
  }

  private requireSocket(): WASocket {
    const sock = this.socket();
    if (!sock?.user) throw new EngineNotConnectedError();
    return sock;
  }
}
