import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { InstanceRepository, InstanceWithConfig } from '@gw/persistence';
import { EVENT_ROW_CACHE, RefreshAheadCache } from './refresh-ahead.cache';

/**
 * Instance rows (webhook config + token) for routing, cached briefly: Evolution reads the
 * webhook row for every event, which does not scale to hundreds of messages per second.
 * Changes made through this process invalidate at once; other nodes see them within 5 s.
 * A busy instance's row is reloaded behind its reads (RefreshAheadCache), so its events never
 * wait for it.
 */
@Injectable()
export class WebhookTargetCache implements OnModuleDestroy {
  private readonly cache: RefreshAheadCache<InstanceWithConfig | null>;

  constructor(instances: InstanceRepository) {
    this.cache = new RefreshAheadCache((id) => instances.findById(id), EVENT_ROW_CACHE);
  }

  get(instanceId: string): Promise<InstanceWithConfig | null> {
    return this.cache.get(instanceId);
  }

  invalidate(instanceId: string): void {
    this.cache.invalidate(instanceId);
  }

  onModuleDestroy(): void {
    this.cache.close();
  }
}
