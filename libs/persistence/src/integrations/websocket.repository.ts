import { Injectable } from '@nestjs/common';
import { EventIntegrationRows, StoredEventIntegration } from './event-integration-rows';
import { PrismaService } from '../prisma.service';

export type StoredWebsocket = StoredEventIntegration;

/** The InstanceWebsocket row of an instance: which events its socket.io namespace streams to apps. */
@Injectable()
export class WebsocketRepository {
  private readonly rows: EventIntegrationRows;

  constructor(prisma: PrismaService) {
    this.rows = new EventIntegrationRows(prisma.instanceWebsocket);
  }

  find(instanceId: string): Promise<StoredWebsocket | null> {
    return this.rows.find(instanceId);
  }

  save(instanceId: string, enabled: boolean, events: string[]): Promise<StoredWebsocket> {
    return this.rows.save(instanceId, enabled, events);
  }
}
