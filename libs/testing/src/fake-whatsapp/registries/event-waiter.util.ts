import type { EventEmitter } from 'node:events';

/** Resolves with the next `event` payload matching `predicate`, or rejects after timeoutMs. */
export function waitForEvent<T>(
  emitter: EventEmitter,
  event: string,
  predicate: (payload: T) => boolean,
  timeoutMs: number,
  description = event,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const listener = (payload: T): void => {
      if (!predicate(payload)) return;
      clearTimeout(timer);
      emitter.off(event, listener);
      resolve(payload);
    };
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${description}`));
    }, timeoutMs);
    emitter.on(event, listener);
  });
}
