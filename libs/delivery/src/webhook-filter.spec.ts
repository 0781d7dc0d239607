import type { EventName, GatewayEvent } from '@gw/events';
import { compileFilters, normaliseJid, passesFilters } from './webhook-filter';

const ev = (name: EventName, data: unknown): GatewayEvent => ({ name, instanceId: 'i', instanceName: 'n', data, occurredAt: new Date() }) as GatewayEvent;
const upsert = (key: Record<string, unknown>, messageType = 'conversation', extra: Record<string, unknown> = {}) =>
  ev('MESSAGES_UPSERT', { key: { id: 'X', ...key }, messageType, ...extra });

describe('webhook filters', () => {
  it('normalises numbers and JIDs to one form', () => {
    expect(normaliseJid('+55 (11) 99999-0000')).toBe('5511999990000@s.whatsapp.net');
    expect(normaliseJid('5511999990000:12@s.whatsapp.net')).toBe('5511999990000@s.whatsapp.net');
    expect(normaliseJid('5511999990000@c.us')).toBe('5511999990000@s.whatsapp.net');
    expect(normaliseJid('1203630@g.us')).toBe('1203630@g.us');
  });

  it('fromMe and chat types', () => {
    const f = compileFilters({ fromMe: false, chatTypes: ['group'] });
    expect(passesFilters(f, upsert({ remoteJid: '1@g.us', fromMe: false }))).toBe(true);
    expect(passesFilters(f, upsert({ remoteJid: '1@g.us', fromMe: true }))).toBe(false);
    expect(passesFilters(f, upsert({ remoteJid: '55@s.whatsapp.net', fromMe: false }))).toBe(false);
    expect(passesFilters(compileFilters({ chatTypes: ['broadcast'] }), upsert({ remoteJid: 'status@broadcast', fromMe: false }))).toBe(true);
    expect(passesFilters(compileFilters({ chatTypes: ['newsletter'] }), upsert({ remoteJid: '1@newsletter', fromMe: false }))).toBe(true);
    expect(passesFilters(compileFilters({ chatTypes: ['individual'] }), upsert({ remoteJid: '9@lid', fromMe: false }))).toBe(true);
  });

  it('include / exclude by number match a contact addressed by LID (remoteJidAlt or senderPn)', () => {
    const include = compileFilters({ includeJids: ['5511999990000'] });
    expect(passesFilters(include, upsert({ remoteJid: '777@lid', remoteJidAlt: '5511999990000@s.whatsapp.net', fromMe: false }))).toBe(true);
    expect(passesFilters(include, upsert({ remoteJid: '777@lid', fromMe: false }, 'conversation', { senderPn: '5511999990000@s.whatsapp.net' }))).toBe(true);
    expect(passesFilters(include, upsert({ remoteJid: '888@lid', fromMe: false }))).toBe(false);
    const exclude = compileFilters({ excludeJids: ['5511999990000@s.whatsapp.net'] });
    expect(passesFilters(exclude, upsert({ remoteJid: '777@lid', remoteJidAlt: '5511999990000@s.whatsapp.net' }))).toBe(false);
    // MESSAGES_UPDATE carries the key fields at the top level
    expect(passesFilters(exclude, ev('MESSAGES_UPDATE', { keyId: 'X', remoteJid: '777@lid', remoteJidAlt: '5511999990000@s.whatsapp.net', fromMe: true }))).toBe(false);
    expect(passesFilters(compileFilters({ includeJids: ['777@lid'] }), upsert({ remoteJid: '777@lid' }))).toBe(true);
  });

  it('message types; events without a type pass; other events are never filtered', () => {
    const f = compileFilters({ messageTypes: ['audioMessage'] });
    expect(passesFilters(f, upsert({ remoteJid: '1@s.whatsapp.net' }, 'audioMessage'))).toBe(true);
    expect(passesFilters(f, upsert({ remoteJid: '1@s.whatsapp.net' }, 'conversation'))).toBe(false);
    expect(passesFilters(f, ev('MESSAGES_DELETE', { remoteJid: '1@s.whatsapp.net', fromMe: false, id: 'X' }))).toBe(true);
    const strict = compileFilters({ fromMe: true, chatTypes: ['group'] });
    expect(passesFilters(strict, ev('CONNECTION_UPDATE', { state: 'open' }))).toBe(true);
    expect(passesFilters(strict, ev('SEND_MESSAGE', { key: { remoteJid: '1@s.whatsapp.net', fromMe: true }, messageType: 'conversation' }))).toBe(false);
  });

  it('no filters or empty lists filter nothing', () => {
    expect(compileFilters(null)).toBeNull();
    expect(compileFilters({ chatTypes: [], includeJids: [] })).toBeNull();
  });
});
