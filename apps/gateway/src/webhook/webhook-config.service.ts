import { Injectable } from '@nestjs/common';
import { badRequest } from '@gw/common';
import { WebhookTargetCache } from '@gw/delivery';
import { InstanceWithConfig, Webhook, WebhookRepository } from '@gw/persistence';
import { SetWebhookDto } from './dto/set-webhook.dto';
import { toWebhookConfig } from './webhook-config.mapper';

@Injectable()
export class WebhookConfigService {
  constructor(
    private readonly repository: WebhookRepository,
    private readonly targets: WebhookTargetCache,
  ) {}

  async set(instance: InstanceWithConfig, dto: SetWebhookDto): Promise<Webhook> {
    const config = toWebhookConfig(dto.webhook, dto, instance.webhook?.url);
    if (!config) throw badRequest('url is required to enable a webhook');
    const row = await this.repository.upsert(instance.id, config);
    this.targets.invalidate(instance.id); // takes effect for the very next event
    return row;
  }
}
