/** --diag: the pipeline's stages timed by wrapping their methods, and the SQL statements sent. */
import type { INestApplicationContext } from '@nestjs/common';
import { AttemptLogWriter, DeliveryProcessor, DeliveryProducer, SigningConfigCache, WebhookAttempts, WebhookRouter } from '@gw/delivery';
import { DeliveryLogRepository } from '@gw/persistence';
import { Dist, dist, now } from '../support/bench.util';

export type Timings = Record<string, number[]>;

/** Wraps `obj[method]` (async) so each call's duration (and optionally a size) is recorded. */
function timeMethod(timings: Timings, name: string, obj: object, method: string, size?: (args: unknown[]) => number) {
  const target = obj as Record<string, (...a: unknown[]) => Promise<unknown>>;
  const original = target[method].bind(obj);
  target[method] = async (...args: unknown[]) => {
    const t = now();
    try {
      return await original(...args);
    } finally {
      (timings[name] ??= []).push(now() - t);
      if (size) (timings[`${name}.size`] ??= []).push(size(args));
    }
  };
}

export function installDiag(app: INestApplicationContext): Timings {
  const timings: Timings = {};
  const repo = app.get(DeliveryLogRepository);
  timeMethod(timings, 'attemptLog.insertDeliveries (publish)', repo, 'insertDeliveries', (a) => (a[0] as unknown[]).length);
  timeMethod(timings, 'attemptLog.recordAttempts (group commit)', repo, 'recordAttempts', (a) => (a[0] as unknown[]).length);
  timeMethod(timings, 'router.publish', app.get(WebhookRouter), 'publish');
  timeMethod(timings, 'producer.enqueue', app.get(DeliveryProducer), 'enqueue');
  const processor = app.get(DeliveryProcessor);
  timeMethod(timings, 'worker job (process)', processor, 'process');
  timeMethod(timings, 'http POST (sender.post)', app.get(WebhookAttempts).sender, 'post');
  timeMethod(timings, 'job waits for attempt-log flush', app.get(AttemptLogWriter), 'flush');
  timeMethod(timings, 'signing config (cached)', app.get(SigningConfigCache), 'get');
  // Every SQL statement the process sends, by its first words (what Prisma turns each call into).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pg = require('pg') as { Client: { prototype: { query: (...a: unknown[]) => unknown } } };
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
    const first = args[0] as string | { text?: string } | undefined;
    const text = typeof first === 'string' ? first : first?.text ?? '?';
    sqlCounts.set(text.replace(/\s+/g, ' ').slice(0, 70), (sqlCounts.get(text.replace(/\s+/g, ' ').slice(0, 70)) ?? 0) + 1);
    return query.apply(this, args);
  };
  return timings;
}
const sqlCounts = new Map<string, number>();

export function summariseDiag(timings: Timings) {
  const out: Record<string, Dist & { totalMs: number }> = {};
  for (const [k, xs] of Object.entries(timings)) out[k] = { ...dist(xs), totalMs: Math.round(xs.reduce((s, x) => s + x, 0)) };
  for (const xs of Object.values(timings)) xs.length = 0;
  const sql = Object.fromEntries([...sqlCounts].sort((a, b) => b[1] - a[1]).slice(0, 12));
  sqlCounts.clear();
  return { ...out, sqlStatements: sql };
}
