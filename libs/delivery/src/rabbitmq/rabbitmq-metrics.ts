import { Counter, Gauge, Registry } from 'prom-client';

/** RabbitMQ delivery metrics, on the delivery registry so /metrics shows them next to the webhook ones. */
export class RabbitmqMetrics {
  readonly published: Counter<'outcome' | 'event'>;
  readonly connected: Gauge;

  constructor(registry: Registry, connected: () => boolean, pending: () => Promise<{ count: number; oldestAgeSeconds: number } | null>) {
    this.published = new Counter({
      name: 'rabbitmq_deliveries_total',
      help: 'RabbitMQ publish attempts by outcome (delivered = acked by the broker; retry = nacked, unconfirmed or broker away)',
      labelNames: ['outcome', 'event'] as const,
      registers: [registry],
    });
    this.connected = new Gauge({
      name: 'rabbitmq_connected',
      help: '1 while the publisher holds a confirm channel to the broker',
      registers: [registry],
      collect() {
        this.set(connected() ? 1 : 0);
      },
    });
    new Gauge({
      name: 'rabbitmq_pending_deliveries',
      help: 'RabbitMQ deliveries waiting in the outbox (Postgres)',
      registers: [registry],
      async collect() {
        const s = await pending();
        this.set(s ? s.count : Number.NaN);
      },
    });
    new Gauge({
      name: 'rabbitmq_oldest_pending_age_seconds',
      help: 'Age of the oldest RabbitMQ delivery still waiting in the outbox',
      registers: [registry],
      async collect() {
        const s = await pending();
        this.set(s ? s.oldestAgeSeconds : Number.NaN);
      },
    });
  }
}
