import type { EngineMessage } from '@gw/messages';
import {
  EngineNotConnectedError,
  type ChatPresence,
  type EngineGroupInfo,
  type NumberCheck,
  type OutgoingContent,
  type SendOptions,
} from '../messaging.types';
import type { EngineEvent, EngineEventListener, MediaDownload, SessionOptions, WhatsAppSession } from '../whatsapp-engine.port';
import type { CloudCredentials, CloudCredentialsStore } from './cloud-api.types';
import { buildCloudMessage } from './cloud-outgoing.builder';
import { downloadCloudMedia } from './cloud-media';
import { cloudChatOperations, cloudGroupOperations } from './cloud-unsupported.operations';
import { GraphApiClient, GraphApiError } from './graph-api.client';
import { jidOf } from './cloud-inbound.normalizer';
import { ProxyRoute } from '../proxy/proxy-route';

/**
 * A WhatsApp Cloud API number behind the engine port. There is no socket and no QR: the
 * session is `open` once the Graph API accepts the token for the phone number id, and sends
 * are Graph API calls. Inbound messages arrive as Meta webhooks, which the gateway turns into
 * events without needing this session (see docs/cloud-api.md).
 */
export class CloudApiSession implements WhatsAppSession {
  private listeners: EngineEventListener[] = [];
  private credentials?: CloudCredentials;
  private open = false;
  /** Graph API calls of this number go through its proxy when it has one. */
  private route?: ProxyRoute;
  readonly sendsTemplates = true;
  readonly groups = cloudGroupOperations();
  readonly chat = cloudChatOperations({
    downloadStoredMedia: async (stored, maxBytes) => {
      if (!this.credentials) return { ok: false, reason: 'download-failed', error: 'the Cloud API instance is not connected' };
      return downloadCloudMedia(this.graph, this.credentials, stored, maxBytes, this.route?.dispatcher);
    },
  });

  constructor(
    private readonly options: SessionOptions,
    private readonly store: CloudCredentialsStore,
    private readonly graph: GraphApiClient,
  ) {}

  get instanceId(): string {
    return this.options.instanceId;
  }

  get fetchDispatcher() {
    return this.route?.dispatcher;
  }

  onEvent(listener: EngineEventListener): void {
    this.listeners.push(listener);
  }

  private emit(event: EngineEvent) {
    for (const l of this.listeners) l(event);
  }

  async connect(): Promise<void> {
    this.emit({ type: 'connecting' });
    const credentials = await this.store.readCloudCredentials(this.instanceId);
    if (!credentials) {
      this.emit({ type: 'close', statusCode: 401, reason: 'no Cloud API credentials stored', disposition: 'stop' });
      return;
    }
    try {
      const proxy = (await this.options.proxy?.()) ?? null;
      await this.closeRoute();
      this.route = proxy ? ProxyRoute.of(proxy) : undefined;
      const info = await this.graph.phoneNumber(credentials.phoneNumberId, credentials.accessToken, this.route?.dispatcher);
      this.credentials = credentials;
      this.open = true;
      const display = (info.display_phone_number ?? credentials.phoneNumberId).replace(/\D/g, '');
      this.emit({
        type: 'open',
        account: {
          jid: jidOf(display),
          pushName: info.verified_name,
          profilePictureUrl: null,
          storedNumber: credentials.phoneNumberId,
        },
      });
    } catch (err) {
      this.open = false;
      // A refused token is final until someone fixes it; a network error or a 5xx is retried with backoff.
      const refused = err instanceof GraphApiError && (err.isAuthError || err.status === 400 || err.status === 404);
      this.emit({
        type: 'close',
        statusCode: refused ? 401 : 503,
        reason: (err as Error).message,
        disposition: refused ? 'stop' : 'reconnect',
      });
    }
  }

  async close(): Promise<void> {
    this.open = false;
    await this.closeRoute();
  }

  /** Nothing to unlink on Meta's side: the number stays registered to the business account. */
  async logout(): Promise<void> {
    this.open = false;
    await this.closeRoute();
  }

  private async closeRoute() {
    const route = this.route;
    this.route = undefined;
    await route?.close();
  }

  async requestPairingCode(): Promise<string> {
    throw new Error('Cloud API instances do not pair with a code or QR');
  }

  /** No recent-message cache here: callers go on to chat.downloadStoredMedia with the stored message (its media id). */
  async downloadMedia(): Promise<MediaDownload> {
    return { ok: false, reason: 'unknown-message' };
  }

  async sendMessage(jid: string, content: OutgoingContent, options?: SendOptions): Promise<EngineMessage> {
    const credentials = this.credentials;
    if (!this.open || !credentials) throw new EngineNotConnectedError();
    // Media given as bytes (base64 or an upload) goes up to Meta first and is sent by its id.
    const uploaded =
      content.kind === 'media' && !content.media.url
        ? await this.graph.uploadMedia(
            credentials.phoneNumberId,
            credentials.accessToken,
            content.media.data,
            content.media.mimetype,
            content.media.fileName ?? 'file',
            this.route?.dispatcher,
          )
        : undefined;
    const out = buildCloudMessage(jid, content, options, uploaded);
    const res = await this.graph.sendMessage(credentials.phoneNumberId, credentials.accessToken, out.body, this.route?.dispatcher);
    const id = res.messages?.[0]?.id;
    if (!id) throw new Error('Graph API accepted the message without returning its id');
    const waId = res.contacts?.[0]?.wa_id;
    return {
      key: { remoteJid: waId ? jidOf(waId) : jid, fromMe: true, id },
      message: out.message,
      messageType: out.messageType,
      messageTimestamp: Math.floor(Date.now() / 1000),
      status: 'PENDING',
      source: 'unknown',
    };
  }

  /** The Cloud API has no contact lookup: any number is sendable (Meta reports failures as statuses). */
  async onWhatsApp(numbers: string[]): Promise<NumberCheck[]> {
    return numbers.map((n) => ({ number: n, jid: jidOf(n), exists: true }));
  }

  /** Typing indicators need a received message id on the Cloud API; a send `delay` just waits. */
  async sendPresence(_jid: string, _presence: ChatPresence): Promise<void> {}

  async groupMetadata(): Promise<EngineGroupInfo | undefined> {
    return undefined;
  }
}
