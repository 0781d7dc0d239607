import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { runWithConcurrency } from '@gw/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { EVENT_SINK, EventSink } from '@gw/events';
import { InstanceRepository } from '@gw/persistence';
import { WHATSAPP_ENGINE, WhatsAppEngine } from '@gw/whatsapp';
import { InstanceRegistry } from './instance-registry.service';

const RESTORE_WAIT_MS = 15_000;

/**
 * On boot, reconnects every instance with a stored WhatsApp session, a few at a time
 * (SESSION_RESTORE_CONCURRENCY) instead of all at once; on shutdown closes sockets
 * without logging out, so the next process resumes without a QR.
 */
@Injectable()
export class SessionRestorer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Restore');
  private restoring?: Promise<void>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(WHATSAPP_ENGINE) private readonly engine: WhatsAppEngine,
    @Inject(EVENT_SINK) private readonly events: EventSink,
    private readonly repository: InstanceRepository,
    private readonly registry: InstanceRegistry,
  ) {}

  onApplicationBootstrap() {
    // Not awaited: the API should listen while sessions come back.
    this.restoring = this.restoreAll().catch((err) => this.logger.error(`restore failed: ${(err as Error).stack}`));
  }

  /** For tests and shutdown ordering. */
  whenRestored(): Promise<void> {
    return this.restoring ?? Promise.resolve();
  }

  private async restoreAll() {
    const candidates = await this.repository.listWithSession();
    const started = Date.now();
    let restored = 0;
    await runWithConcurrency(candidates, this.config.whatsapp.restoreConcurrency, async (instance) => {
      if (!(await this.engine.hasStoredSession(instance.id))) return;
      const runtime = this.registry.getOrCreate(instance.id, instance.name);
      const progress = runtime.waitForProgress(RESTORE_WAIT_MS);
      try {
        await runtime.start();
        await progress;
        restored += 1;
      } catch (err) {
        this.logger.warn(`instance ${instance.name}: restore failed: ${(err as Error).message}`);
      }
    });
    if (candidates.length) this.logger.log(`restored ${restored}/${candidates.length} sessions in ${Date.now() - started} ms`);
  }

  async onApplicationShutdown() {
    await Promise.allSettled(this.registry.all().map(async (r) => {
      await r.stop();
      await r.drained();
    }));
  }
}
