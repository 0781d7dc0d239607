/**
 * Every BullMQ queue of the gateway. Queues live under REDIS_PREFIX like every other key
 * (BullMQ's `prefix` option), so one Redis can serve several deployments and test runs.
 */
export const QUEUES = {
  /** outbox events on their way to webhooks (libs/delivery) */
  webhookDelivery: 'webhook-delivery',
  /** Meta (Cloud API) webhook notifications, acknowledged at once and processed from here */
  metaInbound: 'meta-inbound',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** Every other Redis key of the gateway, built in one place under the deployment's prefix. */
export interface RedisKeys {
  /** the BullMQ `prefix` option (queues add `:<queue>:…` themselves) */
  readonly prefix: string;
  /** which node owns the instance (value `<nodeId>|<fence>`, with a TTL renewed by its holder) */
  lease(instanceId: string): string;
  /** the instance's fencing-token counter */
  fence(instanceId: string): string;
  /** hash of live gateway nodes (heartbeats) */
  nodes(): string;
  /** per-chat FIFO lane of an `ordered` webhook */
  lane(webhookId: string, chat: string): string;
  /** hash: delivery id -> the lane it waits in (or heads), for the outbox sweeper */
  laneMembers(): string;
  /** set once the lanes an older version wrote (without member entries) were indexed */
  laneMembersIndexed(): string;
  /** hash: delivery id -> the batch job carrying its first attempt (libs/delivery) */
  batched(): string;
  /** failed API-key attempts of one client address */
  authFailures(client: string): string;
  /** one Idempotency-Key of an instance (`digest` is the key's hash) */
  idempotency(instance: string, digest: string): string;
  /** the instance's Idempotency-Keys by age (bounded per instance) */
  idempotencyIndex(instance: string): string;
  /** pub/sub: live-stream nodes announce (and ask for) the topics they listen to */
  liveControl(): string;
  /** pub/sub: the live events of one topic */
  liveTopic(topic: string): string;
}

export function redisKeys(prefix: string): RedisKeys {
  return {
    prefix,
    lease: (instanceId) => `${prefix}:lease:${instanceId}`,
    fence: (instanceId) => `${prefix}:fence:${instanceId}`,
    nodes: () => `${prefix}:nodes`,
    lane: (webhookId, chat) => `${prefix}:lane:${webhookId}:${chat}`,
    laneMembers: () => `${prefix}:lane-members`,
    laneMembersIndexed: () => `${prefix}:lane-members:indexed`,
    batched: () => `${prefix}:batched`,
    authFailures: (client) => `${prefix}:authfail:${client}`,
    idempotency: (instance, digest) => `${prefix}:idem:${instance}:${digest}`,
    idempotencyIndex: (instance) => `${prefix}:idem-index:${instance}`,
    liveControl: () => `${prefix}:live:ctl`,
    liveTopic: (topic) => `${prefix}:live:t:${topic}`,
  };
}
