/** A Meta notification waiting in QUEUES.metaInbound to become events. */
export interface MetaInboundJob {
  /** The notification body exactly as Meta sent it (already signature-checked). */
  body: string;
  /** v1 route /webhook/whatsapp/:instanceName names the instance; /webhook/meta routes by phone_number_id. */
  instanceName?: string;
  receivedAt: number;
}
