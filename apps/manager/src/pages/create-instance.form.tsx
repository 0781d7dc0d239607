import { useState } from 'preact/hooks';
import type { CreatedInstance } from '../api/api.types';
import { Notice } from '../components/notice';
import { instanceHref, navigate } from '../router';
import { useSession } from '../session.context';

/** Create: a name, optionally a number (link with a pairing code) and a webhook URL. Global key only. */
export function CreateInstanceForm() {
  const { api } = useSession();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [number, setNumber] = useState('');
  const [webhook, setWebhook] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  if (!open) {
    return (
      <button type="button" class="primary" onClick={() => setOpen(true)}>
        New instance
      </button>
    );
  }

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      const body = {
        instanceName: name,
        ...(number.trim() ? { number: number.trim() } : {}),
        ...(webhook.trim() ? { webhook: { url: webhook.trim(), enabled: true } } : {}),
      };
      const created = await api.post<CreatedInstance>('/instance/create', body);
      navigate(instanceHref(created.instance.instanceName));
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card create" onSubmit={submit} aria-label="New instance">
      <label>
        Name <input name="instanceName" required value={name} onInput={(e) => setName(e.currentTarget.value)} autoFocus />
      </label>
      <label>
        Phone number <span class="hint">(optional: link with a pairing code instead of a QR)</span>
        <input name="number" inputMode="tel" placeholder="5511999999999" value={number} onInput={(e) => setNumber(e.currentTarget.value)} />
      </label>
      <label>
        Webhook URL <span class="hint">(optional)</span>
        <input name="webhook" type="url" placeholder="https://example.com/hooks/wa" value={webhook} onInput={(e) => setWebhook(e.currentTarget.value)} />
      </label>
      <div class="actions">
        <button type="submit" class="primary" disabled={busy || !name}>
          {busy ? 'Creating…' : 'Create'}
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
      <Notice kind="error">{error}</Notice>
    </form>
  );
}
