import { cloudApiNotification, CloudAccount } from './cloud-api-notification';
import type { GatewayEvent } from './gateway-event';

const account: CloudAccount = { entryId: 'inst-1', phoneNumberId: '5511900000000', displayPhoneNumber: '5511900000000' };
const event = (name: GatewayEvent['name'], data: unknown): GatewayEvent => ({ name, instanceId: 'inst-1', instanceName: 'i', data, occurredAt: new Date(0) });
const record = (over: Record<string, unknown>) => ({
  key: { remoteJid: '5511988887777@s.whatsapp.net', fromMe: false, id: 'ABC' },
  pushName: 'Carla',
  message: { conversation: 'hi' },
  contextInfo: null,
  messageType: 'conversation',
  messageTimestamp: 1700000000,
  ...over,
});
const valueOf = (n: Record<string, unknown> | null) => (n as { entry: { changes: { value: Record<string, unknown> }[] }[] }).entry[0].changes[0].value;

describe('Cloud-API-shaped outbound webhooks', () => {
  it('an incoming text becomes Meta\'s notification envelope', () => {
    expect(cloudApiNotification(event('MESSAGES_UPSERT', record({})), account)).toEqual({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: 'inst-1',
          changes: [
            {
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '5511900000000', phone_number_id: '5511900000000' },
                contacts: [{ profile: { name: 'Carla' }, wa_id: '5511988887777' }],
                messages: [{ from: '5511988887777', id: 'ABC', timestamp: '1700000000', type: 'text', text: { body: 'hi' } }],
              },
              field: 'messages',
            },
          ],
        },
      ],
    });
  });

  it('replies carry context; media, reactions and list replies use Meta\'s types; the rest is unsupported', () => {
    const reply = valueOf(cloudApiNotification(event('MESSAGES_UPSERT', record({ contextInfo: { stanzaId: 'Q1', participant: '5511900000000@s.whatsapp.net' } })), account));
    expect((reply.messages as object[])[0]).toMatchObject({ context: { from: '5511900000000', id: 'Q1' } });
    const image = valueOf(cloudApiNotification(event('MESSAGES_UPSERT', record({ messageType: 'imageMessage', message: { imageMessage: { mimetype: 'image/jpeg', caption: 'c' } } })), account));
    expect((image.messages as object[])[0]).toMatchObject({ type: 'image', image: { id: 'ABC', mime_type: 'image/jpeg', caption: 'c' } });
    const reaction = valueOf(cloudApiNotification(event('MESSAGES_UPSERT', record({ messageType: 'reactionMessage', message: { reactionMessage: { key: { id: 'M1' }, text: '👍' } } })), account));
    expect((reaction.messages as object[])[0]).toMatchObject({ type: 'reaction', reaction: { message_id: 'M1', emoji: '👍' } });
    const poll = valueOf(cloudApiNotification(event('MESSAGES_UPSERT', record({ messageType: 'pollCreationMessageV3', message: { pollCreationMessageV3: {} } })), account));
    expect((poll.messages as object[])[0]).toMatchObject({ type: 'unsupported', errors: [{ code: 131051 }] });
  });

  it('receipts of our messages become statuses; SEND_MESSAGE is "sent"', () => {
    const update = valueOf(
      cloudApiNotification(event('MESSAGES_UPDATE', { keyId: 'K', remoteJid: '5511988887777@s.whatsapp.net', fromMe: true, status: 'READ' }), account, new Date(5000)),
    );
    expect(update.statuses).toEqual([{ id: 'K', status: 'read', timestamp: '5', recipient_id: '5511988887777' }]);
    const sent = valueOf(cloudApiNotification(event('SEND_MESSAGE', record({ key: { remoteJid: '5511988887777@s.whatsapp.net', fromMe: true, id: 'S' } })), account));
    expect(sent.statuses).toEqual([{ id: 'S', status: 'sent', timestamp: '1700000000', recipient_id: '5511988887777' }]);
  });

  it('LID chats use the phone-number JID; groups, own messages and non-message events are not sent', () => {
    const lid = valueOf(
      cloudApiNotification(event('MESSAGES_UPSERT', record({ key: { remoteJid: '1234@lid', remoteJidAlt: '5511988887777@s.whatsapp.net', fromMe: false, id: 'L' } })), account),
    );
    expect((lid.messages as { from: string }[])[0].from).toBe('5511988887777');
    expect(cloudApiNotification(event('MESSAGES_UPSERT', record({ key: { remoteJid: '1@g.us', participant: '5511@s.whatsapp.net', fromMe: false, id: 'G' } })), account)).toBeNull();
    expect(cloudApiNotification(event('MESSAGES_UPSERT', record({ key: { remoteJid: '5511988887777@s.whatsapp.net', fromMe: true, id: 'O' } })), account)).toBeNull();
    expect(cloudApiNotification(event('CONNECTION_UPDATE', { state: 'open' }), account)).toBeNull();
    expect(cloudApiNotification(event('MESSAGES_UPDATE', { keyId: 'K', remoteJid: '5511988887777@s.whatsapp.net', fromMe: false, status: 'READ' }), account)).toBeNull();
  });
});
