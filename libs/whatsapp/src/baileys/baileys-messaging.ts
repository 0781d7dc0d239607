import type { GroupMetadata, WAMessage, WASocket, proto } from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import type { EngineMessage, Json, MessageKey } from '@gw/messages';
import {
  ChatPresence,
  EngineGroupInfo,
  EngineNotConnectedError,
  NumberCheck,
  OutgoingContent,
  SendOptions,
} from '../messaging.types';
import { TEMPLATES_NEED_CLOUD_API, type WhatsAppMessaging } from '../whatsapp-engine.port';
import { BoundedTtlCache } from './bounded-ttl.cache';
import { GroupMetadataCache } from './group-metadata.cache';
import { type Baileys, loadBaileys } from './baileys.loader';
import { buttonsMessage, listMessage } from './interactive-message.builder';
import { toEngineMessage } from './message.translator';
import { toBaileysContent } from './outgoing-content.translator';

/** Whether a number has WhatsApp rarely changes; only positive answers are kept. */
const NUMBER_TTL_MS = 60 * 60_000;
const NUMBER_CAPACITY = 10_000;

type Interactive = Extract<OutgoingContent, { kind: 'list' } | { kind: 'buttons' }>;

/** 1234:5@s.whatsapp.net -> 1234@s.whatsapp.net */
function bareJid(jid: string): string {
  const [user, server] = jid.split('@');
  return `${user.split(':')[0]}@${server}`;
}

/** The messaging capability of a Baileys session: what it sends, and the lookups sends need. */
export class BaileysMessaging implements WhatsAppMessaging {
  /** Shared with the group operations, which invalidate it after their own changes. */
  readonly groups = new GroupMetadataCache();
  private readonly numbers = new BoundedTtlCache<string>(NUMBER_TTL_MS, { capacity: NUMBER_CAPACITY });

  constructor(
    private readonly socket: () => WASocket | undefined,
    private readonly logger: Logger,
  ) {}

  /** Baileys' `cachedGroupMetadata` hook: relaying to a group reuses what we already know. */
  readonly cachedGroupMetadata = this.groups.cachedGroupMetadata;

  /** Keeps the group cache honest: a membership or settings change drops the entry. */
  watch(sock: WASocket): void {
    this.groups.watch(sock);
  }

  async sendMessage(jid: string, content: OutgoingContent, options: SendOptions = {}): Promise<EngineMessage> {
    const sock = this.requireSocket();
    const baileys = await loadBaileys();
    const group = jid.endsWith('@g.us') ? await this.fetchGroup(sock, jid) : undefined;
    const mentions = options.mentionsEveryOne && group ? group.participants.map((p) => p.id) : options.mentions;
    const quoted = options.quoted ? quotedMessage(baileys, options.quoted) : undefined;
    const ephemeralExpiration = group?.ephemeralDuration || undefined;

    let sent: WAMessage | undefined;
    if (content.kind === 'template') {
      // templates are a WhatsApp Business Platform feature; a linked device cannot send them
      throw new Error(TEMPLATES_NEED_CLOUD_API);
    }
    if (content.kind === 'list' || content.kind === 'buttons') {
      const message = await this.interactive(baileys, sock, content);
      sent = baileys.generateWAMessageFromContent(jid, message, {
        userJid: sock.user!.id,
        quoted,
        ephemeralExpiration,
        messageId: baileys.generateMessageIDV2(sock.user?.id),
      });
      await sock.relayMessage(jid, sent.message!, { messageId: sent.key.id! });
    } else {
      const send = toBaileysContent(content, mentions);
      if (content.kind === 'status') {
        // our own devices are recipients too, or the phone would not show it under "My status"
        send.options.statusJidList = [...new Set([...content.recipients, bareJid(sock.user!.id)])];
      }
      sent = await sock.sendMessage(send.jid ?? jid, send.content, { ...send.options, quoted, ephemeralExpiration });
    }
    if (!sent) throw new Error('WhatsApp did not return the sent message');
    const out = toEngineMessage(baileys, sent);
    // our own name, as received messages carry the sender's (unknown until WhatsApp syncs it)
    const ownName = sock.user?.name ?? sock.user?.notify;
    if (!out.pushName && ownName) out.pushName = ownName;
    return out;
  }

  async onWhatsApp(numbers: string[]): Promise<NumberCheck[]> {
    const sock = this.requireSocket();
    // One query per number: WhatsApp may answer with a canonical JID that differs from the
    // number asked (Brazil's ninth digit), so answers cannot be matched back by JID.
    return Promise.all(
      numbers.map(async (number): Promise<NumberCheck> => {
        const digits = number.replace(/\D/g, '');
        const known = this.numbers.get(digits);
        if (known) return { number, jid: known, exists: true };
        const [hit] = (await sock.onWhatsApp(digits)) ?? [];
        if (!hit?.exists) return { number, jid: `${digits}@s.whatsapp.net`, exists: false };
        const jid = bareJid(hit.jid);
        this.numbers.set(digits, jid);
        return { number, jid, exists: true };
      }),
    );
  }

  async sendPresence(jid: string, presence: ChatPresence): Promise<void> {
    await this.requireSocket().sendPresenceUpdate(presence, jid);
  }

  async groupMetadata(jid: string): Promise<EngineGroupInfo | undefined> {
    const meta = await this.fetchGroup(this.requireSocket(), jid);
    if (!meta) return undefined;
    return {
      id: meta.id,
      subject: meta.subject,
      participants: meta.participants.map((p) => ({ id: p.id, phoneNumber: p.phoneNumber, admin: p.admin ?? null })),
      ...(meta.ephemeralDuration ? { ephemeralDuration: meta.ephemeralDuration } : {}),
    };
  }

  private fetchGroup(sock: WASocket, jid: string): Promise<GroupMetadata | undefined> {
    return this.groups.fetch(sock, jid);
  }

  private async interactive(baileys: Baileys, sock: WASocket, content: Interactive): Promise<proto.IMessage> {
    if (content.kind === 'list') return listMessage(content);
    let header: proto.Message.IImageMessage | undefined;
    if (content.thumbnail) {
      const { data, mimetype } = content.thumbnail;
      const prepared = await baileys.prepareWAMessageMedia(
        { image: data, mimetype },
        { upload: sock.waUploadToServer, logger: this.logger },
      );
      header = prepared.imageMessage ?? undefined;
    }
    return buttonsMessage(content, header);
  }

  private requireSocket(): WASocket {
    const sock = this.socket();
    if (!sock?.user) throw new EngineNotConnectedError();
    return sock;
  }
}

/** The replied-to message in the shape Baileys quotes from (content back from stored JSON). */
function quotedMessage(baileys: Baileys, quoted: { key: MessageKey; message: Json }): WAMessage {
  const { key } = quoted;
  return {
    key: { remoteJid: key.remoteJid, fromMe: key.fromMe, id: key.id, participant: key.participant },
    message: baileys.proto.Message.fromObject(quoted.message),
  };
}
