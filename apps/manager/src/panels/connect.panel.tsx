import { useEffect, useState } from 'preact/hooks';
import { seg } from '../api/api-client';
import type { ConnectAnswer, InstanceRow, QrCode } from '../api/api.types';
import type { InstanceEventStream } from '../api/event-stream';
import { Notice } from '../components/notice';
import { useSession } from '../session.context';
import { phoneOf } from '../util/format.util';

/**
 * Linking: the first QR (or pairing code) from GET /instance/connect, then each new QR as
 * `qrcode.updated` arrives on the stream, until `connection.update` says open (the page's
 * state badge turns at the same event). A failed connection shows why.
 */
export function ConnectPanel({ row, stream }: { row: InstanceRow; stream: InstanceEventStream }) {
  const { api } = useSession();
  const [qr, setQr] = useState<QrCode | null>(null);
  const [problem, setProblem] = useState('');
  const open = row.connectionStatus === 'open';

  useEffect(() => {
    const off = stream.subscribe((e) => {
      if (e.event === 'qrcode.updated') {
        const data = e.data as { qrcode?: QrCode; message?: string };
        if (data.qrcode) (setQr(data.qrcode), setProblem(''));
        else if (data.message) setProblem(data.message);
      }
      if (e.event === 'connection.update') {
        const data = e.data as { state: string; reason?: string; statusReason?: number };
        if (data.state === 'open') (setQr(null), setProblem(''));
        // a failed attempt is reported by the next one's update (connecting, with the reason) or by the close
        if (data.state !== 'open' && data.reason) setProblem(`WhatsApp cannot be reached: ${data.reason}`);
        if (data.state === 'refused') (setQr(null), setProblem('Linking stopped: too many QR codes were not scanned. Restart to try again.'));
      }
    });
    return off;
  }, [stream]);

  useEffect(() => {
    if (open) return;
    api
      .get<ConnectAnswer>(`/instance/connect/${seg(row.name)}`)
      .then((a) => {
        if (a.code || a.pairingCode) setQr({ code: a.code ?? null, base64: a.base64 ?? null, pairingCode: a.pairingCode ?? null });
        if (a.error && a.message) setProblem(a.message);
      })
      .catch((e: Error) => setProblem(e.message));
  }, [api, row.name, open]);

  if (open) {
    return (
      <div class="connected" data-connection="open">
        <p>
          Linked to WhatsApp as <strong>{row.profileName ?? 'this account'}</strong> ({phoneOf(row.ownerJid) ?? 'number unknown'}).
        </p>
      </div>
    );
  }
  return (
    <div class="linking">
      <Notice kind="error">{problem}</Notice>
      {qr?.pairingCode && (
        <p class="pairing">
          Pairing code: <strong data-pairing-code>{qr.pairingCode}</strong>
          <span class="hint"> On the phone: Linked devices → Link with phone number, then type this code.</span>
        </p>
      )}
      {qr?.base64 ? (
        <figure class="qr">
          <img src={qr.base64} alt="QR code to link WhatsApp" />
          <figcaption>On the phone: WhatsApp → Linked devices → Link a device, then scan. A new code replaces this one every few seconds.</figcaption>
        </figure>
      ) : (
        !problem && <p class="empty">Waiting for a QR code…</p>
      )}
    </div>
  );
}
