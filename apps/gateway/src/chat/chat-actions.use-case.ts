import { Injectable } from '@nestjs/common';
import { badRequest, notFound } from '@gw/common';
import { messageDeletePayload } from '@gw/events';
import type { InstanceRuntime } from '@gw/instances';
import { MessageRepository } from '@gw/persistence';
import { ContactRepository, KnownContacts, MessageQueryRepository } from '@gw/store';
import type { ChatPresence, EngineMessage, LastMessageRef, MessageKey } from '@gw/whatsapp';
import { toRecipient } from '../message/recipient.util';
import { ChatSessionService, Target } from './chat-session.service';
import { ArchiveChatDto, MarkChatUnreadDto } from './dto/chat-modify.dto';
import { DeleteMessageDto } from './dto/delete-message.dto';
import { BlockStatusDto } from './dto/number.dto';
import { ReadMessagesDto } from './dto/read-messages.dto';
import { SendPresenceDto } from './dto/send-presence.dto';
import { UpdateMessageDto } from './dto/update-message.dto';
import { WhatsappNumbersDto } from './dto/whatsapp-numbers.dto';

/** WhatsApp drops a typing indicator after ~25 s; long delays renew it (as the send queue does). */
const PRESENCE_REFRESH_MS = 20_000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** What a sent protocol message (revoke, edit) looks like in responses. */
function sentView(m: EngineMessage) {
  return { key: m.key, message: m.message, messageTimestamp: m.messageTimestamp, status: 'PENDING' };
}

function keyOf(dto: { remoteJid: string; fromMe: boolean; id: string; participant?: string }): MessageKey {
  const jid = toRecipient(dto.remoteJid)?.jid ?? dto.remoteJid;
  return { remoteJid: jid, fromMe: dto.fromMe, id: dto.id, ...(dto.participant ? { participant: dto.participant } : {}) };
}

/** The /chat routes that act on chats and messages (not the finds, not the profile ones). */
@Injectable()
export class ChatActionsUseCase {
  constructor(
    private readonly sessions: ChatSessionService,
    private readonly messages: MessageRepository,
    private readonly stored: MessageQueryRepository,
    private readonly contacts: ContactRepository,
  ) {}

  whatsappNumbers(instance: Target, dto: WhatsappNumbersDto) {
    return this.sessions.run(instance, async (rt) => {
      const digits = dto.numbers.map((n) => n.split('@')[0].replace(/\D/g, ''));
      const bad = dto.numbers.find((_, i) => digits[i].length < 6);
      if (bad !== undefined) throw badRequest(`numbers: ${bad} is not a phone number`);
      const checks = await rt.session.onWhatsApp(digits);
      const known = new KnownContacts(await this.contacts.findKnown(instance.id, checks.filter((c) => c.exists).map((c) => c.jid)));
      return checks.map((c, i) => {
        const { name, lid } = c.exists ? known.of(c.jid) : {};
        return { exists: c.exists, jid: c.jid, number: dto.numbers[i], ...(name ? { name } : {}), ...(lid ? { lid } : {}) };
      });
    });
  }

  markMessageAsRead(instance: Target, dto: ReadMessagesDto) {
    const keys = dto.readMessages ?? dto.read_messages;
    if (!keys?.length) throw badRequest('readMessages must be a non-empty array of message keys');
    return this.sessions.run(instance, async (rt) => {
      await rt.session.chat.readMessages(keys.map(keyOf));
      return { message: 'Read messages', read: 'success' };
    });
  }

  archiveChat(instance: Target, dto: ArchiveChatDto) {
    return this.sessions.run(instance, async (rt) => {
      const { jid, last } = await this.anchor(instance, dto);
      await rt.session.chat.archiveChat(jid, dto.archive, last);
      return { chatId: jid, archived: true };
    });
  }

  markChatUnread(instance: Target, dto: MarkChatUnreadDto) {
    return this.sessions.run(instance, async (rt) => {
      const { jid, last } = await this.anchor(instance, dto);
      await rt.session.chat.markChatUnread(jid, last);
      return { chatId: jid, markedChatUnread: true };
    });
  }

  /** Revokes for everyone; MESSAGES_DELETE follows, as Evolution emits it for its own deletes. */
  deleteMessageForEveryone(instance: Target, dto: DeleteMessageDto) {
    return this.sessions.run(instance, async (rt) => {
      const key = keyOf(dto);
      const revoke = await rt.session.chat.deleteForEveryone(key);
      rt.publish('MESSAGES_DELETE', messageDeletePayload(key));
      return sentView(revoke);
    });
  }

  /** Edits one of our messages; it must be stored and belong to the chat of `number`. */
  updateMessage(instance: Target, dto: UpdateMessageDto) {
    return this.sessions.run(instance, async (rt) => {
      const jid = await this.sessions.jidOf(rt, dto.number);
      const stored = await this.messages.findByKeyId(instance.id, dto.key.id);
      if (!stored) throw notFound('Message not found');
      if (stored.key.remoteJid !== jid && stored.key.remoteJidAlt !== jid) throw badRequest('RemoteJid does not match');
      if (!stored.key.fromMe) throw badRequest('Only your own messages can be edited');
      const edit = await rt.session.chat.editText(jid, stored.key, dto.text);
      return sentView(edit);
    });
  }

  /** Shows the indicator for `delay` ms (the request waits), then `paused`. */
  sendPresence(instance: Target, dto: SendPresenceDto) {
    const presence = dto.presence ?? dto.options?.presence;
    const delay = dto.delay ?? dto.options?.delay;
    if (!presence) throw badRequest('presence must be one of composing, recording, paused');
    if (delay === undefined) throw badRequest('delay must be a number of milliseconds');
    return this.sessions.run(instance, async (rt) => {
      const jid = await this.sessions.jidOf(rt, dto.number);
      await this.showPresence(rt, jid, presence, delay);
      return { presence };
    });
  }

  updateBlockStatus(instance: Target, dto: BlockStatusDto) {
    return this.sessions.run(instance, async (rt) => {
      const jid = await this.sessions.jidOf(rt, dto.number);
      await rt.session.chat.updateBlockStatus(jid, dto.status);
      return { block: 'success' };
    });
  }

  private async showPresence(rt: InstanceRuntime, jid: string, presence: ChatPresence, delay: number) {
    if (presence === 'paused' || delay === 0) {
      await rt.session.sendPresence(jid, presence);
      return;
    }
    for (let left = delay; left > 0; left -= PRESENCE_REFRESH_MS) {
      await rt.session.sendPresence(jid, presence);
      await sleep(Math.min(left, PRESENCE_REFRESH_MS));
    }
    await rt.session.sendPresence(jid, 'paused');
  }

  /** The chat and the message WhatsApp's patch is anchored on: given, or the newest stored one. */
  private async anchor(instance: Target, dto: MarkChatUnreadDto): Promise<{ jid: string; last: LastMessageRef }> {
    const given = dto.lastMessage;
    const jid = (dto.chat && toRecipient(dto.chat)?.jid) ?? (given ? keyOf(given.key).remoteJid : undefined);
    if (!jid) throw badRequest('chat or lastMessage.key.remoteJid is required');
    if (given) return { jid, last: { key: keyOf(given.key), messageTimestamp: given.messageTimestamp } };
    const last = await this.stored.newestOf(instance.id, jid);
    if (!last) throw notFound('Last message not found');
    return { jid, last };
  }
}
