/**
 * The webhook receiver of bench/delivery, run as a child process (`fork`) so it never shares an
 * event loop with the pipeline it measures. It answers every POST at once (200, or 500 for the
 * phase being failed on purpose) and records when each one arrived, keyed by the bench's event
 * number carried in the body (`"bench":{"ph":"<phase>","n":<n>}`).
 *
 * Clock: `performance.timeOrigin + performance.now()`, i.e. epoch milliseconds with sub-ms
 * resolution, the same clock the parent uses, so enqueue and receipt times can be subtracted.
 *
 * Control is by IPC: the parent sends `{ id, cmd, ... }`, the receiver answers `{ id, ... }`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { IncomingMessage, ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onRequestBody } from '../support/request-body.util';

interface PhaseLog {
  /** First successful receipt of each event number (index = n, NaN until received). */
  firstAt: number[];
  /** Unique webhook-ids answered 2xx. */
  ids: Set<string>;
  /** Every request of the phase, whatever it was answered. */
  attempts: number;
  firstReceipt: number;
  lastReceipt: number;
}

export type ReceiverCommand =
  | { id: number; cmd: 'config'; secret: string; failPhases: string[]; verifyEvery: number }
  | { id: number; cmd: 'stats' }
  | { id: number; cmd: 'dump'; phase: string };

export interface ReceiverStats {
  phases: Record<string, { unique: number; attempts: number; firstReceipt: number; lastReceipt: number }>;
  verified: number;
  badSignatures: number;
  unsigned: number;
  cpuMs: number;
}

export interface ReceiverDump {
  /** Receipt time of event n, or null when it never arrived. */
  receivedAt: (number | null)[];
}

const now = () => performance.timeOrigin + performance.now();
const MARK = /"bench":\{"ph":"(\w+)","n":(\d+)/;

const phases = new Map<string, PhaseLog>();
let secretKey: Buffer | null = null;
let failPhases = new Set<string>();
let verifyEvery = 100;
let seen = 0;
let verified = 0;
let badSignatures = 0;
let unsigned = 0;

function phaseLog(name: string): PhaseLog {
  let log = phases.get(name);
  if (!log) {
    log = { firstAt: [], ids: new Set(), attempts: 0, firstReceipt: Infinity, lastReceipt: 0 };
    phases.set(name, log);
  }
  return log;
}

/** Standard Webhooks v1: HMAC-SHA256 over `id.timestamp.body`, any of the space-separated signatures. */
function verify(id: string, timestamp: string, signature: string, raw: string): boolean {
  if (!secretKey) return true;
  const expected = createHmac('sha256', secretKey).update(`${id}.${timestamp}.${raw}`).digest();
  return signature.split(' ').some((s) => {
    const [version, b64] = s.split(',');
    const got = Buffer.from(b64 ?? '', 'base64');
    return version === 'v1' && got.length === expected.length && timingSafeEqual(got, expected);
  });
}

function handle(req: IncomingMessage, res: ServerResponse) {
  onRequestBody(req, (raw, at) => {
    const m = MARK.exec(raw);
    const id = String(req.headers['webhook-id'] ?? '');
    let status = 200;
    if (m) {
      const log = phaseLog(m[1]);
      log.attempts += 1;
      if (failPhases.has(m[1])) status = 500;
      else {
        const n = Number(m[2]);
        if (log.firstAt[n] === undefined) log.firstAt[n] = at;
        log.ids.add(id);
        if (at < log.firstReceipt) log.firstReceipt = at;
        if (at > log.lastReceipt) log.lastReceipt = at;
      }
    }
    // Check a sample of signatures: enough to prove both paths sign, cheap enough not to matter.
    if (seen++ % verifyEvery === 0) {
      const sig = req.headers['webhook-signature'];
      if (typeof sig !== 'string') unsigned += 1;
      else if (verify(id, String(req.headers['webhook-timestamp']), sig, raw)) verified += 1;
      else badSignatures += 1;
    }
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': '11' });
    res.end('{"ok":true}');
  });
}

function onCommand(msg: ReceiverCommand) {
  const reply = (body: object) => process.send!({ id: msg.id, ...body });
  switch (msg.cmd) {
    case 'config':
      secretKey = msg.secret.startsWith('whsec_') ? Buffer.from(msg.secret.slice(6), 'base64') : Buffer.from(msg.secret);
      failPhases = new Set(msg.failPhases);
      verifyEvery = Math.max(1, msg.verifyEvery);
      return reply({});
    case 'stats': {
      const out: ReceiverStats['phases'] = {};
      for (const [name, log] of phases) {
        out[name] = { unique: log.ids.size, attempts: log.attempts, firstReceipt: log.firstReceipt, lastReceipt: log.lastReceipt };
      }
      const cpu = process.cpuUsage();
      return reply({ phases: out, verified, badSignatures, unsigned, cpuMs: (cpu.user + cpu.system) / 1000 } satisfies ReceiverStats);
    }
    case 'dump': {
      const log = phaseLog(msg.phase);
      const receivedAt = Array.from({ length: log.firstAt.length }, (_, i) => log.firstAt[i] ?? null);
      return reply({ receivedAt } satisfies ReceiverDump);
    }
  }
}

const server = createServer(handle);
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
server.listen(0, '127.0.0.1', () => {
  process.on('message', (m) => onCommand(m as ReceiverCommand));
  process.send!({ ready: true, port: (server.address() as AddressInfo).port, clockSkewMs: now() - Date.now() });
});
process.on('disconnect', () => process.exit(0));
