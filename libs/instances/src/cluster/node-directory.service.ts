import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { REDIS_CONNECTION, redisKeys } from '@gw/redis';
import { withTimeout } from '@gw/common';
import type IORedis from 'ioredis';
import { InstanceLeases } from './instance-lease.service';

export interface NodeInfo {
  nodeId: string;
  url: string;
  instances: number;
  seenAt: number;
}

/** Live gateway nodes (heartbeat in a Redis hash): where to forward calls and place new instances. */
@Injectable()
export class NodeDirectory implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS_CONNECTION) private readonly redis: IORedis,
    private readonly leases: InstanceLeases,
  ) {}

  private get key() {
    return redisKeys(this.config.redis.prefix).nodes();
  }

  async onApplicationBootstrap() {
    await this.beat().catch(() => undefined);
    this.timer = setInterval(() => void this.beat().catch(() => undefined), Math.floor(this.config.cluster.leaseTtlMs / 3));
    this.timer.unref();
  }

  private beat() {
    const info: NodeInfo = {
      nodeId: this.config.cluster.nodeId,
      url: this.config.cluster.nodeUrl,
      instances: this.leases.heldCount(),
      seenAt: Date.now(),
    };
    return this.redis.hset(this.key, info.nodeId, JSON.stringify(info));
  }

  async live(): Promise<NodeInfo[]> {
    const all = await withTimeout(this.redis.hgetall(this.key), 1_500, 'nodes');
    const cutoff = Date.now() - this.config.cluster.leaseTtlMs;
    const nodes = Object.values(all).map((v) => JSON.parse(v) as NodeInfo);
    const dead = nodes.filter((n) => n.seenAt < cutoff).map((n) => n.nodeId);
    if (dead.length) await this.redis.hdel(this.key, ...dead);
    return nodes.filter((n) => n.seenAt >= cutoff);
  }

  async get(nodeId: string): Promise<NodeInfo | undefined> {
    return (await this.live()).find((n) => n.nodeId === nodeId);
  }

  /** The live node running the fewest instances (this one on ties). */
  async leastLoaded(): Promise<NodeInfo> {
    const self: NodeInfo = { nodeId: this.config.cluster.nodeId, url: this.config.cluster.nodeUrl, instances: this.leases.heldCount(), seenAt: Date.now() };
    const nodes = (await this.live().catch(() => [])).map((n) => (n.nodeId === self.nodeId ? self : n));
    return nodes.reduce((best, n) => (n.instances < best.instances ? n : best), self);
  }

  async onModuleDestroy() {
    if (this.timer) clearInterval(this.timer);
    await this.redis.hdel(this.key, this.config.cluster.nodeId).catch(() => undefined);
  }
}
