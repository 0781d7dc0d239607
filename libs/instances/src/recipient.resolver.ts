import type { WhatsAppMessaging } from '@gw/whatsapp';
import type { Recipient } from './send-request';
import { SendException } from './send.exception';

/** JIDs WhatsApp cannot be asked about: sent to as they are. */
const UNCHECKED = ['@lid', '@broadcast', '@newsletter'];

/**
 * The JID to send to, checked the way Evolution checks it: numbers must be on WhatsApp
 * (WhatsApp's canonical JID is used, e.g. with Brazil's ninth digit fixed), groups must
 * exist and have us as a member. Otherwise Evolution's `{jid, exists:false, number}`.
 */
export async function resolveRecipient(engine: WhatsAppMessaging, to: Recipient): Promise<string> {
  if (UNCHECKED.some((suffix) => to.jid.endsWith(suffix))) return to.jid;
  if (to.jid.endsWith('@g.us')) {
    const group = await engine.groupMetadata(to.jid);
    if (!group) throw SendException.notOnWhatsApp(to.jid, to.number);
    return group.id;
  }
  const [check] = await engine.onWhatsApp([to.jid.split('@')[0]]);
  if (!check?.exists) throw SendException.notOnWhatsApp(check?.jid ?? to.jid, to.number);
  return check.jid;
}
