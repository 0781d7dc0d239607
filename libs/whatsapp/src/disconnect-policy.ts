import { CloseDisposition } from './whatsapp-engine.port';

/**
 * WhatsApp close codes (Baileys DisconnectReason values) mapped to one decision, in one
 * place. Evolution reconnects immediately on anything but 401/402/403/406, which storms;
 * we restart at once only where WhatsApp asked for it and back off everywhere else.
 */
export const DISCONNECT_CODES = {
  loggedOut: 401,
  paymentRequired: 402,
  forbidden: 403,
  notAcceptable: 406,
  timedOut: 408,
  multideviceMismatch: 411,
  connectionClosed: 428,
  connectionReplaced: 440,
  badSession: 500,
  unavailableService: 503,
  restartRequired: 515,
} as const;

export function classifyDisconnect(statusCode: number | undefined): CloseDisposition {
  switch (statusCode) {
    case DISCONNECT_CODES.restartRequired:
      return 'restart';
    case DISCONNECT_CODES.loggedOut:
    case DISCONNECT_CODES.multideviceMismatch: // the link itself is invalid: only a new QR helps
      return 'logged-out';
    case DISCONNECT_CODES.paymentRequired:
    case DISCONNECT_CODES.forbidden:
    case DISCONNECT_CODES.notAcceptable:
    case DISCONNECT_CODES.connectionReplaced: // another client took over; reconnecting would fight it
      return 'stop';
    default:
      return 'reconnect';
  }
}
