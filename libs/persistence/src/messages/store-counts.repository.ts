import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma.service';

/** fetchInstances' `_count` (Evolution v2 returns Prisma's relation counts). */
export interface StoreCounts {
  Message: number;
  Contact: number;
  Chat: number;
}

@Injectable()
export class StoreCountsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Counts for several instances in three grouped queries (index-only scans on the instance prefix). */
  async forInstances(instanceIds: string[]): Promise<Map<string, StoreCounts>> {
    const counts = new Map<string, StoreCounts>(instanceIds.map((id) => [id, { Message: 0, Contact: 0, Chat: 0 }]));
    if (!instanceIds.length) return counts;
    const where = { instanceId: { in: instanceIds } };
    const [messages, contacts, chats] = await Promise.all([
      this.prisma.message.groupBy({ by: ['instanceId'], where, _count: { _all: true } }),
      this.prisma.contact.groupBy({ by: ['instanceId'], where, _count: { _all: true } }),
      this.prisma.chat.groupBy({ by: ['instanceId'], where, _count: { _all: true } }),
    ]);
    for (const r of messages) counts.get(r.instanceId)!.Message = r._count._all;
    for (const r of contacts) counts.get(r.instanceId)!.Contact = r._count._all;
    for (const r of chats) counts.get(r.instanceId)!.Chat = r._count._all;
    return counts;
  }
}
