import { useEffect, useState } from 'preact/hooks';
import type { ConnectionState, InstanceRow, LoggedEvent } from '../api/api.types';
import { InstanceEventStream, StreamStatus } from '../api/event-stream';
import { seg } from '../api/api-client';
import { Notice } from '../components/notice';
import { StateBadge } from '../components/state-badge';
import { ConnectPanel } from '../panels/connect.panel';
import { DeliveriesPanel } from '../panels/deliveries.panel';
import { MonitorPanel } from '../panels/monitor.panel';
import { SendPanel } from '../panels/send.panel';
import { SettingsPanel } from '../panels/settings.panel';
import { WebhookPanel } from '../panels/webhook.panel';
import { instanceHref } from '../router';
import { useSession } from '../session.context';
import { phoneOf } from '../util/format.util';
import { InstanceActions } from './instance-actions';

const TABS: [string, string][] = [
  ['connect', 'Connection'],
  ['events', 'Live events'],
  ['deliveries', 'Deliveries'],
  ['webhook', 'Webhook'],
  ['settings', 'Settings'],
  ['send', 'Test send'],
];
/** The monitor keeps this many events (newest first); older ones drop off. */
const EVENT_LOG_SIZE = 300;

/** One instance: its stream is opened here, once, so every tab (and the monitor's log) shares it. */
export function InstancePage({ name, tab }: { name: string; tab: string }) {
  const { api, session } = useSession();
  const [row, setRow] = useState<InstanceRow | null>(null);
  const [error, setError] = useState('');
  const [stream, setStream] = useState<InstanceEventStream | null>(null);
  const [streamStatus, setStreamStatus] = useState<StreamStatus>({ state: 'connecting' });
  const [events, setEvents] = useState<LoggedEvent[]>([]);

  const load = () =>
    api
      .get<InstanceRow[]>(`/instance/fetchInstances?instanceName=${seg(name)}`)
      .then(([r]) => (setRow(r ?? null), setError(r ? '' : `Instance "${name}" not found`)))
      .catch((e: Error) => setError(e.message));

  useEffect(() => {
    void load();
    const s = new InstanceEventStream(name, session.key);
    let seq = 0;
    const offStatus = s.onStatus(setStreamStatus);
    s.subscribe((e) => {
      setEvents((prev) => [{ envelope: e, receivedAt: Date.now(), seq: ++seq }, ...prev].slice(0, EVENT_LOG_SIZE));
      if (e.event === 'connection.update') {
        const data = e.data as { state: ConnectionState; profileName?: string; wuid?: string };
        setRow((r) => (r ? { ...r, connectionStatus: data.state, profileName: data.profileName ?? r.profileName, ownerJid: data.wuid ?? r.ownerJid } : r));
      }
    });
    setStream(s);
    return () => (offStatus(), s.close());
  }, [name, session.key]);

  if (error && !row) {
    return (
      <main>
        <Notice kind="error">{error}</Notice>
        <a href="#/">Back to the instances</a>
      </main>
    );
  }
  if (!row || !stream) return <main class="empty">Loading…</main>;

  return (
    <main>
      <div class="page-head">
        <h1>
          {row.name} <StateBadge state={row.connectionStatus} />
        </h1>
        <p class="sub">
          {row.profileName ?? 'No profile yet'} · {phoneOf(row.ownerJid) ?? row.number ?? 'not linked'}
        </p>
      </div>
      {streamStatus.state === 'failed' && <Notice kind="error">Live updates unavailable: {streamStatus.reason}</Notice>}
      <InstanceActions row={row} onChanged={load} />
      <nav class="tabs" aria-label="Instance sections">
        {TABS.map(([id, label]) => (
          <a key={id} href={instanceHref(name, id)} aria-current={tab === id ? 'page' : undefined}>
            {label}
          </a>
        ))}
      </nav>
      <section class="panel" aria-label={TABS.find(([id]) => id === tab)?.[1]}>
        {tab === 'connect' && <ConnectPanel row={row} stream={stream} />}
        {tab === 'events' && <MonitorPanel events={events} onClear={() => setEvents([])} />}
        {tab === 'deliveries' && <DeliveriesPanel name={name} />}
        {tab === 'webhook' && <WebhookPanel name={name} />}
        {tab === 'settings' && <SettingsPanel name={name} />}
        {tab === 'send' && <SendPanel name={name} />}
      </section>
    </main>
  );
}
