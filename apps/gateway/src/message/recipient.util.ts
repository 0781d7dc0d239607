import type { Recipient } from '@gw/instances';

/** New-style group ids are 18+ digits (1203630…); old ones are `<creator>-<timestamp>`, 24+ characters. */
const GROUP_DIGITS = 18;
const OLD_GROUP = /^\d+-\d+$/;

/**
 * Evolution's `number`: digits (spaces, +, (), - and dots allowed), or a JID
 * (…@s.whatsapp.net, legacy …@c.us, …@g.us, …@lid, status@broadcast), device suffix allowed.
 * Returns undefined when it is none of these.
 */
export function toRecipient(raw: string): Recipient | undefined {
  const input = raw.trim();
  if (!input) return undefined;
  if (input.includes('@')) {
    const jid = normaliseJid(input);
    return jid ? { jid, number: raw } : undefined;
  }
  const compact = input.replace(/[\s+()]/g, '');
  if (OLD_GROUP.test(compact) && compact.length >= 24) return { jid: `${compact}@g.us`, number: raw };
  const digits = compact.replace(/[-.]/g, '');
  if (!/^\d{6,}$/.test(digits)) return undefined;
  return { jid: digits.length >= GROUP_DIGITS ? `${digits}@g.us` : `${digits}@s.whatsapp.net`, number: raw };
}

function normaliseJid(input: string): string | undefined {
  const at = input.lastIndexOf('@');
  const user = input.slice(0, at).split(':')[0].replace(/[\s+]/g, '');
  const server = input.slice(at + 1).toLowerCase();
  switch (server) {
    case 's.whatsapp.net':
    case 'c.us':
      return /^\d{6,}$/.test(user) ? `${user}@s.whatsapp.net` : undefined;
    case 'g.us':
      return /^\d+(-\d+)?$/.test(user) ? `${user}@g.us` : undefined;
    case 'lid':
      return /^\d+$/.test(user) ? `${user}@lid` : undefined;
    case 'broadcast':
      return user === 'status' ? 'status@broadcast' : undefined;
    default:
      return undefined;
  }
}

/** A `mentioned` entry ("5511…", "5511…@s.whatsapp.net", "…@lid") as a user JID; groups are dropped. */
export function mentionJid(raw: string): string | undefined {
  const jid = toRecipient(raw)?.jid;
  return jid && (jid.endsWith('@s.whatsapp.net') || jid.endsWith('@lid')) ? jid : undefined;
}
