/** The shapes of the gateway answers the manager reads (Evolution v2 field names). */

export type ConnectionState = 'open' | 'connecting' | 'close' | 'refused';

export interface InstanceRow {
  id: string;
  name: string;
  connectionStatus: ConnectionState;
  ownerJid: string | null;
  profileName: string | null;
  number: string | null;
  token: string;
  disconnectionReasonCode: number | null;
  disconnectionObject: string | null;
  _count: { Message: number; Contact: number; Chat: number };
}

export interface QrCode {
  pairingCode: string | null;
  code: string | null;
  base64: string | null;
  count?: number;
}

/** GET /instance/connect: open, a QR, or why WhatsApp cannot be reached. */
export interface ConnectAnswer extends Partial<QrCode> {
  instance?: { instanceName: string; state: ConnectionState };
  error?: boolean;
  message?: string;
}

export interface CreatedInstance {
  instance: { instanceName: string; instanceId: string; status: ConnectionState };
  hash: string;
  qrcode?: QrCode;
}

export interface Settings {
  rejectCall: boolean;
  msgCall: string;
  groupsIgnore: boolean;
  alwaysOnline: boolean;
  readMessages: boolean;
  readStatus: boolean;
  syncFullHistory: boolean;
}

export interface WebhookRow {
  id: string;
  url: string;
  enabled: boolean;
  events: string[];
  webhookByEvents: boolean;
  webhookBase64: boolean;
  headers: Record<string, string> | null;
  signed: boolean;
  ordered: boolean;
  disabledAt: string | null;
  disabledReason: string | null;
  secret?: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'refused' | 'gone' | 'too_large';

export interface Delivery {
  id: string;
  event: string;
  target: string;
  url: string;
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  /** Of the last attempt (list only). */
  lastStatusCode?: number | null;
  lastLatencyMs?: number | null;
  createdAt: string;
  lastAttemptAt: string | null;
  deliveredAt: string | null;
}

export interface DeliveryAttempt {
  attempt: number;
  startedAt: string;
  statusCode: number | null;
  latencyMs: number | null;
  error: string | null;
  response: string | null;
}

export interface DeliveryDetail extends Delivery {
  payload: unknown;
  attemptLog: DeliveryAttempt[];
}

/** What the live stream sends: the webhook body (Evolution's envelope). */
export interface StreamEnvelope {
  event: string;
  instance: string;
  data: unknown;
  date_time?: string;
  sequence?: number;
}

/** An event as the monitor keeps it: the envelope untouched, plus when this tab received it. */
export interface LoggedEvent {
  envelope: StreamEnvelope;
  receivedAt: number;
  /** Arrival order in this tab (pausing shows events up to one of these). */
  seq: number;
}
