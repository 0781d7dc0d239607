import type { WASocket } from '@whiskeysockets/baileys';
import { createBaileysTestSocket } from './client/baileys-test-socket.kit';
import { resolveFakeWhatsAppEntry, startFakeWhatsAppProcess, type FakeWhatsAppProcess } from './fake-whatsapp.process';
import { createMemoryAuthState } from './client/memory-auth-state.factory';

/**
 * The compiled CLI in a child process, driven through the admin API, as a gateway test
 * would. Skipped unless the CLI is built (`npm run build`, which the repo's `npm test`
 * runs first) or FAKE_WA_CLI_ENTRY points at a compiled fake-whatsapp.main.js.
 */
function isBuilt(): boolean {
  try {
    resolveFakeWhatsAppEntry();
    return true;
  } catch {
    return false;
  }
}
const describeIfBuilt = isBuilt() ? describe : describe.skip;

describe('resolveFakeWhatsAppEntry', () => {
  it('fails clearly when the given entry does not exist', () => {
    expect(() => resolveFakeWhatsAppEntry('/nonexistent/fake-whatsapp.main.js')).toThrow(/not found/);
  });
});

describeIfBuilt('fake WhatsApp CLI process', () => {
  let fake: FakeWhatsAppProcess;
  let sock: WASocket | undefined;

  beforeAll(async () => {
    fake = await startFakeWhatsAppProcess();
  });

  afterAll(async () => {
    sock?.end(undefined);
    await fake?.stop();
  });

  it('pairs and opens a Baileys client through the admin API', async () => {
    expect(fake.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws\/chat$/);
    const auth = await createMemoryAuthState();
    const first = await createBaileysTestSocket(fake.url, auth);
    sock = first.sock;
    const qr = await first.watcher.qr();
    const restart = first.watcher.closed();
    const paired = await fake.admin.scan(qr);
    expect(await restart).toBe(515);

    const second = await createBaileysTestSocket(fake.url, auth);
    sock = second.sock;
    await second.watcher.opened();
    expect(second.sock.user?.id).toBe(paired.deviceJid);
    expect((await fake.admin.state()).connections).toContainEqual(expect.objectContaining({ deviceJid: paired.deviceJid }));
  });
});
