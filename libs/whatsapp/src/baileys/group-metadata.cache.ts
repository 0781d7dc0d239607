import type { GroupMetadata, WASocket } from '@whiskeysockets/baileys';
import { BoundedTtlCache } from './bounded-ttl.cache';

/** Group sends need the member list; WhatsApp rate-limits (rate-overlimit) callers that ask every time. */
const GROUP_TTL_MS = 5 * 60_000;
const GROUP_CAPACITY = 1_000;
/** proto.Message.ProtocolMessage.Type.EPHEMERAL_SETTING (a value import of Baileys is not allowed here) */
const EPHEMERAL_SETTING = 3;

/** Boom errors of IQs carry WhatsApp's code in `data` (404 item-not-found, 403 forbidden, 401 not-authorized). */
export function isAbsentGroupError(err: unknown): boolean {
  const code = (err as { data?: unknown }).data;
  return code === 404 || code === 403 || code === 401 || /item-not-found|forbidden|not-authorized/.test(String(err));
}

/**
 * One instance's group metadata: what sends (Baileys' `cachedGroupMetadata`) and the group
 * routes read. Concurrent lookups of one group share a single query; entries are dropped by
 * WhatsApp's group notifications and by our own changes, and expire after a few minutes in
 * case a notification was missed.
 */
export class GroupMetadataCache {
  private readonly entries: BoundedTtlCache<GroupMetadata>;
  private readonly inflight = new Map<string, Promise<GroupMetadata | undefined>>();
  /** Bumped by every invalidation, so a query that was already running cannot store what it read before. */
  private generation = 0;

  constructor(ttlMs = GROUP_TTL_MS, capacity = GROUP_CAPACITY, now?: () => number) {
    this.entries = new BoundedTtlCache<GroupMetadata>(ttlMs, { capacity, now });
  }

  /** Baileys' `cachedGroupMetadata` hook: relaying to a group reuses what we already know. */
  readonly cachedGroupMetadata = async (jid: string): Promise<GroupMetadata | undefined> => this.entries.get(jid);

  get(jid: string): GroupMetadata | undefined {
    return this.entries.get(jid);
  }

  set(meta: GroupMetadata): void {
    this.entries.set(meta.id, meta);
  }

  invalidate(jid: string): void {
    this.generation += 1;
    this.entries.delete(jid);
    this.inflight.delete(jid);
  }

  /** Cached metadata, or one shared query; undefined when the group does not exist or we are not in it. */
  fetch(sock: WASocket, jid: string): Promise<GroupMetadata | undefined> {
    const cached = this.entries.get(jid);
    if (cached) return Promise.resolve(cached);
    const running = this.inflight.get(jid);
    if (running) return running;
    const generation = this.generation;
    const query = sock
      .groupMetadata(jid)
      .then((meta) => {
        if (this.generation === generation) this.entries.set(jid, meta);
        return meta;
      })
      .catch((err: unknown) => {
        if (isAbsentGroupError(err)) return undefined;
        throw err;
      })
      .finally(() => {
        if (this.inflight.get(jid) === query) this.inflight.delete(jid);
      });
    this.inflight.set(jid, query);
    return query;
  }

  /** Keeps the cache honest: membership, settings and disappearing-timer changes drop the entry. */
  watch(sock: WASocket): void {
    sock.ev.on('groups.upsert', (groups) => groups.forEach((g) => this.set(g)));
    sock.ev.on('groups.update', (updates) =>
      updates.forEach((u) => {
        if (!u.id) return;
        // groupFetchAllParticipating reports complete metadata through groups.update
        if (Array.isArray(u.participants) && typeof u.subject === 'string') this.set(u as GroupMetadata);
        else this.invalidate(u.id);
      }),
    );
    sock.ev.on('group-participants.update', ({ id }) => this.invalidate(id));
    sock.ev.on('messages.upsert', ({ messages }) => {
      for (const m of messages) {
        const jid = m.key.remoteJid;
        // a disappearing-messages change arrives as a protocol message, not as a group update
        if (jid?.endsWith('@g.us') && m.message?.protocolMessage?.type === EPHEMERAL_SETTING) this.invalidate(jid);
      }
    });
  }

  get size(): number {
    return this.entries.size;
  }
}
