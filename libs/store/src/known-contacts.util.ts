import type { ContactRow } from '@gw/persistence';

/** What an API answer shows of a stored contact (Evolution shows the push name first). */
export interface KnownContact {
  name?: string;
  lid?: string;
  imgUrl?: string;
}

/** Looks up stored contacts by any of their JIDs: remote JID, LID or phone-number JID. */
export class KnownContacts {
  private readonly byJid = new Map<string, ContactRow>();

  constructor(rows: ContactRow[]) {
    for (const row of rows) {
      for (const jid of [row.phoneNumber, row.lid, row.remoteJid]) if (jid) this.byJid.set(jid, row);
    }
  }

  /** The first JID the store knows wins; fields the store lacks are left out. */
  of(...jids: (string | undefined)[]): KnownContact {
    const row = jids.map((j) => (j ? this.byJid.get(j) : undefined)).find(Boolean);
    if (!row) return {};
    const name = row.pushName ?? row.name;
    const lid = row.lid ?? (row.remoteJid.endsWith('@lid') ? row.remoteJid : null);
    return { ...(name ? { name } : {}), ...(lid ? { lid } : {}), ...(row.profilePicUrl ? { imgUrl: row.profilePicUrl } : {}) };
  }
}
