import { createHmac } from 'node:crypto';
import { fakeWamid } from './fake-graph-api.server';

/** Builds Cloud API webhook notifications the way Meta sends them, and signs them like Meta. */

export interface NotificationAccount {
  businessAccountId: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
}

export function metaNotification(account: NotificationAccount, value: Record<string, unknown>) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: account.businessAccountId,
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: account.displayPhoneNumber, phone_number_id: account.phoneNumberId },
              ...value,
            },
            field: 'messages',
          },
        ],
      },
    ],
  };
}

/** A customer's text message (contacts + messages). */
export function metaTextMessage(account: NotificationAccount, from: { waId: string; name: string }, text: string, id = fakeWamid()) {
  return metaNotification(account, {
    contacts: [{ profile: { name: from.name }, wa_id: from.waId }],
    messages: [{ from: from.waId, id, timestamp: String(Math.floor(Date.now() / 1000)), text: { body: text }, type: 'text' }],
  });
}

/** X-Hub-Signature-256 over the exact body bytes, keyed with the app secret. */
export function metaSignature(body: string | Buffer, appSecret: string): string {
  return 'sha256=' + createHmac('sha256', appSecret).update(body).digest('hex');
}
