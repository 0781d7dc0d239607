import { useEffect, useState } from 'preact/hooks';
import type { ConnectionState, InstanceRow } from '../api/api.types';
import { InstanceEventStream } from '../api/event-stream';
import { Notice } from '../components/notice';
import { SelectFilter } from '../components/select-filter';
import { StateBadge } from '../components/state-badge';
import { instanceHref } from '../router';
import { useSession } from '../session.context';
import { phoneOf } from '../util/format.util';
import { CreateInstanceForm } from './create-instance.form';

const STATES: ConnectionState[] = ['open', 'connecting', 'close', 'refused'];
/** Live state for the first rows only: a long list still loads fast; the rest show their stored state. */
const LIVE_ROWS = 100;

/** Every instance the key sees, with its state kept live from the stream (connection.update). */
export function InstancesPage() {
  const { api, session } = useSession();
  const [rows, setRows] = useState<InstanceRow[] | null>(null);
  const [error, setError] = useState('');
  const [filter, setFilter] = useState('');
  const [state, setState] = useState('');

  const load = () =>
    api
      .get<InstanceRow[]>('/instance/fetchInstances')
      .then((r) => (setRows(r), setError('')))
      .catch((e: Error) => setError(e.message));
  useEffect(() => void load(), [api]);

  const names = rows?.slice(0, LIVE_ROWS).map((r) => r.name).join('\n') ?? '';
  useEffect(() => {
    if (!names) return;
    const streams = names.split('\n').map((name) => {
      const stream = new InstanceEventStream(name, session.key);
      stream.subscribe((e) => {
        if (e.event !== 'connection.update') return;
        const data = e.data as { state: ConnectionState; profileName?: string; wuid?: string };
        setRows((prev) =>
          prev?.map((r) =>
            r.name === name ? { ...r, connectionStatus: data.state, profileName: data.profileName ?? r.profileName, ownerJid: data.wuid ?? r.ownerJid } : r,
          ) ?? prev,
        );
      });
      return stream;
    });
    return () => streams.forEach((s) => s.close());
  }, [names, session.key]);

  const needle = filter.trim().toLowerCase();
  const shown = (rows ?? []).filter((r) => (!needle || r.name.toLowerCase().includes(needle)) && (!state || r.connectionStatus === state));

  return (
    <main>
      <div class="page-head">
        <h1>Instances</h1>
        {!session.instance && <CreateInstanceForm />}
      </div>
      <div class="filters" role="search">
        <label>
          Filter by name <input type="search" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
        </label>
        <SelectFilter label="State" name="state" value={state} options={STATES} onChange={setState} />
        <button type="button" onClick={load}>
          Refresh
        </button>
      </div>
      <Notice kind="error">{error}</Notice>
      {rows === null && !error && <p class="empty">Loading instances…</p>}
      {rows !== null && rows.length === 0 && <p class="empty">No instances yet. Create one to link a WhatsApp number.</p>}
      {rows !== null && rows.length > 0 && shown.length === 0 && <p class="empty">No instance matches the filter.</p>}
      {shown.length > 0 && (
        <div class="table-wrap">
          <table class="instances" data-loaded="true">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">State</th>
                <th scope="col">Profile</th>
                <th scope="col">Number</th>
                <th scope="col" class="num">Chats</th>
                <th scope="col" class="num">Contacts</th>
                <th scope="col" class="num">Messages</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((r) => (
                <tr key={r.id} data-instance={r.name}>
                  <th scope="row">
                    <a href={instanceHref(r.name)}>{r.name}</a>
                  </th>
                  <td>
                    <StateBadge state={r.connectionStatus} />
                  </td>
                  <td>{r.profileName ?? '—'}</td>
                  <td>{phoneOf(r.ownerJid) ?? r.number ?? '—'}</td>
                  <td class="num">{r._count.Chat}</td>
                  <td class="num">{r._count.Contact}</td>
                  <td class="num">{r._count.Message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </main>
  );
}
