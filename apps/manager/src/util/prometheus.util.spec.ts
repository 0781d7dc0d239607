import { parseQueueFigures } from './prometheus.util';

describe('parseQueueFigures', () => {
  it('adds up the pending states and reads the oldest age, ignoring failed jobs and other series', () => {
    const text = [
      '# HELP webhook_queue_depth Delivery jobs in the queue by state',
      '# TYPE webhook_queue_depth gauge',
      'webhook_queue_depth{state="waiting"} 3',
      'webhook_queue_depth{state="delayed"} 2',
      'webhook_queue_depth{state="active"} 1',
      'webhook_queue_depth{state="failed"} 40',
      'webhook_oldest_pending_age_seconds 12.5',
      'webhook_deliveries_total{event="MESSAGES_UPSERT",outcome="delivered"} 9',
    ].join('\n');
    expect(parseQueueFigures(text)).toEqual({ depth: 6, oldestPendingAgeSeconds: 12.5 });
  });

  it('reads nothing as an empty queue', () => {
    expect(parseQueueFigures('')).toEqual({ depth: 0, oldestPendingAgeSeconds: 0 });
  });
});
