export const isGroupJid = (jid: string) => jid.endsWith('@g.us');
