import { useEffect, useState } from 'preact/hooks';
import { apiBase } from '../api/api-client';
import { useSession } from '../session.context';
import { formatAge } from '../util/format.util';
import { QueueFigures, parseQueueFigures } from '../util/prometheus.util';

/** The delivery queue (all instances) from /metrics, which needs the global key. */
export function QueueFiguresLine() {
  const { api } = useSession();
  const [figures, setFigures] = useState<QueueFigures | null>(null);
  const [error, setError] = useState('');

  useEffect(() => {
    const read = () =>
      fetchMetrics(api.key)
        .then((text) => (setFigures(parseQueueFigures(text)), setError('')))
        .catch((e: Error) => setError(e.message));
    void read();
    const timer = setInterval(read, 5000);
    return () => clearInterval(timer);
  }, [api]);

  if (error) return <p class="hint">Queue figures unavailable: {error}</p>;
  if (!figures) return null;
  return (
    <p class="queue" role="status">
      Delivery queue (all instances): <strong>{figures.depth}</strong> waiting, delayed or in flight · oldest pending <strong>{formatAge(figures.oldestPendingAgeSeconds)}</strong>
    </p>
  );
}

async function fetchMetrics(apikey: string): Promise<string> {
  const res = await fetch(`${apiBase()}/metrics`, { headers: { apikey }, cache: 'no-store', credentials: 'omit' });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return res.text();
}
