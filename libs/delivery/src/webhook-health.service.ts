import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { EVENT_SINK, EventSink, catalogueEvent, webhookDisabledPayload } from '@gw/events';
import { WebhookRepository } from '@gw/persistence';
import { DeliveryJob } from './delivery-job';
import { SigningConfig, SigningConfigCache } from './signing-config.cache';
import { WebhookTargetCache } from './webhook-target.cache';

/**
 * Tracks whether each instance webhook keeps failing, and switches it off on 410 Gone or
 * after failing continuously for WEBHOOK_DISABLE_AFTER_MS (default 5 days), announcing it
 * with a WEBHOOK_DISABLED event to the global webhook.
 */
@Injectable()
export class WebhookHealth {
  private readonly logger = new Logger('WebhookHealth');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly webhooks: WebhookRepository,
    private readonly signing: SigningConfigCache,
    private readonly targets: WebhookTargetCache,
    /** WEBHOOK_DISABLED is published like any producer's event (through the port, not back into the router). */
    @Inject(EVENT_SINK) private readonly events: EventSink,
  ) {}

  async succeeded(job: DeliveryJob, cfg: SigningConfig): Promise<void> {
    if (!job.webhookId || !cfg.failingSince) return;
    await this.webhooks.clearFailing(job.webhookId);
    this.signing.invalidate(job.webhookId);
  }

  async failed(job: DeliveryJob, cfg: SigningConfig, reason: string): Promise<void> {
    if (!job.webhookId || cfg.disabled) return;
    if (!cfg.failingSince) {
      await this.webhooks.markFailing(job.webhookId, new Date());
      this.signing.invalidate(job.webhookId);
      return;
    }
    const failingForMs = Date.now() - cfg.failingSince.getTime();
    if (failingForMs > this.config.delivery.disableAfterMs) {
      await this.disable(job, `failing continuously since ${cfg.failingSince.toISOString()} (last: ${reason})`);
    }
  }

  async gone(job: DeliveryJob): Promise<void> {
    if (!job.webhookId) {
      this.logger.error(`global webhook ${job.url} answered 410 Gone; fix WEBHOOK_GLOBAL_URL`);
      return;
    }
    await this.disable(job, `receiver answered 410 Gone for ${job.url}`);
  }

  private async disable(job: DeliveryJob, reason: string): Promise<void> {
    const switchedOff = await this.webhooks.disable(job.webhookId!, reason, new Date());
    this.signing.invalidate(job.webhookId!);
    if (job.instanceId) this.targets.invalidate(job.instanceId);
    if (!switchedOff) return; // another worker got there first
    this.logger.warn(`webhook of instance ${job.instanceName} disabled: ${reason}`);
    const origin = { instanceId: job.instanceId ?? '', instanceName: job.instanceName ?? '', audience: 'global' as const };
    await this.events.publish(catalogueEvent('WEBHOOK_DISABLED', webhookDisabledPayload(job, reason), origin));
  }
}
