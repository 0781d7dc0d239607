import { mkdtemp, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalMediaStore } from './local-media.store';
import { MediaUrlSigner } from './media-url.signer';

describe('LocalMediaStore', () => {
  const signer = new MediaUrlSigner(Buffer.from('k'));
  let dir: string;
  let store: LocalMediaStore;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'local-media-'));
    store = new LocalMediaStore(dir, signer, 'https://gw.example/base', 600);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('stores, reads back and signs a URL under the base that the signer accepts', async () => {
    await store.put('inst/M1', Buffer.from('bytes'), 'image/png');
    expect((await store.get('inst/M1'))?.toString()).toBe('bytes');
    expect(await store.file('inst/M1')).toEqual({ path: join(dir, 'inst/M1'), size: 5 });
    expect(await store.get('inst/none')).toBeUndefined();
    const url = new URL(await store.url('inst/M1', 'image/png'));
    expect(url.origin + url.pathname).toBe('https://gw.example/base/media/inst/M1');
    const grant = { key: 'inst/M1', contentType: url.searchParams.get('type')!, expires: Number(url.searchParams.get('expires')) };
    expect(grant.expires - Date.now() / 1000).toBeGreaterThan(590);
    expect(signer.verify(grant, url.searchParams.get('signature')!)).toBe(true);
  });

  it('refuses keys that would leave its directory', async () => {
    await expect(store.put('../x', Buffer.from('x'), 'text/plain')).rejects.toThrow('invalid media key');
    await expect(store.get('a/../../x')).rejects.toThrow('invalid media key');
  });

  it('retention removes files older than the cut-off only', async () => {
    await store.put('inst/old', Buffer.from('o'), 'text/plain');
    await store.put('inst/new', Buffer.from('n'), 'text/plain');
    const old = new Date(Date.now() - 10 * 86_400_000);
    await utimes(join(dir, 'inst/old'), old, old);
    expect(await store.removeOlderThan(new Date(Date.now() - 86_400_000))).toBe(1);
    expect(await store.get('inst/old')).toBeUndefined();
    expect(await store.get('inst/new')).toBeDefined();
  });
});
