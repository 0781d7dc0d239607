import type { Logger } from '@nestjs/common';

type JidKind = 'contacts' | 'chats';

/** The store's side (KnownJidsRepository): its clock, and what it held at a given time. */
export interface KnownJidsSource {
  now(): Promise<string>;
  seed(instanceId: string, limit: number, before: string): Promise<{
    contacts: string[];
    chats: string[];
    contactsComplete: boolean;
    chatsComplete: boolean;
  }>;
  existing(instanceId: string, kind: JidKind, jids: string[], before: string): Promise<string[]>;
}

/**
 * JIDs remembered per kind and instance (~130 B each, so at most ~0.5 MB per kind): bounds memory
 * on accounts with huge address books; the JIDs in use stay, the others cost a query when they return.
 */
export const KNOWN_JIDS_CAPACITY = 4096;
/** Rows loaded at start; a contact row brings up to 3 JIDs (remote, LID, phone), so the seed never evicts. */
export const KNOWN_JIDS_SEED_ROWS = 1024;

/** A set that forgets its least recently used entries beyond a capacity. */
class BoundedJidSet {
  private readonly jids = new Set<string>();
  /** Whether an entry was ever pushed out (a miss is then no proof of absence). */
  evicted = false;

  constructor(private readonly capacity: number) {}

  has(jid: string): boolean {
    if (!this.jids.has(jid)) return false;
    this.jids.delete(jid); // refresh: a Set iterates in insertion order, oldest first
    this.jids.add(jid);
    return true;
  }

  add(jid: string): void {
    this.jids.delete(jid);
    this.jids.add(jid);
    if (this.jids.size > this.capacity) {
      this.jids.delete(this.jids.values().next().value!);
      this.evicted = true;
    }
  }

  delete(jid: string): void {
    this.jids.delete(jid);
  }
}

interface Seeded {
  at: string;
  complete: Record<JidKind, boolean>;
}

/**
 * Tells a contact's or chat's first appearance on an instance (Evolution sends CONTACTS_UPSERT
 * and CHATS_UPSERT then, UPDATE afterwards) without a database query per message: the store's
 * time is taken when the runtime starts, and what the store held then (the newest
 * KNOWN_JIDS_SEED_ROWS rows of each kind) is loaded at the first event that needs it; everything
 * seen since is remembered. Loading at first need, not at start, keeps a restore of a thousand
 * instances from reading their whole address books while they log in (and idle instances from
 * holding them). Only when the store held more than that (or entries were evicted) does a JID not
 * in memory cost one query, batched per event and once per JID. Rows the store wrote from events
 * since the start are ignored (created after the start time): the store writer runs ahead of this
 * path, so its own row for the very event being handled must not count as "already known". When
 * the store cannot answer, the JID counts as new: an extra upsert is harmless, a missing one
 * leaves the receiver without the contact.
 */
export class FirstSight {
  private readonly known: Record<JidKind, BoundedJidSet> = {
    contacts: new BoundedJidSet(KNOWN_JIDS_CAPACITY),
    chats: new BoundedJidSet(KNOWN_JIDS_CAPACITY),
  };
  /** The store's time at start; read at once, before the session connects, so no event's own store write is older. */
  private startedAt: Promise<string>;
  private seeded?: Promise<Seeded | undefined>;

  constructor(
    private readonly instanceId: string,
    private readonly source: KnownJidsSource,
    private readonly logger: Logger,
  ) {
    this.startedAt = this.readClock();
  }

  /** Chats among `jids` seen for the first time; all of them count as known afterwards. */
  claimChats(jids: string[]): Promise<Set<string>> {
    return this.claim('chats', jids.map((j) => [j]));
  }

  /**
   * Contacts seen for the first time, each given as its JIDs (remote JID first, then its other
   * addressing); returns the first JID of each new one. All count as known afterwards.
   */
  claimContacts(contacts: string[][]): Promise<Set<string>> {
    return this.claim('contacts', contacts);
  }

  /** Seen outside the message path (contact and chat events, history): the store has them now. */
  remember(kind: JidKind, jids: (string | undefined)[]): void {
    for (const jid of jids) if (jid) this.known[kind].add(jid);
  }

  forgetChats(jids: string[]): void {
    for (const jid of jids) this.known.chats.delete(jid);
  }

  private async claim(kind: JidKind, entities: string[][]): Promise<Set<string>> {
    // Memory is consulted once the seed is in it: before, a JID the store held would look unseen.
    const seeded = await (this.seeded ??= this.seed());
    const set = this.known[kind];
    const unseen = entities.filter((jids) => !jids.some((j) => set.has(j)));
    const fresh = new Set<string>();
    if (!unseen.length) return fresh;
    const inStore = await this.inStore(seeded, kind, unseen.flat());
    for (const jids of unseen) {
      if (!jids.some((j) => inStore.has(j)) && !jids.some((j) => set.has(j))) fresh.add(jids[0]);
      for (const j of jids) set.add(j);
    }
    return fresh;
  }

  /** Which of `jids` the store already had; none when memory is known to be complete. */
  private async inStore(seeded: Seeded | undefined, kind: JidKind, jids: string[]): Promise<Set<string>> {
    if (!seeded) return new Set();
    if (seeded.complete[kind] && !this.known[kind].evicted) return new Set();
    try {
      return new Set(await this.source.existing(this.instanceId, kind, jids, seeded.at));
    } catch (err) {
      this.logger.warn(`instance ${this.instanceId}: could not look up known ${kind}: ${(err as Error).message}`);
      return new Set();
    }
  }

  private readClock(): Promise<string> {
    const at = this.source.now();
    at.catch(() => undefined); // awaited (and its failure logged) by the first seed
    return at;
  }

  private async seed(): Promise<Seeded | undefined> {
    try {
      const at = await this.startedAt;
      const s = await this.source.seed(this.instanceId, KNOWN_JIDS_SEED_ROWS, at);
      this.remember('contacts', s.contacts);
      this.remember('chats', s.chats);
      return { at, complete: { contacts: s.contactsComplete, chats: s.chatsComplete } };
    } catch (err) {
      this.logger.warn(`instance ${this.instanceId}: could not load known contacts and chats: ${(err as Error).message}`);
      // tried again at the next event; a clock that failed is read again then (later than the start)
      this.seeded = undefined;
      this.startedAt = this.startedAt.catch(() => this.readClock());
      this.startedAt.catch(() => undefined);
      return undefined;
    }
  }
}
