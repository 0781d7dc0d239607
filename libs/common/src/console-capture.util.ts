import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';

export type ConsoleLevel = 'debug' | 'info' | 'warn' | 'error';
export type ConsoleSink = (level: ConsoleLevel, message: string) => void;

const METHODS: Record<'log' | 'info' | 'debug' | 'trace' | 'warn' | 'error', ConsoleLevel> = {
  log: 'info',
  info: 'info',
  debug: 'debug',
  trace: 'debug',
  warn: 'warn',
  error: 'error',
};

/** Libraries that print to the console on their own: libsignal (inside Baileys) and Baileys itself. */
export const SIGNAL_LIBRARIES = /[\\/]node_modules[\\/](libsignal|@whiskeysockets[\\/]baileys)[\\/]/;

/**
 * One console argument as text with no key material: objects are named, never dumped
 * (libsignal prints whole SessionEntry objects, private ratchet keys included), Buffers in
 * strings are elided, errors keep their message.
 */
export function describeConsoleArg(arg: unknown): string {
  if (typeof arg === 'string') return redactKeyMaterial(arg);
  if (arg instanceof Error) return redactKeyMaterial(`${arg.name}: ${arg.message}`);
  if (arg === null || typeof arg !== 'object') return String(arg);
  if (Buffer.isBuffer(arg) || ArrayBuffer.isView(arg)) return '[bytes]';
  return `[${(arg as object).constructor?.name ?? 'object'}]`;
}

/** `<Buffer 05 a1 ...>` and `privKey: ...` fragments, as they appear in inspected objects. */
export function redactKeyMaterial(text: string): string {
  return text
    .replace(/<Buffer[^>]*>/g, '[bytes]')
    .replace(/(priv(ate)?Key|rootKey|chainKey|macKey|cipherKey|baseKey|ephemeralKeyPair|noiseKey|advSecretKey)(['"]?\s*[:=]\s*)[^,}\s]+/gi, '$1$3[redacted]');
}

let installed: { restore: () => void } | undefined;

/**
 * Routes console output through `sink`, each argument described without key material. With
 * `onlyFrom`, only calls made from matching files are captured (a test process keeps its own
 * console); the rest go to the original console. Installing again replaces the previous capture.
 */
export function captureConsole(sink: ConsoleSink, options: { onlyFrom?: RegExp } = {}): () => void {
  installed?.restore();
  const originals = new Map<string, (...args: unknown[]) => void>();
  const target = console as unknown as Record<string, (...args: unknown[]) => void>;
  for (const [method, level] of Object.entries(METHODS)) {
    const original = target[method];
    originals.set(method, original);
    target[method] = (...args: unknown[]) => {
      // A stack is only taken when filtering; these calls are rare (session changes, errors).
      if (options.onlyFrom && !options.onlyFrom.test(new Error().stack ?? '')) return original.apply(console, args);
      sink(level, args.map(describeConsoleArg).join(' '));
    };
  }
  const restore = () => {
    for (const [method, original] of originals) target[method] = original;
    if (installed?.restore === restore) installed = undefined;
  };
  installed = { restore };
  return restore;
}

/**
 * Nest provider that captures the console for the process's lifetime (gateway and worker):
 * libsignal's session notices go to the logger at debug, its errors as warnings.
 */
@Injectable()
export class ConsoleCapture implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('console');
  private restore?: () => void;

  onModuleInit() {
    this.restore = captureConsole((level, message) => {
      if (level === 'warn' || level === 'error') this.logger.warn(message);
      else this.logger.debug(message);
    });
  }

  onModuleDestroy() {
    this.restore?.();
  }
}
