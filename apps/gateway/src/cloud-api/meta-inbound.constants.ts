/** Meta notifications waiting to become events (BullMQ queue name). */
export const META_INBOUND_QUEUE = 'meta-inbound';

export interface MetaInboundJob {
  /** The notification body exactly as Meta sent it (already signature-checked). */
  body: string;
  /** v1 route /webhook/whatsapp/:instanceName names the instance; /webhook/meta routes by phone_number_id. */
  instanceName?: string;
  receivedAt: number;
}
