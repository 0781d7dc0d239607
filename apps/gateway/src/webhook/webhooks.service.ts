import { HttpStatus, Injectable } from '@nestjs/common';
import { EvolutionException, badRequest, notFound } from '@gw/common';
import { SigningConfigCache, WebhookTargetCache, generateWebhookSecret } from '@gw/delivery';
import { InstanceWithConfig, StoredWebhookConfig, Webhook, WebhookFilters, WebhookRepository } from '@gw/persistence';
import { WebhookItemDto } from './dto/webhook-item.dto';
import { keepMaskedHeaders } from './secret-header.util';
import { applyCloudApiSigning, toWebhookConfig } from './webhook-config.mapper';

/** Webhooks per instance, the primary one included (a receiver per automation is plenty). */
export const MAX_WEBHOOKS_PER_INSTANCE = 10;

/**
 * The /webhooks routes: several webhooks per instance, each with its own events, filters,
 * format, secret and retries. The primary one (Evolution's /webhook/set) is listed, edited and
 * deleted here like the others; /webhook/set creates it again.
 */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly repository: WebhookRepository,
    private readonly targets: WebhookTargetCache,
    private readonly signing: SigningConfigCache,
  ) {}

  list(instance: InstanceWithConfig): Promise<Webhook[]> {
    return this.repository.list(instance.id);
  }

  async get(instance: InstanceWithConfig, webhookId: string): Promise<Webhook> {
    const row = await this.repository.findOne(instance.id, webhookId);
    if (!row) throw notFound(`Webhook "${webhookId}" of instance "${instance.name}" not found`);
    return row;
  }

  async create(instance: InstanceWithConfig, dto: WebhookItemDto): Promise<{ row: Webhook; generatedSecret?: string }> {
    if ((await this.repository.count(instance.id)) >= MAX_WEBHOOKS_PER_INSTANCE) {
      throw new EvolutionException(HttpStatus.CONFLICT, [`The "${instance.name}" instance has ${MAX_WEBHOOKS_PER_INSTANCE} webhooks already (the limit)`]);
    }
    const { config, generatedSecret } = this.toConfig(dto, null);
    const row = await this.repository.create(instance.id, config);
    this.invalidate(instance.id, row.id);
    return { row, generatedSecret };
  }

  async update(instance: InstanceWithConfig, webhookId: string, dto: WebhookItemDto): Promise<{ row: Webhook; generatedSecret?: string }> {
    const existing = await this.get(instance, webhookId);
    const { config, generatedSecret } = this.toConfig(dto, existing);
    const row = await this.repository.update(instance.id, webhookId, config);
    if (!row) throw notFound(`Webhook "${webhookId}" of instance "${instance.name}" not found`);
    this.invalidate(instance.id, row.id);
    return { row, generatedSecret };
  }

  async delete(instance: InstanceWithConfig, webhookId: string): Promise<{ id: string; deleted: true }> {
    if (!(await this.repository.delete(instance.id, webhookId))) throw notFound(`Webhook "${webhookId}" of instance "${instance.name}" not found`);
    this.invalidate(instance.id, webhookId);
    return { id: webhookId, deleted: true };
  }

  async rotateSecret(instance: InstanceWithConfig, webhookId: string, graceSeconds: number) {
    await this.get(instance, webhookId);
    const secret = generateWebhookSecret();
    const row = await this.repository.rotateSecret({ instanceId: instance.id, webhookId }, secret, new Date(Date.now() + graceSeconds * 1000));
    this.invalidate(instance.id, row.id);
    return { secret, previousSecretExpiresAt: row.previousSecretExpiresAt };
  }

  private toConfig(dto: WebhookItemDto, existing: Webhook | null): { config: StoredWebhookConfig; generatedSecret?: string } {
    const config = toWebhookConfig(dto, {}, existing?.url);
    if (!config) throw badRequest('url is required to enable a webhook');
    config.headers = keepMaskedHeaders(config.headers, existing?.headers);
    config.name = dto.name ?? null;
    config.filters = dto.filters ? ({ ...dto.filters } as WebhookFilters) : null;
    const generatedSecret = dto.generateSecret ? generateWebhookSecret() : undefined;
    if (generatedSecret) config.secret = generatedSecret;
    applyCloudApiSigning(config, existing);
    return { config, generatedSecret };
  }

  private invalidate(instanceId: string, webhookId: string) {
    this.targets.invalidate(instanceId);
    this.signing.invalidate(webhookId);
  }
}
