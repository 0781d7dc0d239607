import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma.service';

export interface StoredRabbitmq {
  id: string;
  instanceId: string;
  enabled: boolean;
  events: string[];
  createdAt: Date;
  updatedAt: Date;
}

/** The InstanceRabbitmq row of an instance (its RabbitMQ switch and events). */
@Injectable()
export class RabbitmqRepository {
  constructor(private readonly prisma: PrismaService) {}

  async find(instanceId: string): Promise<StoredRabbitmq | null> {
    const row = await this.prisma.instanceRabbitmq.findUnique({ where: { instanceId } });
    return row ? { ...row, events: Array.isArray(row.events) ? row.events.map(String) : [] } : null;
  }

  async save(instanceId: string, enabled: boolean, events: string[]): Promise<StoredRabbitmq> {
    const row = await this.prisma.instanceRabbitmq.upsert({
      where: { instanceId },
      create: { instanceId, enabled, events },
      update: { enabled, events },
    });
    return { ...row, events };
  }
}
