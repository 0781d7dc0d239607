import type { ReceivedWebhook } from '@gw/testing';
import { E2eEnvironment, API_KEY } from '../support/e2e-env';
import type { GatewayProcess } from '@gw/testing';

/** Reconnect decisions per disconnect reason, pairing codes, and staggered restores on boot. */
describe('session resilience (e2e)', () => {
  const env = new E2eEnvironment();
  let gateway: GatewayProcess;
  const jids: Record<string, string> = {};

  const isEvent = (event: string, instance: string, state?: string) => (w: ReceivedWebhook) =>
    w.body?.event === event && w.body?.instance === instance && (!state || w.body?.data?.state === state);

  async function linkByQr(name: string) {
    const res = await gateway.api('POST', '/instance/create', {
      apikey: API_KEY,
      body: { instanceName: name, webhook: { url: `${env.receiver.url}/${name}`, events: [] } },
    });
    expect(res.status).toBe(201);
    const qr = await env.receiver.waitFor(isEvent('qrcode.updated', name));
    jids[name] = (await env.fake.scan(qr.body.data.qrcode.code)).jid;
    await env.receiver.waitFor(isEvent('connection.update', name, 'open'));
  }

  beforeAll(async () => {
    await env.start();
    gateway = await env.startGateway({ SESSION_RESTORE_CONCURRENCY: '1', WA_KEEPALIVE_INTERVAL_MS: '1000' });
  });

  afterAll(() => env.stop());

  it('links with a pairing code when `number` is given', async () => {
    const res = await gateway.api('POST', '/instance/create', {
      apikey: API_KEY,
      body: { instanceName: 'paired', number: '5511988887777', qrcode: true, webhook: { url: `${env.receiver.url}/paired` } },
    });
    expect(res.status).toBe(201);
    const code: string = res.body.qrcode.pairingCode;
    expect(code).toMatch(/^[A-Z0-9]{8}$/);
    const qr = await env.receiver.waitFor(isEvent('qrcode.updated', 'paired'));
    expect(qr.body.data.qrcode.pairingCode).toBe(code);

    const account = await env.fake.enterPairingCode('5511988887777', code);
    const open = await env.receiver.waitFor(isEvent('connection.update', 'paired', 'open'));
    expect(open.body.data.wuid).toBe(account.jid);
    expect(account.jid).toBe('5511988887777@s.whatsapp.net');
    jids.paired = account.jid;
  });

  it('reconnects after transient closes (408, 428, 500, 503) without a QR, backing off more each time', async () => {
    await linkByQr('flaky');
    const gaps: number[] = [];
    for (const reason of [408, 428, 500, 503]) {
      const since = Date.now();
      const isOpen = isEvent('connection.update', 'flaky', 'open');
      const opensBefore = env.receiver.received.filter(isOpen).length;
      const reconnected = env.fake.waitFor('connection', () => true, 15_000).then(() => Date.now());
      const relogin = env.fake.waitFor('login', (l) => l.jid === jids.flaky, 15_000);
      expect(env.fake.kick(jids.flaky, reason)).toHaveLength(1);
      gaps.push((await reconnected) - since);
      await relogin;
      // a new open, not a late delivery of the previous one
      const open = await env.receiver.waitFor((w) => isOpen(w) && env.receiver.received.filter(isOpen).indexOf(w) >= opensBefore);
      expect(open.body.data.statusReason).toBe(200);
    }
    // RECONNECT_BASE_DELAY_MS=200 doubling with +-20 % jitter: ~200, 400, 800, 1600 ms. A session
    // that drops right after opening keeps backing off instead of storming.
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]).toBeGreaterThan(gaps[i - 1]);
    expect(gaps[3]).toBeGreaterThan(1000);
    expect(env.receiver.events('qrcode.updated', 'flaky')).toHaveLength(1);
    // v2 rule: `close` is only announced when the gateway gives up, never before a reconnect
    expect(env.receiver.received.filter(isEvent('connection.update', 'flaky', 'close'))).toHaveLength(0);
    const row = await env.db.query<{ disconnectionReasonCode: number; connectionStatus: string }>(
      'SELECT "disconnectionReasonCode", "connectionStatus" FROM "Instance" WHERE name = $1',
      ['flaky'],
    );
    expect(row[0].connectionStatus).toBe('open');
  });

  it('watchdog: a socket that stays open but goes silent is restarted without a QR, and reported', async () => {
    await linkByQr('hung');
    const isOpen = isEvent('connection.update', 'hung', 'open');
    const opensBefore = env.receiver.received.filter(isOpen).length;
    const relogin = env.fake.waitFor('login', (l) => l.jid === jids.hung, 20_000);
    expect(env.fake.stall(jids.hung)).toHaveLength(1);
    await relogin; // keep-alive 1 s: declared dead after ~6 s of silence
    await env.receiver.waitFor((w) => isOpen(w) && env.receiver.received.filter(isOpen).indexOf(w) >= opensBefore);
    const report = await env.receiver.waitFor((w) => isEvent('connection.update', 'hung', 'connecting')(w) && w.body.data.statusReason === 408);
    expect(report.body.data).toEqual({ instance: 'hung', state: 'connecting', statusReason: 408, reason: 'Connection was lost' });
    expect(env.receiver.events('qrcode.updated', 'hung')).toHaveLength(1);
    expect(gateway.logs.some((l) => l.includes('watchdog'))).toBe(true);
  });

  it('stops on 440 (connection replaced) and keeps the session for a later restart', async () => {
    await linkByQr('replaced');
    const connectionsBefore = env.fake.disconnects.length;
    env.fake.kick(jids.replaced, 440);
    const close = await env.receiver.waitFor(isEvent('connection.update', 'replaced', 'close'));
    expect(close.body.data.statusReason).toBe(440);
    const state = await gateway.api('GET', '/instance/connectionState/replaced', { apikey: API_KEY });
    expect(state.body.instance.state).toBe('close');
    expect(env.fake.connections.filter((c) => c.jid === jids.replaced)).toHaveLength(0);
    expect(env.fake.disconnects.length).toBeGreaterThan(connectionsBefore);

    // restart resumes the stored session
    const relogin = env.fake.waitFor('login', (l) => l.jid === jids.replaced, 15_000);
    const restart = await gateway.api('POST', '/instance/restart/replaced', { apikey: API_KEY });
    expect(restart.status).toBe(200);
    await relogin;
    await env.receiver.waitFor((w) => isEvent('connection.update', 'replaced', 'open')(w) && w.receivedAt > close.receivedAt);
  });

  it('never reconnects after 401 (logged out from the phone): close 401, LOGOUT_INSTANCE, auth erased', async () => {
    await linkByQr('unlinked');
    const instance = await env.db.query<{ id: string }>('SELECT id FROM "Instance" WHERE name = $1', ['unlinked']);
    env.fake.kick(jids.unlinked, 401);
    const close = await env.receiver.waitFor(isEvent('connection.update', 'unlinked', 'close'));
    expect(close.body.data.statusReason).toBe(401);
    await env.receiver.waitFor(isEvent('logout.instance', 'unlinked'));
    const rows = await env.db.query<{ n: string }>('SELECT count(*)::text AS n FROM "AuthCred" WHERE "instanceId" = $1', [instance[0].id]);
    expect(rows[0].n).toBe('0');
    expect(env.fake.connections.filter((c) => c.jid === jids.unlinked)).toHaveLength(0);
  });

  it('on boot restores every stored session one wave at a time (SESSION_RESTORE_CONCURRENCY=1), without QRs', async () => {
    const qrBefore = env.receiver.received.filter((w) => w.body?.event === 'qrcode.updated').length;
    await gateway.stop('SIGTERM');
    const restartedAt = Date.now();
    const logins: { jid: string; at: number }[] = [];
    const connections: number[] = [];
    const onLogin = (l: { jid: string }) => logins.push({ jid: l.jid, at: Date.now() });
    const onConnection = () => connections.push(Date.now());
    env.fake.on('login', onLogin);
    env.fake.on('connection', onConnection);
    gateway = await env.startGateway({ SESSION_RESTORE_CONCURRENCY: '1' });

    const expected = ['paired', 'flaky', 'hung', 'replaced'];
    for (const name of expected) {
      await env.receiver.waitFor((w) => isEvent('connection.update', name, 'open')(w) && w.receivedAt >= restartedAt);
    }
    env.fake.off('login', onLogin);
    env.fake.off('connection', onConnection);
    expect(logins.map((l) => l.jid).sort()).toEqual(expected.map((n) => jids[n]).sort());
    // one at a time: the next socket is opened only after the previous one logged in
    const sortedLogins = logins.map((l) => l.at).sort((a, b) => a - b);
    const sortedConnections = connections.sort((a, b) => a - b);
    for (let i = 1; i < sortedConnections.length; i++) expect(sortedConnections[i]).toBeGreaterThanOrEqual(sortedLogins[i - 1]);
    expect(env.receiver.received.filter((w) => w.body?.event === 'qrcode.updated')).toHaveLength(qrBefore);
    // the logged-out instance has no session and stays closed
    const state = await gateway.api('GET', '/instance/connectionState/unlinked', { apikey: API_KEY });
    expect(state.body.instance.state).toBe('close');
  });
});
