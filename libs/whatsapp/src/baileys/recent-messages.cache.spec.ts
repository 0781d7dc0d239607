import type { WAMessage } from '@whiskeysockets/baileys';
import { RecentMessagesCache } from './recent-messages.cache';

const msg = (id: string) => ({ key: { id, remoteJid: 'x@s.whatsapp.net' }, message: { conversation: id } }) as WAMessage;

describe('RecentMessagesCache', () => {
  it('keeps the newest messages up to its capacity', () => {
    const cache = new RecentMessagesCache(2);
    cache.add([msg('a'), msg('b'), msg('c')]);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')?.key.id).toBe('b');
    expect(cache.get('c')?.key.id).toBe('c');
  });

  it('forgets messages after their time (an idle instance holds none)', () => {
    let now = 0;
    const cache = new RecentMessagesCache(10, 1_000, () => now);
    cache.add([msg('a')]);
    now = 999;
    expect(cache.get('a')).toBeDefined();
    now = 1_000;
    expect(cache.get('a')).toBeUndefined();
  });

  it('ignores messages without an id or content', () => {
    const cache = new RecentMessagesCache();
    cache.add([{ key: { id: 'n' } } as WAMessage, { key: {}, message: { conversation: 'x' } } as WAMessage]);
    expect(cache.get('n')).toBeUndefined();
  });
});
