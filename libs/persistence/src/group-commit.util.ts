/**
 * For the per-message writes (messages, chats, Signal keys, creds): one statement at a time, so
 * everything that arrives while it runs shares the next. With two in flight at 500 msg/s over 100
 * instances, the second slot was nearly always free and most statements carried one or two rows.
 * One instance's writes never ran two at a time anyway (keyOf), so a single busy instance is not
 * slowed.
 */
const WRITES_IN_FLIGHT = 1;

/**
 * And at least this long apart (start to start), unless a caller of the last statement is back.
 * At 500 msg/s over 100 instances each kind otherwise ran at its round trip (~3-6 ms): ~180
 * statements/s of ~3 rows, each a commit and a woken backend on two cores already 1.75 busy.
 * Spaced by 6 ms: the machine 1.43-1.70 busy instead of 1.72-1.80, Postgres CPU per message
 * -13 % (bench/fleet, 16 runs, bench/README.md 2026-12-06). A caller that is back (one busy
 * instance) is never held back, so one instance's rate is not capped by the spacing.
 */
const WRITE_SPACING_MS = 6;

/** The options of a per-message write of every instance (messages, chats, Signal keys, creds): see above. */
export function perInstanceWrites<T extends { instanceId: string }>(): GroupCommitOptions<T> {
  return { maxInFlight: WRITES_IN_FLIGHT, minSpacingMs: WRITE_SPACING_MS, maxItems: 200, keyOf: (item) => item.instanceId };
}

export interface GroupCommitOptions<T> {
  maxInFlight: number;
  maxItems: number;
  keyOf?: (item: T) => string;
  minSpacingMs?: number;
}

/**
 * Group commit across callers (instances): what is submitted while earlier statements run goes
 * out as one statement, so a hundred instances at 5 msg/s cost a few statements a second of each
 * kind, not one per instance and message. A lone caller is taken on the next microtask (no added
 * wait); at most `maxInFlight` statements of the kind run at once, and the rest queue behind them.
 *
 * With `keyOf` (say the instance), two items of one key never share a statement or run at once:
 * the later one waits for the next, so a caller's writes keep their order.
 *
 * With `minSpacingMs` (needs `keyOf`), a statement starts no sooner than that after the previous
 * one started, so more callers share it, except when a caller of the previous statement is
 * waiting again: a lone caller after a quiet spell, or one busy caller, pays no added delay.
 *
 * `run` gets the items in submission order and returns one result per item. When a statement
 * of several callers fails, each caller's item is run again alone, so one caller's bad row
 * never fails the others (it fails only its own caller).
 */
export class GroupCommit<T, R> {
  private queued: { item: T; resolve: (r: R) => void; reject: (err: unknown) => void }[] = [];
  private inFlight = 0;
  private readonly busyKeys = new Set<string>();
  private scheduled = false;
  /** When the last statement started (performance.now()) and whose items it carried (minSpacingMs). */
  private lastStart = -Infinity;
  private lastKeys = new Set<string>();
  private spacingTimer?: NodeJS.Timeout;

  constructor(
    private readonly run: (items: T[]) => Promise<R[]>,
    private readonly options: GroupCommitOptions<T>,
  ) {
    if (options.minSpacingMs && !options.keyOf) throw new Error('GroupCommit: minSpacingMs needs keyOf (to tell a caller that is back)');
  }

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queued.push({ item, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      // Items submitted in the same tick join the first statement.
      queueMicrotask(() => {
        this.scheduled = false;
        this.start();
      });
    });
  }

  private start(): void {
    while (this.inFlight < this.options.maxInFlight && this.queued.length) {
      const wait = this.spacingWait();
      if (wait > 0) {
        this.spacingTimer ??= setTimeout(() => {
          this.spacingTimer = undefined;
          this.start();
        }, wait);
        return;
      }
      clearTimeout(this.spacingTimer);
      this.spacingTimer = undefined;
      const batch = this.take();
      if (!batch.length) return;
      if (this.options.minSpacingMs) {
        this.lastStart = performance.now();
        this.lastKeys = new Set(batch.map((b) => this.options.keyOf!(b.item)));
      }
      this.inFlight += 1;
      void this.execute(batch).finally(() => {
        this.inFlight -= 1;
        if (this.options.keyOf) for (const b of batch) this.busyKeys.delete(this.options.keyOf(b.item));
        this.start();
      });
    }
  }

  /** How long the next statement waits for more callers (minSpacingMs); 0 when a caller of the last one is back. */
  private spacingWait(): number {
    const { minSpacingMs, keyOf } = this.options;
    if (!minSpacingMs) return 0;
    const wait = this.lastStart + minSpacingMs - performance.now();
    if (wait <= 0 || this.queued.some((q) => this.lastKeys.has(keyOf!(q.item)))) return 0;
    return wait;
  }

  private take(): GroupCommit<T, R>['queued'] {
    const keyOf = this.options.keyOf;
    if (!keyOf) return this.queued.splice(0, this.options.maxItems);
    const batch: GroupCommit<T, R>['queued'] = [];
    const left: GroupCommit<T, R>['queued'] = [];
    for (const q of this.queued) {
      const key = keyOf(q.item);
      if (batch.length >= this.options.maxItems || this.busyKeys.has(key)) left.push(q);
      else {
        this.busyKeys.add(key);
        batch.push(q);
      }
    }
    this.queued = left;
    return batch;
  }

  private async execute(batch: GroupCommit<T, R>['queued']): Promise<void> {
    try {
      const results = await this.run(batch.map((b) => b.item));
      batch.forEach((b, i) => b.resolve(results[i]));
    } catch (err) {
      if (batch.length === 1) return batch[0].reject(err);
      // Isolate the failure: each caller's item alone (a real outage fails them all again).
      await Promise.all(
        batch.map(async (b) => {
          try {
            b.resolve((await this.run([b.item]))[0]);
          } catch (own) {
            b.reject(own);
          }
        }),
      );
    }
  }
}
