/**
 * The group capability of the engine port, in engine-neutral terms. The shapes mirror the
 * group metadata WhatsApp returns (which Evolution's group routes expose as JSON).
 */

export interface EngineGroupMember {
  /** the JID the group lists the member by (phone number or LID, per the group's addressing mode) */
  id: string;
  phoneNumber?: string;
  lid?: string;
  admin: 'admin' | 'superadmin' | null;
}

export interface EngineGroupMetadata {
  id: string;
  subject: string;
  subjectOwner?: string;
  subjectTime?: number;
  size: number;
  creation?: number;
  owner?: string;
  desc?: string;
  descId?: string;
  restrict: boolean;
  announce: boolean;
  isCommunity: boolean;
  isCommunityAnnounce: boolean;
  linkedParent?: string;
  /** disappearing-messages timer, seconds */
  ephemeralDuration?: number;
  addressingMode?: 'pn' | 'lid';
  participants: EngineGroupMember[];
}

export type GroupParticipantsAction = 'add' | 'remove' | 'promote' | 'demote';
export type GroupSetting = 'announcement' | 'not_announcement' | 'locked' | 'unlocked';

/** One participant's outcome; status is WhatsApp's code as a string ('200', '403', '409'…). */
export interface GroupParticipantResult {
  status: string;
  jid: string;
}

export interface WhatsAppGroupOperations {
  /** Creates a group with us as owner; participants are JIDs already checked to be on WhatsApp. */
  create(subject: string, participants: string[]): Promise<EngineGroupMetadata>;
  /** Metadata of a group we belong to (cached; fresh after our own changes and WhatsApp's notifications). */
  metadata(groupJid: string): Promise<EngineGroupMetadata>;
  /** Every group we participate in, in one query (refreshes the cache). */
  fetchAll(): Promise<EngineGroupMetadata[]>;
  /** The group's picture URL, or null when it has none. */
  pictureUrl(groupJid: string): Promise<string | null>;
  updateSubject(groupJid: string, subject: string): Promise<void>;
  /** '' removes the description. */
  updateDescription(groupJid: string, description: string): Promise<void>;
  /** Any image the engine can decode; it is resized to WhatsApp's square profile format. */
  updatePicture(groupJid: string, image: Buffer): Promise<void>;
  updateParticipants(groupJid: string, participants: string[], action: GroupParticipantsAction): Promise<GroupParticipantResult[]>;
  updateSetting(groupJid: string, setting: GroupSetting): Promise<void>;
  /** 0 turns disappearing messages off. */
  toggleEphemeral(groupJid: string, seconds: number): Promise<void>;
  inviteCode(groupJid: string): Promise<string>;
  /** Invalidates the current link; resolves to the new code. */
  revokeInviteCode(groupJid: string): Promise<string>;
  /** What an invite link leads to, without joining. */
  inviteInfo(code: string): Promise<EngineGroupMetadata>;
  /** Joins through an invite link; resolves to the group's JID. */
  acceptInvite(code: string): Promise<string>;
  leave(groupJid: string): Promise<void>;
}

/** Why WhatsApp refused a group operation, engine-neutral. */
export type GroupErrorReason =
  /** no such group (or invite code), or we are not in it */
  | 'not-found'
  /** we lack the rights (not an admin, removed, locked settings) */
  | 'forbidden'
  /** WhatsApp did not answer in time */
  | 'timeout'
  /** anything else WhatsApp said no to */
  | 'refused';

export class EngineGroupError extends Error {
  constructor(
    readonly reason: GroupErrorReason,
    message: string,
    /** WhatsApp's numeric code, when it gave one */
    readonly code?: number,
  ) {
    super(message);
    this.name = 'EngineGroupError';
  }
}
