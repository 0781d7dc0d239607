/** Phase "raw": the same signing code and HTTP client as the worker, no queue. */
import { standardWebhookHeaders } from '@gw/delivery';
import { buildEnvelope } from '@gw/events';
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'undici';
import { now, round } from '../support/bench.util';
import { type Ctx, event } from './bench-context';
import { CONCURRENCY } from './delivery-options';

/** The bodies the router would build (envelope + sequence), serialised up front. */
export function rawBodies(ctx: Ctx, phase: string, count: number) {
  return Array.from({ length: count }, (_, n) => {
    const envelope = { ...buildEnvelope(event(ctx, phase, n), ctx.hookUrl, ctx.config.server.url, null), sequence: n + 1 };
    return { id: `msg_${randomUUID().replace(/-/g, '')}`, body: JSON.stringify(envelope), sequence: n + 1 };
  });
}

/** One signed POST, as the worker sends it. */
export async function signedPost(ctx: Ctx, agent: Agent, { id, body, sequence }: { id: string; body: string; sequence: number }): Promise<boolean> {
  const signed = standardWebhookHeaders({ id, timestamp: Math.floor(Date.now() / 1000), body, secrets: [ctx.secret] });
  const res = await request(ctx.hookUrl, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', 'user-agent': 'wa-gateway-webhooks/1', 'webhook-sequence': String(sequence), ...signed },
    dispatcher: agent,
    headersTimeout: ctx.config.delivery.requestTimeoutMs,
    bodyTimeout: ctx.config.delivery.requestTimeoutMs,
  });
  await res.body.text();
  return res.statusCode === 200;
}

export async function runRaw(ctx: Ctx, phase: string, count: number) {
  const bodies = rawBodies(ctx, phase, count);
  // As WebhookHttpSender's default dispatcher.
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: 128 });
  let next = 0;
  let errors = 0;
  const start = now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (;;) {
        const i = next++;
        if (i >= count) return;
        if (!(await signedPost(ctx, agent, bodies[i]))) errors += 1;
      }
    }),
  );
  const s = await ctx.receiver.waitFor(phase, count);
  await agent.close();
  const seconds = (s.lastReceipt - start) / 1000;
  return { events: count, seconds: round(seconds, 3), deliveriesPerSec: Math.round(count / seconds), errors, bodyBytes: Buffer.byteLength(bodies[0].body) };
}
