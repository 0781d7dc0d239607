import type { SessionOptions, WhatsAppEngine, WhatsAppSession } from '../whatsapp-engine.port';
import { CLOUD_API_INTEGRATION, type CloudCredentialsStore } from './cloud-api.types';
import { CloudApiSession } from './cloud-api.session';
import { GraphApiClient } from './graph-api.client';

/**
 * Picks the engine per instance by its `integration`: WHATSAPP-BUSINESS instances run on the
 * Cloud API, everything else on Baileys. Stored sessions are Baileys' concern only.
 */
export class ChannelEngine implements WhatsAppEngine {
  constructor(
    private readonly baileys: WhatsAppEngine,
    private readonly cloudStore: CloudCredentialsStore,
    private readonly graph: GraphApiClient,
  ) {}

  createSession(options: SessionOptions): WhatsAppSession {
    if (options.integration === CLOUD_API_INTEGRATION) return new CloudApiSession(options, this.cloudStore, this.graph);
    return this.baileys.createSession(options);
  }

  hasStoredSession(instanceId: string): Promise<boolean> {
    return this.baileys.hasStoredSession(instanceId);
  }

  clearStoredSession(instanceId: string): Promise<void> {
    return this.baileys.clearStoredSession(instanceId);
  }
}
