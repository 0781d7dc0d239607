import type { EngineCall, EngineLabel, EnginePresence, Json, LabelAssociation, ParticipantAction } from '@gw/whatsapp';

export interface PresenceData {
  id: string;
  presences: EnginePresence['presences'];
}

export interface GroupParticipantsData {
  id: string;
  author: string | null;
  /** Phone-number JIDs where known (else the LID), as Evolution sends them. */
  participants: string[];
  action: ParticipantAction;
  participantsData: { jid: string; phoneNumber: string; admin?: string | null }[];
}

export type LabelEditData = EngineLabel & { instance: string };
export type LabelAssociationData = LabelAssociation & { instance: string };

/** A group participant with the phone-number JID the pipeline resolved for it (or its own id). */
export interface ResolvedParticipant {
  id: string;
  phoneNumber: string;
  admin?: string | null;
}

export const presencePayload = (p: EnginePresence): PresenceData => ({ id: p.chatId, presences: p.presences });

export const groupParticipantsPayload = (
  groupId: string,
  author: string | undefined,
  participants: ResolvedParticipant[],
  action: ParticipantAction,
): GroupParticipantsData => ({
  id: groupId,
  author: author ?? null,
  participants: participants.map((p) => p.phoneNumber),
  action,
  participantsData: participants.map((p) => ({ jid: p.id, phoneNumber: p.phoneNumber, ...(p.admin !== undefined ? { admin: p.admin } : {}) })),
});

/** GROUPS_UPSERT / GROUPS_UPDATE carry the group metadata as WhatsApp gave it. */
export const groupsPayload = (groups: Json[]): Json[] => groups;

export const callPayload = (call: EngineCall): EngineCall => call;

export const labelEditPayload = (label: EngineLabel, instance: string): LabelEditData => ({ ...label, instance });

export const labelAssociationPayload = (association: LabelAssociation, instance: string): LabelAssociationData => ({ instance, ...association });

/** CHATS_DELETE: the deleted chats' JIDs. */
export const chatsDeletePayload = (ids: string[]): string[] => ids;
