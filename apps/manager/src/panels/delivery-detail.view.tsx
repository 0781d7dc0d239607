import { useEffect, useState } from 'preact/hooks';
import { seg } from '../api/api-client';
import type { DeliveryDetail } from '../api/api.types';
import { JsonTree } from '../components/json-tree';
import { Notice } from '../components/notice';
import { useSession } from '../session.context';
import { formatTime } from '../util/format.util';

/** The log stores the exact body that was sent (a JSON string); shown as a tree when it parses. */
function parsedPayload(payload: unknown): unknown {
  if (typeof payload !== 'string') return payload;
  try {
    return JSON.parse(payload);
  } catch {
    return payload;
  }
}

/** One delivery: its payload, every attempt (status code, latency, error) and "redeliver". */
export function DeliveryDetailView({ name, id, onRedelivered }: { name: string; id: string; onRedelivered: () => void }) {
  const { api } = useSession();
  const [detail, setDetail] = useState<DeliveryDetail | null>(null);
  const [error, setError] = useState('');
  const path = `/webhook/deliveries/${seg(name)}/${encodeURIComponent(id)}`;

  useEffect(() => {
    api
      .get<DeliveryDetail>(path)
      .then(setDetail)
      .catch((e: Error) => setError(e.message));
  }, [api, path]);

  const redeliver = async () => {
    setError('');
    try {
      await api.post(`${path}/redeliver`);
      onRedelivered();
    } catch (err) {
      setError((err as Error).message);
    }
  };

  if (!detail) return <Notice kind={error ? 'error' : 'info'}>{error || 'Loading the delivery…'}</Notice>;
  return (
    <section class="card delivery-detail" aria-label="Delivery" data-delivery-detail={detail.id}>
      <h2>
        {detail.event} <span class={`badge delivery-${detail.status}`}>{detail.status}</span>
      </h2>
      <p class="sub">
        {detail.url} · created {formatTime(detail.createdAt)}
        {detail.deliveredAt ? ` · delivered ${formatTime(detail.deliveredAt)}` : ''}
      </p>
      <button type="button" class="primary" onClick={redeliver}>
        Redeliver
      </button>
      <Notice kind="error">{error}</Notice>
      <h3>Attempts</h3>
      {detail.attemptLog.length === 0 ? (
        <p class="empty">No attempt yet.</p>
      ) : (
        <div class="table-wrap">
          <table class="attempts">
            <thead>
              <tr>
                <th scope="col" class="num">#</th>
                <th scope="col">Started</th>
                <th scope="col" class="num">Status code</th>
                <th scope="col" class="num">Latency</th>
                <th scope="col">Error</th>
              </tr>
            </thead>
            <tbody>
              {detail.attemptLog.map((a) => (
                <tr key={a.attempt} data-attempt={a.attempt}>
                  <td class="num">{a.attempt}</td>
                  <td>{formatTime(a.startedAt)}</td>
                  <td class="num">{a.statusCode ?? '—'}</td>
                  <td class="num">{a.latencyMs === null ? '—' : `${a.latencyMs} ms`}</td>
                  <td class="wrap">{a.error ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h3>Payload</h3>
      <div class="json">
        <JsonTree value={parsedPayload(detail.payload)} openDepth={3} />
      </div>
    </section>
  );
}
