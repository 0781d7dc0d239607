import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { WebsocketRepository } from '@gw/persistence';
import { EVENT_ROW_CACHE, RefreshAheadCache } from '../refresh-ahead.cache';

/** An instance's /websocket/set choice as the emitting node reads it: enabled event names, or none. */
@Injectable()
export class WebsocketSettingsCache implements OnModuleDestroy {
  private readonly cache: RefreshAheadCache<Set<string>>;

  constructor(repo: WebsocketRepository) {
    this.cache = new RefreshAheadCache(
      async (instanceId) => {
        const row = await repo.find(instanceId);
        return new Set(row?.enabled ? row.events : []);
      },
      EVENT_ROW_CACHE,
    );
  }

  /** The events the instance streams to apps (empty when disabled or never set). */
  events(instanceId: string): Promise<Set<string>> {
    return this.cache.get(instanceId);
  }

  invalidate(instanceId: string): void {
    this.cache.invalidate(instanceId);
  }

  onModuleDestroy(): void {
    this.cache.close();
  }
}
