import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import type { EngineEvent, EngineMessage, MessageUpdate } from '@gw/whatsapp';
import { ChatRepository, ContactRepository, GroupMetadataRepository, MessageUpdateRepository, type StatusChange } from '@gw/persistence';

/** Events waiting per instance before new ones are dropped (the store lags, webhooks do not). */
export const MAX_PENDING_PER_INSTANCE = 2000;
/**
 * On a busy instance (BUSY_EVENTS_PER_SECOND or more), how long a write waits for more events to
 * join it: its chat updates (one per message) then cost a few statements a second, not hundreds.
 * Below that, writes go at once, so a client reading right after a webhook sees what it told.
 */
export const STORE_LINGER_MS = 50;
export const BUSY_EVENTS_PER_SECOND = 50;

interface Lane {
  queue: EngineEvent[];
  /** Events recorded in the current one-second window, to tell a busy instance. */
  windowStart: number;
  windowEvents: number;
  /** The drain loop while it runs. */
  running?: Promise<void>;
  pending: number;
  dropped: number;
}

/**
 * Keeps chats, contacts, groups and message status history from an instance's engine events.
 * A side consumer: record() returns at once, writes run in order per instance, and a failure
 * is logged and skipped, so the store can never hold up or lose a webhook event. Messages
 * themselves are written earlier, on the event path (MessageRepository), because that
 * insert is what deduplicates them. What queues up while a write runs is coalesced (see
 * coalesce), and on a busy instance writes are taken every STORE_LINGER_MS, so it costs a few
 * statements a second rather than one per message.
 */
@Injectable()
export class StoreWriter implements BeforeApplicationShutdown {
  private readonly logger = new Logger('MessageStore');
  private readonly lanes = new Map<string, Lane>();

  constructor(
    private readonly chats: ChatRepository,
    private readonly contacts: ContactRepository,
    private readonly groups: GroupMetadataRepository,
    private readonly updates: MessageUpdateRepository,
  ) {}

  record(instanceId: string, event: EngineEvent): void {
    if (!STORED.has(event.type)) return;
    let lane = this.lanes.get(instanceId);
    const now = Date.now();
    if (!lane) this.lanes.set(instanceId, (lane = { queue: [], windowStart: now, windowEvents: 0, pending: 0, dropped: 0 }));
    if (now - lane.windowStart >= 1000) [lane.windowStart, lane.windowEvents] = [now, 0];
    lane.windowEvents += 1;
    if (lane.pending >= MAX_PENDING_PER_INSTANCE) {
      if (lane.dropped++ % 100 === 0) this.logger.warn(`instance ${instanceId}: store backlog full, ${lane.dropped} event(s) not stored`);
      return;
    }
    lane.pending += 1;
    lane.queue.push(event);
    lane.running ??= this.drain(instanceId, lane);
  }

  /** Resolves once everything recorded so far for the instance is written (or has failed). */
  async drained(instanceId: string): Promise<void> {
    await this.lanes.get(instanceId)?.running;
  }

  /** After the instances stopped (onModuleDestroy), before the pool closes (onApplicationShutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([...this.lanes.values()].map((lane) => lane.running));
  }

  private async drain(instanceId: string, lane: Lane): Promise<void> {
    // A later microtask: events recorded in the same tick share the first write.
    await Promise.resolve();
    while (lane.queue.length) {
      if (lane.windowEvents >= BUSY_EVENTS_PER_SECOND) await new Promise((r) => setTimeout(r, STORE_LINGER_MS));
      const taken = lane.queue;
      lane.queue = [];
      for (const event of coalesce(taken)) {
        await this.write(instanceId, event).catch((err) =>
          this.logger.error(`instance ${instanceId}: could not store ${event.type}: ${(err as Error).message}`),
        );
      }
      lane.pending -= taken.length;
    }
    lane.running = undefined;
    if (this.lanes.get(instanceId) === lane) this.lanes.delete(instanceId);
  }

  private async write(instanceId: string, event: EngineEvent): Promise<void> {
    switch (event.type) {
      case 'messages':
        return this.chats.touch(instanceId, activityOf(event.messages));
      case 'history':
        await this.chats.merge(instanceId, event.batch.chats);
        await this.contacts.merge(instanceId, event.batch.contacts);
        return this.chats.touch(instanceId, activityOf(event.batch.messages));
      case 'message-updates':
        return this.onUpdates(instanceId, event.updates);
      case 'messages-deleted':
        return this.updates.markDeleted(instanceId, event.keys);
      case 'chats':
        return this.chats.merge(instanceId, event.chats);
      case 'chats-deleted':
        return this.chats.delete(instanceId, event.ids);
      case 'contacts':
        return this.contacts.merge(instanceId, event.contacts);
      case 'groups': {
        await this.groups.merge(instanceId, event.groups);
        await this.contacts.mergeGroups(
          instanceId,
          event.groups.map((g) => ({ id: g.id as string, subject: typeof g.subject === 'string' ? g.subject : undefined })),
        );
        const members = event.groups.flatMap((g) => (Array.isArray(g.participants) ? (g.participants as { id: string; phoneNumber?: string }[]) : []));
        return this.contacts.addGroupMembers(instanceId, members);
      }
      case 'group-participants':
        await this.groups.applyParticipants(instanceId, event.groupId, event.action, event.participants);
        if (event.action === 'add') await this.contacts.addGroupMembers(instanceId, event.participants);
        return;
      default:
        return;
    }
  }

  private async onUpdates(instanceId: string, updates: MessageUpdate[]) {
    const revoked = updates.filter((u) => u.revoked).map((u) => u.key);
    const edits = updates.filter((u) => u.editedMessage).map((u) => ({ keyId: u.key.id, message: u.editedMessage! }));
    const changes: StatusChange[] = updates
      .filter((u) => u.status && !u.revoked)
      .map((u) => ({
        keyId: u.key.id,
        remoteJid: u.key.remoteJid,
        fromMe: u.key.fromMe,
        participant: u.receiptFrom ?? u.key.participant ?? '',
        status: u.status!,
        pollUpdates: u.pollUpdates,
      }));
    await this.updates.applyEdits(instanceId, edits);
    await this.updates.record(instanceId, changes);
    await this.updates.markDeleted(instanceId, revoked);
  }
}

const STORED = new Set<EngineEvent['type']>([
  'messages',
  'history',
  'message-updates',
  'messages-deleted',
  'chats',
  'chats-deleted',
  'contacts',
  'groups',
  'group-participants',
]);

/** Chat activity of real messages (not protocol bookkeeping such as history notices, nor undecrypted stubs). */
const activityOf = (messages: EngineMessage[]) =>
  messages
    .filter((m) => m.messageType !== 'protocolMessage' && (m.message || m.messageStubType !== 'CIPHERTEXT'))
    .map((m) => ({ remoteJid: m.key.remoteJid, timestamp: m.messageTimestamp, inboundTimestamp: m.key.fromMe ? undefined : m.messageTimestamp }));

/**
 * Kinds whose writes commute with each other's: message activity and chat merges both only move
 * timestamps forward (GREATEST) or set fields the other never sets, contacts and status history
 * are other tables. Within one kind the order is kept (later fields win when merged).
 */
type CoalescedKind = 'messages' | 'chats' | 'contacts' | 'message-updates';
const COMMUTING = new Set<EngineEvent['type']>(['messages', 'chats', 'contacts', 'message-updates']);

/**
 * Queued events as few writes: between two events of other kinds (a chat deletion, groups,
 * history...), which keep their place, all events of each commuting kind become one event.
 */
export function coalesce(events: EngineEvent[]): EngineEvent[] {
  const out: EngineEvent[] = [];
  let segment = new Map<CoalescedKind, EngineEvent>();
  const close = () => {
    out.push(...segment.values());
    segment = new Map();
  };
  for (const event of events) {
    if (!COMMUTING.has(event.type)) {
      close();
      out.push(event);
      continue;
    }
    const kind = event.type as CoalescedKind;
    const prev = segment.get(kind);
    segment.set(kind, prev ? merge(prev, event) : event);
  }
  close();
  return out;
}

function merge(a: EngineEvent, b: EngineEvent): EngineEvent {
  if (a.type === 'messages' && b.type === 'messages') return { ...a, messages: [...a.messages, ...b.messages] };
  // upsert or update: both are merged into the stored row the same way
  if (a.type === 'chats' && b.type === 'chats') return { ...a, chats: [...a.chats, ...b.chats] };
  if (a.type === 'contacts' && b.type === 'contacts') return { ...a, contacts: [...a.contacts, ...b.contacts] };
  if (a.type === 'message-updates' && b.type === 'message-updates') return { ...a, updates: [...a.updates, ...b.updates] };
  throw new Error(`cannot merge ${a.type} with ${b.type}`);
}
