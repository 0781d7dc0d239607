import { Injectable } from '@nestjs/common';
import { EvolutionException, badRequest } from '@gw/common';
import { InstanceLifecycleService, InstanceRuntime, SendException } from '@gw/instances';
import { EngineNotConnectedError } from '@gw/whatsapp';
import { toRecipient } from '../message/recipient.util';
import { toHttpError } from '../message/send-error.mapper';

export type Target = { id: string; name: string };

/** JIDs WhatsApp cannot be asked about (usync knows only phone numbers). */
const UNCHECKED = ['@lid', '@broadcast', '@g.us', '@newsletter'];

/**
 * The open session behind a /chat or /settings call, and the error rules every such call
 * shares with the send routes: not connected is a 400 naming the state, a number without
 * WhatsApp is Evolution's `[{jid, exists:false, number}]`, WhatsApp's refusals are `Error: …` 400s.
 */
@Injectable()
export class ChatSessionService {
  constructor(private readonly lifecycle: InstanceLifecycleService) {}

  /** Runs `work` on the instance's open runtime, with errors in Evolution's envelope. */
  async run<T>(instance: Target, work: (runtime: InstanceRuntime) => Promise<T>): Promise<T> {
    const runtime = this.lifecycle.runtime(instance.id);
    const state = runtime?.state ?? 'close';
    if (!runtime || state !== 'open') throw toHttpError(SendException.notConnected(instance.name, state));
    try {
      return await work(runtime);
    } catch (err) {
      if (err instanceof EvolutionException) throw err;
      if (err instanceof EngineNotConnectedError) throw toHttpError(SendException.notConnected(instance.name, runtime.state));
      throw toHttpError(err instanceof SendException ? err : new SendException('FAILED', (err as Error)?.message ?? String(err)));
    }
  }

  /** The JID for Evolution's `number`; phone numbers must be on WhatsApp (their canonical JID is used). */
  async jidOf(runtime: InstanceRuntime, number: string): Promise<string> {
    const recipient = toRecipient(number);
    if (!recipient) throw badRequest(`number: ${number} is not a phone number or JID`);
    if (UNCHECKED.some((suffix) => recipient.jid.endsWith(suffix))) return recipient.jid;
    const [check] = await runtime.session.onWhatsApp([recipient.jid.split('@')[0]]);
    if (!check?.exists) throw badRequest({ jid: check?.jid ?? recipient.jid, exists: false, number });
    return check.jid;
  }
}
