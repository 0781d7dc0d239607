import type { AnyMessageContent } from '@whiskeysockets/baileys';
import { type Baileys, loadBaileys } from './baileys.loader';
import { buttonParams, buttonsMessage, listMessage } from './interactive-message.builder';
import { ContentKind, STATUS_JID, toBaileysContent, vcard } from './outgoing-content.translator';

/**
 * Our engine-neutral content, through the translator and then through Baileys' own message
 * generation (upload faked): what would go on the wire, checked as proto JSON.
 */
describe('outgoing content -> Baileys messages', () => {
  let baileys: Baileys;
  const uploads: string[] = [];

  beforeAll(async () => {
    baileys = await loadBaileys();
  });

  /** encode + decode: the object is a valid proto.Message */
  const roundTrip = (m: object) => {
    const { Message } = baileys.proto;
    return Message.toObject(Message.decode(Message.encode(Message.fromObject(m)).finish()), { enums: String });
  };

  async function generate(content: ContentKind, mentions?: string[]) {
    const send = toBaileysContent(content, mentions);
    const message = await baileys.generateWAMessageContent(send.content as AnyMessageContent, {
      upload: async (_path, { mediaType }) => {
        uploads.push(mediaType);
        return { mediaUrl: `https://mmg.whatsapp.net/${mediaType}`, directPath: `/${mediaType}` };
      },
      ...send.options,
    });
    return { send, json: baileys.proto.Message.toObject(message, { longs: Number, bytes: String, enums: String, defaults: false }) };
  }

  it('text with mentions; linkPreview false stops any preview lookup', async () => {
    const { json } = await generate({ kind: 'text', text: 'hi @5511', linkPreview: false }, ['5511988887777@s.whatsapp.net']);
    expect(json.extendedTextMessage).toMatchObject({ text: 'hi @5511', contextInfo: { mentionedJid: ['5511988887777@s.whatsapp.net'] } });
    expect(json.extendedTextMessage).not.toHaveProperty('matchedText');
    expect(toBaileysContent({ kind: 'text', text: 'x', linkPreview: false }).content).toEqual({ text: 'x', linkPreview: null });
    expect(toBaileysContent({ kind: 'text', text: 'x' }).content).toEqual({ text: 'x' });
  });

  it('location, contacts (one card and several), reaction, poll', async () => {
    expect((await generate({ kind: 'location', latitude: -23.5, longitude: -46.6, name: 'Office' })).json.locationMessage).toEqual({
      degreesLatitude: -23.5,
      degreesLongitude: -46.6,
      name: 'Office',
    });
    const card = { fullName: 'Ana', phoneNumber: '+55 11 99999-0000' };
    const one = (await generate({ kind: 'contacts', contacts: [card] })).json;
    expect(one.contactMessage).toEqual({ displayName: 'Ana', vcard: vcard(card) });
    const two = (await generate({ kind: 'contacts', contacts: [card, { ...card, fullName: 'Bia' }] })).json;
    expect(two.contactsArrayMessage).toMatchObject({ displayName: '2 contacts', contacts: [{ displayName: 'Ana' }, { displayName: 'Bia' }] });
    const key = { remoteJid: '5511@s.whatsapp.net', fromMe: true, id: 'ABC' };
    expect((await generate({ kind: 'reaction', key, emoji: '👍' })).json.reactionMessage).toMatchObject({ key, text: '👍' });
    const poll = (await generate({ kind: 'poll', name: 'Lunch?', selectableCount: 1, values: ['a', 'b'] })).json;
    expect(poll.pollCreationMessageV3).toEqual({ name: 'Lunch?', options: [{ optionName: 'a' }, { optionName: 'b' }], selectableOptionsCount: 1 });
    expect(poll.messageContextInfo).toHaveProperty('messageSecret');
  });

  it('vCards carry waid digits and cannot be broken by line breaks', () => {
    expect(vcard({ fullName: 'Ana\nEVIL:1', phoneNumber: '+55 11 99999-0000', wuid: '5511999990000@s.whatsapp.net', organization: 'ACME', email: 'a@b.c' })).toBe(
      [
        'BEGIN:VCARD',
        'VERSION:3.0',
        'N:Ana EVIL:1',
        'FN:Ana EVIL:1',
        'ORG:ACME;',
        'EMAIL:a@b.c',
        'item1.TEL;waid=5511999990000:+55 11 99999-0000',
        'item1.X-ABLabel:Mobile',
        'END:VCARD',
      ].join('\n'),
    );
  });

  it('media: bytes are uploaded by Baileys with the mimetype, caption, file name and ptt we give', async () => {
    const data = Buffer.from('not really a picture');
    const image = (await generate({ kind: 'media', mediaType: 'image', media: { data, mimetype: 'image/png' }, caption: 'pic' })).json;
    expect(image.imageMessage).toMatchObject({ mimetype: 'image/png', caption: 'pic', url: 'https://mmg.whatsapp.net/image', directPath: '/image' });
    const doc = (await generate({ kind: 'media', mediaType: 'document', media: { data, mimetype: 'application/pdf', fileName: 'a.pdf' } })).json;
    expect(doc.documentMessage).toMatchObject({ mimetype: 'application/pdf', fileName: 'a.pdf' });
    const voice = (await generate({ kind: 'media', mediaType: 'audio', media: { data, mimetype: 'audio/ogg; codecs=opus' }, ptt: true })).json;
    expect(voice.audioMessage).toMatchObject({ mimetype: 'audio/ogg; codecs=opus', ptt: true });
    expect(uploads).toEqual(['image', 'document', 'audio']);
  });

  it('statuses go to status@broadcast with their recipients; text gets the background colour and font', async () => {
    const { send, json } = await generate({
      kind: 'status',
      body: { kind: 'text', text: 'open' },
      recipients: ['5511@s.whatsapp.net'],
      backgroundColor: '#008000',
      font: 2,
    });
    expect(send.jid).toBe(STATUS_JID);
    expect(send.options).toMatchObject({ statusJidList: ['5511@s.whatsapp.net'], broadcast: true });
    expect(json.extendedTextMessage).toEqual({ text: 'open', backgroundArgb: 0xff008000, font: 'FB_SCRIPT' }); // font 2
  });

  it('lists and buttons are raw protos in Evolution v2.3 shape', () => {
    const list = listMessage({ kind: 'list', title: 'Menu', buttonText: 'Open', sections: [{ title: 'S', rows: [{ title: 'r', rowId: '1' }] }] });
    expect(roundTrip(list)).toMatchObject({ listMessage: { title: 'Menu', listType: 'PRODUCT_LIST' } });
    expect(list.listMessage).toMatchObject({ title: 'Menu', buttonText: 'Open', listType: 2 });

    const buttons = buttonsMessage({
      kind: 'buttons',
      title: 'Pick',
      description: 'one',
      footer: 'f',
      buttons: [
        { type: 'url', displayText: 'Site', url: 'https://x.y' },
        { type: 'call', displayText: 'Call', phoneNumber: '+5511' },
        { type: 'copy', displayText: 'Code', copyCode: 'ABC' },
      ],
    });
    expect(roundTrip(buttons)).toHaveProperty('viewOnceMessage.message.interactiveMessage.nativeFlowMessage.buttons');
    const flow = buttons.viewOnceMessage!.message!.interactiveMessage!;
    expect(flow.body).toEqual({ text: '*Pick*\n\none\n' });
    expect(flow.nativeFlowMessage!.buttons!.map((b) => b.name)).toEqual(['cta_url', 'cta_call', 'cta_copy']);
    expect(JSON.parse(flow.nativeFlowMessage!.buttons![0].buttonParamsJson!)).toEqual({ display_text: 'Site', url: 'https://x.y', merchant_url: 'https://x.y' });

    const pix = JSON.parse(buttonParams({ type: 'pix', currency: 'BRL', name: 'Shop', keyType: 'random', key: 'k' }));
    expect(pix.payment_settings[0].pix_static_code).toEqual({ merchant_name: 'Shop', key: 'k', key_type: 'EVP' });
  });
});
