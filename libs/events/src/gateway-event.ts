import { EventName } from './event-catalogue';

/** An engine-neutral event of one instance, ready to be routed to webhooks. */
export interface GatewayEvent<T = unknown> {
  name: EventName;
  instanceId: string;
  instanceName: string;
  data: T;
  /** Account JID (`5511…@s.whatsapp.net`) once the instance has logged in. */
  sender?: string;
  occurredAt: Date;
  /** Restricts routing to one kind of target (default: both the instance and the global webhook). */
  audience?: 'instance' | 'global';
}
