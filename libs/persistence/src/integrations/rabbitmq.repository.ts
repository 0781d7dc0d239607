import { Injectable } from '@nestjs/common';
import { EventIntegrationRows, StoredEventIntegration } from './event-integration-rows';
import { PrismaService } from '../prisma.service';

export type StoredRabbitmq = StoredEventIntegration;

/** The InstanceRabbitmq row of an instance (its RabbitMQ switch and events); the outbox side is RabbitmqOutboxRepository. */
@Injectable()
export class RabbitmqRepository {
  private readonly rows: EventIntegrationRows;

  constructor(prisma: PrismaService) {
    this.rows = new EventIntegrationRows(prisma.instanceRabbitmq);
  }

  find(instanceId: string): Promise<StoredRabbitmq | null> {
    return this.rows.find(instanceId);
  }

  save(instanceId: string, enabled: boolean, events: string[]): Promise<StoredRabbitmq> {
    return this.rows.save(instanceId, enabled, events);
  }
}
