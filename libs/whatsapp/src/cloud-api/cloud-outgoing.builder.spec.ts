import { buildCloudMessage, CloudUnsupportedError } from './cloud-outgoing.builder';

const JID = '5511988887777@s.whatsapp.net';

describe('Cloud API outgoing messages', () => {
  it('text, with a reply context and link preview only when a link is present', () => {
    const out = buildCloudMessage(JID, { kind: 'text', text: 'see https://x.test' }, { quoted: { key: { remoteJid: JID, fromMe: false, id: 'wamid.Q' }, message: {} } });
    expect(out.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '5511988887777',
      type: 'text',
      text: { body: 'see https://x.test', preview_url: true },
      context: { message_id: 'wamid.Q' },
    });
    expect(out).toMatchObject({ message: { conversation: 'see https://x.test' }, messageType: 'conversation' });
  });

  it('media by link, or by the id /media gave for uploaded bytes; bytes without either are refused', () => {
    const media = { data: Buffer.from('x'), mimetype: 'application/pdf', fileName: 'a.pdf', url: 'https://files.test/a.pdf' };
    expect(buildCloudMessage(JID, { kind: 'media', mediaType: 'document', media, caption: 'doc' }).body).toMatchObject({
      type: 'document',
      document: { link: 'https://files.test/a.pdf', caption: 'doc', filename: 'a.pdf' },
    });
    expect(() => buildCloudMessage(JID, { kind: 'media', mediaType: 'image', media: { ...media, url: undefined } })).toThrow(CloudUnsupportedError);
    const byId = buildCloudMessage(JID, { kind: 'media', mediaType: 'image', media: { ...media, url: undefined }, caption: 'c' }, {}, 'MEDIA1');
    expect(byId.body).toMatchObject({ type: 'image', image: { id: 'MEDIA1', caption: 'c' } });
    expect(byId.message).toEqual({ imageMessage: { mediaId: 'MEDIA1', mimetype: 'application/pdf', caption: 'c', fileName: 'a.pdf' } });
  });

  it('template: name, language code and components as Meta expects them', () => {
    const components = [{ type: 'body', parameters: [{ type: 'text', text: 'A-1' }] }];
    const out = buildCloudMessage(JID, { kind: 'template', name: 'order_update', language: 'en_US', components });
    expect(out.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '5511988887777',
      type: 'template',
      template: { name: 'order_update', language: { code: 'en_US' }, components },
    });
    expect(out.messageType).toBe('templateMessage');
  });

  it('location, contacts, reaction, list and reply buttons', () => {
    expect(buildCloudMessage(JID, { kind: 'location', latitude: 1, longitude: 2, name: 'HQ', address: 'Main St' }).body).toMatchObject({
      type: 'location',
      location: { latitude: 1, longitude: 2, name: 'HQ', address: 'Main St' },
    });
    expect(buildCloudMessage(JID, { kind: 'contacts', contacts: [{ fullName: 'Ana', phoneNumber: '+55 11 91234-5678' }] }).body).toMatchObject({
      type: 'contacts',
      contacts: [{ name: { formatted_name: 'Ana' }, phones: [{ phone: '+55 11 91234-5678', wa_id: '5511912345678' }] }],
    });
    expect(buildCloudMessage(JID, { kind: 'reaction', key: { remoteJid: JID, fromMe: false, id: 'wamid.R' }, emoji: '🔥' }).body).toMatchObject({
      type: 'reaction',
      reaction: { message_id: 'wamid.R', emoji: '🔥' },
    });
    const list = buildCloudMessage(JID, {
      kind: 'list',
      title: 'Menu',
      description: 'Pick one',
      buttonText: 'Open',
      footerText: 'f',
      sections: [{ title: 'S', rows: [{ title: 'One', rowId: 'r1' }] }],
    });
    expect(list.body.interactive).toEqual({
      type: 'list',
      header: { type: 'text', text: 'Menu' },
      body: { text: 'Pick one' },
      footer: { text: 'f' },
      action: { button: 'Open', sections: [{ title: 'S', rows: [{ id: 'r1', title: 'One' }] }] },
    });
    const buttons = buildCloudMessage(JID, { kind: 'buttons', title: 'Q', description: 'Sure?', buttons: [{ type: 'reply', displayText: 'Yes', id: 'y' }] });
    expect(buttons.body.interactive).toMatchObject({ type: 'button', action: { buttons: [{ type: 'reply', reply: { id: 'y', title: 'Yes' } }] } });
  });

  it('groups and polls are not available on the Cloud API', () => {
    expect(() => buildCloudMessage('123@g.us', { kind: 'text', text: 'x' })).toThrow(CloudUnsupportedError);
    expect(() => buildCloudMessage(JID, { kind: 'poll', name: 'p', selectableCount: 1, values: ['a', 'b'] })).toThrow(/not available/);
  });
});
