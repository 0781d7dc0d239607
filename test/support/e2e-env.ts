import { randomBytes } from 'node:crypto';
import IORedis from 'ioredis';
import { Queue } from 'bullmq';
import { QUEUES, redisKeys } from '@gw/redis';
import { FakeWhatsAppServer, GatewayProcess, TestDatabase, WebhookReceiver, deleteRedisPrefix, findKeyMaterial, type PairedAccount } from '@gw/testing';

export const API_KEY = 'e2e-global-key';

/** Everything an end-to-end test needs: fake WhatsApp, a real receiver, a fresh DB, gateway env. */
export class E2eEnvironment {
  readonly db = new TestDatabase();
  readonly receiver = new WebhookReceiver();
  fake!: FakeWhatsAppServer;
  readonly redisPrefix = `gwtest_${randomBytes(4).toString('hex')}`;
  private gateways: GatewayProcess[] = [];

  /** `mediaHost`: the fake also serves media uploads (gateways started after this trust its certificate). */
  async start(options: { mediaHost?: boolean } = {}): Promise<this> {
    [this.fake] = await Promise.all([FakeWhatsAppServer.start({ mediaHost: options.mediaHost }), this.db.create(), this.receiver.start()]);
    return this;
  }

  gatewayEnv(extra: Record<string, string> = {}): Record<string, string> {
    return {
      DATABASE_URL: this.db.url,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      REDIS_PREFIX: this.redisPrefix,
      AUTHENTICATION_API_KEY: API_KEY,
      WA_WEBSOCKET_URL: this.fake.url,
      WA_QUERY_TIMEOUT_MS: '5000',
      RECONNECT_BASE_DELAY_MS: '200',
      RECONNECT_MAX_DELAY_MS: '2000',
      WEBHOOK_RETRY_SCHEDULE: '1,2,5',
      ...(this.fake.media ? { NODE_EXTRA_CA_CERTS: this.fake.media.caCertPath } : {}),
      ...extra,
    };
  }

  async startGateway(extra: Record<string, string> = {}): Promise<GatewayProcess> {
    const gw = await new GatewayProcess(this.gatewayEnv(extra)).start();
    this.gateways.push(gw);
    return gw;
  }

  async startWorker(extra: Record<string, string> = {}): Promise<GatewayProcess> {
    const worker = await GatewayProcess.worker(this.gatewayEnv(extra)).start();
    this.gateways.push(worker);
    return worker;
  }

  /**
   * Creates an instance whose webhook (byEvents, every event) points at `hooks` on the receiver,
   * scans its first QR with a new fake account and resolves once the instance is open.
   */
  async linkInstance(
    gateway: GatewayProcess,
    name: string,
    options: { pushName?: string; hooks?: string } = {},
  ): Promise<{ me: PairedAccount; instanceId: string; token: string }> {
    const hooks = options.hooks ?? '/hooks';
    const res = await gateway.api('POST', '/instance/create', {
      apikey: API_KEY,
      body: { instanceName: name, webhook: { url: `${this.receiver.url}${hooks}`, byEvents: true, events: [] } },
    });
    if (res.status !== 201) throw new Error(`create ${name}: ${res.status} ${JSON.stringify(res.body)}`);
    const ofThis = (suffix: string) => (w: { path: string; body: { instance?: string } }) => w.path === `${hooks}/${suffix}` && w.body.instance === name;
    const qr = await this.receiver.waitFor(ofThis('qrcode-updated'));
    const me = await this.fake.scan(qr.body.data.qrcode.code, { pushName: options.pushName ?? 'Gateway' });
    await this.receiver.waitFor((w) => ofThis('connection-update')(w) && w.body.data.state === 'open');
    return { me, instanceId: res.body.instance.instanceId, token: res.body.hash };
  }

  async stop(): Promise<void> {
    await Promise.all(this.gateways.map((g) => g.stop('SIGKILL')));
    await Promise.allSettled([this.fake?.close(), this.receiver.stop()]);
    await this.db.drop();
    await this.clearRedis();
    // Every e2e suite scans what its gateways and workers printed: no key material, ever (issue #14).
    const leaks = this.gateways.flatMap((g, i) => findKeyMaterial(g.logs).map((hit) => `process ${i + 1}, ${hit}`));
    if (leaks.length) throw new Error(`key material in process output:\n${leaks.slice(0, 20).join('\n')}`);
  }

  /** Every delivery job (any state) to this URL, read from Redis: proves a delivery was never even queued. */
  async jobsFor(url: string) {
    const connection = new IORedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
    const queue = new Queue(QUEUES.webhookDelivery, { connection, prefix: this.redisPrefix });
    try {
      const jobs = await queue.getJobs(['completed', 'waiting', 'active', 'delayed', 'failed', 'prioritized']);
      // A batch job carries several deliveries' first attempts: each counts as a job here.
      const each = jobs.flatMap((j) => {
        const batch = (j.data as { deliveries?: { event: string; url: string }[] }).deliveries;
        return batch ? batch.map((data) => ({ name: data.event, data })) : [{ name: j.name, data: j.data as { url: string } }];
      });
      return each.filter((j) => j.data.url === url);
    } finally {
      await queue.close();
      connection.disconnect();
    }
  }

  /** Resolves once no node holds the instance's lease (a killed owner's lease runs out after its TTL). */
  async leaseExpired(instanceName: string, timeoutMs = 20_000): Promise<void> {
    const [row] = await this.db.query<{ id: string }>('SELECT id FROM "Instance" WHERE name = $1', [instanceName]);
    const redis = new IORedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    try {
      const until = Date.now() + timeoutMs;
      // a TTL running out has no event to await; poll it
      while (await redis.exists(redisKeys(this.redisPrefix).lease(row.id))) {
        if (Date.now() > until) throw new Error(`lease of ${instanceName} still held after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      redis.disconnect();
    }
  }

  /** Removes this test's queue keys so runs never see each other's jobs. */
  private clearRedis() {
    return deleteRedisPrefix(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', this.redisPrefix);
  }
}
