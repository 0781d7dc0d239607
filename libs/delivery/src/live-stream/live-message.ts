/**
 * What one node hands the socket.io servers of every node for one event. `topic` is
 * `i:<instanceName>` (the namespace `/<instanceName>`) or `g` (global events on `/`).
 */
export type LiveTopic = string;

export const instanceTopic = (instanceName: string): LiveTopic => `i:${instanceName}`;
export const GLOBAL_TOPIC: LiveTopic = 'g';

/** `all`: every socket of the topic; `monitor`: only the manager's monitors (auth.monitor). */
export type LiveAudience = 'all' | 'monitor';

export interface LiveMessage {
  /** Evolution's wire name (`messages.upsert`), the socket.io event name. */
  event: string;
  audience: LiveAudience;
  /** The envelope, serialised once by the emitting node. */
  body: string;
}
