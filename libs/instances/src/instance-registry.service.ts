import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { InstanceRepository, ProxyRepository } from '@gw/persistence';
import { ProxyProtocol, WHATSAPP_ENGINE, WhatsAppEngine } from '@gw/whatsapp';
import { InstanceLeases } from './cluster/instance-lease.service';
import { InstanceRuntime } from './instance-runtime';
import { EventPipeline } from './pipeline/event-pipeline.service';
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
    private readonly repository: InstanceRepository,
    private readonly pipelines: EventPipeline,
    private readonly leases: InstanceLeases,
    private readonly settings: InstanceSettingsStore,
    private readonly proxies: ProxyRepository,
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
      // Applies the settings to the live session (calls, read receipts, presence); groupsIgnore is the pipeline's.
      new InstanceSettingsPolicy({ instanceName, session, settings, logger: this.logger });
      const pipeline = this.pipelines.open(
        { id: instanceId, name: instanceName },
        {
          downloadMedia: (m, maxBytes) => session.downloadMedia(m.key.id, maxBytes),
          // Before `open` (messages delivered while the login completes) the session already knows the account.
          sender: () => created.account?.jid ?? session.accountJid,
        },
      );
      const created: InstanceRuntime = new InstanceRuntime(instanceId, instanceName, {
        session,
        pipeline,
        connection: {
          // Connection bookkeeping must never stop an event: a database blip is logged, not fatal.
          save: (fields) =>
            this.repository.updateConnection(instanceId, fields).catch((err) =>
              this.logger.warn(`instance ${instanceName}: could not save connection state: ${(err as Error).message}`),
            ),
        },
        policy: {
          qrcodeLimit: this.config.whatsapp.qrcodeLimit,
          reconnectBaseDelayMs: this.config.whatsapp.reconnectBaseDelayMs,
          reconnectMaxDelayMs: this.config.whatsapp.reconnectMaxDelayMs,
        },
        logger: this.logger,
      });
      runtime = created;
      this.runtimes.set(instanceId, runtime);
    }
    return runtime;
  }

  remove(instanceId: string): void {
    this.runtimes.delete(instanceId);
  }
}
