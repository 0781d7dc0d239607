import type { CloseCause } from '@gw/whatsapp';

/** Connection states as Evolution reports them (`refused` only after the QR limit). */
export type InstanceState = 'open' | 'connecting' | 'close' | 'refused';

export interface QrSnapshot {
  pairingCode: string | null;
  code: string | null;
  base64: string | null;
  count: number;
}

export const QR_LIMIT_MESSAGE = 'QR code limit reached, please login again';

/** The last close of an instance's connection, kept until it opens again (connect route, CONNECTION_UPDATE). */
export interface LastClose {
  statusCode: number;
  /** Readable text, e.g. "getaddrinfo ENOTFOUND web.whatsapp.com". */
  reason: string;
  cause?: CloseCause;
}
