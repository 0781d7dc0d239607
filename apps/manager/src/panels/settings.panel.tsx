import { useEffect, useState } from 'preact/hooks';
import { seg } from '../api/api-client';
import type { Settings } from '../api/api.types';
import { Notice } from '../components/notice';
import { useSession } from '../session.context';

const FLAGS: [keyof Settings, string][] = [
  ['rejectCall', 'Reject calls'],
  ['groupsIgnore', 'Ignore groups'],
  ['alwaysOnline', 'Always online'],
  ['readMessages', 'Mark messages read'],
  ['readStatus', 'Mark status updates read'],
  ['syncFullHistory', 'Sync full history (at the next link)'],
];

const DEFAULTS: Settings = { rejectCall: false, msgCall: '', groupsIgnore: false, alwaysOnline: false, readMessages: false, readStatus: false, syncFullHistory: false };

/** The instance settings; the API validates, and its message is shown as it is. */
export function SettingsPanel({ name }: { name: string }) {
  const { api } = useSession();
  const [form, setForm] = useState<Settings | null>(null);
  const [result, setResult] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);

  useEffect(() => {
    api
      .get<Settings | null>(`/settings/find/${seg(name)}`)
      .then((s) => setForm({ ...DEFAULTS, ...(s ?? {}) }))
      .catch((e: Error) => setResult({ kind: 'error', text: e.message }));
  }, [api, name]);

  if (!form) return <Notice kind={result ? 'error' : 'info'}>{result?.text ?? 'Loading settings…'}</Notice>;

  const submit = async (e: Event) => {
    e.preventDefault();
    setResult(null);
    try {
      const { rejectCall, msgCall, groupsIgnore, alwaysOnline, readMessages, readStatus, syncFullHistory } = form;
      await api.post(`/settings/set/${seg(name)}`, { rejectCall, msgCall, groupsIgnore, alwaysOnline, readMessages, readStatus, syncFullHistory });
      setResult({ kind: 'ok', text: 'Settings saved.' });
    } catch (err) {
      setResult({ kind: 'error', text: (err as Error).message });
    }
  };

  return (
    <form class="card" onSubmit={submit} aria-label="Settings">
      <fieldset>
        <legend>Behaviour</legend>
        {FLAGS.map(([key, label]) => (
          <label key={key} class="check">
            <input type="checkbox" name={key} checked={form[key] as boolean} onChange={(e) => setForm({ ...form, [key]: e.currentTarget.checked })} /> {label}
          </label>
        ))}
      </fieldset>
      <label>
        Message sent when a call is rejected
        <input name="msgCall" value={form.msgCall} onInput={(e) => setForm({ ...form, msgCall: e.currentTarget.value })} />
      </label>
      <button type="submit" class="primary">
        Save settings
      </button>
      {result && <Notice kind={result.kind}>{result.text}</Notice>}
    </form>
  );
}
