import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiKeyAuthenticator, INSTANCE_LOOKUP, InstanceLookup } from '@gw/common';
import { APP_CONFIG, AppConfig } from '@gw/config';
import { GLOBAL_TOPIC, LiveFanout, LiveMessage, LiveTopic, instanceTopic } from '@gw/delivery';
import type { Server as HttpServer } from 'node:http';
import { Namespace, Server, Socket } from 'socket.io';
import { SocketRefusal, handshakeKey, namespaceInstance } from './socket-auth.util';

interface SocketData {
  topic: LiveTopic;
  /** The manager's live monitor (handshake auth.monitor === true): every event, whatever /websocket/set says. */
  monitor: boolean;
}

/** Clients only listen: a handshake and pings, nothing bigger. */
const MAX_CLIENT_PACKET_BYTES = 16 * 1024;

/**
 * The socket.io server of the live event stream (Evolution's websocket integration), on the
 * gateway's HTTP server at <SERVER_BASE_PATH>/socket.io. Namespace `/<instanceName>` streams one
 * instance, `/` the global events. Every handshake is authenticated (global key: any namespace;
 * instance token: its own namespace only), failures count towards the auth throttle. Events
 * reach this node through LiveFanout, whichever node runs the instance.
 */
@Injectable()
export class SocketServer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('LiveStream');
  private io?: Server;
  private readonly sockets = new Map<LiveTopic, Set<Socket>>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly adapterHost: HttpAdapterHost,
    private readonly authenticator: ApiKeyAuthenticator,
    @Inject(INSTANCE_LOOKUP) private readonly instances: InstanceLookup,
    private readonly fanout: LiveFanout,
  ) {}

  async onApplicationBootstrap() {
    const http = this.adapterHost.httpAdapter?.getHttpServer() as HttpServer | undefined;
    if (!http) return; // an application context without HTTP (tests, tools)
    await this.fanout.start((topic, message) => this.dispatch(topic, message));
    this.io = new Server(http, {
      path: `${this.config.server.basePath}/socket.io`,
      serveClient: false,
      cors: { origin: '*' },
      maxHttpBufferSize: MAX_CLIENT_PACKET_BYTES,
    });
    this.setup(this.io.of('/'));
    this.setup(this.io.of(/^\/.+$/));
  }

  private setup(nsp: Namespace | ReturnType<Server['of']>) {
    nsp.use((socket, next) => {
      this.admit(socket).then(
        () => next(),
        (err) => {
          const refusal = SocketRefusal.from(err);
          if (refusal.data.status >= 500) this.logger.warn(`socket handshake on ${socket.nsp.name} failed: ${(err as Error).message}`);
          next(refusal);
        },
      );
    });
    nsp.on('connection', (socket: Socket) => {
      const { topic } = socket.data as SocketData;
      // A client socket only listens (no Evolution `sendNode`): anything it emits is ignored.
      socket.on('disconnect', () => this.forget(topic, socket));
    });
  }

  private async admit(socket: Socket): Promise<void> {
    const name = namespaceInstance(socket.nsp.name);
    const monitor = socket.handshake.auth?.monitor === true;
    const instance = name === undefined ? null : await this.instances.findByName(name);
    if (name !== undefined && !instance) throw new SocketRefusal(404, `The "${name}" instance does not exist`);
    const { auth } = await this.authenticator.authenticate('instance', undefined, handshakeKey(socket.handshake), socket.handshake.address);
    if (!auth.isGlobal && (!instance || auth.tokenInstanceId !== instance.id)) {
      throw new SocketRefusal(403, 'An instance token opens only its own namespace /<instanceName>; use the global API key for others');
    }
    if (!monitor && !this.config.websocket.enabled) {
      throw new SocketRefusal(403, 'The websocket is disabled on this gateway (WEBSOCKET_ENABLED=false)');
    }
    const topic = name === undefined ? GLOBAL_TOPIC : instanceTopic(name);
    (socket.data as SocketData) = { topic, monitor };
    let set = this.sockets.get(topic);
    if (!set) this.sockets.set(topic, (set = new Set()));
    set.add(socket);
    // Subscribed (and announced to the emitting nodes) before the client sees `connect`.
    await this.fanout.listen(topic);
    this.logger.debug?.(`socket ${socket.id} on ${socket.nsp.name}${monitor ? ' (monitor)' : ''}`);
  }

  private forget(topic: LiveTopic, socket: Socket) {
    const set = this.sockets.get(topic);
    if (!set?.delete(socket) || set.size) return;
    this.sockets.delete(topic);
    void this.fanout.unlisten(topic);
  }

  private dispatch(topic: LiveTopic, message: LiveMessage) {
    const set = this.sockets.get(topic);
    if (!set) return void this.fanout.unlisten(topic);
    let envelope: unknown;
    for (const socket of set) {
      // A client that went away during its handshake never gets a disconnect event.
      if (socket.conn.readyState === 'closed') {
        this.forget(topic, socket);
        continue;
      }
      if (!socket.connected || (message.audience === 'monitor' && !(socket.data as SocketData).monitor)) continue;
      envelope ??= JSON.parse(message.body);
      socket.emit(message.event, envelope);
    }
  }

  onModuleDestroy() {
    // Not io.close(): that closes the HTTP server, which Nest closes itself.
    this.io?.disconnectSockets(true);
    this.io?.engine.close();
  }
}
