import type { EngineEvent, EngineMessage } from '@gw/whatsapp';
import { LidDirectory } from './lid-directory';

/**
 * Second stage: learns which phone number each LID belongs to (mapping updates, contacts,
 * history, message keys, group participants) and adds that other addressing to the keys and
 * participants of the event, so stored rows and payloads keyed by @lid also carry the phone JID.
 */
export class AddressingStage {
  private readonly lids = new LidDirectory();

  apply(event: EngineEvent): EngineEvent {
    const lids = this.lids;
    switch (event.type) {
      case 'messages':
        return { ...event, messages: event.messages.map((m) => this.message(m)) };
      case 'history':
        event.batch.contacts.forEach((c) => lids.learnFromContact(c));
        return { ...event, batch: { ...event.batch, messages: event.batch.messages.map((m) => this.message(m)) } };
      case 'message-updates':
        return { ...event, updates: event.updates.map((u) => ({ ...u, key: lids.enrich(u.key) })) };
      case 'messages-deleted':
        return { ...event, keys: event.keys.map((k) => lids.enrich(k)) };
      case 'contacts':
        event.contacts.forEach((c) => lids.learnFromContact(c));
        return event;
      case 'group-participants':
        for (const p of event.participants) lids.learn(p.id, p.phoneNumber);
        return { ...event, participants: event.participants.map((p) => ({ ...p, phoneNumber: p.phoneNumber ?? lids.phoneFor(p.id) })) };
      case 'lid-mapping':
        for (const m of event.mappings) lids.learn(m.lid, m.pn);
        return event;
      default:
        return event;
    }
  }

  private message(m: EngineMessage): EngineMessage {
    this.lids.learnFromKey(m.key);
    const key = this.lids.enrich(m.key);
    const alt = key.participantAlt ?? key.remoteJidAlt;
    return { ...m, key, senderPn: m.senderPn ?? (alt?.endsWith('@s.whatsapp.net') ? alt : undefined) };
  }
}
