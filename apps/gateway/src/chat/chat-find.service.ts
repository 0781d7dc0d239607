import { Injectable } from '@nestjs/common';
import { notFound } from '@gw/common';
import { ChatRepository, ContactRepository, MessageQueryRepository, MessageUpdateRepository, PageRequest, UUID_RE } from '@gw/store';
import { toRecipient } from '../message/recipient.util';
import { chatView, contactView, messageView, statusView } from './chat-find.presenter';
import { FindChatsDto } from './dto/find-chats.dto';
import { FindContactsDto } from './dto/find-contacts.dto';
import { FindMessagesDto } from './dto/find-messages.dto';
import { DEFAULT_PAGE_SIZE, FindPageDto } from './dto/find-page.dto';
import { FindStatusMessageDto } from './dto/find-status-message.dto';

/**
 * The stored JID for a filter: the send routes' rules (legacy @c.us, device suffixes, dashed
 * numbers), so a chat is found by whatever `number` could send to it. Anything else matches as given.
 */
const jid = (value: string | undefined) => (value ? (toRecipient(value)?.jid ?? value.trim()) : undefined);
/** A row id (UUID) stays as it is; anything else is a JID or number (n8n sends the JID as `id`). */
const rowIdOrJid = (value: string | undefined) => (value && UUID_RE.test(value) ? value : jid(value));
const pageOf = (dto: FindPageDto, size?: number): PageRequest => ({ page: dto.page ?? 1, pageSize: size ?? dto.offset ?? DEFAULT_PAGE_SIZE });

/** The find routes: DTO -> store filter, store rows -> Evolution v2 shapes. */
@Injectable()
export class ChatFindService {
  constructor(
    private readonly messages: MessageQueryRepository,
    private readonly chats: ChatRepository,
    private readonly contacts: ContactRepository,
    private readonly statuses: MessageUpdateRepository,
  ) {}

  async findMessages(instanceId: string, dto: FindMessagesDto) {
    const w = dto.where ?? {};
    const page = pageOf(dto, dto.offset ?? dto.limit);
    const { total, rows } = await this.messages.findPage(
      instanceId,
      {
        id: w.id,
        keyId: w.key?.id,
        remoteJid: jid(w.key?.remoteJid ?? w.remoteJid),
        fromMe: w.key?.fromMe,
        participant: w.key?.participant ?? w.key?.participants,
        messageType: w.messageType,
        source: w.source,
        timestampGte: w.messageTimestamp?.gte,
        timestampLte: w.messageTimestamp?.lte,
      },
      page,
    );
    return {
      messages: { total, pages: Math.ceil(total / page.pageSize), currentPage: page.page, records: rows.map(messageView) },
    };
  }

  async findChats(instanceId: string, dto: FindChatsDto) {
    const w = dto.where ?? {};
    // Evolution's own take/skip win when given; otherwise n8n's page/offset
    const size = dto.take ?? dto.offset ?? DEFAULT_PAGE_SIZE;
    const page: PageRequest =
      dto.skip !== undefined && dto.page === undefined
        ? { page: 1, pageSize: size, skip: dto.skip }
        : { page: dto.page ?? 1, pageSize: size };
    const rows = await this.chats.find(
      instanceId,
      {
        remoteJid: jid(w.remoteJid),
        id: rowIdOrJid(w.id),
        timestampGte: w.messageTimestamp?.gte,
        timestampLte: w.messageTimestamp?.lte,
      },
      page,
    );
    return rows.map((r) => chatView(r, instanceId));
  }

  async findChatByRemoteJid(instanceId: string, remoteJid: string) {
    const row = await this.chats.findByRemoteJid(instanceId, jid(remoteJid)!);
    if (!row) throw notFound(`Chat "${remoteJid}" not found`);
    return chatView(row, instanceId);
  }

  async findContacts(instanceId: string, dto: FindContactsDto) {
    const w = dto.where ?? {};
    const rows = await this.contacts.find(
      instanceId,
      { remoteJid: jid(w.remoteJid), id: rowIdOrJid(w.id ?? w._id), pushName: w.pushName },
      pageOf(dto),
    );
    return rows.map(contactView);
  }

  async findStatusMessage(instanceId: string, dto: FindStatusMessageDto) {
    const w = dto.where ?? {};
    const rows = await this.statuses.find(
      instanceId,
      { remoteJid: jid(w.remoteJid), keyId: w.id ?? w.keyId, fromMe: w.fromMe, status: w.status },
      pageOf(dto),
    );
    return rows.map(statusView);
  }
}
