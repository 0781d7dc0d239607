import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, LookupFunction } from 'node:net';
import diagnostics from 'node:diagnostics_channel';
import { request, type Agent } from 'undici';
import {
  SsrfBlockedError,
  createGuardedAgent,
  isBlockedAddress,
  isSsrfBlockedError,
  parseAllowList,
  type SsrfMode,
} from './ssrf-guard';

describe('isBlockedAddress', () => {
  // [address, blocked in default, blocked in strict]
  const table: Array<[string, boolean, boolean]> = [
    ['169.254.169.254', true, true],
    ['169.254.0.1', true, true],
    ['100.100.100.200', true, true],
    ['fe80::1', true, true],
    ['fd00:ec2::254', true, true],
    ['::ffff:169.254.169.254', true, true],
    ['64:ff9b::a9fe:a9fe', true, true], // NAT64 form of 169.254.169.254
    ['2002:a9fe:a9fe::1', true, true], // 6to4 form of 169.254.169.254
    ['127.0.0.1', false, true],
    ['127.8.9.10', false, true],
    ['::1', false, true],
    ['::ffff:127.0.0.1', false, true],
    ['10.1.2.3', false, true],
    ['172.16.0.1', false, true],
    ['172.31.255.255', false, true],
    ['192.168.1.1', false, true],
    ['fc00::1', false, true],
    ['fd12:3456::1', false, true],
    ['100.64.0.1', false, true],
    ['100.127.255.254', false, true],
    ['0.0.0.0', false, true],
    ['::', false, true],
    ['224.0.0.1', false, true],
    ['ff02::1', false, true],
    ['255.255.255.255', false, true],
    ['8.8.8.8', false, false],
    ['172.32.0.1', false, false],
    ['100.128.0.1', false, false],
    ['2606:4700:4700::1111', false, false],
    ['::ffff:8.8.8.8', false, false],
  ];

  it.each(table)('%s → default %s, strict %s', (ip, inDefault, inStrict) => {
    expect(isBlockedAddress(ip, 'default')).toBe(inDefault);
    expect(isBlockedAddress(ip, 'strict')).toBe(inStrict);
    expect(isBlockedAddress(ip, 'off')).toBe(false);
  });

  it('fails closed on something that is not an IP', () => {
    expect(isBlockedAddress('not-an-ip', 'default')).toBe(true);
  });
});

describe('parseAllowList', () => {
  it('splits host names from IPs and CIDRs', () => {
    const list = parseAllowList('n8n.internal, 10.0.0.0/8 127.0.0.1,*.svc.local,::1');
    expect(list.hosts).toEqual(['n8n.internal', '*.svc.local']);
    expect(list.cidrs.map(([ip, bits]) => `${ip.toString()}/${bits}`)).toEqual(['10.0.0.0/8', '127.0.0.1/32', '::1/128']);
  });

  it('rejects a malformed CIDR', () => {
    expect(() => parseAllowList('10.0.0.0/99')).toThrow(/invalid CIDR/);
  });
});

describe('createGuardedAgent against real local servers', () => {
  let server: Server;
  let port: number;
  let connections = 0;
  const agents: Agent[] = [];

  const agent = (mode: SsrfMode, allowHosts: string[] = [], lookup?: LookupFunction) => {
    const a = createGuardedAgent({ mode, allowHosts, agentOptions: { connect: lookup ? { lookup } : {} } });
    agents.push(a);
    return a;
  };
  const post = async (url: string, dispatcher: Agent, headers: Record<string, string> = {}) => {
    const res = await request(url, { method: 'POST', body: '{}', dispatcher, headers });
    const text = await res.body.text();
    return { status: res.statusCode, text };
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.end('ok'));
    });
    server.on('connection', () => connections++);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });

  beforeEach(() => {
    connections = 0;
  });

  afterAll(async () => {
    await Promise.all(agents.map((a) => a.close()));
    server.close();
    await once(server, 'close');
  });

  it('lets 127.0.0.1 through in default mode', async () => {
    await expect(post(`http://127.0.0.1:${port}/hook`, agent('default'))).resolves.toEqual({ status: 200, text: 'ok' });
    expect(connections).toBe(1);
  });

  it('refuses 127.0.0.1 in strict mode without connecting', async () => {
    const err = await post(`http://127.0.0.1:${port}/hook`, agent('strict')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SsrfBlockedError);
    expect(err).toMatchObject({ host: '127.0.0.1', address: '127.0.0.1', reason: 'loopback', code: 'ERR_SSRF_BLOCKED' });
    expect(isSsrfBlockedError(err)).toBe(true);
    expect(connections).toBe(0);
  });

  it('lets an allow-listed address through in strict mode', async () => {
    await expect(post(`http://127.0.0.1:${port}/`, agent('strict', ['127.0.0.1']))).resolves.toMatchObject({ status: 200 });
    await expect(post(`http://127.0.0.1:${port}/`, agent('strict', ['127.0.0.0/8']))).resolves.toMatchObject({ status: 200 });
    await expect(post(`http://localhost:${port}/`, agent('strict', ['localhost']))).resolves.toMatchObject({ status: 200 });
  });

  it('refuses the metadata address before any socket is created', async () => {
    let sockets = 0;
    const onSocket = () => sockets++;
    diagnostics.subscribe('net.client.socket', onSocket);
    try {
      const err = await post('http://169.254.169.254/latest/meta-data/', agent('default')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SsrfBlockedError);
      expect(err).toMatchObject({ address: '169.254.169.254' });
      const mapped = await post('http://[::ffff:169.254.169.254]/', agent('default')).catch((e: unknown) => e);
      expect(mapped).toBeInstanceOf(SsrfBlockedError);
      expect(sockets).toBe(0);
      // Control: the channel does see the sockets undici opens.
      await post(`http://127.0.0.1:${port}/`, agent('default'));
      expect(sockets).toBe(1);
    } finally {
      diagnostics.unsubscribe('net.client.socket', onSocket);
    }
  });

  it('refuses a host name that resolves to a blocked address (localhost in strict mode)', async () => {
    const err = await post(`http://localhost:${port}/`, agent('strict')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SsrfBlockedError);
    expect((err as SsrfBlockedError).host).toBe('localhost');
    expect(['127.0.0.1', '::1']).toContain((err as SsrfBlockedError).address);
    expect(connections).toBe(0);
  });

  it('checks TLS connections the same way (refused before any handshake)', async () => {
    const err = await post(`https://localhost:${port}/`, agent('strict')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SsrfBlockedError);
    expect(connections).toBe(0);
  });

  it('checks every new connection, so a DNS answer that changes (rebinding) is caught', async () => {
    // A resolver that first answers with the test server, then with the metadata address.
    const answers = ['127.0.0.1', '169.254.169.254'];
    let calls = 0;
    const rebinding: LookupFunction = (_host, options, cb) => {
      const address = answers[Math.min(calls++, answers.length - 1)];
      if (options.all) cb(null, [{ address, family: 4 }]);
      else cb(null, address, 4);
    };
    const a = agent('default', [], rebinding);

    // `connection: close` makes the next request dial (and resolve) again.
    await expect(post(`http://rebind.test:${port}/`, a, { connection: 'close' })).resolves.toMatchObject({ status: 200 });
    const err = await post(`http://rebind.test:${port}/`, a).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SsrfBlockedError);
    expect(err).toMatchObject({ host: 'rebind.test', address: '169.254.169.254' });
    expect(calls).toBe(2);
    expect(connections).toBe(1);
  });

  it('refuses when any of several resolved addresses is blocked', async () => {
    const mixed: LookupFunction = (_host, _options, cb) =>
      cb(null, [
        { address: '127.0.0.1', family: 4 },
        { address: 'fe80::1', family: 6 },
      ]);
    const err = await post(`http://mixed.test:${port}/`, agent('default', [], mixed)).catch((e: unknown) => e);
    expect(err).toMatchObject({ address: 'fe80::1', reason: 'link-local' });
    expect(connections).toBe(0);
  });

  it('does no checks in off mode', async () => {
    await expect(post(`http://localhost:${port}/`, agent('off'))).resolves.toMatchObject({ status: 200 });
  });
});
