import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { WebhookRepository } from '@gw/persistence';
import { EVENT_ROW_CACHE, RefreshAheadCache } from './refresh-ahead.cache';

export interface SigningConfig {
  /** Secrets that sign (current first; the previous one during its grace period). */
  secrets: string[];
  hubSignature: boolean;
  failingSince: Date | null;
  disabled: boolean;
}

/**
 * Signing secrets and health of each webhook, read at send time (not stored in Redis jobs),
 * so a rotation applies to pending retries too. Cached per webhook for up to 5 s, and reloaded
 * behind the reads of a busy webhook (RefreshAheadCache), so its sends never wait for the row.
 */
@Injectable()
export class SigningConfigCache implements OnModuleDestroy {
  private readonly cache: RefreshAheadCache<SigningConfig>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    webhooks: WebhookRepository,
  ) {
    this.cache = new RefreshAheadCache(
      async (webhookId) => {
        const row = await webhooks.findSigning(webhookId);
        const secrets: string[] = [];
        if (row?.secret) secrets.push(row.secret);
        if (row?.previousSecret && row.previousSecretExpiresAt && row.previousSecretExpiresAt > new Date()) {
          secrets.push(row.previousSecret);
        }
        return {
          secrets,
          hubSignature: !!row?.hubSignature,
          failingSince: row?.failingSince ?? null,
          disabled: !row || !row.enabled,
        };
      },
      EVENT_ROW_CACHE,
    );
  }

  async get(webhookId: string | null): Promise<SigningConfig> {
    if (!webhookId) {
      const g = this.config.globalWebhook;
      return { secrets: g.secret ? [g.secret] : [], hubSignature: g.hubSignature, failingSince: null, disabled: false };
    }
    return this.cache.get(webhookId);
  }

  invalidate(webhookId: string): void {
    this.cache.invalidate(webhookId);
  }

  onModuleDestroy(): void {
    this.cache.close();
  }
}
