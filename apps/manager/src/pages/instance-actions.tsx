import { useState } from 'preact/hooks';
import { seg } from '../api/api-client';
import type { InstanceRow } from '../api/api.types';
import { ConfirmButton } from '../components/confirm-button';
import { Notice } from '../components/notice';
import { navigate } from '../router';
import { useSession } from '../session.context';

/** Restart, log out, delete (asked first) and token rotation (the new token is shown once). */
export function InstanceActions({ row, onChanged }: { row: InstanceRow; onChanged: () => void }) {
  const { api, session, replaceKey, logout } = useSession();
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [newToken, setNewToken] = useState('');
  const path = seg(row.name);

  const run = async (what: string, action: () => Promise<unknown>) => {
    setMessage(null);
    try {
      await action();
      setMessage({ kind: 'ok', text: what });
      onChanged();
    } catch (err) {
      setMessage({ kind: 'error', text: (err as Error).message });
    }
  };

  const rotate = () =>
    run('Token rotated: the old one no longer works.', async () => {
      const res = await api.call<{ hash: string }>('PUT', `/instance/refreshToken/${path}`);
      setNewToken(res.hash);
      if (session.instance === row.name) replaceKey(res.hash);
    });

  const remove = () =>
    run('Instance deleted.', async () => {
      await api.call('DELETE', `/instance/delete/${path}`);
      if (session.instance === row.name) logout();
      else navigate('#/');
    });

  return (
    <div class="actions-bar">
      <button type="button" onClick={() => run('Restarting.', () => api.post(`/instance/restart/${path}`))}>
        Restart
      </button>
      <ConfirmButton label="Log out of WhatsApp" question="Unlink this WhatsApp number?" confirmLabel="Yes, log out" onConfirm={() => run('Logged out.', () => api.call('DELETE', `/instance/logout/${path}`))} />
      <ConfirmButton label="Delete" question={`Delete "${row.name}" and its stored data?`} confirmLabel="Yes, delete" onConfirm={remove} />
      <button type="button" onClick={rotate}>
        Refresh token
      </button>
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
      {newToken && (
        <p class="secret" role="status">
          New instance token (shown once): <code>{newToken}</code>
        </p>
      )}
    </div>
  );
}
