import { FakeWhatsAppServer } from './fake-whatsapp.server';

/**
 * CLI: runs the fake WhatsApp server for tests that drive a gateway in another process.
 *   node dist/libs/testing/src/fake-whatsapp/fake-whatsapp.main.js [--port N] [--host H]
 *        [--qr-refs N] [--print-events] [--verbose]
 * Port also from FAKE_WA_PORT (default 0 = random). Prints exactly one JSON line
 * {"event":"listening","url":…,"admin":…} on stdout when ready; with --print-events every
 * server event follows as a JSON line. --verbose logs stanzas to stderr.
 */
interface CliOptions {
  port: number;
  host: string;
  qrRefCount?: number;
  printEvents: boolean;
  verbose: boolean;
}

export function parseCliArgs(argv: string[], env: NodeJS.ProcessEnv): CliOptions {
  const options: CliOptions = {
    port: toInt(env.FAKE_WA_PORT ?? '0', 'FAKE_WA_PORT'),
    host: env.FAKE_WA_HOST ?? '127.0.0.1',
    printEvents: false,
    verbose: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--port':
        options.port = toInt(value(), '--port');
        break;
      case '--host':
        options.host = value();
        break;
      case '--qr-refs':
        options.qrRefCount = toInt(value(), '--qr-refs');
        break;
      case '--print-events':
        options.printEvents = true;
        break;
      case '--verbose':
        options.verbose = true;
        break;
      default:
        throw new Error(`unknown argument ${arg}`);
    }
  }
  return options;
}

function toInt(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got '${value}'`);
  return n;
}

export async function runFakeWhatsAppCli(argv: string[], env: NodeJS.ProcessEnv): Promise<FakeWhatsAppServer> {
  const options = parseCliArgs(argv, env);
  const server = await FakeWhatsAppServer.start({
    port: options.port,
    host: options.host,
    qrRefCount: options.qrRefCount,
    log: options.verbose ? (line) => process.stderr.write(`${line}\n`) : undefined,
  });
  process.stdout.write(`${JSON.stringify({ event: 'listening', url: server.url, admin: server.adminUrl })}\n`);
  if (options.printEvents) {
    let cursor = server.journal.lastSeq;
    const pump = (): void => {
      for (const entry of server.journal.since(cursor)) {
        cursor = entry.seq;
        process.stdout.write(`${JSON.stringify(entry)}\n`);
      }
    };
    for (const name of ['connection', 'registration', 'pairing-code-request', 'paired', 'login', 'login-rejected', 'logout', 'kick', 'disconnect'] as const) {
      server.on(name, () => setImmediate(pump));
    }
  }
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return server;
}

if (require.main === module) {
  runFakeWhatsAppCli(process.argv.slice(2), process.env).catch((err: unknown) => {
    process.stderr.write(`fake-whatsapp: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
