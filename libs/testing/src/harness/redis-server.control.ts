import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import IORedis from 'ioredis';

const run = promisify(execFile);

/**
 * Stops and starts the local Redis server (127.0.0.1:6379) for fault tests, with the same
 * flags the machine starts it with (no persistence: a restart comes back empty, the worst case).
 */
export class RedisServerControl {
  constructor(private readonly port = 6379) {}

  async stop(): Promise<void> {
    await run('redis-cli', ['-p', String(this.port), 'shutdown', 'nosave']).catch(() => undefined);
    await this.waitUntil(false);
  }

  async start(): Promise<void> {
    await run('redis-server', [
      '--daemonize', 'yes', '--bind', '127.0.0.1', '-::1', '--port', String(this.port),
      '--save', '', '--appendonly', 'no', '--dir', '/tmp',
    ]);
    await this.waitUntil(true);
  }

  async isUp(): Promise<boolean> {
    const client = new IORedis({ port: this.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      await client.connect();
      return (await client.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      client.disconnect();
    }
  }

  /** Redis has no "I am down/up" event for outsiders; probe until it answers as expected. */
  private async waitUntil(up: boolean, timeoutMs = 15_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while ((await this.isUp()) !== up) {
      if (Date.now() > until) throw new Error(`redis did not come ${up ? 'up' : 'down'} in ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
