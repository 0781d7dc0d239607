import { io, type Socket } from 'socket.io-client';
import { apiBase } from './api-client';
import type { StreamEnvelope } from './api.types';

export type StreamStatus = { state: 'connecting' } | { state: 'live' } | { state: 'failed'; reason: string };

/**
 * Every event of one instance, live, from the gateway's socket.io stream (namespace
 * `/<instanceName>`, monitor mode: all events, whatever the instance's websocket settings).
 * socket.io multiplexes namespaces over one connection, so one per instance is cheap.
 */
export class InstanceEventStream {
  private readonly socket: Socket;
  private readonly listeners = new Set<(e: StreamEnvelope) => void>();
  private readonly statusListeners = new Set<(s: StreamStatus) => void>();
  status: StreamStatus = { state: 'connecting' };

  constructor(instanceName: string, apikey: string) {
    this.socket = io(`/${instanceName}`, {
      path: `${apiBase()}/socket.io`,
      auth: { apikey, monitor: true },
      transports: ['websocket'],
    });
    this.socket.on('connect', () => this.setStatus({ state: 'live' }));
    this.socket.on('connect_error', (err: Error) => this.setStatus({ state: 'failed', reason: err.message }));
    this.socket.on('disconnect', (reason: string) => this.setStatus({ state: 'failed', reason }));
    this.socket.onAny((_name: string, envelope: StreamEnvelope) => {
      for (const listener of this.listeners) listener(envelope);
    });
  }

  /** Returns the unsubscribe function (for effects' cleanup). */
  subscribe(listener: (e: StreamEnvelope) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onStatus(listener: (s: StreamStatus) => void): () => void {
    this.statusListeners.add(listener);
    listener(this.status);
    return () => this.statusListeners.delete(listener);
  }

  close(): void {
    this.listeners.clear();
    this.statusListeners.clear();
    this.socket.disconnect();
  }

  private setStatus(status: StreamStatus) {
    this.status = status;
    for (const listener of this.statusListeners) listener(status);
  }
}
