/**
 * What the fake keeps about accounts' profiles and settings, beyond the account model:
 * avatar, "about" text, business profile, privacy settings, and the app-state patches
 * their companions sent (archive, unread, push name, …), decoded for assertions.
 */
export interface FakeBusinessProfile {
  description: string;
  category?: string;
  email?: string;
  website?: string;
  address?: string;
}

export interface FakeProfile {
  /** the avatar bytes the client uploaded (or a test set), undefined = no picture */
  picture?: Buffer;
  pictureId: number;
  about?: string;
  aboutSetAt?: number;
  business?: FakeBusinessProfile;
  privacy: Record<string, string>;
}

/** an app-state mutation a client sent (Baileys chatModify / updateProfileName) */
export interface ClientAppStatePatch {
  accountJid: string;
  collection: string;
  /** e.g. ["archive","5511…@s.whatsapp.net"], ["markChatAsRead",jid], ["setting_pushName"] */
  index: string[];
  /** the decoded SyncActionValue (archiveChatAction, markChatAsReadAction, pushNameSetting, …) */
  action: Record<string, unknown>;
  at: string;
}

export const PRIVACY_DEFAULTS: Record<string, string> = {
  last: 'all',
  online: 'all',
  profile: 'all',
  status: 'all',
  groupadd: 'all',
  readreceipts: 'all',
  calladd: 'all',
  messages: 'all',
};

export class AccountProfileRegistry {
  private readonly profiles = new Map<string, FakeProfile>();
  readonly patches: ClientAppStatePatch[] = [];

  /** by account jid (PN, no device) */
  of(accountJid: string): FakeProfile {
    let profile = this.profiles.get(accountJid);
    if (!profile) {
      profile = { pictureId: 0, privacy: { ...PRIVACY_DEFAULTS } };
      this.profiles.set(accountJid, profile);
    }
    return profile;
  }
}
