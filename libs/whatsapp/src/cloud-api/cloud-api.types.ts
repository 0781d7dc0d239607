/**
 * Shapes of Meta's WhatsApp Cloud API as they travel on the wire (Graph API bodies and webhook
 * notifications). Only the fields the gateway reads or writes are typed; the rest is kept raw.
 */

export const CLOUD_API_INTEGRATION = 'WHATSAPP-BUSINESS';

export interface CloudContact {
  wa_id: string;
  profile?: { name?: string };
}

export interface CloudMessage {
  from: string;
  id: string;
  timestamp: string;
  type: string;
  context?: { from?: string; id?: string };
  [field: string]: unknown;
}

export interface CloudStatus {
  id: string;
  status: 'sent' | 'delivered' | 'read' | 'failed' | 'played' | string;
  timestamp: string;
  recipient_id: string;
  errors?: CloudError[];
  [field: string]: unknown;
}

export interface CloudError {
  code: number;
  title?: string;
  message?: string;
  error_data?: { details?: string };
}

export interface CloudChangeValue {
  messaging_product: 'whatsapp';
  metadata: { display_phone_number: string; phone_number_id: string };
  contacts?: CloudContact[];
  messages?: CloudMessage[];
  statuses?: CloudStatus[];
  errors?: CloudError[];
}

export interface CloudNotification {
  object: string;
  entry?: { id: string; changes?: { value?: CloudChangeValue; field?: string }[] }[];
}

/** What connect() needs to talk to the Graph API for one instance. */
export interface CloudCredentials {
  phoneNumberId: string;
  accessToken: string;
  businessId?: string | null;
}

/** Where Cloud API instances keep their credentials (implemented by the persistence layer). */
export interface CloudCredentialsStore {
  readCloudCredentials(instanceId: string): Promise<CloudCredentials | null>;
}

export const CLOUD_CREDENTIALS_STORE = Symbol('CLOUD_CREDENTIALS_STORE');
