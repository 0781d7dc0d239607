import { DeliveryJob } from './delivery-job';

export interface BatchLimits {
  /** Deliveries per batch job. */
  maxDeliveries: number;
  /** Body bytes per batch job (they sit in Redis until the job ends). */
  maxBytes: number;
}

/**
 * A batch's POSTs run at once (within the process's DELIVERY_CONCURRENCY), so a slow receiver
 * holds its job about one request timeout, as a single delivery would; 16 is enough that the
 * queue's per-job cost is shared by many deliveries, and few enough to stay well below the
 * default concurrency (50) so one batch cannot take every slot.
 */
export const BATCH_LIMITS: BatchLimits = { maxDeliveries: 16, maxBytes: 256 * 1024 };

export interface Grouped {
  /** Deliveries that get a job of their own (id = delivery id). */
  singles: DeliveryJob[];
  /** First attempts (to any webhooks), each group one job; publish order kept inside a group. */
  batches: DeliveryJob[][];
}

/**
 * Groups new deliveries into batch jobs, whatever webhook each is for: when every instance has
 * its own webhook (one per number), grouping by webhook left nearly every delivery in a job of
 * its own, and the queue's per-job cost (producer, Redis, worker) was paid per message. Each
 * delivery in a batch is still its own POST, signed with its own webhook's secrets, with its own
 * retry schedule (DeliveryBatchProcessor). Ordered deliveries stay single (their lane queues them
 * one at a time), as does a body over the byte bound and a delivery alone in its group.
 */
export function groupIntoBatches(jobs: DeliveryJob[], limits: BatchLimits = BATCH_LIMITS): Grouped {
  const singles: DeliveryJob[] = [];
  const closed: DeliveryJob[][] = [];
  let open: { jobs: DeliveryJob[]; bytes: number } | undefined;
  for (const job of jobs) {
    const bytes = Buffer.byteLength(job.body);
    if (job.laneKey || bytes > limits.maxBytes || limits.maxDeliveries < 2) {
      singles.push(job);
      continue;
    }
    if (open && (open.jobs.length >= limits.maxDeliveries || open.bytes + bytes > limits.maxBytes)) {
      closed.push(open.jobs);
      open = undefined;
    }
    open ??= { jobs: [], bytes: 0 };
    open.jobs.push(job);
    open.bytes += bytes;
  }
  if (open) closed.push(open.jobs);
  const batches: DeliveryJob[][] = [];
  for (const group of closed) {
    if (group.length > 1) batches.push(group);
    else singles.push(group[0]);
  }
  return { singles, batches };
}
