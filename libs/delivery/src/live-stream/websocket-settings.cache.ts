import { Injectable } from '@nestjs/common';
import { WebsocketRepository } from '@gw/persistence';

const TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

/** An instance's /websocket/set choice as the emitting node reads it: enabled event names, or none. */
@Injectable()
export class WebsocketSettingsCache {
  private readonly entries = new Map<string, { events: Set<string>; expires: number }>();

  constructor(private readonly repo: WebsocketRepository) {}

  /** The events the instance streams to apps (empty when disabled or never set). */
  async events(instanceId: string): Promise<Set<string>> {
    const hit = this.entries.get(instanceId);
    if (hit && hit.expires > Date.now()) return hit.events;
    const row = await this.repo.find(instanceId);
    const events = new Set(row?.enabled ? row.events : []);
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(instanceId, { events, expires: Date.now() + TTL_MS });
    return events;
  }

  invalidate(instanceId: string): void {
    this.entries.delete(instanceId);
  }
}
