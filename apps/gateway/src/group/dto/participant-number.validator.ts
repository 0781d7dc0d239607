/**
 * A participant as Evolution takes it: a phone number with country code (digits, with
 * optional + / spaces / dashes) or a user JID (…@s.whatsapp.net, …@lid).
 */
export const PARTICIPANT_PATTERN = /^(\+?[\d\s().-]{10,}|\d+(:\d+)?@(s\.whatsapp\.net|c\.us|lid))$/;
export const PARTICIPANT_MESSAGE = 'each value in $property must be a phone number with country code (at least 10 digits) or a user JID';

/** "+55 11 91234-5678" / "5511912345678@s.whatsapp.net" -> "5511912345678@s.whatsapp.net" */
export function participantJid(raw: string): string {
  const input = raw.trim();
  if (input.includes('@')) {
    const [user, server] = input.split('@');
    const bare = user.split(':')[0];
    return server === 'lid' ? `${bare}@lid` : `${bare}@s.whatsapp.net`;
  }
  return `${input.replace(/\D/g, '')}@s.whatsapp.net`;
}
