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
  /** First attempts to one webhook, each group one job; publish order kept inside a group. */
  batches: DeliveryJob[][];
}

/**
 * Groups new deliveries by webhook (an instance webhook row, or the global webhook) for batch
 * jobs. Ordered deliveries stay single (their lane queues them one at a time), as does a body
 * over the byte bound and a delivery alone in its group.
 */
export function groupIntoBatches(jobs: DeliveryJob[], limits: BatchLimits = BATCH_LIMITS): Grouped {
  const singles: DeliveryJob[] = [];
  const closed: DeliveryJob[][] = [];
  const open = new Map<string, { jobs: DeliveryJob[]; bytes: number }>();
  for (const job of jobs) {
    const bytes = Buffer.byteLength(job.body);
    if (job.laneKey || bytes > limits.maxBytes || limits.maxDeliveries < 2) {
      singles.push(job);
      continue;
    }
    const key = `${job.target}:${job.webhookId ?? ''}`;
    let group = open.get(key);
    if (group && (group.jobs.length >= limits.maxDeliveries || group.bytes + bytes > limits.maxBytes)) {
      closed.push(group.jobs);
      group = undefined;
    }
    if (!group) open.set(key, (group = { jobs: [], bytes: 0 }));
    group.jobs.push(job);
    group.bytes += bytes;
  }
  for (const group of open.values()) closed.push(group.jobs);
  const batches: DeliveryJob[][] = [];
  for (const group of closed) {
    if (group.length > 1) batches.push(group);
    else singles.push(group[0]);
  }
  return { singles, batches };
}
