import { ConversionPool } from './conversion-pool';
import { MediaConversionError } from './media-conversion.error';

/** A task that finishes when the test says so, and reports whether it was asked to stop. */
function controllable() {
  let finish!: (v: string) => void;
  const state = { aborted: false, started: false };
  const task = (signal: AbortSignal) => {
    state.started = true;
    signal.addEventListener('abort', () => (state.aborted = true));
    return new Promise<string>((resolve) => (finish = resolve));
  };
  return { task, state, finish: (v: string) => finish(v) };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('ConversionPool', () => {
  it('runs at most `concurrency` tasks; the next starts when one finishes', async () => {
    const pool = new ConversionPool({ concurrency: 2, timeoutMs: 60_000 });
    const [a, b, c] = [controllable(), controllable(), controllable()];
    const results = [pool.run('a', a.task), pool.run('b', b.task), pool.run('c', c.task)];
    await tick();
    expect([a.state.started, b.state.started, c.state.started]).toEqual([true, true, false]);
    expect([pool.running, pool.waiting]).toEqual([2, 1]);
    a.finish('A');
    await expect(results[0]).resolves.toBe('A');
    await tick();
    expect(c.state.started).toBe(true);
    b.finish('B');
    c.finish('C');
    await expect(Promise.all(results)).resolves.toEqual(['A', 'B', 'C']);
    await tick();
    expect([pool.running, pool.waiting]).toEqual([0, 0]);
  });

  it('answers TIMED_OUT at the limit and aborts the task; the slot frees only when the task stops', async () => {
    const pool = new ConversionPool({ concurrency: 1, timeoutMs: 50 });
    const slow = controllable();
    await expect(pool.run('audio', slow.task)).rejects.toMatchObject({ code: 'TIMED_OUT', message: 'audio: conversion took longer than 0.1 s and was stopped' });
    expect(slow.state.aborted).toBe(true);
    expect(pool.running).toBe(1);
    slow.finish('late');
    await tick();
    await tick();
    expect(pool.running).toBe(0);
  });

  it('refuses with BUSY when too many wait', async () => {
    const pool = new ConversionPool({ concurrency: 1, timeoutMs: 60_000, waitingPerSlot: 1 });
    const [a, b] = [controllable(), controllable()];
    const first = pool.run('a', a.task);
    const second = pool.run('b', b.task);
    const third = pool.run('c', () => Promise.resolve('never'));
    await expect(third).rejects.toBeInstanceOf(MediaConversionError);
    await expect(third).rejects.toMatchObject({ code: 'BUSY' });
    a.finish('A');
    await tick();
    b.finish('B');
    await expect(Promise.all([first, second])).resolves.toEqual(['A', 'B']);
  });

  it('a task that fails frees its slot and passes its error on', async () => {
    const pool = new ConversionPool({ concurrency: 1, timeoutMs: 60_000 });
    await expect(pool.run('x', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await tick();
    expect(pool.running).toBe(0);
    await expect(pool.run('y', async () => 'ok')).resolves.toBe('ok');
  });
});
