import { EVENT_NAMES, globalSwitchNames, parseEventName, urlSuffix, wireName } from './event-catalogue';

describe('event catalogue', () => {
  it.each([
    ['QRCODE_UPDATED', 'qrcode.updated', 'qrcode-updated'],
    ['CONNECTION_UPDATE', 'connection.update', 'connection-update'],
    ['MESSAGES_UPSERT', 'messages.upsert', 'messages-upsert'],
    ['GROUP_PARTICIPANTS_UPDATE', 'group-participants.update', 'group-participants-update'],
    ['SEND_MESSAGE_UPDATE', 'send.message.update', 'send-message-update'],
    ['CALL', 'call', 'call'],
  ] as const)('%s is sent as %s to /%s', (name, wire, suffix) => {
    expect(wireName(name)).toBe(wire);
    expect(urlSuffix(name)).toBe(suffix);
  });

  it('derives the subscription key from the wire name, as Evolution does', () => {
    for (const name of EVENT_NAMES) {
      expect(wireName(name).replace(/[.-]/g, '_').toUpperCase()).toBe(name);
    }
  });

  it('accepts the legacy GROUP_UPDATE spelling for groups.update', () => {
    expect(parseEventName('GROUP_UPDATE')).toBe('GROUPS_UPDATE');
    expect(parseEventName('groups_update')).toBe('GROUPS_UPDATE');
    expect(parseEventName('NOPE')).toBeUndefined();
    expect(globalSwitchNames('GROUPS_UPDATE')).toEqual(['GROUPS_UPDATE', 'GROUP_UPDATE']);
  });
});
