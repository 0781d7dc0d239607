import { MediaConversionError } from './media-conversion.error';

export interface ConversionPoolOptions {
  /** conversions running at once */
  concurrency: number;
  /** longest one conversion may run, from its start (waiting in line does not count) */
  timeoutMs: number;
  /** conversions allowed to wait per running slot before new ones are refused (BUSY) */
  waitingPerSlot?: number;
}

const DEFAULT_WAITING_PER_SLOT = 50;

/**
 * A bounded pool for CPU-heavy conversions (one ffmpeg is about one core). Each task gets an
 * AbortSignal that fires at its time limit; the caller is answered at that moment, while the
 * slot stays taken until the task has really stopped, so the bound holds. Hand-written because
 * p-queue (ESM-only here) times a task out without stopping it, and stopping ffmpeg is the point.
 */
export class ConversionPool {
  private active = 0;
  private readonly queue: (() => void)[] = [];
  private readonly maxWaiting: number;

  constructor(private readonly options: ConversionPoolOptions) {
    this.maxWaiting = options.concurrency * (options.waitingPerSlot ?? DEFAULT_WAITING_PER_SLOT);
  }

  get concurrency(): number {
    return this.options.concurrency;
  }

  get timeoutMs(): number {
    return this.options.timeoutMs;
  }

  get running(): number {
    return this.active;
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** Runs `task` when a slot is free; `what` names the input in the time-limit message. */
  async run<T>(what: string, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
    await this.acquire();
    const controller = new AbortController();
    const seconds = Math.round(this.options.timeoutMs / 100) / 10;
    const timer = setTimeout(
      () => controller.abort(new MediaConversionError('TIMED_OUT', `${what}: conversion took longer than ${seconds} s and was stopped`)),
      this.options.timeoutMs,
    );
    let work: Promise<T>;
    try {
      work = task(controller.signal);
    } catch (err) {
      clearTimeout(timer);
      this.release();
      throw err;
    }
    void work
      .catch(() => undefined)
      .finally(() => {
        clearTimeout(timer);
        this.release();
      });
    return Promise.race([work, rejectOnAbort<T>(controller.signal)]);
  }

  private acquire(): Promise<void> {
    if (this.active < this.options.concurrency) {
      this.active++;
      return Promise.resolve();
    }
    if (this.queue.length >= this.maxWaiting) {
      return Promise.reject(new MediaConversionError('BUSY', `more than ${this.maxWaiting} media conversions are waiting`));
    }
    // the slot is handed over directly by release(), so `active` never dips and overshoots
    return new Promise((resolve) => this.queue.push(resolve));
  }

  private release(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.active--;
  }
}

function rejectOnAbort<T>(signal: AbortSignal): Promise<T> {
  return new Promise<T>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}
