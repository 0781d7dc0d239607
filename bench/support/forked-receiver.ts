import { ChildProcess, fork } from 'node:child_process';

/** A command without its `id` (the base adds it), for a union of commands. */
export type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/**
 * A webhook receiver running as a forked script, so it does not share the measured process's
 * event loop. It reports `{ready, port, ...}` once listening, answers commands by id, and may send
 * unsolicited messages (`{notice: ...}`), which go to `onNotice`.
 */
export class ForkedReceiver<Cmd extends object> {
  private child?: ChildProcess;
  private nextId = 1;
  private readonly pending = new Map<number, (v: unknown) => void>();
  port = 0;
  /** The ready message, for receivers that report more than their port. */
  protected readyMessage: Record<string, unknown> = {};

  constructor(private readonly script: string) {}

  /** Unsolicited messages from the receiver; none by default. */
  protected onNotice(_message: Record<string, unknown>): void {}

  async start(): Promise<this> {
    const child = fork(this.script, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`receiver exited with ${code}`)));
      child.on('message', (m: { id?: number; ready?: boolean; port?: number; notice?: string }) => {
        if (m.ready) {
          this.port = m.port!;
          this.readyMessage = m;
          return resolve();
        }
        if (m.notice) return this.onNotice(m);
        const done = this.pending.get(m.id!);
        this.pending.delete(m.id!);
        done?.(m);
      });
    });
    return this;
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid() {
    return this.child!.pid!;
  }

  call<T>(cmd: WithoutId<Cmd>): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve) => {
      this.pending.set(id, resolve as (v: unknown) => void);
      this.child!.send({ ...cmd, id });
    });
  }

  /** Lets the receiver exit on its own (IPC closed) and waits for it. */
  async stop() {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.disconnect();
    await exited;
  }
}
