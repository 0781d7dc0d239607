import type { Logger } from 'pino';
import type { AuthStateStore, SessionOptions, WhatsAppEngine, WhatsAppSession } from '../whatsapp-engine.port';
import { BaileysSession, BaileysSocketSettings } from './baileys-session';
import { loadBaileys } from './baileys.loader';

export class BaileysEngine implements WhatsAppEngine {
  constructor(
    private readonly store: AuthStateStore,
    private readonly settings: BaileysSocketSettings,
    private readonly logger: Logger,
  ) {}

  createSession(options: SessionOptions): WhatsAppSession {
    return new BaileysSession(options, this.store, this.settings, this.logger);
  }

  async hasStoredSession(instanceId: string): Promise<boolean> {
    const raw = await this.store.readCreds(instanceId);
    if (!raw) return false;
    const { BufferJSON } = await loadBaileys();
    // `account` (the signed device identity) exists only after a completed pairing;
    // `me` alone can be left behind by an abandoned pairing-code request.
    const creds = JSON.parse(raw, BufferJSON.reviver) as { account?: unknown; me?: unknown };
    return !!creds.account && !!creds.me;
  }

  clearStoredSession(instanceId: string): Promise<void> {
    return this.store.clear(instanceId);
  }
}
