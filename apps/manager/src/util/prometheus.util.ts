/** The delivery queue figures the manager shows, read from /metrics (Prometheus text format). */
export interface QueueFigures {
  depth: number;
  oldestPendingAgeSeconds: number;
}

/** Sums `webhook_queue_depth` over its states (waiting, delayed, active) and reads the oldest age. */
export function parseQueueFigures(text: string): QueueFigures {
  let depth = 0;
  let oldest = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^(\w+)(\{[^}]*\})?\s+([-+\d.eE]+|NaN)/.exec(line);
    if (!m) continue;
    const value = Number(m[3]);
    if (!Number.isFinite(value)) continue;
    if (m[1] === 'webhook_queue_depth' && !/state="(completed|failed)"/.test(m[2] ?? '')) depth += value;
    if (m[1] === 'webhook_oldest_pending_age_seconds') oldest = Math.max(oldest, value);
  }
  return { depth, oldestPendingAgeSeconds: oldest };
}
