import { Injectable } from '@nestjs/common';
import { PrismaService } from './prisma.service';

export interface StoredWebsocket {
  id: string;
  instanceId: string;
  enabled: boolean;
  events: string[];
  createdAt: Date;
  updatedAt: Date;
}

/** The InstanceWebsocket row of an instance: which events its socket.io namespace streams to apps. */
@Injectable()
export class WebsocketRepository {
  constructor(private readonly prisma: PrismaService) {}

  async find(instanceId: string): Promise<StoredWebsocket | null> {
    const row = await this.prisma.instanceWebsocket.findUnique({ where: { instanceId } });
    return row ? { ...row, events: Array.isArray(row.events) ? row.events.map(String) : [] } : null;
  }

  async save(instanceId: string, enabled: boolean, events: string[]): Promise<StoredWebsocket> {
    const row = await this.prisma.instanceWebsocket.upsert({
      where: { instanceId },
      create: { instanceId, enabled, events },
      update: { enabled, events },
    });
    return { ...row, events };
  }
}
