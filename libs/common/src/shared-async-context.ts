import { AsyncLocalStorage } from 'node:async_hooks';
import { syncBuiltinESMExports } from 'node:module';
// The module object itself (not a copy), so its export can be swapped for a moment.
import asyncHooks = require('node:async_hooks');

/**
 * Why: on Node 20 every enabled AsyncLocalStorage costs every promise the process creates
 * (its init hook copies each storage's slot onto the new promise), and a storage is never
 * released. Baileys creates one per socket (its key-store transactions), so a gateway with 200
 * instances paid 200 slot copies per promise, and each reconnect added one more for good.
 *
 * Storages created inside {@link withSharedAsyncContext} are slots of one process-wide
 * AsyncLocalStorage instead: the per-promise cost stays that of a single storage, however many
 * sockets come and go, and a slot is garbage once its socket is.
 */

/** One link of the shared context: a slot's store, then whatever was current before it was set. */
interface Frame {
  readonly slot: SharedSlotStorage<unknown>;
  readonly store: unknown;
  readonly parent: Frame | undefined;
}

const shared = new AsyncLocalStorage<Frame>();

/** An AsyncLocalStorage look-alike (the subset libraries use) backed by the shared storage. */
export class SharedSlotStorage<T> {
  getStore(): T | undefined {
    for (let frame = shared.getStore(); frame; frame = frame.parent) {
      if (frame.slot === this) return frame.store as T;
    }
    return undefined;
  }

  run<R, A extends unknown[]>(store: T, fn: (...args: A) => R, ...args: A): R {
    return shared.run({ slot: this, store, parent: shared.getStore() }, fn, ...args);
  }

  exit<R, A extends unknown[]>(fn: (...args: A) => R, ...args: A): R {
    return shared.run({ slot: this, store: undefined, parent: shared.getStore() }, fn, ...args);
  }

  enterWith(store: T): void {
    shared.enterWith({ slot: this, store, parent: shared.getStore() });
  }

  /** Nothing to release: a slot holds no hook of its own. */
  disable(): void {}
}

/**
 * Runs `create` (synchronous) with `AsyncLocalStorage` from node:async_hooks replaced by
 * {@link SharedSlotStorage}, for CommonJS and ES module importers alike, then puts it back.
 * Only storages constructed during the call are affected.
 */
export function withSharedAsyncContext<R>(create: () => R): R {
  const original = asyncHooks.AsyncLocalStorage;
  const exports = asyncHooks as { AsyncLocalStorage: unknown };
  exports.AsyncLocalStorage = SharedSlotStorage;
  syncBuiltinESMExports();
  try {
    return create();
  } finally {
    exports.AsyncLocalStorage = original;
    syncBuiltinESMExports();
  }
}
