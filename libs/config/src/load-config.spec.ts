import { ConfigError, loadConfig } from './load-config';

const base = { AUTHENTICATION_API_KEY: 'k', DATABASE_URL: 'postgresql://u@h:5432/db' };

describe('loadConfig', () => {
  it('applies documented defaults', () => {
    const c = loadConfig(base);
    expect(c.server.port).toBe(8080);
    expect(c.server.url).toBe('http://localhost:8080');
    expect(c.whatsapp.qrcodeLimit).toBe(30);
    expect(c.redis.url).toBe('redis://127.0.0.1:6379');
    expect(c.whatsapp.websocketUrl).toBeUndefined();
    expect(c.server.basePath).toBe('');
    expect(c.delivery.retryScheduleMs).toEqual([5000, 300000, 1800000, 7200000, 18000000, 36000000, 36000000]);
  });

  it('reads the send pacing settings', () => {
    expect(loadConfig(base).messaging).toEqual({ sendMinIntervalMs: 0, sendTimeoutMs: 30000 });
    expect(loadConfig({ ...base, SEND_MIN_INTERVAL_MS: '250', SEND_TIMEOUT_MS: '5000' }).messaging).toEqual({
      sendMinIntervalMs: 250,
      sendTimeoutMs: 5000,
    });
    expect(() => loadConfig({ ...base, SEND_MIN_INTERVAL_MS: '-1' })).toThrow(/SEND_MIN_INTERVAL_MS/);
    expect(() => loadConfig({ ...base, SEND_TIMEOUT_MS: '10' })).toThrow(/SEND_TIMEOUT_MS/);
  });

  it('reports one line per problem', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({ PORT: 'abc', DATABASE_URL: 'mysql://x', QRCODE_LIMIT: '0', SERVER_BASE_PATH: 'whatsapp/' });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const props = error!.problems.map((p) => p.split(':')[0]);
    expect(new Set(props)).toEqual(
      new Set(['PORT', 'AUTHENTICATION_API_KEY', 'DATABASE_URL', 'QRCODE_LIMIT', 'SERVER_BASE_PATH']),
    );
    expect(error!.problems.find((p) => p.startsWith('DATABASE_URL'))).toContain('postgresql://');
  });

  it('accepts TLD-less URLs and reads the global webhook switches', () => {
    const c = loadConfig({
      ...base,
      SERVER_URL: 'http://gateway:8080/',
      WA_WEBSOCKET_URL: 'ws://127.0.0.1:9999/ws/chat',
      WEBHOOK_GLOBAL_ENABLED: 'true',
      WEBHOOK_GLOBAL_URL: 'http://n8n:5678/webhook',
      WEBHOOK_EVENTS_QRCODE_UPDATED: 'true',
      WEBHOOK_EVENTS_GROUP_UPDATE: 'false',
    });
    expect(c.server.url).toBe('http://gateway:8080');
    expect(c.globalWebhook).toMatchObject({ enabled: true, url: 'http://n8n:5678/webhook' });
    expect(c.globalWebhook.eventSwitches).toEqual({ QRCODE_UPDATED: true, GROUP_UPDATE: false });
  });

  it('reads Evolution\'s RABBITMQ_* names; enabled needs a URI; a non-AMQP URI is a config error', () => {
    const c = loadConfig({
      ...base,
      RABBITMQ_ENABLED: 'true',
      RABBITMQ_URI: 'amqp://guest:guest@rabbit:5672',
      RABBITMQ_GLOBAL_ENABLED: 'true',
      RABBITMQ_PREFIX_KEY: 'evo',
      RABBITMQ_EVENTS_MESSAGES_UPSERT: 'true',
      RABBITMQ_EVENTS_CALL: 'false',
    });
    expect(c.rabbitmq).toEqual({
      enabled: true,
      uri: 'amqp://guest:guest@rabbit:5672',
      exchangeName: 'evolution_exchange',
      globalEnabled: true,
      prefixKey: 'evo',
      eventSwitches: { MESSAGES_UPSERT: true, CALL: false },
    });
    expect(loadConfig({ ...base, RABBITMQ_ENABLED: 'true' }).rabbitmq.enabled).toBe(false);
    expect(() => loadConfig({ ...base, RABBITMQ_URI: 'http://rabbit' })).toThrow(/RABBITMQ_URI must be an amqp/);
  });

  it('reads WEBSOCKET_ENABLED and WEBSOCKET_GLOBAL_EVENTS (both off by default)', () => {
    expect(loadConfig(base).websocket).toEqual({ enabled: false, globalEvents: false });
    expect(loadConfig({ ...base, WEBSOCKET_ENABLED: 'true', WEBSOCKET_GLOBAL_EVENTS: '1' }).websocket).toEqual({ enabled: true, globalEvents: true });
  });

  it('reads the encryption key ring from ENCRYPTION_KEYS or ENCRYPTION_KEYS_FILE, never quoting a bad key', () => {
    const { mkdtempSync, writeFileSync } = jest.requireActual<typeof import('node:fs')>('node:fs');
    const { join } = jest.requireActual<typeof import('node:path')>('node:path');
    const { tmpdir } = jest.requireActual<typeof import('node:os')>('node:os');
    const key = Buffer.alloc(32, 7).toString('base64');
    expect(loadConfig(base).secrets.keys).toEqual([]);
    expect(loadConfig({ ...base, ENCRYPTION_KEYS: `k2:${key},k1:${key}` }).secrets.keys.map((k) => k.id)).toEqual(['k2', 'k1']);
    const file = join(mkdtempSync(join(tmpdir(), 'keys-')), 'encryption_keys');
    writeFileSync(file, `k1:${key}\n`);
    expect(loadConfig({ ...base, ENCRYPTION_KEYS_FILE: file }).secrets.keys[0].key).toEqual(Buffer.alloc(32, 7));
    const bad = Buffer.alloc(16, 9).toString('base64');
    expect(() => loadConfig({ ...base, ENCRYPTION_KEYS: `k1:${bad}` })).toThrow(/ENCRYPTION_KEYS: key "k1" must be 32 bytes/);
    expect(() => loadConfig({ ...base, ENCRYPTION_KEYS: `k1:${bad}` })).not.toThrow(new RegExp(bad.slice(0, 8)));
    expect(() => loadConfig({ ...base, ENCRYPTION_KEYS_FILE: '/nonexistent/keys' })).toThrow(/ENCRYPTION_KEYS_FILE: cannot read/);
    expect(loadConfig(base).metrics).toEqual({ auth: true, token: undefined });
    expect(loadConfig({ ...base, METRICS_AUTH: 'false' }).metrics.auth).toBe(false);
  });
});
