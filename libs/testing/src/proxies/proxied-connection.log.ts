/** One connection a test proxy carried: where to (host:port). */
export interface ProxiedConnection {
  target: string;
  at: number;
}

type Waiter = { pred: (c: ProxiedConnection) => boolean; resolve: (c: ProxiedConnection) => void };

/** What a test proxy carried, and waiting for a connection to show up in it (no polling). */
export class ProxiedConnectionLog {
  readonly entries: ProxiedConnection[] = [];
  private waiters: Waiter[] = [];

  constructor(private readonly proxyName: string) {}

  record(c: ProxiedConnection): void {
    this.entries.push(c);
    for (const w of [...this.waiters]) {
      if (w.pred(c)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(c);
      }
    }
  }

  /** Resolves at the first carried connection (already recorded or not) matching `pred`. */
  waitFor(pred: (c: ProxiedConnection) => boolean, timeoutMs: number, what: string): Promise<ProxiedConnection> {
    const seen = this.entries.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.proxyName}: no ${what} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ pred, resolve: (c) => (clearTimeout(timer), resolve(c)) });
    });
  }
}
