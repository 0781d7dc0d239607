import type { BinaryNode, proto } from '@whiskeysockets/baileys';
import type { BaileysModule } from './baileys.loader';
import { describeNode } from './binary-node.util';
import type { FakeDevice } from '../registries/fake-account.registry';
import type { ConnectionInfo, ConnectionPhase } from '../fake-whatsapp.types';
import { encodeFrame, FrameReader } from './frame-codec.util';
import { ServerNoiseSession, type ServerNoiseIdentity } from './server-noise.session';
import { WS_OPEN, type WsSocket } from './ws.loader';

/**
 * One client WebSocket: Noise handshake, framing, binary-node codec, and an ordered
 * stanza queue. Protocol decisions (registration, login, IQs) belong to the server via
 * ConnectionHandlers; this class only moves bytes and tracks the connection's phase.
 */
export interface ConnectionHandlers {
  onClientPayload(conn: FakeConnection, payload: proto.ClientPayload): Promise<void> | void;
  onStanza(conn: FakeConnection, node: BinaryNode): Promise<void> | void;
  onClosed(conn: FakeConnection): void;
}

export interface ConnectionOptions {
  handshakeSettleMs: number;
  closeGraceMs: number;
  log: (message: string) => void;
}

export class FakeConnection {
  readonly connectedAt = new Date();
  phase: ConnectionPhase = 'handshake';
  registrationId: string | undefined;
  device: FakeDevice | undefined;
  /** client's Noise static key (creds.noiseKey.public), known after ClientFinish */
  clientStaticKey: Buffer | undefined;
  /** the code the server made the client disconnect with, if any */
  closeCode: number | undefined;

  private readonly reader = new FrameReader();
  private readonly noise: ServerNoiseSession;
  private queue: Promise<void> = Promise.resolve();
  private closeTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly id: string,
    private readonly ws: WsSocket,
    readonly remoteAddress: string | undefined,
    private readonly baileys: BaileysModule,
    identity: ServerNoiseIdentity,
    private readonly handlers: ConnectionHandlers,
    private readonly options: ConnectionOptions,
  ) {
    this.noise = new ServerNoiseSession(baileys.Curve, identity);
    ws.on('message', (data) => this.onData(data));
    ws.on('error', (err) => this.options.log(`[${id}] ws error: ${err.message}`));
    ws.on('close', () => this.onClose());
  }

  /** A stalled connection keeps its socket open but ignores and answers nothing (a silent hang). */
  stalled = false;

  get isOpen(): boolean {
    return this.ws.readyState === WS_OPEN && this.phase !== 'closed';
  }

  /** Encrypts and sends one stanza; false when the socket is gone. */
  send(node: BinaryNode): boolean {
    if (!this.isOpen || !this.noise.isTransportReady || this.stalled) return false;
    this.options.log(`[${this.id}] -> ${describeNode(node)}`);
    const plain = this.baileys.encodeBinaryNode(node);
    this.ws.send(encodeFrame(this.noise.encrypt(plain)));
    return true;
  }

  /**
   * Sends a terminal stanza (stream:error, failure, …) and lets the client close the
   * socket itself, as Baileys does on those; closes it after a grace period otherwise.
   */
  endWith(node: BinaryNode, code: number): void {
    this.closeCode ??= code;
    if (!this.send(node)) {
      // still handshaking (no transport keys yet) or already gone: just drop the socket
      this.terminate();
      return;
    }
    this.closeTimer ??= setTimeout(() => this.terminate(), this.options.closeGraceMs);
  }

  /** Plain WebSocket close without a stanza: Baileys reports 428 connectionClosed. */
  close(code?: number): void {
    this.closeCode ??= code;
    if (this.ws.readyState === WS_OPEN) this.ws.close(1000, 'closed by fake server');
  }

  terminate(): void {
    this.ws.terminate();
  }

  toInfo(): ConnectionInfo {
    return {
      id: this.id,
      phase: this.phase,
      remoteAddress: this.remoteAddress,
      connectedAt: this.connectedAt.toISOString(),
      registrationId: this.registrationId,
      jid: this.device?.account.jid,
      deviceJid: this.device?.jid,
      lid: this.device?.lid,
    };
  }

  private onData(data: Buffer): void {
    if (this.stalled) return;
    let frames: Buffer[];
    try {
      frames = this.reader.push(data);
    } catch (err) {
      this.fail(err);
      return;
    }
    for (const frame of frames) {
      // frames are processed strictly in order: Noise counters and stanza order depend on it
      this.queue = this.queue.then(() => this.processFrame(frame)).catch((err: unknown) => this.fail(err));
    }
  }

  private async processFrame(frame: Buffer): Promise<void> {
    if (this.phase === 'closed') return;
    if (this.noise.isTransportReady) {
      const node = await this.baileys.decodeBinaryNode(this.noise.decrypt(frame));
      this.options.log(`[${this.id}] <- ${describeNode(node)}`);
      await this.handlers.onStanza(this, node);
      return;
    }
    const message = this.baileys.proto.HandshakeMessage.decode(frame);
    if (message.clientHello?.ephemeral) {
      const prologue = this.reader.prologue;
      if (!prologue) throw new Error('ClientHello before intro header');
      const serverHello = this.noise.respondToHello(prologue, message.clientHello.ephemeral);
      this.ws.send(encodeFrame(this.baileys.proto.HandshakeMessage.encode({ serverHello }).finish()));
      return;
    }
    if (message.clientFinish?.static && message.clientFinish.payload) {
      const { clientStatic, payload } = this.noise.finish(message.clientFinish.static, message.clientFinish.payload);
      this.clientStaticKey = clientStatic;
      const clientPayload = this.baileys.proto.ClientPayload.decode(payload);
      // the client switches to transport keys only after its ClientFinish write completes
      if (this.options.handshakeSettleMs > 0) await delay(this.options.handshakeSettleMs);
      await this.handlers.onClientPayload(this, clientPayload);
      return;
    }
    throw new Error('unexpected handshake message');
  }

  private fail(err: unknown): void {
    this.options.log(`[${this.id}] protocol error: ${err instanceof Error ? err.stack : String(err)}`);
    this.terminate();
  }

  private onClose(): void {
    if (this.phase === 'closed') return;
    if (this.closeTimer) clearTimeout(this.closeTimer);
    this.handlers.onClosed(this);
    this.phase = 'closed';
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
