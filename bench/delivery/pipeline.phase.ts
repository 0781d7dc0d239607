/** Phases "pipeline" and "fanout": events through EventSink.publish to the receiver. */
import type { EventSink, GatewayEvent } from '@gw/events';
import { now, round } from '../support/bench.util';
import { type Ctx, drained, event } from './bench-context';

/**
 * How one instance publishes (InstanceRuntime): events queued while a batch is being written go
 * out together as the next batch (`publishMany`); each caller resolves when its batch is written.
 */
export function instancePublisher(sink: EventSink): (e: GatewayEvent) => Promise<void> {
  let pending: { event: GatewayEvent; done: () => void }[] = [];
  let active = false;
  const loop = async () => {
    while (pending.length) {
      const batch = pending;
      pending = [];
      if (sink.publishMany) await sink.publishMany(batch.map((b) => b.event));
      else for (const b of batch) await sink.publish(b.event);
      for (const b of batch) b.done();
    }
    active = false;
  };
  return (event) =>
    new Promise<void>((done) => {
      pending.push({ event, done });
      if (!active) {
        active = true;
        void Promise.resolve().then(loop);
      }
    });
}

export async function runPipeline(ctx: Ctx, phase: string, count: number, publishers: number, deliveriesPerEvent = 1) {
  let next = 0;
  const start = now();
  if (publishers === 1) {
    // One instance: its events are produced as they come and batched as InstanceRuntime does (at most 500 unwritten).
    const publish = instancePublisher(ctx.sink);
    const inflight = new Set<Promise<void>>();
    for (let i = 0; i < count; i++) {
      const p = publish(event(ctx, phase, i)).finally(() => inflight.delete(p));
      inflight.add(p);
      if (inflight.size >= 500) await Promise.race(inflight);
    }
    await Promise.all(inflight);
  } else {
    await Promise.all(
      Array.from({ length: publishers }, async () => {
        for (;;) {
          const i = next++;
          if (i >= count) return;
          await ctx.sink.publish(event(ctx, phase, i));
        }
      }),
    );
  }
  const publishedAt = now();
  const deliveries = count * deliveriesPerEvent;
  const s = await ctx.receiver.waitFor(phase, deliveries);
  await drained(ctx);
  const seconds = (s.lastReceipt - start) / 1000;
  return {
    publishers,
    events: count,
    deliveries,
    seconds: round(seconds, 3),
    eventsPerSec: Math.round(count / seconds),
    deliveriesPerSec: Math.round(deliveries / seconds),
    /** How fast publish() took events in (route + sequence + attempt-log insert + queue add). */
    publishPerSec: Math.round(count / ((publishedAt - start) / 1000)),
    duplicates: s.attempts - s.unique,
  };
}
