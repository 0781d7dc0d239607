import { Injectable } from '@nestjs/common';
import { badRequest } from '@gw/common';
import type { InstanceRuntime } from '@gw/instances';
import type { AccountPresence, PrivacyCategory } from '@gw/whatsapp';
import { MediaLoader } from '../message/media.loader';
import { ChatSessionService, Target } from './chat-session.service';
import { OptionalNumberDto } from './dto/number.dto';
import { PrivacySettingsDto } from './dto/profile.dto';

const PRIVACY_FIELDS: PrivacyCategory[] = ['readreceipts', 'profile', 'status', 'online', 'last', 'groupadd'];

/** Profiles (ours and other users'), privacy settings, and the account's online presence. */
@Injectable()
export class ProfileUseCase {
  constructor(
    private readonly sessions: ChatSessionService,
    private readonly media: MediaLoader,
  ) {}

  fetchProfilePictureUrl(instance: Target, number: string) {
    return this.sessions.run(instance, async (rt) => {
      const jid = await this.sessions.jidOf(rt, number);
      return { wuid: jid, profilePictureUrl: await rt.session.chat.profilePictureUrl(jid) };
    });
  }

  /** Without `number`: our own profile. */
  fetchProfile(instance: Target, dto: OptionalNumberDto) {
    return this.sessions.run(instance, async (rt) => {
      const jid = dto.number ? await this.sessions.jidOf(rt, dto.number) : rt.account!.jid;
      const [picture, status, business] = await Promise.all([
        rt.session.chat.profilePictureUrl(jid),
        rt.session.chat.fetchStatus(jid).catch(() => null),
        rt.session.chat.businessProfile(jid).catch(() => null),
      ]);
      const own = jid === rt.account?.jid;
      return {
        wuid: jid,
        name: own ? (rt.account?.pushName ?? null) : null,
        numberExists: true,
        picture,
        status: status?.status ?? null,
        isBusiness: !!business,
        email: business?.email ?? null,
        description: business?.description ?? null,
        website: business?.website[0] ?? null,
      };
    });
  }

  fetchBusinessProfile(instance: Target, number: string) {
    return this.sessions.run(instance, async (rt) => {
      const jid = await this.sessions.jidOf(rt, number);
      const profile = await rt.session.chat.businessProfile(jid);
      if (!profile) return { isBusiness: false, message: 'Not is business profile', wid: jid };
      return { isBusiness: true, ...profile, wid: profile.jid };
    });
  }

  fetchPrivacySettings(instance: Target) {
    return this.sessions.run(instance, (rt) => rt.session.chat.privacySettings());
  }

  updatePrivacySettings(instance: Target, dto: PrivacySettingsDto) {
    const source = dto.privacySettings ?? dto;
    const changes = Object.fromEntries(
      PRIVACY_FIELDS.filter((f) => source[f as keyof typeof source] !== undefined).map((f) => [f, source[f as keyof typeof source]]),
    ) as Partial<Record<PrivacyCategory, string>>;
    if (!Object.keys(changes).length) throw badRequest(`at least one of ${PRIVACY_FIELDS.join(', ')} is required`);
    return this.sessions.run(instance, async (rt) => {
      await rt.session.chat.updatePrivacy(changes);
      return { update: 'success', data: changes };
    });
  }

  updateProfileName(instance: Target, name: string) {
    return this.sessions.run(instance, async (rt) => {
      await rt.session.chat.updateProfileName(name);
      if (rt.account) rt.account.pushName = name;
      return { update: 'success' };
    });
  }

  updateProfileStatus(instance: Target, status: string) {
    return this.sessions.run(instance, async (rt) => {
      await rt.session.chat.updateProfileStatus(status);
      return { update: 'success' };
    });
  }

  updateProfilePicture(instance: Target, picture: string) {
    return this.sessions.run(instance, async (rt) => {
      const image = await this.media.load(picture, 'image', {}, 'picture', rt.session.fetchDispatcher);
      if (!image.mimetype.startsWith('image/')) throw badRequest(`picture must be an image (got ${image.mimetype})`);
      await rt.session.chat.updateProfilePicture(image.data);
      return { update: 'success' };
    });
  }

  removeProfilePicture(instance: Target) {
    return this.sessions.run(instance, async (rt) => {
      await rt.session.chat.removeProfilePicture();
      return { update: 'success' };
    });
  }

  /** POST /instance/setPresence: online/offline for everyone (typing indicators are /chat/sendPresence). */
  setPresence(instance: Target, presence: AccountPresence | 'composing' | 'recording' | 'paused') {
    return this.sessions.run(instance, async (rt: InstanceRuntime) => {
      if (presence === 'available' || presence === 'unavailable') await rt.session.chat.setPresence(presence);
      // Evolution passes chat states to Baileys without a chat, where they go nowhere; kept as a no-op
      return { presence };
    });
  }
}
