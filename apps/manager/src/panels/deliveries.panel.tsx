import { useEffect, useState } from 'preact/hooks';
import { seg } from '../api/api-client';
import type { Delivery, DeliveryStatus } from '../api/api.types';
import { Notice } from '../components/notice';
import { SelectFilter } from '../components/select-filter';
import { useSession } from '../session.context';
import { formatTime, toLocalInput } from '../util/format.util';
import { DeliveryDetailView } from './delivery-detail.view';
import { QueueFiguresLine } from './queue-figures';
import { EVENT_NAMES } from '../../../../libs/events/src/event-catalogue';

const STATUSES: DeliveryStatus[] = ['pending', 'delivered', 'failed', 'refused', 'gone', 'too_large'];
/** The list is re-read this often while a delivery shown is pending, and otherwise. */
const PENDING_REFRESH_MS = 1500;
const IDLE_REFRESH_MS = 3000;

/** The delivery log of the instance: filter, open one (payload and attempts), redeliver. */
export function DeliveriesPanel({ name }: { name: string }) {
  const { api, session } = useSession();
  const [status, setStatus] = useState('');
  const [event, setEvent] = useState('');
  const [rows, setRows] = useState<Delivery[] | null>(null);
  const [error, setError] = useState('');
  const [openId, setOpenId] = useState<string | null>(null);
  const [since, setSince] = useState(() => toLocalInput(new Date(Date.now() - 3600_000)));
  const [notice, setNotice] = useState('');
  const [tick, setTick] = useState(0);

  const query = new URLSearchParams({ limit: '100', ...(status ? { status } : {}), ...(event ? { event } : {}) }).toString();
  useEffect(() => {
    let stale = false;
    api
      .get<{ deliveries: Delivery[] }>(`/webhook/deliveries/${seg(name)}?${query}`)
      .then((r) => !stale && (setRows(r.deliveries), setError('')))
      .catch((e: Error) => !stale && setError(e.message));
    return () => void (stale = true);
  }, [api, name, query, tick]);

  // New deliveries appear and pending ones settle without a click (quicker while some are pending).
  const pending = rows?.some((r) => r.status === 'pending');
  useEffect(() => {
    const timer = setTimeout(() => setTick((t) => t + 1), pending ? PENDING_REFRESH_MS : IDLE_REFRESH_MS);
    return () => clearTimeout(timer);
  }, [pending, rows, error]);

  const openRow = rows?.find((r) => r.id === openId);

  const redeliverFailed = async () => {
    setNotice('');
    try {
      const res = await api.post<{ count: number }>(`/webhook/deliveries/${seg(name)}/redeliver-failed`, { since: new Date(since).toISOString() });
      setNotice(`${res.count} failed deliver${res.count === 1 ? 'y' : 'ies'} queued again.`);
      setTick((t) => t + 1);
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <div class="deliveries">
      {!session.instance && <QueueFiguresLine />}
      <div class="filters" role="search">
        <SelectFilter label="Status" name="status" value={status} options={STATUSES} onChange={setStatus} />
        <SelectFilter label="Event" name="event" value={event} options={EVENT_NAMES} onChange={setEvent} />
        <button type="button" onClick={() => setTick((t) => t + 1)}>
          Refresh
        </button>
      </div>
      <div class="filters">
        <label>
          Failed since <input type="datetime-local" value={since} onInput={(e) => setSince(e.currentTarget.value)} />
        </label>
        <button type="button" onClick={redeliverFailed}>
          Redeliver all failed
        </button>
      </div>
      <Notice kind="ok">{notice}</Notice>
      <Notice kind="error">{error}</Notice>
      {rows?.length === 0 && <p class="empty">No deliveries{status || event ? ' match the filters' : ' yet'}.</p>}
      {rows && rows.length > 0 && (
        <div class="table-wrap">
          <table class="deliveries-table">
            <thead>
              <tr>
                <th scope="col">Status</th>
                <th scope="col">Event</th>
                <th scope="col">Created</th>
                <th scope="col" class="num">Attempts</th>
                <th scope="col" class="num">Last code</th>
                <th scope="col" class="num">Latency</th>
                <th scope="col">Last error</th>
                <th scope="col">Target</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id} data-delivery={r.id} data-status={r.status}>
                  <td>
                    <button type="button" class="link" aria-expanded={openId === r.id} onClick={() => setOpenId(openId === r.id ? null : r.id)}>
                      <span class={`badge delivery-${r.status}`}>{r.status}</span>
                    </button>
                  </td>
                  <td>{r.event}</td>
                  <td>{formatTime(r.createdAt)}</td>
                  <td class="num">{r.attempts}</td>
                  <td class="num">{r.lastStatusCode ?? '—'}</td>
                  <td class="num">{r.lastLatencyMs === null || r.lastLatencyMs === undefined ? '—' : `${r.lastLatencyMs} ms`}</td>
                  <td class="wrap">{r.lastError ?? '—'}</td>
                  <td class="wrap">{r.target === 'global' ? 'global webhook' : r.url}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {openId && (
        // re-read when the row changes (a retry, a redelivery), not on every refresh
        <DeliveryDetailView key={`${openId}:${openRow?.status}:${openRow?.attempts}`} name={name} id={openId} onRedelivered={() => setTick((t) => t + 1)} />
      )}
    </div>
  );
}
