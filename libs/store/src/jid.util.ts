/**
 * A chat or contact filter as clients send it: a full JID, or a bare number (digits, maybe
 * with +, spaces or dashes), which becomes a user JID; long dashed ids are old group ids.
 */
export function toJid(input: string): string {
  const value = input.trim();
  if (value.includes('@')) return value;
  if (/^\d+-\d+$/.test(value)) return `${value}@g.us`;
  const digits = value.replace(/\D/g, '');
  return digits.length >= 18 ? `${digits}@g.us` : `${digits}@s.whatsapp.net`;
}

export const isGroupJid = (jid: string) => jid.endsWith('@g.us');
