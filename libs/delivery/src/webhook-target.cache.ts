import { Injectable } from '@nestjs/common';
import { InstanceRepository, InstanceWithConfig } from '@gw/persistence';

const TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

/**
 * Instance rows (webhook config + token) for routing, cached briefly: Evolution reads the
 * webhook row for every event, which does not scale to hundreds of messages per second.
 * Changes made through this process invalidate at once; other nodes see them within TTL_MS.
 */
@Injectable()
export class WebhookTargetCache {
  private readonly entries = new Map<string, { value: InstanceWithConfig | null; expires: number }>();

  constructor(private readonly instances: InstanceRepository) {}

  async get(instanceId: string): Promise<InstanceWithConfig | null> {
    const hit = this.entries.get(instanceId);
    if (hit && hit.expires > Date.now()) return hit.value;
    const value = await this.instances.findById(instanceId);
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(instanceId, { value, expires: Date.now() + TTL_MS });
    return value;
  }

  invalidate(instanceId: string): void {
    this.entries.delete(instanceId);
  }
}
