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

export interface QrCodeData {
  qrcode: { instance: string; pairingCode: string | null; code: string; base64: string };
}

export interface QrLimitData {
  message: string;
  statusCode: number;
}

export interface ConnectionUpdateData {
  instance: string;
  state: 'open' | 'connecting' | 'close' | 'refused';
  statusReason: number;
  /** Why the connection last closed, in words ("connect ECONNREFUSED ..."); not an Evolution field, its clients ignore it. */
  reason?: string;
  wuid?: string;
  profileName?: string;
  profilePictureUrl?: string | null;
}

export interface InstanceLifecycleData {
  instanceName: string;
  instanceId: string;
}
