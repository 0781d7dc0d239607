/** Paging of the find routes: `page` is 1-based, `pageSize` is Evolution's `offset`. */
export interface PageRequest {
  page: number;
  pageSize: number;
  /** Rows to skip instead of (page - 1) * pageSize (Evolution's take/skip). */
  skip?: number;
}

export interface MessageFilter {
  id?: string;
  keyId?: string;
  remoteJid?: string;
  fromMe?: boolean;
  participant?: string;
  messageType?: string;
  source?: string;
  timestampGte?: number;
  timestampLte?: number;
}

export interface ChatFilter {
  remoteJid?: string;
  /** Chat row id or remote JID (n8n sends the JID as `id`). */
  id?: string;
  timestampGte?: number;
  timestampLte?: number;
}

export interface ContactFilter {
  remoteJid?: string;
  /** Contact row id or remote JID (n8n sends the JID as `id`). */
  id?: string;
  pushName?: string;
}

export interface StatusFilter {
  remoteJid?: string;
  keyId?: string;
  fromMe?: boolean;
  status?: string;
}

export type ContactKind = 'contact' | 'group' | 'group_member';

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
