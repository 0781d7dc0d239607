import { ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './gateway-process';

const run = promisify(execFile);
const BIN = '/usr/lib/rabbitmq/bin';

/** True when Debian's rabbitmq-server is installed (.ci/run installs it). */
export const rabbitmqInstalled = (): boolean => existsSync(`${BIN}/rabbitmq-server`);

/**
 * A private RabbitMQ broker for one test file: its own node name, AMQP port, Erlang
 * distribution port, epmd port and data directory, so it runs next to a system broker and
 * can be stopped and restarted (same data: durable queues and persistent messages survive).
 * Started from /usr/lib/rabbitmq/bin directly (the /usr/sbin wrapper switches to the rabbitmq user).
 */
export class RabbitmqBrokerProcess {
  readonly dir = mkdtempSync(join(tmpdir(), 'gw-rabbitmq-'));
  readonly node = `gwtest${process.pid}x${Math.floor(Math.random() * 1e6)}@localhost`;
  port = 0;
  private distPort = 0;
  private epmdPort = 0;
  private child?: ChildProcess;
  readonly output: string[] = [];

  get uri(): string {
    return `amqp://guest:guest@127.0.0.1:${this.port}`;
  }

  private env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      HOME: this.dir, // the Erlang cookie lives here, shared with rabbitmqctl
      RABBITMQ_CONF_ENV_FILE: join(this.dir, 'rabbitmq-env.conf'), // not /etc/rabbitmq's (the system node's name)
      RABBITMQ_CONFIG_FILE: join(this.dir, 'rabbitmq.conf'),
      RABBITMQ_ENABLED_PLUGINS_FILE: join(this.dir, 'enabled_plugins'),
      RABBITMQ_NODENAME: this.node,
      RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
      RABBITMQ_NODE_PORT: String(this.port),
      RABBITMQ_DIST_PORT: String(this.distPort),
      ERL_EPMD_PORT: String(this.epmdPort),
      ERL_EPMD_ADDRESS: '127.0.0.1',
      RABBITMQ_MNESIA_BASE: join(this.dir, 'mnesia'),
      RABBITMQ_LOG_BASE: join(this.dir, 'log'),
    };
  }

  async start(): Promise<this> {
    if (!this.port) {
      [this.port, this.distPort, this.epmdPort] = [await freePort(), await freePort(), await freePort()];
      writeFileSync(join(this.dir, 'rabbitmq-env.conf'), '');
      writeFileSync(join(this.dir, 'rabbitmq.conf'), 'loopback_users = none\n');
      writeFileSync(join(this.dir, 'enabled_plugins'), '[].\n');
    }
    const child = spawn(`${BIN}/rabbitmq-server`, [], { env: this.env(), cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d: Buffer) => this.output.push(d.toString()));
    child.stderr!.on('data', (d: Buffer) => this.output.push(d.toString()));
    this.child = child;
    // The AMQP listener opens last in the boot; a failed boot exits instead.
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`rabbitmq exited with ${code}:\n${this.output.join('').slice(-2000)}`))),
    );
    exited.catch(() => undefined);
    await Promise.race([this.waitPort(true, 90_000), exited]);
    return this;
  }

  /** Stops the node (clean shutdown: what is on disk stays for the next start). */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    await this.ctl(['shutdown']).catch(() => child.kill('SIGTERM'));
    await exited;
    this.child = undefined;
    await this.waitPort(false);
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** rabbitmqctl against this node. */
  async ctl(args: string[]): Promise<string> {
    const { stdout } = await run(`${BIN}/rabbitmqctl`, ['-n', this.node, ...args], { env: this.env(), timeout: 90_000 });
    return stdout;
  }

  /** Stops the node, its epmd and removes the data directory. */
  async destroy(): Promise<void> {
    await this.stop().catch(() => this.child?.kill('SIGKILL'));
    if (this.epmdPort) await run('epmd', ['-port', String(this.epmdPort), '-kill'], { env: this.env() }).catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async waitPort(open: boolean, timeoutMs = 30_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const isOpen = await new Promise<boolean>((resolve) => {
        const s = netConnect(this.port, '127.0.0.1');
        s.once('connect', () => (s.destroy(), resolve(true)));
        s.once('error', () => resolve(false));
      });
      if (isOpen === open) return;
      if (Date.now() > until) throw new Error(`rabbitmq port ${this.port} did not ${open ? 'open' : 'close'}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
