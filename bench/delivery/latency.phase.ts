/** Phase "latency": events published at a fixed rate (open loop), event->delivery and enqueued->delivery. */
import type { GatewayEvent } from '@gw/events';
import type { ReceiverDump } from './receiver';
import { dist, now, round } from '../support/bench.util';
import { type Ctx, drained, event } from './bench-context';
import { instancePublisher } from './pipeline.phase';

export async function runLatency(ctx: Ctx, phase: string, rate: number, seconds: number, mode: 'chain' | 'parallel') {
  const total = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const scheduled = new Float64Array(total);
  const resolved = new Float64Array(total);
  const publishMs: number[] = [];
  const inflight = new Set<Promise<void>>();
  const instance = instancePublisher(ctx.sink);
  const publishOne = async (n: number) => {
    const called = now();
    await (mode === 'chain' ? instance : (e: GatewayEvent) => ctx.sink.publish(e))(event(ctx, phase, n));
    resolved[n] = now();
    publishMs.push(resolved[n] - called);
  };
  const start = now() + 20;
  let i = 0;
  let maxLagMs = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const t = now();
      while (i < total && start + i * interval <= t) {
        const n = i++;
        scheduled[n] = start + n * interval;
        maxLagMs = Math.max(maxLagMs, t - scheduled[n]);
        const p = publishOne(n).finally(() => inflight.delete(p));
        inflight.add(p);
      }
      if (i >= total) return resolve();
      setTimeout(tick, Math.max(0, start + i * interval - now() - 0.5));
    };
    tick();
  });
  const lastScheduled = now();
  await Promise.all(inflight);
  await ctx.receiver.waitFor(phase, total);
  await drained(ctx);
  const { receivedAt } = await ctx.receiver.call<ReceiverDump>({ cmd: 'dump', phase });
  const e2d: number[] = [];
  const q2d: number[] = [];
  for (let n = 0; n < total; n++) {
    const at = receivedAt[n];
    if (at == null) continue;
    e2d.push(at - scheduled[n]);
    q2d.push(at - resolved[n]);
  }
  return {
    rate,
    seconds,
    events: total,
    publish: mode,
    achievedRate: Math.round(total / ((lastScheduled - start) / 1000)),
    schedulerMaxLagMs: round(maxLagMs),
    /** scheduled publish time -> receipt at the receiver (includes publish()). */
    eventToDeliveryMs: dist(e2d),
    /** publish() resolved, i.e. job in Redis -> receipt. */
    enqueuedToDeliveryMs: dist(q2d),
    publishCallMs: dist(publishMs),
  };
}
