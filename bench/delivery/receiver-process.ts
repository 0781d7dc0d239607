import { join } from 'node:path';
import type { ReceiverCommand, ReceiverStats } from './receiver';
import { ForkedReceiver } from '../support/forked-receiver';
import { sleep } from './delivery-options';

/** The webhook receiver (receiver.ts), forked: it counts, timestamps and verifies what it gets. */
export class ReceiverProcess extends ForkedReceiver<ReceiverCommand> {
  constructor() {
    super(join(__dirname, 'receiver.js'));
  }

  /** The receiver's clock minus ours, measured when it started. */
  get clockSkewMs(): number {
    return this.readyMessage.clockSkewMs as number;
  }

  stats() {
    return this.call<ReceiverStats>({ cmd: 'stats' });
  }

  /** Resolves once `count` distinct deliveries of `phase` were answered 2xx (or attempted, with `attempts`). */
  async waitFor(phase: string, count: number, what: 'unique' | 'attempts' = 'unique', stallMs = 60_000) {
    let last = -1;
    let lastChange = Date.now();
    for (;;) {
      const s = (await this.stats()).phases[phase];
      const got = s ? s[what] : 0;
      if (got >= count) return s!;
      if (got !== last) {
        last = got;
        lastChange = Date.now();
      } else if (Date.now() - lastChange > stallMs) {
        throw new Error(`receiver: ${phase} stuck at ${got}/${count} ${what}`);
      }
      await sleep(50);
    }
  }
}
