import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The SQL a gateway process sends, as text: pass `env` to the gateway, then read what a call sent. */
export class SqlTrace {
  private readonly dir = mkdtempSync(join(tmpdir(), 'gw-sql-'));
  private readonly file = join(this.dir, 'statements.log');

  constructor() {
    writeFileSync(this.file, '');
  }

  get env(): Record<string, string> {
    return { NODE_OPTIONS: `--require ${join(__dirname, 'sql-trace.preload.cjs')}`, SQL_TRACE_FILE: this.file };
  }

  /** The statements sent while `call` ran (the process may send others of its own meanwhile). */
  async during<T>(call: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
    const before = this.lines().length;
    const result = await call();
    return { result, statements: this.lines().slice(before) };
  }

  remove() {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private lines() {
    return readFileSync(this.file, 'utf8').split('\n').filter(Boolean);
  }
}
