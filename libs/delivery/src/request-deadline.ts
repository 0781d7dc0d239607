import { EventEmitter } from 'node:events';

/**
 * A POST's overall deadline, given to undici as its `signal` (undici takes an emitter with
 * `aborted`, `reason` and an 'abort' event as well as an AbortSignal). AbortSignal.timeout
 * costs ~15 µs per request here (an EventTarget, a weak timer, a finalizer), a sizeable share
 * of a delivery; this is one plain timer, cleared when the exchange ends.
 */
export class RequestDeadline extends EventEmitter {
  aborted = false;
  reason?: Error;
  private readonly timer: NodeJS.Timeout;

  constructor(timeoutMs: number) {
    super();
    this.timer = setTimeout(() => {
      this.aborted = true;
      // Same name and text as AbortSignal.timeout's error, so attempt-log entries read as before.
      this.reason = Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });
      this.emit('abort');
    }, timeoutMs);
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}
