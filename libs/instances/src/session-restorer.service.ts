import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { runWithConcurrency } from '@gw/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { InstanceRepository } from '@gw/persistence';
import { CLOUD_API_INTEGRATION, WHATSAPP_ENGINE, WhatsAppEngine } from '@gw/whatsapp';
import { InstanceLeases } from './cluster/instance-lease.service';
import { InstanceRegistry } from './instance-registry.service';
import { RestorePacer } from './restore-pacer';
import { InstanceSettingsStore } from './settings/instance-settings.store';

const RESTORE_WAIT_MS = 15_000;

/**
 * Runs every stored session somewhere. On boot, and then every half lease period, this node
 * claims the instances with a stored WhatsApp session that no node holds (a node died, or
 * shut down and handed them over; on boot also those an earlier run of this node held when it
 * crashed) and reconnects them a few at a time (SESSION_RESTORE_CONCURRENCY) and at an even
 * pace (SESSION_RESTORE_RATE logins per second), never all at once. On shutdown it closes its sockets
 * without logging out and releases the leases, so another node resumes them without a QR.
 */
@Injectable()
export class SessionRestorer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Restore');
  private scanning?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private firstScan = true;
  private stopping = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(WHATSAPP_ENGINE) private readonly engine: WhatsAppEngine,
    private readonly repository: InstanceRepository,
    private readonly registry: InstanceRegistry,
    private readonly leases: InstanceLeases,
    private readonly settings: InstanceSettingsStore,
  ) {}

  onApplicationBootstrap() {
    // Not awaited: the API should listen while sessions come back.
    void this.scan();
    this.timer = setInterval(() => void this.scan(), Math.floor(this.config.cluster.leaseTtlMs / 2));
    this.timer.unref();
  }

  scan(): Promise<void> {
    this.scanning ??= this.claimOrphans()
      .catch((err) => this.logger.warn(`restore scan failed: ${(err as Error).message}`))
      .finally(() => (this.scanning = undefined));
    return this.scanning;
  }

  private async claimOrphans() {
    if (this.stopping) return;
    const stored = await this.repository.listWithSession();
    // After boot, only instances whose owner vanished while running are taken over; ones that
    // were closed on purpose (440 replaced, 403, ...) stay closed until someone connects them.
    const first = this.firstScan;
    const eligible = first ? stored : stored.filter((i) => i.connectionStatus !== 'close');
    this.firstScan = false;
    const idle = eligible.filter((i) => !this.registry.get(i.id)).map((i) => i.id);
    // At boot, leases an earlier run of this node left behind (it crashed) are ours to take at
    // once; waiting for them to expire would keep its instances down for LEASE_TTL_MS.
    const orphans = new Set(first ? await this.leases.reclaimable(idle) : await this.leases.unowned(idle));
    const candidates = eligible.filter((i) => orphans.has(i.id));
    if (first && eligible.length > candidates.length) {
      this.logger.log(`${eligible.length - candidates.length} stored sessions are leased by other nodes; taken over here only if their leases expire`);
    }
    if (!candidates.length) return;
    // Each login reads its settings; one query for all of them instead of one per login. A
    // failure only leaves each login to read its own.
    await this.settings.warm(candidates.map((i) => i.id)).catch(() => undefined);
    const started = Date.now();
    let restored = 0;
    const pacer = new RestorePacer(this.config.whatsapp.restoreRatePerSecond);
    await runWithConcurrency(candidates, this.config.whatsapp.restoreConcurrency, async (instance) => {
      const cloud = instance.integration === CLOUD_API_INTEGRATION; // credentials, no stored socket session
      if (this.stopping || !(cloud || (await this.storedSession(instance)))) return;
      await pacer.turn();
      if (this.stopping || !(await this.registry.claim(instance.id))) return; // another node was faster
      const runtime = this.registry.getOrCreate(instance.id, instance.name, instance.integration);
      const progress = runtime.waitForProgress(RESTORE_WAIT_MS);
      try {
        await runtime.start();
        await progress;
        restored += 1;
      } catch (err) {
        this.logger.warn(`instance ${instance.name}: restore failed: ${(err as Error).message}`);
      }
    });
    this.logger.log(`restored ${restored}/${candidates.length} sessions in ${Date.now() - started} ms`);
  }

  /**
   * A stored session that cannot be decrypted (a value moved from another row, a key mix-up)
   * is not restored: the instance is marked closed, needing a new link, and the rest go on.
   */
  private async storedSession(instance: { id: string; name: string }): Promise<boolean> {
    try {
      return await this.engine.hasStoredSession(instance.id);
    } catch (err) {
      if ((err as Error).name !== 'SecretDecryptError') throw err;
      this.logger.error(`instance ${instance.name}: not restored, it needs a new link: ${(err as Error).message}`);
      await this.repository.updateConnection(instance.id, {
        connectionStatus: 'close',
        disconnectionReasonCode: 401,
        disconnectionObject: JSON.stringify({ statusCode: 401, reason: 'stored session cannot be decrypted; link the instance again' }),
        disconnectionAt: new Date(),
      });
      return false;
    }
  }

  /**
   * The first shutdown phase: sockets close and their last writes and events land while the
   * database pool, the queue and the leases are still there (those close in onApplicationShutdown).
   */
  async onModuleDestroy() {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    await this.scanning;
    await Promise.allSettled(
      this.registry.all().map(async (r) => {
        await r.stop();
        await r.drained();
        await this.registry.release(r.instanceId);
      }),
    );
  }
}
