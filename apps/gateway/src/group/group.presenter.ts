import type { EngineGroupMetadata } from '@gw/whatsapp';

/** Evolution's findGroupInfos / fetchAllGroups item (whatsapp.baileys.service.ts findGroup). */
export interface GroupInfoView {
  id: string;
  subject: string;
  subjectOwner: string | null;
  subjectTime: number | null;
  pictureUrl: string | null;
  size: number;
  creation: number | null;
  owner: string | null;
  desc: string | null;
  descId: string | null;
  restrict: boolean;
  announce: boolean;
  participants?: EngineGroupMetadata['participants'];
  isCommunity: boolean;
  isCommunityAnnounce: boolean;
  linkedParent: string | null;
}

export function groupInfoView(meta: EngineGroupMetadata, pictureUrl: string | null, withParticipants = true): GroupInfoView {
  return {
    id: meta.id,
    subject: meta.subject,
    subjectOwner: meta.subjectOwner ?? null,
    subjectTime: meta.subjectTime ?? null,
    pictureUrl,
    size: meta.participants.length || meta.size,
    creation: meta.creation ?? null,
    owner: meta.owner ?? null,
    desc: meta.desc ?? null,
    descId: meta.descId ?? null,
    restrict: meta.restrict,
    announce: meta.announce,
    ...(withParticipants ? { participants: meta.participants } : {}),
    isCommunity: meta.isCommunity,
    isCommunityAnnounce: meta.isCommunityAnnounce,
    linkedParent: meta.linkedParent ?? null,
  };
}

/** create / inviteInfo: WhatsApp's group metadata as Evolution passes it through. */
export function groupMetadataView(meta: EngineGroupMetadata) {
  return {
    id: meta.id,
    addressingMode: meta.addressingMode ?? 'pn',
    subject: meta.subject,
    subjectOwner: meta.subjectOwner ?? null,
    subjectTime: meta.subjectTime ?? null,
    size: meta.size,
    creation: meta.creation ?? null,
    owner: meta.owner ?? null,
    desc: meta.desc ?? null,
    descId: meta.descId ?? null,
    restrict: meta.restrict,
    announce: meta.announce,
    isCommunity: meta.isCommunity,
    isCommunityAnnounce: meta.isCommunityAnnounce,
    linkedParent: meta.linkedParent ?? null,
    ephemeralDuration: meta.ephemeralDuration ?? null,
    participants: meta.participants,
  };
}

export const inviteUrlOf = (code: string) => `https://chat.whatsapp.com/${code}`;
