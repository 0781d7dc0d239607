import { Inject, Injectable, Logger, forwardRef } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { WebhookRepository } from '@gw/persistence';
import { DeliveryJob } from './delivery-job';
import { SigningConfig, SigningConfigCache } from './signing-config.cache';
import { WebhookRouter } from './webhook-router.service';
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
    @Inject(forwardRef(() => WebhookRouter)) private readonly router: WebhookRouter,
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
    await this.router.publish({
      name: 'WEBHOOK_DISABLED',
      instanceId: job.instanceId ?? '',
      instanceName: job.instanceName ?? '',
      data: { instance: job.instanceName, webhookId: job.webhookId, url: job.url, reason, disabledAt: new Date().toISOString() },
      occurredAt: new Date(),
      audience: 'global',
    });
  }
}
