import type { ContactRow } from '@gw/persistence';
import { KnownContacts } from './known-contacts.util';

const row = (over: Partial<ContactRow>): ContactRow => ({
  id: 'x',
  instanceId: 'i',
  remoteJid: '5511900000001@s.whatsapp.net',
  pushName: null,
  name: null,
  profilePicUrl: null,
  lid: null,
  phoneNumber: null,
  kind: 'contact',
  createdAt: new Date(0),
  updatedAt: new Date(0),
  ...over,
});

describe('KnownContacts', () => {
  it('finds a contact by remote JID, LID or phone-number JID; push name first', () => {
    const known = new KnownContacts([
      row({ pushName: 'Alice', name: 'Alice Book', lid: '100@lid', profilePicUrl: 'https://pps.test/a.jpg' }),
      row({ remoteJid: '200@lid', phoneNumber: '5511900000002@s.whatsapp.net', name: 'Bob' }),
    ]);
    expect(known.of('5511900000001@s.whatsapp.net')).toEqual({ name: 'Alice', lid: '100@lid', imgUrl: 'https://pps.test/a.jpg' });
    expect(known.of('100@lid')).toMatchObject({ name: 'Alice' });
    expect(known.of(undefined, '5511900000002@s.whatsapp.net')).toEqual({ name: 'Bob', lid: '200@lid' });
  });

  it('leaves out what the store does not know', () => {
    expect(new KnownContacts([row({})]).of('5511900000001@s.whatsapp.net')).toEqual({});
    expect(new KnownContacts([]).of('nobody@s.whatsapp.net')).toEqual({});
  });
});
