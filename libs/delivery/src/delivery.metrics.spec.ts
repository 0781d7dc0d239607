import { Logger } from '@nestjs/common';
import { DeliveryMetrics, type QueueSnapshot, webhookOrigin } from './delivery.metrics';

/** The value of one exposition line, matched by metric name and exact label set. */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('DeliveryMetrics', () => {
  let metrics: DeliveryMetrics;

  beforeEach(() => {
    metrics = new DeliveryMetrics();
  });
  afterEach(() => metrics.onModuleDestroy());

  it('exposes attempts by outcome and event, with durations', async () => {
    metrics.recordAttempt('MESSAGES_UPSERT', 'delivered', 0.004, 'https://hooks.example.com/a');
    metrics.recordAttempt('MESSAGES_UPSERT', 'delivered', 0.2, 'https://hooks.example.com/a');
    metrics.recordAttempt('QRCODE_UPDATED', 'retry', 12, 'https://hooks.example.com/a');
    metrics.recordAttempt('QRCODE_UPDATED', 'refused', 0.001, 'http://169.254.169.254/x');
    const text = await metrics.metrics();

    expect(sample(text, 'webhook_deliveries_total', 'outcome="delivered",event="MESSAGES_UPSERT"')).toBe(2);
    expect(sample(text, 'webhook_deliveries_total', 'outcome="retry",event="QRCODE_UPDATED"')).toBe(1);
    expect(sample(text, 'webhook_deliveries_total', 'outcome="refused",event="QRCODE_UPDATED"')).toBe(1);
    expect(sample(text, 'webhook_attempt_duration_seconds_count', 'outcome="delivered"')).toBe(2);
    expect(sample(text, 'webhook_attempt_duration_seconds_sum', 'outcome="delivered"')).toBeCloseTo(0.204);
    expect(sample(text, 'webhook_attempt_duration_seconds_bucket', 'le="0.005",outcome="delivered"')).toBe(1);
    expect(sample(text, 'webhook_attempt_duration_seconds_bucket', 'le="0.001",outcome="refused"')).toBe(1);
    expect(sample(text, 'webhook_attempt_duration_seconds_bucket', 'le="10",outcome="retry"')).toBe(0);
    expect(sample(text, 'webhook_attempt_duration_seconds_bucket', 'le="15",outcome="retry"')).toBe(1);
    expect(sample(text, 'webhook_attempt_duration_seconds_bucket', 'le="30",outcome="retry"')).toBe(1);
  });

  it('counts failures per origin only, never the path or query', async () => {
    metrics.recordAttempt('SEND_MESSAGE', 'retry', 1, 'https://user:pw@n8n.example.com/webhook/abc?token=s3cret');
    metrics.recordAttempt('SEND_MESSAGE', 'gone', 1, 'https://n8n.example.com/webhook/other');
    metrics.recordAttempt('SEND_MESSAGE', 'failed', 1, 'http://10.0.0.5:5678/hook');
    metrics.recordAttempt('SEND_MESSAGE', 'delivered', 1, 'http://ok.example.com/hook');
    const text = await metrics.metrics();

    expect(sample(text, 'webhook_failures_total', 'webhook="https://n8n.example.com:443"')).toBe(2);
    expect(sample(text, 'webhook_failures_total', 'webhook="http://10.0.0.5:5678"')).toBe(1);
    expect(text).not.toContain('ok.example.com');
    expect(text).not.toContain('s3cret');
    expect(text).not.toContain('/webhook');
    expect(text).not.toContain('pw@');
  });

  it('asks the queue probe on each scrape, once for both gauges', async () => {
    const snap: QueueSnapshot = { waiting: 7, delayed: 3, active: 2, failed: 1, oldestPendingAgeSeconds: 42.5 };
    const probe = jest.fn(async () => snap);
    metrics.setQueueProbe(probe);
    expect(probe).not.toHaveBeenCalled();

    let text = await metrics.metrics();
    expect(probe).toHaveBeenCalledTimes(1);
    expect(sample(text, 'webhook_queue_depth', 'state="waiting"')).toBe(7);
    expect(sample(text, 'webhook_queue_depth', 'state="delayed"')).toBe(3);
    expect(sample(text, 'webhook_queue_depth', 'state="active"')).toBe(2);
    expect(sample(text, 'webhook_queue_depth', 'state="failed"')).toBe(1);
    expect(sample(text, 'webhook_oldest_pending_age_seconds')).toBe(42.5);

    snap.waiting = 0;
    snap.oldestPendingAgeSeconds = 0;
    text = await metrics.metrics();
    expect(probe).toHaveBeenCalledTimes(2);
    expect(sample(text, 'webhook_queue_depth', 'state="waiting"')).toBe(0);
    expect(sample(text, 'webhook_oldest_pending_age_seconds')).toBe(0);
  });

  it('drops stale queue readings when the probe fails, and counts the failure', async () => {
    const probe = jest
      .fn<Promise<QueueSnapshot>, []>()
      .mockResolvedValueOnce({ waiting: 5, delayed: 0, active: 0, failed: 0, oldestPendingAgeSeconds: 9 })
      .mockRejectedValueOnce(new Error('redis down'));
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    metrics.setQueueProbe(probe);
    await metrics.metrics();
    const text = await metrics.metrics();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('redis down'));
    warn.mockRestore();
    expect(probe).toHaveBeenCalledTimes(2);

    expect(sample(text, 'webhook_queue_depth', 'state="waiting"')).toBeUndefined();
    expect(sample(text, 'webhook_oldest_pending_age_seconds')).toBeNaN();
    expect(sample(text, 'webhook_queue_probe_errors_total')).toBe(1);
  });

  it('includes default process metrics, on a registry of its own', async () => {
    const other = new DeliveryMetrics();
    other.recordAttempt('X', 'delivered', 0.01, 'http://a.test/');
    const text = await metrics.metrics();
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_heap_size_used_bytes');
    expect(text).not.toContain('event="X"');
    expect(metrics.contentType).toMatch(/^text\/plain/);
    other.onModuleDestroy();
  });
});

describe('webhookOrigin', () => {
  it('keeps scheme, host and port only', () => {
    expect(webhookOrigin('https://h.example/p?q=1#f')).toBe('https://h.example:443');
    expect(webhookOrigin('http://h.example/p')).toBe('http://h.example:80');
    expect(webhookOrigin('http://[::1]:8080/p')).toBe('http://[::1]:8080');
    expect(webhookOrigin('not a url')).toBe('invalid');
  });
});
