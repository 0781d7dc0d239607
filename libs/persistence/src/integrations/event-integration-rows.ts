/**
 * Evolution's per-instance event integration row (its Rabbitmq and Websocket tables): on/off and
 * the event names (UPPER_SNAKE) it carries. Our InstanceRabbitmq and InstanceWebsocket tables have
 * the same columns; each repository owns its table and reads it through this.
 */
export interface StoredEventIntegration {
  id: string;
  instanceId: string;
  enabled: boolean;
  events: string[];
  createdAt: Date;
  updatedAt: Date;
}

type RawRow = Omit<StoredEventIntegration, 'events'> & { events: unknown };

/** The part of a Prisma table delegate the rows need. */
export interface EventIntegrationTable {
  findUnique(args: { where: { instanceId: string } }): PromiseLike<RawRow | null>;
  upsert(args: {
    where: { instanceId: string };
    create: { instanceId: string; enabled: boolean; events: string[] };
    update: { enabled: boolean; events: string[] };
  }): PromiseLike<RawRow>;
}

export class EventIntegrationRows {
  constructor(private readonly table: EventIntegrationTable) {}

  async find(instanceId: string): Promise<StoredEventIntegration | null> {
    const row = await this.table.findUnique({ where: { instanceId } });
    return row ? { ...row, events: Array.isArray(row.events) ? row.events.map(String) : [] } : null;
  }

  async save(instanceId: string, enabled: boolean, events: string[]): Promise<StoredEventIntegration> {
    const row = await this.table.upsert({ where: { instanceId }, create: { instanceId, enabled, events }, update: { enabled, events } });
    return { ...row, events };
  }
}
