import { Inject, Injectable, Logger } from '@nestjs/common';
import { badRequest } from '@gw/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { InstanceLifecycleService } from '@gw/instances';
import { InstanceWithConfig, ProxyInput, ProxyRepository } from '@gw/persistence';
import { CLOUD_API_INTEGRATION, ProxySettings, ProxyUnreachableError, probeProxy, proxyLabel } from '@gw/whatsapp';
import { proxySetView, proxyView } from './proxy.presenter';
import type { SetProxyDto } from './dto/set-proxy.dto';

/** Baileys' own default, for deployments that do not set WA_WEBSOCKET_URL. */
const WHATSAPP_WEBSOCKET_URL = 'wss://web.whatsapp.com/ws/chat';
const PROBE_TIMEOUT_MS = 10_000;

const DISABLED: ProxyInput = { enabled: false, host: '', port: null, protocol: 'http', username: null, password: null };

/**
 * An instance's proxy: checked before it is saved (it must carry a connection to WhatsApp, or
 * to the Graph API for Cloud API numbers), saved, then applied by reconnecting the running
 * instance with its stored session (no QR). The password is never logged or returned.
 */
@Injectable()
export class InstanceProxyService {
  private readonly logger = new Logger('Proxy');

  constructor(
    private readonly proxies: ProxyRepository,
    private readonly lifecycle: InstanceLifecycleService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** A 400 "proxy unreachable: ..." when the proxy cannot reach what the instance talks to. */
  async check(proxy: ProxySettings, integration: string | undefined): Promise<void> {
    const target = integration === CLOUD_API_INTEGRATION ? this.config.cloudApi.graphUrl : (this.config.whatsapp.websocketUrl ?? WHATSAPP_WEBSOCKET_URL);
    try {
      await probeProxy(proxy, target, PROBE_TIMEOUT_MS);
    } catch (err) {
      if (err instanceof ProxyUnreachableError) throw badRequest(err.message);
      throw err;
    }
  }

  /** Saves without checking or applying (create: checked before the instance existed, applied by its first connect). */
  async save(instanceId: string, proxy: ProxySettings | null) {
    return this.proxies.save(instanceId, proxy ? { enabled: true, ...proxy, username: proxy.username || null, password: proxy.password || null } : DISABLED);
  }

  async set(instance: InstanceWithConfig, dto: SetProxyDto) {
    const proxy: ProxySettings | null = dto.enabled
      ? { host: dto.host!, port: dto.port!, protocol: dto.protocol!, username: dto.username || null, password: dto.password || null }
      : null;
    if (proxy) await this.check(proxy, instance.integration);
    const row = await this.save(instance.id, proxy);
    this.logger.log(`instance ${instance.name}: proxy ${proxy ? `set to ${proxyLabel(proxy)}${proxy.username ? ' (with credentials)' : ''}` : 'removed'}`);
    await this.apply(instance);
    return proxySetView(instance, row);
  }

  async find(instance: { id: string }) {
    const row = await this.proxies.find(instance.id);
    return row ? proxyView(row) : null;
  }

  /** A running (or reconnecting) instance reconnects through the new route; a closed one uses it at its next connect. */
  private async apply(instance: InstanceWithConfig) {
    const runtime = this.lifecycle.runtime(instance.id);
    if (!runtime || runtime.state === 'close') return;
    await this.lifecycle.restart(instance);
  }
}
