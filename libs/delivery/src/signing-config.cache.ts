import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { WebhookRepository } from '@gw/persistence';

export interface SigningConfig {
  /** Secrets that sign (current first; the previous one during its grace period). */
  secrets: string[];
  hubSignature: boolean;
  failingSince: Date | null;
  disabled: boolean;
}

const TTL_MS = 5_000;

/**
 * Signing secrets and health of each webhook, read at send time (not stored in Redis jobs),
 * so a rotation applies to pending retries too. Briefly cached per webhook.
 */
@Injectable()
export class SigningConfigCache {
  private readonly entries = new Map<string, { value: SigningConfig; expires: number }>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly webhooks: WebhookRepository,
  ) {}

  async get(webhookId: string | null): Promise<SigningConfig> {
    if (!webhookId) {
      const g = this.config.globalWebhook;
      return { secrets: g.secret ? [g.secret] : [], hubSignature: g.hubSignature, failingSince: null, disabled: false };
    }
    const hit = this.entries.get(webhookId);
    if (hit && hit.expires > Date.now()) return hit.value;
    const row = await this.webhooks.findSigning(webhookId);
    const secrets: string[] = [];
    if (row?.secret) secrets.push(row.secret);
    if (row?.previousSecret && row.previousSecretExpiresAt && row.previousSecretExpiresAt > new Date()) {
      secrets.push(row.previousSecret);
    }
    const value: SigningConfig = {
      secrets,
      hubSignature: !!row?.hubSignature,
      failingSince: row?.failingSince ?? null,
      disabled: !row || !row.enabled,
    };
    this.entries.set(webhookId, { value, expires: Date.now() + TTL_MS });
    return value;
  }

  invalidate(webhookId: string): void {
    this.entries.delete(webhookId);
  }
}
