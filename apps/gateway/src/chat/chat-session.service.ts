import { Injectable } from '@nestjs/common';
import { EvolutionException, badRequest } from '@gw/common';
import { InstanceRuntime, SendException } from '@gw/instances';
import { EngineNotConnectedError } from '@gw/whatsapp';
import { ConnectedSessions } from '../instance/connected-session.service';
import { toRecipient } from '../message/recipient.util';

export type Target = { id: string; name: string };

/** JIDs WhatsApp cannot be asked about (usync knows only phone numbers). */
const UNCHECKED = ['@lid', '@broadcast', '@g.us', '@newsletter'];

/** Errors the global filter already answers in Evolution's envelope (see EngineErrorTranslator). */
const classified = (err: unknown) => err instanceof EvolutionException || err instanceof SendException || err instanceof EngineNotConnectedError;

/**
 * The open session behind a /chat or /settings call. A number without WhatsApp is Evolution's
 * `[{jid, exists:false, number}]`; whatever else WhatsApp throws here is a refusal (`Error: …` 400).
 */
@Injectable()
export class ChatSessionService {
  constructor(private readonly sessions: ConnectedSessions) {}

  /** Runs `work` on the instance's open runtime (not connected: the send routes' 400). */
  async run<T>(instance: Target, work: (runtime: InstanceRuntime) => Promise<T>): Promise<T> {
    const runtime = this.sessions.open(instance);
    try {
      return await work(runtime);
    } catch (err) {
      throw classified(err) ? err : new SendException('FAILED', (err as Error)?.message ?? String(err));
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
