import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { S3MediaStore, s3EndpointUrl } from './s3-media.store';

/** Against a protocol-level S3 server on 127.0.0.1 (s3rver): signatures are checked, path-style addressing. */
describe('S3MediaStore (s3rver)', () => {
  let server: S3rver;
  let dir: string;
  let store: S3MediaStore;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 's3rver-'));
    server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir, configureBuckets: [{ name: 'b', configs: [] }] });
    const { port } = (await server.run()) as { port: number };
    const settings = { endpoint: '127.0.0.1', port, useSsl: false, region: 'us-east-1', bucket: 'b', accessKey: 'S3RVER', secretKey: 'S3RVER' };
    expect(s3EndpointUrl(settings)).toBe(`http://127.0.0.1:${port}`);
    store = new S3MediaStore(settings, 300);
  });

  afterAll(async () => {
    store.destroy();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('puts, reads back, and presigns a URL that downloads the same bytes', async () => {
    const data = Buffer.from('hello media');
    await store.put('i/m1', data, 'text/plain');
    expect((await store.get('i/m1'))?.equals(data)).toBe(true);
    expect(await store.get('i/none')).toBeUndefined();
    const res = await fetch(await store.url('i/m1', 'text/plain'));
    expect(Buffer.from(await res.arrayBuffer()).equals(data)).toBe(true);
  });

  it('retention removes what was written before the cut-off and keeps the rest', async () => {
    await store.put('i/old', Buffer.from('old'), 'text/plain');
    expect(await store.removeOlderThan(new Date(Date.now() - 3_600_000))).toBe(0);
    expect(await store.removeOlderThan(new Date(Date.now() + 60_000))).toBeGreaterThanOrEqual(2);
    expect(await store.get('i/old')).toBeUndefined();
  });
});
