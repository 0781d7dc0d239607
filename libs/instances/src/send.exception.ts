/**
 * Why a send did not happen, as a code the HTTP edge maps to Evolution's envelope
 * (apps/gateway/src/http/engine-error.translator.ts). Never an HTTP exception down here.
 */
export type SendErrorCode =
  /** the instance is not logged in; `detail` is its state */
  | 'NOT_CONNECTED'
  /** the recipient has no WhatsApp (or the group does not exist); `detail` is Evolution's `{jid, exists, number}` */
  | 'NOT_ON_WHATSAPP'
  /** too many sends waiting for this instance */
  | 'QUEUE_FULL'
  /** WhatsApp did not take the message within the send timeout */
  | 'TIMEOUT'
  /** the request cannot be sent as asked (e.g. no recipients for a status) */
  | 'INVALID'
  /** WhatsApp (or the engine) refused or failed */
  | 'FAILED';

export class SendException extends Error {
  constructor(
    readonly code: SendErrorCode,
    message: string,
    readonly detail?: unknown,
  ) {
    super(message);
    this.name = 'SendException';
  }

  static notConnected(instanceName: string, state: string): SendException {
    return new SendException('NOT_CONNECTED', `The "${instanceName}" instance is not connected (state: ${state})`, state);
  }

  static notOnWhatsApp(jid: string, number: string): SendException {
    return new SendException('NOT_ON_WHATSAPP', `${number} is not on WhatsApp`, { jid, exists: false, number });
  }
}
