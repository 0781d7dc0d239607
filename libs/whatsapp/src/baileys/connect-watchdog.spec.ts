import { FakeWhatsAppServer } from '@gw/testing';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { WebSocketServer } from 'ws';
import pino from 'pino';
import type { AuthStateStore, EngineEvent } from '../whatsapp-engine.port';
import { BaileysSession, type BaileysSocketSettings } from './baileys-session';

/** Keeps nothing: a new session that never links needs no stored state. */
const noStore: AuthStateStore = {
  readCreds: async () => null,
  writeCreds: async () => undefined,
  readKeys: async () => new Map(),
  writeKeys: async () => undefined,
  clear: async () => undefined,
};

const settings = (websocketUrl: string, over: Partial<BaileysSocketSettings> = {}): BaileysSocketSettings => ({
  websocketUrl,
  browser: ['Gateway', 'Chrome', '1.0'],
  qrTimeoutMs: 60_000,
  connectTimeoutMs: 400,
  queryTimeoutMs: 5_000,
  keepAliveIntervalMs: 30_000,
  ...over,
});

/**
 * Baileys gets connectTimeoutMs 0 (its per-write timeout costs stack traces on every write), so the
 * connect limit is ours (watchConnect): a real Baileys socket against a silent server and the fake.
 */
describe('BaileysSession connect watchdog', () => {
  const sessions: BaileysSession[] = [];
  const session = (url: string, over: Partial<BaileysSocketSettings> = {}) => {
    const s = new BaileysSession({ instanceId: 'i1', instanceName: 'watchdog' }, noStore, settings(url, over), pino({ level: 'silent' }));
    sessions.push(s);
    return s;
  };
  const next = (s: BaileysSession, type: EngineEvent['type']) =>
    new Promise<EngineEvent>((resolve) => s.onEvent((e) => e.type === type && resolve(e)));

  afterEach(async () => {
    for (const s of sessions.splice(0)) await s.close();
  });

  /** Starts a local HTTP server that accepts connections and never completes WhatsApp's side; returns its ws URL. */
  const silentServer = async (acceptUpgrade: boolean) => {
    const http: Server = createServer(() => undefined);
    const wss = acceptUpgrade ? new WebSocketServer({ server: http }) : undefined;
    if (!wss) http.on('upgrade', () => undefined); // TCP accepted, upgrade never answered
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    const { port } = http.address() as { port: number };
    const close = () => {
      for (const c of wss?.clients ?? []) c.terminate();
      wss?.close();
      http.closeAllConnections();
      http.close();
    };
    return { url: `ws://127.0.0.1:${port}/ws/chat`, close };
  };

  const closeEventAgainst = async (acceptUpgrade: boolean) => {
    const server = await silentServer(acceptUpgrade);
    try {
      const s = session(server.url);
      const closed = next(s, 'close');
      await s.connect();
      return await closed;
    } finally {
      server.close();
    }
  };

  it('closes with 408 (Timed Out) when the WebSocket opens but WhatsApp never answers the handshake', async () => {
    expect(await closeEventAgainst(true)).toMatchObject({ type: 'close', statusCode: 408, reason: 'Timed Out', disposition: 'reconnect' });
  });

  it('closes with 408 when the server never completes the WebSocket upgrade (WhatsApp unreachable)', async () => {
    expect(await closeEventAgainst(false)).toMatchObject({ type: 'close', statusCode: 408, cause: 'unreachable' });
  });

  it('leaves a socket alone once WhatsApp answered: the QRs keep coming on the same socket, long after the connect limit', async () => {
    const fake = await FakeWhatsAppServer.start();
    try {
      // QRs rotate every qrTimeoutMs: the second one shows the socket outlived connectTimeoutMs (150 ms) fourfold.
      const s = session(fake.url, { connectTimeoutMs: 150, qrTimeoutMs: 600 });
      const events: EngineEvent['type'][] = [];
      s.onEvent((e) => events.push(e.type));
      const qrs: string[] = [];
      const second = new Promise<void>((resolve) => s.onEvent((e) => e.type === 'qr' && qrs.push(e.code) === 2 && resolve()));
      await s.connect();
      await second;
      expect(qrs[1]).not.toBe(qrs[0]);
      expect(events).not.toContain('close');
    } finally {
      await fake.close();
    }
  });
});
