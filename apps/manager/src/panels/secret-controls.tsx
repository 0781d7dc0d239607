import { useState } from 'preact/hooks';
import { seg } from '../api/api-client';
import { Notice } from '../components/notice';
import { useSession } from '../session.context';

/** Rotation keeps the previous secret signing for a grace period, so receivers can switch over. */
export function SecretControls({ name, onRotated }: { name: string; onRotated: (secret: string) => void }) {
  const { api } = useSession();
  const [graceHours, setGraceHours] = useState('24');
  const [result, setResult] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);

  const rotate = async () => {
    setResult(null);
    try {
      const res = await api.post<{ secret: string; previousSecretExpiresAt: string }>(`/webhook/rotateSecret/${seg(name)}`, {
        graceSeconds: Math.round(Number(graceHours) * 3600),
      });
      onRotated(res.secret);
      setResult({ kind: 'ok', text: `Rotated; the previous secret keeps signing until ${new Date(res.previousSecretExpiresAt).toLocaleString()}.` });
    } catch (err) {
      setResult({ kind: 'error', text: (err as Error).message });
    }
  };

  return (
    <div class="secret-controls">
      <p>Deliveries are signed (Standard Webhooks).</p>
      <label>
        Grace period (hours) <input type="number" min="0" step="1" value={graceHours} onInput={(e) => setGraceHours(e.currentTarget.value)} />
      </label>
      <button type="button" onClick={rotate}>
        Rotate the signing secret
      </button>
      {result && <Notice kind={result.kind}>{result.text}</Notice>}
    </div>
  );
}
