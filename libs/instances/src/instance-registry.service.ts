import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { WebhookTargetCache } from '@gw/delivery';
import { EVENT_SINK, EventSink } from '@gw/events';
import { InstanceRepository, MessageRepository, ProxyRepository } from '@gw/persistence';
import { MediaStorage } from '@gw/media';
import { KnownJidsRepository, StoreWriter } from '@gw/store';
import { ProxyProtocol, WHATSAPP_ENGINE, WhatsAppEngine } from '@gw/whatsapp';
import { InstanceLeases } from './cluster/instance-lease.service';
import { InstanceRuntime } from './instance-runtime';
import { InstanceSettingsPolicy } from './settings/instance-settings.policy';
import { InstanceSettingsStore } from './settings/instance-settings.store';

/**
 * The instances this process runs, by id. Creating a runtime does not connect it; running
 * one requires this node's lease on the instance (claim), so only one node ever runs it.
 */
@Injectable()
export class InstanceRegistry {
  private readonly runtimes = new Map<string, InstanceRuntime>();
  private readonly logger = new Logger('Instances');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(WHATSAPP_ENGINE) private readonly engine: WhatsAppEngine,
    @Inject(EVENT_SINK) private readonly events: EventSink,
    private readonly repository: InstanceRepository,
    private readonly messages: MessageRepository,
    private readonly targets: WebhookTargetCache,
    private readonly leases: InstanceLeases,
    private readonly settings: InstanceSettingsStore,
    private readonly proxies: ProxyRepository,
    @Optional() private readonly store?: StoreWriter,
    @Optional() private readonly storage?: MediaStorage,
    @Optional() private readonly knownJids?: KnownJidsRepository,
  ) {
    // Another node took the instance over (we were paused or cut off): stop at once, no logout.
    leases.onLost((instanceId) => {
      const runtime = this.runtimes.get(instanceId);
      this.runtimes.delete(instanceId);
      void runtime?.stop();
    });
  }

  /** Takes (or confirms) this node's lease; false when another node runs the instance. */
  async claim(instanceId: string): Promise<boolean> {
    return (await this.leases.acquire(instanceId)) !== null;
  }

  async release(instanceId: string): Promise<void> {
    await this.leases.release(instanceId);
  }

  /** A deleted instance: its lease and fence counter go from Redis (the rows are already gone, so a failure only leaves keys). */
  async forget(instanceId: string): Promise<void> {
    await this.leases.forget(instanceId).catch((err) => this.logger.warn(`could not remove the Redis keys of instance ${instanceId}: ${(err as Error).message}`));
  }

  get(instanceId: string): InstanceRuntime | undefined {
    return this.runtimes.get(instanceId);
  }

  all(): InstanceRuntime[] {
    return [...this.runtimes.values()];
  }

  /** `integration` picks the engine (Baileys or the Cloud API) when the runtime is created. */
  getOrCreate(instanceId: string, instanceName: string, integration?: string): InstanceRuntime {
    let runtime = this.runtimes.get(instanceId);
    if (!runtime) {
      const settings = () => this.settings.effective(instanceId);
      const session = this.engine.createSession({
        instanceId,
        instanceName,
        integration,
        fence: () => this.leases.fenceOf(instanceId),
        syncFullHistory: async () => (await settings()).syncFullHistory,
        proxy: async () => {
          const p = await this.proxies.findActive(instanceId);
          return p && { host: p.host, port: p.port!, protocol: p.protocol as ProxyProtocol, username: p.username, password: p.password };
        },
      });
      const policy = new InstanceSettingsPolicy({ instanceName, session, settings, logger: this.logger });
      runtime = new InstanceRuntime(instanceId, instanceName, {
        session,
        filter: (event) => policy.filter(event),
        events: this.events,
        messages: this.messages,
        wantsBase64: async () => {
          // any of the instance's webhooks; the router leaves the media out for the others
          const instance = await this.targets.get(instanceId);
          return (instance?.webhooks ?? (instance?.webhook ? [instance.webhook] : [])).some((h) => h.enabled && h.webhookBase64);
        },
        base64MaxBytes: this.config.delivery.base64MaxBytes,
        storage: this.storage,
        // Connection bookkeeping must never stop an event: a database blip is logged, not fatal.
        saveConnection: (fields) =>
          this.repository.updateConnection(instanceId, fields).catch((err) =>
            this.logger.warn(`instance ${instanceName}: could not save connection state: ${(err as Error).message}`),
          ),
        qrcodeLimit: this.config.whatsapp.qrcodeLimit,
        reconnectBaseDelayMs: this.config.whatsapp.reconnectBaseDelayMs,
        reconnectMaxDelayMs: this.config.whatsapp.reconnectMaxDelayMs,
        logger: this.logger,
        observe: this.store ? (event) => this.store!.record(instanceId, event) : undefined,
        known: this.knownJids,
      });
      this.runtimes.set(instanceId, runtime);
    }
    return runtime;
  }

  remove(instanceId: string): void {
    this.runtimes.delete(instanceId);
  }
}
