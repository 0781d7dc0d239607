import type { PrismaService } from '@gw/persistence';

/**
 * The bench's instances, made straight in its fresh database: "bench" with one webhook to the
 * receiver, and "bench-fanout" with three filtered ones (fanout phase).
 */
export async function createBenchInstances(prisma: PrismaService, receiverUrl: string, secret: string) {
  const hookUrl = `${receiverUrl}/hook`;
  const instance = await prisma.instance.create({
    data: { name: 'bench', token: 'bench-token', webhooks: { create: { url: hookUrl, events: [], secret } } },
  });
  // fanout: three webhooks, all filtered; two take these events (1:1 chats, not ours), one does not
  const fanInstance = await prisma.instance.create({
    data: {
      name: 'bench-fanout',
      token: 'bench-fanout-token',
      webhooks: {
        create: [
          { url: `${receiverUrl}/fan-a`, events: [], secret, filters: { excludeJids: ['5511900000000'] } },
          {
            url: `${receiverUrl}/fan-b`,
            events: ['MESSAGES_UPSERT'],
            secret,
            filters: { fromMe: false, chatTypes: ['individual'], messageTypes: ['conversation', 'imageMessage'], includeJids: ['5511987654321'] },
          },
          { url: `${receiverUrl}/fan-c`, events: [], secret, filters: { chatTypes: ['group'] } },
        ],
      },
    },
  });
  return { instance, fanInstance };
}
