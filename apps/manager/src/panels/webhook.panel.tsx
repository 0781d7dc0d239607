import { useEffect, useState } from 'preact/hooks';
import { seg } from '../api/api-client';
import type { WebhookRow } from '../api/api.types';
import { Notice } from '../components/notice';
import { useSession } from '../session.context';
import { EventChecklist } from './event-checklist';
import { HeadersEditor, HeaderPair, toHeaderPairs, toHeaders } from './headers-editor';
import { SecretControls } from './secret-controls';

interface WebhookForm {
  url: string;
  enabled: boolean;
  byEvents: boolean;
  base64: boolean;
  ordered: boolean;
  events: string[];
  headers: HeaderPair[];
}

const fromRow = (w: WebhookRow | null): WebhookForm => ({
  url: w?.url ?? '',
  enabled: w?.enabled ?? true,
  byEvents: w?.webhookByEvents ?? false,
  base64: w?.webhookBase64 ?? false,
  ordered: w?.ordered ?? false,
  events: w?.events ?? [],
  headers: toHeaderPairs(w?.headers),
});

/** The instance's (primary) webhook, through Evolution's /webhook/set and /webhook/find. */
export function WebhookPanel({ name }: { name: string }) {
  const { api } = useSession();
  const [row, setRow] = useState<WebhookRow | null | undefined>(undefined);
  const [form, setForm] = useState<WebhookForm>(fromRow(null));
  const [result, setResult] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [secret, setSecret] = useState('');

  useEffect(() => {
    api
      .get<WebhookRow | null>(`/webhook/find/${seg(name)}`)
      .then((w) => (setRow(w), setForm(fromRow(w))))
      .catch((e: Error) => setResult({ kind: 'error', text: e.message }));
  }, [api, name]);

  const save = async (generateSecret: boolean) => {
    setResult(null);
    setSecret('');
    try {
      const { url, enabled, byEvents, base64, ordered, events, headers } = form;
      const saved = await api.post<WebhookRow>(`/webhook/set/${seg(name)}`, {
        webhook: { url, enabled, byEvents, base64, ordered, events, headers: toHeaders(headers), ...(generateSecret ? { generateSecret: true } : {}) },
      });
      setRow(saved);
      if (saved.secret) setSecret(saved.secret);
      setResult({ kind: 'ok', text: 'Webhook saved.' });
    } catch (err) {
      setResult({ kind: 'error', text: (err as Error).message });
    }
  };

  if (row === undefined) return <Notice kind={result ? 'error' : 'info'}>{result?.text ?? 'Loading the webhook…'}</Notice>;
  const set = (patch: Partial<WebhookForm>) => setForm({ ...form, ...patch });

  return (
    <form
      class="card"
      aria-label="Webhook"
      onSubmit={(e) => {
        e.preventDefault();
        void save(false);
      }}
    >
      {row?.disabledAt && <Notice kind="error">Switched off: {row.disabledReason ?? 'failing'}. Saving turns it back on.</Notice>}
      <label>
        URL <input name="url" type="url" value={form.url} onInput={(e) => set({ url: e.currentTarget.value })} placeholder="https://example.com/hooks/wa" />
      </label>
      <fieldset>
        <legend>Delivery</legend>
        <label class="check">
          <input type="checkbox" name="enabled" checked={form.enabled} onChange={(e) => set({ enabled: e.currentTarget.checked })} /> Enabled
        </label>
        <label class="check">
          <input type="checkbox" name="byEvents" checked={form.byEvents} onChange={(e) => set({ byEvents: e.currentTarget.checked })} /> One URL per event (url/
          <code>messages-upsert</code>…)
        </label>
        <label class="check">
          <input type="checkbox" name="base64" checked={form.base64} onChange={(e) => set({ base64: e.currentTarget.checked })} /> Media as base64
        </label>
        <label class="check">
          <input type="checkbox" name="ordered" checked={form.ordered} onChange={(e) => set({ ordered: e.currentTarget.checked })} /> Ordered delivery (per chat)
        </label>
      </fieldset>
      <EventChecklist selected={form.events} onChange={(events) => set({ events })} />
      <HeadersEditor pairs={form.headers} onChange={(headers) => set({ headers })} />
      <div class="actions">
        <button type="submit" class="primary">
          Save webhook
        </button>
        {!row?.signed && (
          <button type="button" onClick={() => void save(true)}>
            Save and generate a signing secret
          </button>
        )}
      </div>
      {result && <Notice kind={result.kind}>{result.text}</Notice>}
      {row?.signed && <SecretControls name={name} onRotated={setSecret} />}
      {secret && (
        <p class="secret" role="status">
          Signing secret (shown once, store it now): <code data-secret>{secret}</code>
        </p>
      )}
    </form>
  );
}
