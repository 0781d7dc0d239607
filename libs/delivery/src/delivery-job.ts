import type { EventName } from '@gw/events';

/** One event to one URL. The body is frozen at enqueue time so every retry sends the same bytes. */
export interface DeliveryJob {
  /** Stable across retries and redeliveries: the `webhook-id` header. */
  deliveryId: string;
  instanceId: string | null;
  instanceName: string | null;
  /** Instance webhook row id; null for the global webhook (configured by env). */
  webhookId: string | null;
  target: 'instance' | 'global' | 'rabbitmq' | 'rabbitmq-global';
  event: EventName;
  url: string;
  headers: Record<string, string>;
  body: string;
  /**
   * Set (and `body` emptied) once an attempt failed: a pending retry does not keep its body in
   * Redis; the worker reads it from the attempt log (WebhookDelivery.body) when the retry runs.
   */
  bodyInLog?: true;
  sequence: number | null;
  enqueuedAt: number;
  /** Per-webhook retry delays (ms); absent = deployment default. */
  scheduleMs?: number[];
  /** Ordered webhooks: the chat lane this delivery waits in. */
  laneKey?: string;
  /** Attempts made by earlier runs (redelivery), so the log numbers attempts continuously. */
  attemptOffset?: number;
  /**
   * Retries of the schedule already used up: a delivery whose first attempt failed in a batch
   * job continues the schedule in its own job from retry 1 (so it has that many attempts fewer).
   */
  scheduleOffset?: number;
}

/**
 * First attempts of several deliveries (to one webhook or to several), carried by one queue job
 * (each is still its own POST with its own id, its webhook's signature, its own retry schedule
 * and attempt-log row). Its job id is `batchJobId()`.
 */
export interface DeliveryBatch {
  deliveries: DeliveryJob[];
}

/** What a delivery queue job carries. */
export type QueuedDelivery = DeliveryJob | DeliveryBatch;

export const isBatch = (data: QueuedDelivery): data is DeliveryBatch => 'deliveries' in data;

/** A batch is named after its first delivery: unique, since a delivery is batched only once. */
export const batchJobId = (batch: DeliveryBatch): string => `batch_${batch.deliveries[0].deliveryId}`;

/**
 * A delivery as the router hands it over, not numbered yet: the producer numbers it in the same
 * statement that writes the outbox row. Deliveries of one event (instance and global webhook)
 * pass the same `event` object and share its number.
 */
export interface RoutedDelivery {
  job: DeliveryJob;
  numbering?: { instanceId: string; event: object; inBody: boolean };
}
