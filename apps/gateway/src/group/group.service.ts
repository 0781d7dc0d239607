import { Injectable } from '@nestjs/common';
import { badRequest } from '@gw/common';
import { InstanceLifecycleService } from '@gw/instances';
import { ContactRepository, KnownContacts } from '@gw/store';
import type { EngineGroupMetadata, OutgoingMedia, WhatsAppGroupOperations, WhatsAppSession } from '@gw/whatsapp';
import { ConnectedSessions } from '../instance/connected-session.service';
import { MediaLoader } from '../message/media.loader';
import { toRecipient } from '../message/recipient.util';
import type { CreateGroupDto } from './dto/create-group.dto';
import type { ToggleEphemeralDto, UpdateParticipantDto, UpdateSettingDto } from './dto/group-update.dto';
import { participantJid } from './dto/participant-number.validator';
import type { SendInviteDto } from './dto/send-invite.dto';
import { groupInfoView, groupMetadataView, inviteUrlOf } from './group.presenter';

type Target = { id: string; name: string };

const pick = ({ name, imgUrl }: { name?: string; imgUrl?: string }) => ({ ...(name ? { name } : {}), ...(imgUrl ? { imgUrl } : {}) });

/**
 * The /group routes (Evolution's whatsapp.baileys.service.ts group section): each call goes to
 * the instance's live session; its failures (EngineGroupError) are answered by the global filter.
 */
@Injectable()
export class GroupService {
  constructor(
    private readonly lifecycle: InstanceLifecycleService,
    private readonly sessions: ConnectedSessions,
    private readonly media: MediaLoader,
    private readonly contacts: ContactRepository,
  ) {}

  /** Numbers not on WhatsApp are left out, like Evolution; the rest become the first members. */
  create(instance: Target, dto: CreateGroupDto) {
    return this.run(instance, async (groups, session) => {
      const picture = dto.profilePicture ? await this.loadImage(dto.profilePicture, 'profilePicture', session) : undefined;
      const checks = await session.onWhatsApp(dto.participants.map((p) => participantJid(p).split('@')[0]));
      const members = checks.filter((c) => c.exists).map((c) => c.jid);
      const created = await groups.create(dto.subject, members);
      if (dto.description) await groups.updateDescription(created.id, dto.description);
      if (dto.promoteParticipants && members.length) await groups.updateParticipants(created.id, members, 'promote');
      if (picture) await groups.updatePicture(created.id, picture.data);
      return groupMetadataView(await groups.metadata(created.id));
    });
  }

  updateSubject(instance: Target, groupJid: string, subject: string) {
    return this.run(instance, async (groups) => {
      await groups.updateSubject(groupJid, subject);
      return { update: 'success' };
    });
  }

  updateDescription(instance: Target, groupJid: string, description: string) {
    return this.run(instance, async (groups) => {
      await groups.updateDescription(groupJid, description);
      return { update: 'success' };
    });
  }

  updatePicture(instance: Target, groupJid: string, image: string) {
    return this.run(instance, async (groups, session) => {
      const picture = await this.loadImage(image, 'image', session);
      await groups.updatePicture(groupJid, picture.data);
      return { update: 'success' };
    });
  }

  updateParticipants(instance: Target, groupJid: string, dto: UpdateParticipantDto) {
    return this.run(instance, async (groups) => ({
      updateParticipants: await groups.updateParticipants(groupJid, dto.participants.map(participantJid), dto.action),
    }));
  }

  updateSetting(instance: Target, groupJid: string, dto: UpdateSettingDto) {
    return this.run(instance, async (groups) => {
      await groups.updateSetting(groupJid, dto.action);
      return { updateSetting: true };
    });
  }

  toggleEphemeral(instance: Target, groupJid: string, dto: ToggleEphemeralDto) {
    return this.run(instance, async (groups) => {
      await groups.toggleEphemeral(groupJid, dto.expiration);
      return { success: true };
    });
  }

  inviteCode(instance: Target, groupJid: string) {
    return this.run(instance, async (groups) => {
      const inviteCode = await groups.inviteCode(groupJid);
      return { inviteUrl: inviteUrlOf(inviteCode), inviteCode };
    });
  }

  revokeInviteCode(instance: Target, groupJid: string) {
    return this.run(instance, async (groups) => ({ revoked: true, inviteCode: await groups.revokeInviteCode(groupJid) }));
  }

  inviteInfo(instance: Target, code: string) {
    return this.run(instance, async (groups) => groupMetadataView(await groups.inviteInfo(code)));
  }

  acceptInviteCode(instance: Target, code: string) {
    return this.run(instance, async (groups) => ({ accepted: true, groupJid: await groups.acceptInvite(code) }));
  }

  /** The link goes out as a text through the instance's send queue, one number after the other. */
  sendInvite(instance: Target, groupJid: string, dto: SendInviteDto) {
    return this.run(instance, async (groups) => {
      const inviteUrl = inviteUrlOf(await groups.inviteCode(groupJid));
      const text = dto.description?.trim() ? `${dto.description}\n\n${inviteUrl}` : inviteUrl;
      for (const number of dto.numbers) {
        const to = toRecipient(number);
        if (!to) throw badRequest(`numbers: ${number} is not a phone number`);
        await this.lifecycle.send(instance, { to, content: { kind: 'text', text } });
      }
      return { send: true, inviteUrl };
    });
  }

  findGroupInfos(instance: Target, groupJid: string) {
    return this.run(instance, async (groups) => {
      const meta = await groups.metadata(groupJid);
      return groupInfoView(meta, await groups.pictureUrl(meta.id));
    });
  }

  fetchAllGroups(instance: Target, withParticipants: boolean) {
    return this.run(instance, async (groups) => {
      const all = await groups.fetchAll();
      return Promise.all(all.map(async (meta: EngineGroupMetadata) => groupInfoView(meta, await groups.pictureUrl(meta.id), withParticipants)));
    });
  }

  participants(instance: Target, groupJid: string) {
    return this.run(instance, async (groups) => {
      const { participants } = await groups.metadata(groupJid);
      const jids = participants.flatMap((p) => [p.id, p.phoneNumber, p.lid].filter((j): j is string => !!j));
      const known = new KnownContacts(await this.contacts.findKnown(instance.id, jids));
      // Evolution adds the stored push name and picture of members it knows
      return { participants: participants.map((p) => ({ ...p, ...pick(known.of(p.id, p.phoneNumber, p.lid)) })) };
    });
  }

  leaveGroup(instance: Target, groupJid: string) {
    return this.run(instance, async (groups) => {
      await groups.leave(groupJid);
      return { groupJid, leave: true };
    });
  }

  /** Fetched through the instance's proxy when it has one. */
  private async loadImage(source: string, field: string, session: WhatsAppSession): Promise<OutgoingMedia> {
    const media = await this.media.load(source, 'image', {}, field, session.fetchDispatcher);
    if (!media.mimetype.startsWith('image/')) throw badRequest(`${field} must be an image (got ${media.mimetype})`);
    return media;
  }

  /** Connection first (same 400 as the send routes), then the work. */
  private async run<T>(instance: Target, work: (groups: WhatsAppGroupOperations, session: WhatsAppSession) => Promise<T>): Promise<T> {
    const { session } = this.sessions.open(instance);
    return work(session.groups, session);
  }
}
