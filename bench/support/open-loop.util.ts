import { TestDatabase } from '@gw/testing';
import { Dist, dist, now, round } from './bench.util';
import type { UpsertReceiverProcess } from './upsert-receiver.process';

/** When each prepared send was due and when it was written. */
export interface OpenLoopRun {
  t0: number;
  scheduled: number[];
  injected: number[];
  injectEnd: number;
}

/**
 * Writes prepared sends on schedule (send i at t0 + i/rate), open loop: a slow gateway never slows
 * the injector, so latency from the scheduled time counts any backlog.
 */
export async function injectOpenLoop(ready: (() => unknown)[], ratePerSec: number): Promise<OpenLoopRun> {
  const count = ready.length;
  const scheduled: number[] = new Array(count);
  const injected: number[] = new Array(count);
  const t0 = now() + 50;
  let i = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const t = now();
      while (i < count && t0 + (i * 1000) / ratePerSec <= t) {
        scheduled[i] = t0 + (i * 1000) / ratePerSec;
        ready[i]();
        injected[i] = now();
        i++;
      }
      if (i < count) setTimeout(tick, 2);
      else resolve();
    };
    setTimeout(tick, 50);
  });
  return { t0, scheduled, injected, injectEnd: now() };
}

/** Latencies of the messages scheduled in one TIMELINE_WINDOW_MS window, from its start (ms into the step). */
export interface LatencyWindow {
  fromMs: number;
  n: number;
  p99: number;
  max: number;
}

export interface DeliveredStep {
  messages: number;
  injectedPerSec: number;
  achievedPerSec: number;
  lost: number;
  scheduledToWebhookMs: Dist;
  /** null when the step is no longer than the ramp */
  steadyScheduledToWebhookMs: Dist | null;
  injectedToWebhookMs: Dist;
  /**
   * Scheduled -> webhook by TIMELINE_WINDOW_MS window of scheduled time (message count, p99, max):
   * whether a step's p99 comes from a few stalls or is spread over the whole step.
   */
  timeline: LatencyWindow[];
  /** Scheduled -> written to the gateway's socket by the injector, by window: the bench's own lag. */
  injectionTimeline: LatencyWindow[];
  /** When the step's first message was due (ISO time), to line the timeline up with logs. */
  startedAt: string;
}

export const TIMELINE_WINDOW_MS = 500;

/**
 * What became of messages `IB<from>`..: how many webhooks arrived (waiting until none is new for
 * stallMs), the rate achieved, and latencies from each message's scheduled time, also over the
 * messages scheduled after rampMs (the rate held, once queues and pools have adjusted).
 */
export async function deliveredStep(receiver: UpsertReceiverProcess, from: number, run: OpenLoopRun, rampMs: number, stallMs = 15_000): Promise<DeliveredStep> {
  const { t0, scheduled, injected } = run;
  const count = scheduled.length;
  const received = await receiver.waitForRange(from, from + count, stallMs);
  const receivedAt = await receiver.receivedAt(from, from + count);
  const lastReceipt = Math.max(...receivedAt.filter((x): x is number => x !== null));
  const latency = receivedAt.flatMap((at, k) => (at === null ? [] : [at - scheduled[k]]));
  const steady = receivedAt.flatMap((at, k) => (at === null || scheduled[k] - t0 < rampMs ? [] : [at - scheduled[k]]));
  return {
    messages: count,
    injectedPerSec: round(count / ((run.injectEnd - t0) / 1000), 1),
    achievedPerSec: round(received / ((lastReceipt - t0) / 1000), 1),
    lost: count - received,
    scheduledToWebhookMs: dist(latency),
    steadyScheduledToWebhookMs: steady.length ? dist(steady) : null,
    injectedToWebhookMs: dist(receivedAt.flatMap((at, k) => (at === null ? [] : [at - injected[k]]))),
    startedAt: new Date(t0).toISOString(),
    injectionTimeline: timeline(scheduled.map((at, k) => ({ offset: at - t0, latency: injected[k] - at }))),
    timeline: timeline(scheduled.map((at, k) => ({ offset: at - t0, latency: receivedAt[k] === null ? null : receivedAt[k]! - at }))),
  };
}

function timeline(points: { offset: number; latency: number | null }[]): LatencyWindow[] {
  const windows = new Map<number, number[]>();
  for (const { offset, latency } of points) {
    if (latency === null) continue;
    const w = Math.floor(offset / TIMELINE_WINDOW_MS);
    const xs = windows.get(w);
    if (xs) xs.push(latency);
    else windows.set(w, [latency]);
  }
  return [...windows]
    .sort((a, b) => a[0] - b[0])
    .map(([w, xs]) => {
      const d = dist(xs);
      return { fromMs: w * TIMELINE_WINDOW_MS, n: d.n, p99: d.p99, max: d.max };
    });
}

/** Scheduled → stored in the gateway's database (Baileys plus the instance's event handling; the rest is publish and delivery). */
export async function scheduledToStored(db: TestDatabase, from: number, scheduled: number[]): Promise<Dist & { timeline: LatencyWindow[] }> {
  const stored = await db.query<{ n: string; at: number }>(
    `SELECT substr("keyId", 3) AS n, extract(epoch FROM "createdAt" AT TIME ZONE current_setting('TimeZone')) * 1000 AS at
     FROM "Message" WHERE "keyId" = ANY($1::text[])`,
    [Array.from({ length: scheduled.length }, (_, k) => `IB${from + k}`)],
  );
  const points = stored.map((r) => ({ offset: scheduled[Number(r.n) - from] - scheduled[0], latency: Number(r.at) - scheduled[Number(r.n) - from] }));
  return { ...dist(points.map((p) => p.latency)), timeline: timeline(points) };
}

/** Where the time went between storing a step's messages and their webhooks, stage by stage. */
export interface DeliveryStages {
  /** Message INSERT started -> its outbox (WebhookDelivery) INSERT started: the gateway's event path, routing and producer. */
  storedToOutboxMs: Dist;
  /** Outbox INSERT started -> first POST started: the Redis dispatch and the worker picking the job up. */
  outboxToFirstPostMs: Dist;
  /** First POST started -> answered, for deliveries that succeeded at once. */
  firstPostMs: Dist;
  /** Outbox INSERT statements of the step (transactions) and their rows, and the gap between two of them. */
  outboxInserts: { statements: number; rowsPerStatement: number; gapMs: Dist };
}

/**
 * Reads the stages of `messages.upsert` deliveries back from the database: those of the step's
 * messages scheduled after the ramp (message k of the step has key id IB<from+k>), as the steady
 * latency figure counts them. Times are the database's transaction starts (now() in the session's
 * time zone) and the worker's clock (stored in UTC); one machine, one clock.
 */
export async function deliveryStages(db: TestDatabase, from: number, scheduled: number[], rampMs: number): Promise<DeliveryStages> {
  const keyIds = scheduled.flatMap((at, k) => (at - scheduled[0] >= rampMs ? [`IB${from + k}`] : []));
  const rows = await db.query<{ stored: number; outbox: number; post: number | null; answered: number | null }>(
    `WITH m AS (
       SELECT "instanceId", "keyId", "createdAt", "createdAt" AT TIME ZONE current_setting('TimeZone') AS stored
         FROM "Message" WHERE "keyId" = ANY($1::text[])
     ), d AS (
       SELECT w."instanceId", w."body"::json->'data'->'key'->>'id' AS key_id,
              w."createdAt" AT TIME ZONE current_setting('TimeZone') AS outbox,
              COALESCE((SELECT min(a."startedAt") FROM "WebhookAttempt" a WHERE a."deliveryId" = w."id"), w."lastAttemptAt") AT TIME ZONE 'UTC' AS post,
              CASE WHEN w."attempts" = 1 AND w."status" = 'delivered' THEN w."deliveredAt" AT TIME ZONE 'UTC' END AS answered
         FROM "WebhookDelivery" w
        WHERE w."event" = 'MESSAGES_UPSERT' AND w."instanceId" IN (SELECT DISTINCT "instanceId" FROM m)
          AND w."createdAt" >= (SELECT min("createdAt") FROM m)
     )
     SELECT extract(epoch FROM m.stored) * 1000 AS stored, extract(epoch FROM d.outbox) * 1000 AS outbox,
            extract(epoch FROM d.post) * 1000 AS post, extract(epoch FROM d.answered) * 1000 AS answered
       FROM m JOIN d ON d."instanceId" = m."instanceId" AND d.key_id = m."keyId"`,
    [keyIds],
  );
  const outboxStarts = [...new Set(rows.map((r) => Number(r.outbox)))].sort((a, b) => a - b);
  return {
    storedToOutboxMs: dist(rows.map((r) => Number(r.outbox) - Number(r.stored))),
    outboxToFirstPostMs: dist(rows.filter((r) => r.post !== null).map((r) => Number(r.post) - Number(r.outbox))),
    firstPostMs: dist(rows.filter((r) => r.answered !== null && r.post !== null).map((r) => Number(r.answered) - Number(r.post))),
    outboxInserts: {
      statements: outboxStarts.length,
      rowsPerStatement: round(rows.length / Math.max(1, outboxStarts.length), 1),
      gapMs: dist(outboxStarts.slice(1).map((t, i) => t - outboxStarts[i])),
    },
  };
}
