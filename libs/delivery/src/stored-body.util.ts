/**
 * The copy of a webhook body kept in the delivery log. A QR code carries the linking device's
 * public keys and its advSecretKey (WhatsApp's QR format), and a pairing code links an account:
 * neither belongs in a database dump, and both expire within a minute, so the stored copy of a
 * QRCODE_UPDATED body has them removed. The queued job keeps the full body for its attempts.
 */
export function storedBody(event: string, body: string): string {
  if (event !== 'QRCODE_UPDATED' || !body) return body;
  try {
    const envelope = JSON.parse(body) as { data?: { qrcode?: Record<string, unknown>; pairingCode?: unknown } };
    const qr = envelope.data?.qrcode;
    if (qr) for (const field of ['code', 'base64', 'pairingCode']) if (qr[field]) qr[field] = '[expired QR: not kept]';
    if (envelope.data?.pairingCode) envelope.data.pairingCode = '[expired QR: not kept]';
    return JSON.stringify(envelope);
  } catch {
    return '';
  }
}

/** Bodies whose stored copy is not the sent one: their retries keep the body in the job. */
export const keepsBodyInJob = (event: string) => event === 'QRCODE_UPDATED';
