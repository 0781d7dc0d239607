import { Injectable } from '@nestjs/common';
import { PrismaService } from '@gw/persistence';
import type { LastMessageRef, MessageKey } from '@gw/whatsapp';

/** The newest stored message of a chat: archive/unread patches are anchored on it. */
@Injectable()
export class LastMessageFinder {
  constructor(private readonly prisma: PrismaService) {}

  async find(instanceId: string, remoteJid: string): Promise<LastMessageRef | undefined> {
    const row = await this.prisma.message.findFirst({
      where: { instanceId, remoteJid },
      orderBy: { messageTimestamp: 'desc' },
      select: { key: true, messageTimestamp: true },
    });
    return row ? { key: row.key as unknown as MessageKey, messageTimestamp: Number(row.messageTimestamp) } : undefined;
  }
}
