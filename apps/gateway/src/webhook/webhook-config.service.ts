import { Injectable } from '@nestjs/common';
import { badRequest } from '@gw/common';
import { SigningConfigCache, WebhookTargetCache, generateWebhookSecret } from '@gw/delivery';
import { InstanceWithConfig, Webhook, WebhookRepository } from '@gw/persistence';
import { SetWebhookDto } from './dto/set-webhook.dto';
import { applyCloudApiSigning, toWebhookConfig } from './webhook-config.mapper';
import { keepMaskedHeaders } from './secret-header.util';

@Injectable()
export class WebhookConfigService {
  constructor(
    private readonly repository: WebhookRepository,
    private readonly targets: WebhookTargetCache,
    private readonly signing: SigningConfigCache,
  ) {}

  async set(instance: InstanceWithConfig, dto: SetWebhookDto): Promise<{ row: Webhook; generatedSecret?: string }> {
    const config = toWebhookConfig(dto.webhook, dto, instance.webhook?.url);
    if (!config) throw badRequest('url is required to enable a webhook');
    config.headers = keepMaskedHeaders(config.headers, instance.webhook?.headers);
    const generatedSecret = (dto.webhook?.generateSecret ?? dto.generateSecret) ? generateWebhookSecret() : undefined;
    if (generatedSecret) config.secret = generatedSecret;
    applyCloudApiSigning(config, instance.webhook);
    const row = await this.repository.upsert(instance.id, config);
    this.invalidate(instance.id, row.id); // takes effect for the very next event
    return { row, generatedSecret };
  }

  async rotateSecret(instance: InstanceWithConfig, graceSeconds: number) {
    if (!instance.webhook) throw badRequest(`The "${instance.name}" instance has no webhook`);
    const secret = generateWebhookSecret();
    const graceUntil = new Date(Date.now() + graceSeconds * 1000);
    const row = await this.repository.rotateSecret(instance.id, secret, graceUntil);
    this.invalidate(instance.id, row.id);
    return { secret, previousSecretExpiresAt: row.previousSecretExpiresAt };
  }

  private invalidate(instanceId: string, webhookId: string) {
    this.targets.invalidate(instanceId);
    this.signing.invalidate(webhookId);
  }
}
