/**
 * Bounded, sequence-numbered record of server events. It lets a test in another process
 * (through GET /admin/events?after=N&waitMs=…) wait for an event without sleeping and
 * without missing events that happened before it started waiting.
 */
export interface JournalEntry {
  seq: number;
  event: string;
  at: string;
  payload: unknown;
}

export class EventJournal {
  private readonly entries: JournalEntry[] = [];
  private readonly waiters = new Set<() => void>();
  private seq = 0;

  constructor(private readonly capacity = 2000) {}

  get lastSeq(): number {
    return this.seq;
  }

  push(event: string, payload: unknown): void {
    this.entries.push({ seq: ++this.seq, event, at: new Date().toISOString(), payload });
    if (this.entries.length > this.capacity) this.entries.shift();
    for (const wake of [...this.waiters]) wake();
  }

  since(after: number): JournalEntry[] {
    return this.entries.filter((e) => e.seq > after);
  }

  /** entries after `after`, waiting up to waitMs for at least one */
  async next(after: number, waitMs: number): Promise<JournalEntry[]> {
    const ready = this.since(after);
    if (ready.length || waitMs <= 0) return ready;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, waitMs);
      this.waiters.add(done);
    });
    return this.since(after);
  }

  /** wakes pending long-polls (server shutdown) */
  release(): void {
    for (const wake of [...this.waiters]) wake();
  }
}
