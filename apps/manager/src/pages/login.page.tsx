import { useState } from 'preact/hooks';
import { ApiClient, ApiError } from '../api/api-client';
import type { InstanceRow } from '../api/api.types';
import type { Session } from '../api/session.store';
import { Notice } from '../components/notice';

/**
 * The key is checked against the gateway before it is kept: fetchInstances answers 401 for a
 * wrong key; an instance token sees exactly its own row (whose token it is), the global key never
 * matches an instance token (the API refuses that), so the scope follows from the answer.
 */
export async function openSession(key: string): Promise<Session> {
  const rows = await new ApiClient(key).get<InstanceRow[]>('/instance/fetchInstances');
  const own = rows.length === 1 && rows[0].token === key ? rows[0].name : null;
  return { key, instance: own };
}

export function LoginPage({ onLogin }: { onLogin: (s: Session) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      onLogin(await openSession(key.trim()));
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? 'Wrong API key: the gateway refused it.' : (err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="login">
      <h1>WhatsApp gateway</h1>
      <form onSubmit={submit} class="card" aria-describedby="login-help">
        <label for="apikey">API key</label>
        <input id="apikey" name="apikey" type="password" autoComplete="off" required autoFocus value={key} onInput={(e) => setKey(e.currentTarget.value)} />
        <p id="login-help" class="hint">
          The global API key (every instance) or an instance token (that instance only). It is kept in this tab only and forgotten when the tab
          closes.
        </p>
        <button type="submit" class="primary" disabled={busy || !key.trim()}>
          {busy ? 'Checking…' : 'Log in'}
        </button>
        <Notice kind="error">{error}</Notice>
      </form>
    </main>
  );
}
