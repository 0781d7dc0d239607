/**
 * The webhook receiver of bench/ingest and bench/fleet, run as a child process (`fork`) so it never shares an
 * event loop with the fake WhatsApp server that injects the messages. It answers every POST at
 * once and records when each bench message's `messages.upsert` arrived, keyed by the number in
 * its WhatsApp message id (`IB<n>`, unique across instances). Other events it reports to the parent
 * over IPC in short form, with the instance they came from (QR codes and connection states for the
 * setup; the record count of each `messages.set`).
 *
 * Clock: `performance.timeOrigin + performance.now()` (epoch ms, sub-ms), as in the parent.
 */
import { IncomingMessage, ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onRequestBody } from './request-body.util';

export type UpsertReceiverCommand = { id: number; cmd: 'count'; from: number; to: number } | { id: number; cmd: 'dump'; from: number; to: number };

/** IPC notices for the setup (never sent for bench messages). */
export type UpsertReceiverNotice =
  | { notice: 'qr'; instance: string; code: string }
  | { notice: 'connection'; instance: string; state: string }
  | { notice: 'history'; instance: string; records: number };

const MARK = /"id":"IB(\d+)"/;
const EVENT = /"event":"([\w.]+)"/;

/** Receipt time of message n (first arrival). */
const arrivedAt: number[] = [];
let duplicates = 0;

function notify(raw: string, event: string) {
  try {
    const body = JSON.parse(raw) as { instance?: string; data?: { state?: string; qrcode?: { code?: string } } | unknown[] };
    const instance = String(body.instance);
    if (event === 'qrcode.updated') {
      const code = (body.data as { qrcode?: { code?: string } })?.qrcode?.code;
      if (code) process.send!({ notice: 'qr', instance, code } satisfies UpsertReceiverNotice);
    } else if (event === 'connection.update') {
      process.send!({ notice: 'connection', instance, state: String((body.data as { state?: string })?.state) } satisfies UpsertReceiverNotice);
    } else if (event === 'messages.set') {
      process.send!({ notice: 'history', instance, records: Array.isArray(body.data) ? body.data.length : 0 } satisfies UpsertReceiverNotice);
    }
  } catch {
    /* not JSON: not ours */
  }
}

function handle(req: IncomingMessage, res: ServerResponse) {
  onRequestBody(req, (raw, at) => {
    const event = EVENT.exec(raw)?.[1] ?? '';
    const m = event === 'messages.upsert' ? MARK.exec(raw) : null;
    if (m) {
      const n = Number(m[1]);
      if (arrivedAt[n] === undefined) arrivedAt[n] = at;
      else duplicates += 1;
    } else notify(raw, event);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '11' });
    res.end('{"ok":true}');
  });
}

function onCommand(msg: UpsertReceiverCommand) {
  const reply = (body: object) => process.send!({ id: msg.id, ...body });
  if (msg.cmd === 'count') {
    let received = 0;
    for (let n = msg.from; n < msg.to; n++) if (arrivedAt[n] !== undefined) received += 1;
    const cpu = process.cpuUsage();
    return reply({ received, duplicates, cpuMs: (cpu.user + cpu.system) / 1000 });
  }
  const out: (number | null)[] = [];
  for (let n = msg.from; n < msg.to; n++) out.push(arrivedAt[n] ?? null);
  return reply({ receivedAt: out });
}

const server = createServer(handle);
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  process.on('message', (m) => onCommand(m as UpsertReceiverCommand));
  process.send!({ ready: true, port: (server.address() as AddressInfo).port });
});
process.on('disconnect', () => process.exit(0));
