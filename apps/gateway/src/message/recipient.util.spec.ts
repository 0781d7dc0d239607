import { mentionJid, toRecipient } from './recipient.util';

describe('toRecipient (Evolution `number`)', () => {
  it.each([
    ['5511999999999', '5511999999999@s.whatsapp.net'],
    ['+55 (11) 99999-9999', '5511999999999@s.whatsapp.net'],
    ['55.11.99999.9999', '5511999999999@s.whatsapp.net'],
    ['5511999999999@s.whatsapp.net', '5511999999999@s.whatsapp.net'],
    ['5511999999999:12@s.whatsapp.net', '5511999999999@s.whatsapp.net'],
    ['5511999999999@c.us', '5511999999999@s.whatsapp.net'],
    ['5511999999999@S.WHATSAPP.NET', '5511999999999@s.whatsapp.net'],
    ['120363025246125486@g.us', '120363025246125486@g.us'],
    ['120363025246125486', '120363025246125486@g.us'],
    ['5511999999999-1612345678', '5511999999999-1612345678@g.us'],
    ['5511999999999-1612345678@g.us', '5511999999999-1612345678@g.us'],
    ['123456789012345@lid', '123456789012345@lid'],
    ['123456789012345:3@lid', '123456789012345@lid'],
    ['status@broadcast', 'status@broadcast'],
  ])('%s -> %s', (input, jid) => {
    expect(toRecipient(input)).toEqual({ jid, number: input });
  });

  it.each(['', '   ', 'abc', '12345', 'alice@example.com', 'foo@g.us', '5511@newsletter', 'x@s.whatsapp.net', 'list@broadcast'])(
    'refuses %j',
    (input) => {
      expect(toRecipient(input)).toBeUndefined();
    },
  );

  it('mentions are user JIDs; groups are dropped', () => {
    expect(mentionJid('5511988887777')).toBe('5511988887777@s.whatsapp.net');
    expect(mentionJid('5511988887777@s.whatsapp.net')).toBe('5511988887777@s.whatsapp.net');
    expect(mentionJid('98765@lid')).toBe('98765@lid');
    expect(mentionJid('120363025246125486@g.us')).toBeUndefined();
    expect(mentionJid('nope')).toBeUndefined();
  });
});
