import type { EngineContact, MessageKey } from '@gw/whatsapp';

const MAX_ENTRIES = 20_000;

/**
 * LID -> phone-number JID, learnt from what WhatsApp tells us (mapping updates, history
 * sync, contacts, message keys). Used so payloads keyed by @lid also carry the phone JID.
 * Bounded: the oldest entries go first.
 */
export class LidDirectory {
  private readonly byLid = new Map<string, string>();

  learn(lid: string | undefined, pn: string | undefined): void {
    if (!lid?.endsWith('@lid') || !pn?.endsWith('@s.whatsapp.net')) return;
    const bareLid = bare(lid);
    this.byLid.delete(bareLid);
    this.byLid.set(bareLid, bare(pn));
    if (this.byLid.size > MAX_ENTRIES) this.byLid.delete(this.byLid.keys().next().value!);
  }

  learnFromKey(key: MessageKey): void {
    this.learn(key.remoteJid, key.remoteJidAlt);
    this.learn(key.participant, key.participantAlt);
  }

  learnFromContact(c: EngineContact): void {
    if (c.id.endsWith('@lid')) this.learn(c.id, c.phoneNumber);
    else this.learn(c.lid, c.id);
  }

  phoneFor(lid: string | undefined): string | undefined {
    return lid?.endsWith('@lid') ? this.byLid.get(bare(lid)) : undefined;
  }

  /** Adds remoteJidAlt/participantAlt when WhatsApp addressed by LID and we know the number. */
  enrich(key: MessageKey): MessageKey {
    const out = { ...key };
    if (!out.remoteJidAlt) {
      const pn = this.phoneFor(out.remoteJid);
      if (pn) out.remoteJidAlt = pn;
    }
    if (out.participant && !out.participantAlt) {
      const pn = this.phoneFor(out.participant);
      if (pn) out.participantAlt = pn;
    }
    return out;
  }

  get size() {
    return this.byLid.size;
  }
}

/** Drops the device suffix: 123:4@lid -> 123@lid. */
function bare(jid: string): string {
  const [user, server] = jid.split('@');
  return `${user.split(':')[0]}@${server}`;
}
