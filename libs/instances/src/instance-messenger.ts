import type { Logger } from '@nestjs/common';
import { CataloguePublisher, MessageRecord, messageRecord } from '@gw/events';
import type { MessageRepository } from '@gw/persistence';
import {
  ChatPresence,
  EngineAccount,
  EngineMessage,
  EngineNotConnectedError,
  MessageKey,
  SendOptions,
  TEMPLATES_NEED_CLOUD_API,
  WhatsAppMessaging,
} from '@gw/whatsapp';
import type { InstanceState } from './instance-state';
import { declaredMimetype, MediaKeeper } from './pipeline/media-parts';
import { resolveRecipient } from './recipient.resolver';
import type { SendRequest } from './send-request';
import { SendException } from './send.exception';
import { SendQueue } from './send-queue';

export interface MessengerDeps {
  instanceId: string;
  instanceName: string;
  engine: WhatsAppMessaging;
  state: () => InstanceState;
  account: () => EngineAccount | undefined;
  messages: Pick<MessageRepository, 'insertNew' | 'findByKeyId'>;
  /** SEND_MESSAGE goes out in order with the instance's other events. */
  events: CataloguePublisher;
  /** webhookBase64: SEND_MESSAGE then carries the media we sent, up to base64MaxBytes */
  wantsBase64: () => Promise<boolean>;
  base64MaxBytes: number;
  /** Media storage: with S3 on, the media we send is stored too and the record carries mediaUrl. */
  storage?: MediaKeeper;
  minIntervalMs: number;
  timeoutMs: number;
  logger: Logger;
  wait?: (ms: number) => Promise<void>;
}

/** Sends queued at once per instance before callers get 429s instead of unbounded memory. */
export const MAX_QUEUED_SENDS = 1_000;
/** WhatsApp drops a typing indicator after ~25 s; long delays renew it (Evolution: 20 s steps). */
const PRESENCE_REFRESH_MS = 20_000;

export type SentMessageRecord = MessageRecord;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * One instance's outgoing side: checks the recipient, waits its turn in the instance's send
 * queue, shows typing for `delay`, sends with a timeout, then stores the message (so later
 * receipts map to it) and publishes SEND_MESSAGE with the record the API also returns.
 */
export class InstanceMessenger {
  private readonly queue: SendQueue;
  private readonly wait: (ms: number) => Promise<void>;

  constructor(private readonly deps: MessengerDeps) {
    this.wait = deps.wait ?? sleep;
    this.queue = new SendQueue(deps.minIntervalMs, MAX_QUEUED_SENDS, Date.now, this.wait);
  }

  /** Sends queued or in progress. */
  get pending(): number {
    return this.queue.size;
  }

  async send(request: SendRequest): Promise<SentMessageRecord> {
    // A permanent refusal first: a template to a linked device fails whatever its connection state.
    if (request.content.kind === 'template' && !this.deps.engine.sendsTemplates) throw new SendException('FAILED', TEMPLATES_NEED_CLOUD_API);
    this.assertOpen();
    const jid = await this.engineCall(() => resolveRecipient(this.deps.engine, request.to));
    const options: SendOptions = {
      quoted: await this.quoted(request),
      mentions: request.mentions,
      mentionsEveryOne: request.mentionsEveryOne,
    };
    const sent = await this.queue.run(async () => {
      this.assertOpen();
      if (request.delay && request.content.kind !== 'status') {
        await this.showTyping(jid, request.delay, request.presence ?? 'composing');
        this.assertOpen();
      }
      return this.engineCall(() => this.withTimeout(this.deps.engine.sendMessage(jid, request.content, options)));
    });
    return this.record(sent, request);
  }

  private assertOpen(): void {
    const state = this.deps.state();
    if (state !== 'open') throw SendException.notConnected(this.deps.instanceName, state);
  }

  /** Engine failures as send errors: a dropped socket is "not connected", the rest is WhatsApp's refusal. */
  private async engineCall<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (err instanceof SendException) throw err;
      if (err instanceof EngineNotConnectedError) throw SendException.notConnected(this.deps.instanceName, this.deps.state());
      throw new SendException('FAILED', (err as Error)?.message ?? String(err));
    }
  }

  private withTimeout<T>(work: Promise<T>): Promise<T> {
    const ms = this.deps.timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new SendException('TIMEOUT', `WhatsApp did not accept the message within ${ms} ms`)), ms);
      timer.unref();
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }

  /** Typing (or recording) for `ms`, renewed as WhatsApp expects; a lost indicator never fails the send. */
  private async showTyping(jid: string, ms: number, presence: ChatPresence): Promise<void> {
    const indicate = (p: ChatPresence) =>
      this.deps.engine
        .sendPresence(jid, p)
        .catch((err) => this.deps.logger.warn(`presence ${p} to ${jid} failed: ${(err as Error).message}`));
    for (let left = ms; left > 0; left -= PRESENCE_REFRESH_MS) {
      await indicate(presence);
      await this.wait(Math.min(left, PRESENCE_REFRESH_MS));
    }
    await indicate('paused');
  }

  /** Evolution quotes only what it can find: the stored message, or the content the client gave. */
  private async quoted(request: SendRequest): Promise<SendOptions['quoted']> {
    const q = request.quoted;
    if (!q) return undefined;
    const stored = await this.deps.messages.findByKeyId(this.deps.instanceId, q.key.id).catch(() => null);
    const message = q.message ?? stored?.message;
    if (!message) {
      this.deps.logger.debug(`instance ${this.deps.instanceName}: quoted message ${q.key.id} not found, sending without quote`);
      return undefined;
    }
    const key: MessageKey = {
      remoteJid: q.key.remoteJid ?? stored?.key.remoteJid ?? request.to.jid,
      fromMe: q.key.fromMe ?? stored?.key.fromMe ?? false,
      id: q.key.id,
      ...((q.key.participant ?? stored?.key.participant) ? { participant: q.key.participant ?? stored?.key.participant } : {}),
    };
    return { key, message };
  }

  /** Stored first, so a receipt right after maps to the row; then SEND_MESSAGE with the API's record. */
  private async record(sent: EngineMessage, request: SendRequest): Promise<SentMessageRecord> {
    const { instanceId, instanceName } = this.deps;
    const message: EngineMessage = { ...sent, pushName: sent.pushName ?? this.deps.account()?.pushName, status: 'PENDING' };
    try {
      await this.deps.messages.insertNew(instanceId, [message]);
    } catch (err) {
      // the message is out: failing the request now would invite a duplicate resend
      this.deps.logger.error(`instance ${instanceName}: could not store sent message ${sent.key.id}: ${(err as Error).message}`);
    }
    const record: SentMessageRecord = messageRecord(message, instanceId);
    const media = sentMedia(request);
    if (media && record.message && media.length <= this.deps.base64MaxBytes && (await this.deps.wantsBase64().catch(() => false))) {
      record.message = { ...record.message, base64: media.toString('base64') };
    }
    if (media && record.message && this.deps.storage?.storesEverything && media.length <= this.deps.storage.maxBytes) {
      try {
        const { mediaUrl } = await this.deps.storage.keep(instanceId, sent.key.id, media, declaredMimetype(record.message));
        record.message = { ...record.message, mediaUrl };
      } catch (err) {
        this.deps.logger.warn(`instance ${instanceName}: could not store the media of ${sent.key.id}: ${(err as Error).message}`);
      }
    }
    this.deps.events.publish('SEND_MESSAGE', record);
    return record;
  }
}

function sentMedia(request: SendRequest): Buffer | undefined {
  const c = request.content;
  if (c.kind === 'media') return c.media.data;
  if (c.kind === 'status' && c.body.kind === 'media') return c.body.media.data;
  return undefined;
}
