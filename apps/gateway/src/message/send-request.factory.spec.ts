import { SendButtonsDto, SendButtonsV1Dto } from './dto/send-buttons.dto';
import { SendListDto, SendListV1Dto } from './dto/send-list.dto';
import { SendTextDto, SendTextV1Dto } from './dto/send-text.dto';
import { asVoiceNote, contentOf, sendRequest, statusRecipients } from './send-request.factory';
import { fromV1 } from './v1-body.normalizer';
import { VersionedBodyPipe } from './versioned-body.pipe';

describe('v1 and v2 bodies -> the same engine-neutral send request', () => {
  const textPipe = new VersionedBodyPipe(SendTextDto, SendTextV1Dto, 'textMessage');

  it('text: v1 options map to the flat v2 fields', async () => {
    const v2 = (await textPipe.transform({
      number: '+55 11 99999-9999',
      text: 'hi',
      delay: 1200,
      quoted: { key: { id: 'Q1' }, message: { conversation: 'earlier' } },
      mentioned: ['5511988887777', '5511977776666@s.whatsapp.net'],
      mentionsEveryOne: true,
    })) as SendTextDto;
    const v1 = (await textPipe.transform({
      number: '+55 11 99999-9999',
      options: {
        delay: 1200,
        presence: 'composing',
        quoted: { key: { id: 'Q1' }, message: { conversation: 'earlier' } },
        mentions: { everyOne: true, mentioned: ['5511988887777', '5511977776666@s.whatsapp.net'] },
      },
      textMessage: { text: 'hi' },
    })) as SendTextV1Dto;
    const expected = {
      to: { jid: '5511999999999@s.whatsapp.net', number: '+55 11 99999-9999' },
      content: { kind: 'text', text: 'hi' },
      delay: 1200,
      presence: 'composing',
      quoted: { key: { id: 'Q1' }, message: { conversation: 'earlier' } },
      mentions: ['5511988887777@s.whatsapp.net', '5511977776666@s.whatsapp.net'],
      mentionsEveryOne: true,
    };
    expect(sendRequest(v2, contentOf.text(v2))).toEqual(expected);
    const normalized = fromV1.text(v1);
    expect(sendRequest(normalized, contentOf.text(normalized))).toEqual(expected);
  });

  it('v1 presence "recording" is kept; without a delay there is no typing at all', () => {
    const base = { number: '5511999999999', text: 'x' };
    expect(sendRequest({ ...base, delay: 500, presence: 'recording' }, contentOf.text(base))).toMatchObject({ delay: 500, presence: 'recording' });
    expect(sendRequest({ ...base, delay: 500 }, contentOf.text(base), 'recording')).toMatchObject({ presence: 'recording' });
    expect(sendRequest(base, contentOf.text(base))).toEqual({ to: expect.any(Object), content: { kind: 'text', text: 'x' } });
    expect(sendRequest({ ...base, everyOne: true }, contentOf.text(base)).mentionsEveryOne).toBe(true);
  });

  it('linkPreview false is passed on, true is the default behaviour', () => {
    expect(contentOf.text({ number: '1', text: 'see https://x.y', linkPreview: false })).toEqual({ kind: 'text', text: 'see https://x.y', linkPreview: false });
    expect(contentOf.text({ number: '1', text: 'x', linkPreview: true })).toEqual({ kind: 'text', text: 'x' });
  });

  it('lists: the docs alias values becomes sections; v1 listMessage gives the same', async () => {
    const pipe = new VersionedBodyPipe(SendListDto, SendListV1Dto, 'listMessage');
    const fields = { title: 'Menu', description: 'Pick', buttonText: 'Open', footerText: 'bye' };
    const section = { title: 'Mains', rows: [{ title: 'Pizza', description: 'hot', rowId: 'p' }] };
    const viaValues = (await pipe.transform({ number: '5511999999999', ...fields, values: [section] })) as SendListDto;
    const v1 = (await pipe.transform({ number: '5511999999999', listMessage: { ...fields, sections: [section] } })) as SendListV1Dto;
    const expected = { kind: 'list', ...fields, sections: [section] };
    expect(contentOf.list(viaValues)).toEqual(expected);
    expect(contentOf.list(fromV1.list(v1))).toEqual(expected);
  });

  it('v1 buttons become reply buttons with the footer and image header mapped', async () => {
    const pipe = new VersionedBodyPipe(SendButtonsDto, SendButtonsV1Dto, 'buttonMessage');
    const v1 = (await pipe.transform({
      number: '5511999999999',
      buttonMessage: {
        title: 'Confirm?',
        description: 'Order 42',
        footerText: 'Shop',
        buttons: [{ buttonText: 'Yes', buttonId: 'y' }],
        mediaMessage: { mediatype: 'image', media: 'https://x.y/logo.png' },
      },
    })) as SendButtonsV1Dto;
    const dto = fromV1.buttons(v1);
    expect(dto.thumbnailUrl).toBe('https://x.y/logo.png');
    expect(contentOf.buttons(dto)).toEqual({
      kind: 'buttons',
      title: 'Confirm?',
      description: 'Order 42',
      footer: 'Shop',
      buttons: [{ type: 'reply', displayText: 'Yes', id: 'y' }],
    });
  });

  it('media: ptv is a video note; voice notes say Opus when they are Ogg', () => {
    const media = { data: Buffer.from('x'), mimetype: 'audio/ogg' };
    expect(contentOf.media({ number: '1', mediatype: 'ptv', media: 'x' }, media)).toEqual({ kind: 'media', mediaType: 'video', media, ptv: true });
    expect(contentOf.media({ number: '1', mediatype: 'document', media: 'x', caption: 'c' }, media)).toEqual({
      kind: 'media',
      mediaType: 'document',
      media,
      caption: 'c',
    });
    expect(asVoiceNote(media).mimetype).toBe('audio/ogg; codecs=opus');
    expect(asVoiceNote({ ...media, mimetype: 'audio/mpeg' }).mimetype).toBe('audio/mpeg');
    expect(contentOf.voiceNote(media)).toMatchObject({ kind: 'media', mediaType: 'audio', ptt: true });
  });

  it('reactions go to the chat of the key, normalised', () => {
    const content = contentOf.reaction({ key: { remoteJid: '5511999999999@c.us', fromMe: false, id: 'A' }, reaction: '' });
    expect(content).toEqual({ kind: 'reaction', key: { remoteJid: '5511999999999@s.whatsapp.net', fromMe: false, id: 'A' }, emoji: '' });
  });

  it('contacts and location keep only what was given', () => {
    expect(contentOf.contacts({ number: '1', contact: [{ fullName: 'Ana', phoneNumber: '+55 11 9999-0000' }] })).toEqual({
      kind: 'contacts',
      contacts: [{ fullName: 'Ana', phoneNumber: '+55 11 9999-0000' }],
    });
    expect(contentOf.location({ number: '1', latitude: 1.5, longitude: -2 })).toEqual({ kind: 'location', latitude: 1.5, longitude: -2 });
  });

  it('statuses: text gets a background and font; recipients are user JIDs, deduplicated', () => {
    expect(statusRecipients(['5511999999999', '5511999999999@s.whatsapp.net', '120363025246125486@g.us', '98765@lid'])).toEqual([
      '5511999999999@s.whatsapp.net',
      '98765@lid',
    ]);
    expect(contentOf.status({ type: 'text', content: 'hi' }, ['a@s.whatsapp.net'])).toEqual({
      kind: 'status',
      body: { kind: 'text', text: 'hi' },
      recipients: ['a@s.whatsapp.net'],
      backgroundColor: '#075E54',
      font: 0,
    });
    const media = { data: Buffer.from('x'), mimetype: 'image/jpeg' };
    expect(contentOf.status({ type: 'image', content: 'https://x.y/a.jpg', caption: 'c' }, ['a@s.whatsapp.net'], media)).toEqual({
      kind: 'status',
      body: { kind: 'media', mediaType: 'image', media, caption: 'c' },
      recipients: ['a@s.whatsapp.net'],
    });
  });
});
