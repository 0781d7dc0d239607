import type { GroupMetadata, WASocket } from '@whiskeysockets/baileys';
import { GroupMetadataCache } from './group-metadata.cache';

const meta = (id: string, subject = 'g'): GroupMetadata => ({ id, subject, participants: [] }) as unknown as GroupMetadata;

/** A socket whose groupMetadata resolves when the test says so, counting the queries. */
function fakeSocket() {
  const pending: { jid: string; resolve: (m: GroupMetadata) => void; reject: (e: unknown) => void }[] = [];
  const sock = {
    groupMetadata: jest.fn(
      (jid: string) => new Promise<GroupMetadata>((resolve, reject) => pending.push({ jid, resolve, reject })),
    ),
  } as unknown as WASocket;
  return { sock, pending, queries: () => (sock.groupMetadata as jest.Mock).mock.calls.length };
}

describe('GroupMetadataCache', () => {
  const G = '120363000000000001@g.us';

  it('concurrent lookups share one query, later ones are served from the cache', async () => {
    const { sock, pending, queries } = fakeSocket();
    const cache = new GroupMetadataCache();
    const a = cache.fetch(sock, G);
    const b = cache.fetch(sock, G);
    expect(queries()).toBe(1);
    pending[0].resolve(meta(G));
    expect(await a).toBe(await b);
    await cache.fetch(sock, G);
    expect(queries()).toBe(1);
    expect(await cache.cachedGroupMetadata(G)).toEqual(meta(G));
  });

  it('an invalidation during a query keeps its (possibly stale) answer out of the cache', async () => {
    const { sock, pending, queries } = fakeSocket();
    const cache = new GroupMetadataCache();
    const running = cache.fetch(sock, G);
    cache.invalidate(G);
    pending[0].resolve(meta(G, 'before the change'));
    await running;
    expect(cache.get(G)).toBeUndefined();
    const next = cache.fetch(sock, G);
    expect(queries()).toBe(2);
    pending[1].resolve(meta(G, 'after'));
    expect((await next)?.subject).toBe('after');
  });

  it('absent groups resolve to undefined; other failures reject and are not cached', async () => {
    const { sock, pending } = fakeSocket();
    const cache = new GroupMetadataCache();
    const absent = cache.fetch(sock, G);
    pending[0].reject(Object.assign(new Error('item-not-found'), { data: 404 }));
    expect(await absent).toBeUndefined();
    const failing = cache.fetch(sock, G);
    pending[1].reject(Object.assign(new Error('Timed Out'), { data: undefined }));
    await expect(failing).rejects.toThrow('Timed Out');
    expect(cache.size).toBe(0);
  });

  it('expires entries and stays bounded', () => {
    let now = 0;
    const cache = new GroupMetadataCache(1000, 2, () => now);
    cache.set(meta('1@g.us'));
    cache.set(meta('2@g.us'));
    cache.set(meta('3@g.us'));
    expect(cache.size).toBe(2);
    expect(cache.get('1@g.us')).toBeUndefined();
    now = 1000;
    expect(cache.get('3@g.us')).toBeUndefined();
  });
});
