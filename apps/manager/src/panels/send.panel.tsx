import { useState } from 'preact/hooks';
import { seg } from '../api/api-client';
import { Notice } from '../components/notice';
import { useSession } from '../session.context';

const MEDIA_TYPES = ['image', 'video', 'document', 'audio'] as const;

/** A test message (text, or media by URL); it goes out as send.message, visible in the monitor. */
export function SendPanel({ name }: { name: string }) {
  const { api } = useSession();
  const [kind, setKind] = useState<'text' | 'media'>('text');
  const [number, setNumber] = useState('');
  const [text, setText] = useState('');
  const [mediaUrl, setMediaUrl] = useState('');
  const [mediatype, setMediatype] = useState<(typeof MEDIA_TYPES)[number]>('image');
  const [result, setResult] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setResult(null);
    try {
      const sent =
        kind === 'text'
          ? await api.post<{ key: { id: string } }>(`/message/sendText/${seg(name)}`, { number, text })
          : await api.post<{ key: { id: string } }>(`/message/sendMedia/${seg(name)}`, { number, mediatype, media: mediaUrl, ...(text ? { caption: text } : {}) });
      setResult({ kind: 'ok', text: `Sent (message id ${sent.key.id}).` });
    } catch (err) {
      setResult({ kind: 'error', text: (err as Error).message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card" onSubmit={submit} aria-label="Test send">
      <fieldset class="inline">
        <legend>Kind</legend>
        <label class="check">
          <input type="radio" name="kind" checked={kind === 'text'} onChange={() => setKind('text')} /> Text
        </label>
        <label class="check">
          <input type="radio" name="kind" checked={kind === 'media'} onChange={() => setKind('media')} /> Media by URL
        </label>
      </fieldset>
      <label>
        To (number) <input name="number" inputMode="tel" required value={number} onInput={(e) => setNumber(e.currentTarget.value)} placeholder="5511999999999" />
      </label>
      {kind === 'media' && (
        <>
          <label>
            Media URL <input name="media" type="url" required value={mediaUrl} onInput={(e) => setMediaUrl(e.currentTarget.value)} />
          </label>
          <label>
            Type{' '}
            <select name="mediatype" value={mediatype} onChange={(e) => setMediatype(e.currentTarget.value as (typeof MEDIA_TYPES)[number])}>
              {MEDIA_TYPES.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
          </label>
        </>
      )}
      <label>
        {kind === 'text' ? 'Text' : 'Caption (optional)'}
        <textarea name="text" required={kind === 'text'} rows={3} value={text} onInput={(e) => setText(e.currentTarget.value)} />
      </label>
      <button type="submit" class="primary" disabled={busy}>
        {busy ? 'Sending…' : 'Send'}
      </button>
      {result && <Notice kind={result.kind}>{result.text}</Notice>}
    </form>
  );
}
