import { randomUUID } from 'node:crypto';
import type { proto } from '@whiskeysockets/baileys';
import type { OutgoingButton, OutgoingContent } from '../messaging.types';

/**
 * Lists and buttons have no Baileys content shortcut: they are built as raw protos, the
 * way Evolution v2.3 builds them, so receivers see what they saw from Evolution.
 * WhatsApp renders them on some clients and accounts only; that is WhatsApp's decision.
 */

type ListContent = Extract<OutgoingContent, { kind: 'list' }>;
type ButtonsContent = Extract<OutgoingContent, { kind: 'buttons' }>;

/** native-flow button names per Evolution button type */
const FLOW_NAMES: Record<OutgoingButton['type'], string> = {
  reply: 'quick_reply',
  copy: 'cta_copy',
  url: 'cta_url',
  call: 'cta_call',
  pix: 'payment_info',
};

const PIX_KEY_TYPES = { phone: 'PHN', email: 'EMAIL', cpf: 'CPF', cnpj: 'CNPJ', random: 'EVP' } as const;

/** buttonParamsJson of one native-flow button. */
export function buttonParams(button: OutgoingButton): string {
  switch (button.type) {
    case 'reply':
      return JSON.stringify({ display_text: button.displayText, id: button.id });
    case 'copy':
      return JSON.stringify({ display_text: button.displayText, copy_code: button.copyCode });
    case 'url':
      return JSON.stringify({ display_text: button.displayText, url: button.url, merchant_url: button.url });
    case 'call':
      return JSON.stringify({ display_text: button.displayText, phone_number: button.phoneNumber });
    case 'pix': {
      const zero = { value: 0, offset: 100 };
      return JSON.stringify({
        currency: button.currency,
        total_amount: zero,
        reference_id: randomUUID(),
        type: 'physical-goods',
        order: {
          status: 'pending',
          subtotal: zero,
          order_type: 'ORDER',
          items: [{ name: '', amount: zero, quantity: 0, sale_amount: zero }],
        },
        payment_settings: [
          {
            type: 'pix_static_code',
            pix_static_code: { merchant_name: button.name, key: button.key, key_type: PIX_KEY_TYPES[button.keyType] },
          },
        ],
        share_payment_status: false,
      });
    }
  }
}

/** `listMessage`; listType 2 is what Evolution sends (type 1 lists stopped rendering for many users). */
export function listMessage(content: ListContent): proto.IMessage {
  return {
    listMessage: {
      title: content.title,
      description: content.description,
      buttonText: content.buttonText,
      footerText: content.footerText,
      sections: content.sections.map((s) => ({
        title: s.title,
        rows: s.rows.map((r) => ({ title: r.title, description: r.description, rowId: r.rowId })),
      })),
      listType: 2,
    },
  };
}

/** Buttons as a view-once interactive message with native-flow buttons (a PIX button stands alone). */
export function buttonsMessage(content: ButtonsContent, headerImage?: proto.Message.IImageMessage): proto.IMessage {
  const nativeFlowMessage = {
    buttons: content.buttons.map((b) => ({ name: FLOW_NAMES[b.type], buttonParamsJson: buttonParams(b) })),
    messageParamsJson: JSON.stringify({ from: 'api', templateId: randomUUID() }),
  };
  if (content.buttons[0]?.type === 'pix') {
    return { viewOnceMessage: { message: { interactiveMessage: { nativeFlowMessage } } } };
  }
  const text = content.description ? `*${content.title}*\n\n${content.description}\n` : `*${content.title}*`;
  return {
    viewOnceMessage: {
      message: {
        interactiveMessage: {
          body: { text },
          footer: content.footer ? { text: content.footer } : undefined,
          header: headerImage ? { hasMediaAttachment: true, imageMessage: headerImage } : undefined,
          nativeFlowMessage,
        },
      },
    },
  };
}
