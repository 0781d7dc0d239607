import { normalizeChange, normalizeMessage } from './cloud-inbound.normalizer';
import type { CloudChangeValue, CloudMessage } from './cloud-api.types';

const metadata = { display_phone_number: '15550783881', phone_number_id: '106540352242922' };
const msg = (m: Partial<CloudMessage> & { type: string }): CloudMessage => ({ from: '5511988887777', id: 'wamid.A', timestamp: '1700000000', ...m });

describe('Cloud API inbound normalisation', () => {
  it('turns a text notification into the contact and message Baileys instances produce', () => {
    const value: CloudChangeValue = {
      messaging_product: 'whatsapp',
      metadata,
      contacts: [{ wa_id: '5511988887777', profile: { name: 'Carla' } }],
      messages: [msg({ type: 'text', text: { body: 'hi' } })],
    };
    const change = normalizeChange(value);
    expect(change.accountJid).toBe('15550783881@s.whatsapp.net');
    expect(change.contacts).toEqual([{ id: '5511988887777@s.whatsapp.net', notify: 'Carla' }]);
    expect(change.messages).toEqual([
      {
        key: { remoteJid: '5511988887777@s.whatsapp.net', fromMe: false, id: 'wamid.A' },
        pushName: 'Carla',
        message: { conversation: 'hi' },
        messageType: 'conversation',
        messageTimestamp: 1700000000,
        status: 'DELIVERY_ACK',
        source: 'unknown',
      },
    ]);
  });

  it('a reply keeps its quote as contextInfo (extendedTextMessage, as Baileys gives it)', () => {
    const m = normalizeMessage(msg({ type: 'text', text: { body: 'yes' }, context: { from: '15550783881', id: 'wamid.Q' } }));
    expect(m.message).toEqual({
      extendedTextMessage: { text: 'yes', contextInfo: { stanzaId: 'wamid.Q', participant: '15550783881@s.whatsapp.net' } },
    });
  });

  it('maps media, location, reactions and interactive replies', () => {
    expect(normalizeMessage(msg({ type: 'image', image: { id: 'MEDIA1' } })).hasMedia).toBe(true);
    expect(normalizeMessage(msg({ type: 'location', location: { latitude: 1, longitude: 2 } })).hasMedia).toBeUndefined();
    expect(normalizeMessage(msg({ type: 'image', image: { id: 'MEDIA1', mime_type: 'image/jpeg', caption: 'pic', sha256: 'abc' } })).message).toEqual({
      imageMessage: { mimetype: 'image/jpeg', caption: 'pic', fileSha256: 'abc', mediaId: 'MEDIA1' },
    });
    expect(normalizeMessage(msg({ type: 'location', location: { latitude: 1.5, longitude: -2, name: 'HQ' } })).message).toEqual({
      locationMessage: { degreesLatitude: 1.5, degreesLongitude: -2, name: 'HQ' },
    });
    expect(normalizeMessage(msg({ type: 'reaction', reaction: { message_id: 'wamid.X', emoji: '👍' } })).message).toEqual({
      reactionMessage: { key: { remoteJid: '5511988887777@s.whatsapp.net', id: 'wamid.X' }, text: '👍' },
    });
    const list = normalizeMessage(msg({ type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: 'row1', title: 'One' } } }));
    expect(list).toMatchObject({ messageType: 'listResponseMessage', message: { listResponseMessage: { title: 'One', singleSelectReply: { selectedRowId: 'row1' } } } });
    const button = normalizeMessage(msg({ type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'b1', title: 'Yes' } } }));
    expect(button.message).toEqual({ buttonsResponseMessage: { selectedButtonId: 'b1', selectedDisplayText: 'Yes' } });
  });

  it('an unknown or unsupported type is still a message, with Meta\'s original kept', () => {
    const raw = msg({ type: 'unsupported', errors: [{ code: 131051 }] });
    expect(normalizeMessage(raw)).toMatchObject({ messageType: 'unknown', message: { unknownMessage: raw } });
  });

  it('maps statuses to message updates of our own messages', () => {
    const change = normalizeChange({
      messaging_product: 'whatsapp',
      metadata,
      statuses: [
        { id: 'wamid.S', status: 'sent', timestamp: '1', recipient_id: '5511988887777' },
        { id: 'wamid.S', status: 'delivered', timestamp: '2', recipient_id: '5511988887777' },
        { id: 'wamid.S', status: 'read', timestamp: '3', recipient_id: '5511988887777' },
        { id: 'wamid.S', status: 'failed', timestamp: '4', recipient_id: '5511988887777', errors: [{ code: 131047 }] },
      ],
    });
    expect(change.updates.map((u) => u.status)).toEqual(['SERVER_ACK', 'DELIVERY_ACK', 'READ', 'ERROR']);
    expect(change.updates[0].key).toEqual({ remoteJid: '5511988887777@s.whatsapp.net', fromMe: true, id: 'wamid.S' });
  });
});
