import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Stops and starts the machine's PostgreSQL cluster (Debian pg_ctlcluster) for fault tests. */
export class PostgresServerControl {
  private readonly version = readdirSync('/etc/postgresql').sort().at(-1)!;

  stop(): Promise<unknown> {
    return run('pg_ctlcluster', ['--skip-systemctl-redirect', this.version, 'main', 'stop', '-m', 'fast']);
  }

  /** pg_ctlcluster waits until the server accepts connections. */
  start(): Promise<unknown> {
    return run('pg_ctlcluster', ['--skip-systemctl-redirect', this.version, 'main', 'start']);
  }

  async isUp(): Promise<boolean> {
    return run('pg_isready', ['-h', '127.0.0.1', '-p', '5432', '-q']).then(
      () => true,
      () => false,
    );
  }
}
