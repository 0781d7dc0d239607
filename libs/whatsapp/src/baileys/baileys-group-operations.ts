import type { GroupMetadata, WASocket } from '@whiskeysockets/baileys';
import { withTimeout } from '@gw/common';
import {
  EngineGroupError,
  EngineGroupMetadata,
  GroupParticipantResult,
  GroupParticipantsAction,
  GroupSetting,
  WhatsAppGroupOperations,
} from '../group-operations.port';
import { EngineNotConnectedError } from '../messaging.types';
import type { GroupMetadataCache } from './group-metadata.cache';

/** A missing group picture must not hold up a group listing. */
const PICTURE_TIMEOUT_MS = 3000;

/** Baileys' GroupMetadata as the engine-neutral shape (only what the gateway exposes). */
export function toEngineGroup(meta: GroupMetadata): EngineGroupMetadata {
  return {
    id: meta.id,
    subject: meta.subject ?? '',
    subjectOwner: meta.subjectOwner,
    subjectTime: meta.subjectTime,
    size: meta.participants?.length ?? meta.size ?? 0,
    creation: meta.creation,
    owner: meta.owner,
    desc: meta.desc,
    descId: meta.descId,
    restrict: !!meta.restrict,
    announce: !!meta.announce,
    isCommunity: !!meta.isCommunity,
    isCommunityAnnounce: !!meta.isCommunityAnnounce,
    linkedParent: meta.linkedParent,
    ...(meta.ephemeralDuration ? { ephemeralDuration: meta.ephemeralDuration } : {}),
    ...(meta.addressingMode ? { addressingMode: meta.addressingMode === 'lid' ? 'lid' : 'pn' } : {}),
    participants: (meta.participants ?? []).map((p) => ({
      id: p.id,
      ...(p.phoneNumber ? { phoneNumber: p.phoneNumber } : {}),
      ...(p.lid ? { lid: p.lid } : {}),
      admin: p.admin === 'admin' || p.admin === 'superadmin' ? p.admin : null,
    })),
  };
}

/**
 * Baileys' failures (Boom errors carrying WhatsApp's IQ error code in `data`) as engine
 * errors: `target` names what was asked about, for the message the client will read.
 */
export function toGroupError(err: unknown, target: string): Error {
  if (err instanceof EngineGroupError || err instanceof EngineNotConnectedError) return err;
  const boom = err as { data?: unknown; output?: { statusCode?: number }; message?: string };
  const code = typeof boom.data === 'number' ? boom.data : boom.output?.statusCode;
  const text = boom.message ?? String(err);
  if (code === 404 || /item-not-found/.test(text)) return new EngineGroupError('not-found', `${target} was not found`, 404);
  if (code === 403 || code === 401 || /forbidden|not-authorized/.test(text)) {
    return new EngineGroupError('forbidden', `WhatsApp refused: ${text} (${target})`, code);
  }
  if (code === 408 || /timed out/i.test(text)) return new EngineGroupError('timeout', `WhatsApp did not answer in time (${target})`, 408);
  if (code === 428 || /connection closed/i.test(text)) return new EngineNotConnectedError();
  return new EngineGroupError('refused', `WhatsApp refused: ${text} (${target})`, code);
}

/** The group capability of a Baileys session; every change also refreshes the shared metadata cache. */
export class BaileysGroupOperations implements WhatsAppGroupOperations {
  constructor(
    private readonly socket: () => WASocket | undefined,
    private readonly cache: GroupMetadataCache,
  ) {}

  create(subject: string, participants: string[]): Promise<EngineGroupMetadata> {
    return this.run('the new group', async (sock) => {
      const meta = await sock.groupCreate(subject, participants);
      this.cache.set(meta);
      return toEngineGroup(meta);
    });
  }

  metadata(groupJid: string): Promise<EngineGroupMetadata> {
    return this.run(groupLabel(groupJid), async (sock) => {
      const meta = await this.cache.fetch(sock, groupJid);
      if (!meta) throw new EngineGroupError('not-found', `${groupLabel(groupJid)} was not found`, 404);
      return toEngineGroup(meta);
    });
  }

  fetchAll(): Promise<EngineGroupMetadata[]> {
    return this.run('the group list', async (sock) => {
      const all = Object.values(await sock.groupFetchAllParticipating());
      all.forEach((meta) => this.cache.set(meta));
      return all.map(toEngineGroup);
    });
  }

  async pictureUrl(groupJid: string): Promise<string | null> {
    const sock = this.requireSocket();
    // no picture is WhatsApp's 404; Evolution reports any failure here as "no picture"
    return withTimeout(sock.profilePictureUrl(groupJid, 'image'), PICTURE_TIMEOUT_MS, 'group picture')
      .then((url) => url ?? null)
      .catch(() => null);
  }

  updateSubject(groupJid: string, subject: string): Promise<void> {
    return this.change(groupJid, (sock) => sock.groupUpdateSubject(groupJid, subject));
  }

  updateDescription(groupJid: string, description: string): Promise<void> {
    return this.change(groupJid, (sock) => sock.groupUpdateDescription(groupJid, description || undefined));
  }

  updatePicture(groupJid: string, image: Buffer): Promise<void> {
    return this.run(groupLabel(groupJid), (sock) => sock.updateProfilePicture(groupJid, image));
  }

  updateParticipants(groupJid: string, participants: string[], action: GroupParticipantsAction): Promise<GroupParticipantResult[]> {
    return this.change(groupJid, async (sock) => {
      const results = await sock.groupParticipantsUpdate(groupJid, participants, action);
      return results.map((r) => ({ status: String(r.status), jid: r.jid ?? '' }));
    });
  }

  updateSetting(groupJid: string, setting: GroupSetting): Promise<void> {
    return this.change(groupJid, (sock) => sock.groupSettingUpdate(groupJid, setting));
  }

  toggleEphemeral(groupJid: string, seconds: number): Promise<void> {
    return this.change(groupJid, (sock) => sock.groupToggleEphemeral(groupJid, seconds));
  }

  inviteCode(groupJid: string): Promise<string> {
    return this.run(groupLabel(groupJid), async (sock) => {
      const code = await sock.groupInviteCode(groupJid);
      if (!code) throw new EngineGroupError('refused', `WhatsApp returned no invite code for ${groupLabel(groupJid)}`);
      return code;
    });
  }

  revokeInviteCode(groupJid: string): Promise<string> {
    return this.run(groupLabel(groupJid), async (sock) => {
      const code = await sock.groupRevokeInvite(groupJid);
      if (!code) throw new EngineGroupError('refused', `WhatsApp returned no new invite code for ${groupLabel(groupJid)}`);
      return code;
    });
  }

  inviteInfo(code: string): Promise<EngineGroupMetadata> {
    return this.run(`the invite code ${code}`, async (sock) => toEngineGroup(await sock.groupGetInviteInfo(code)));
  }

  acceptInvite(code: string): Promise<string> {
    return this.run(`the invite code ${code}`, async (sock) => {
      const jid = await sock.groupAcceptInvite(code);
      if (!jid) throw new EngineGroupError('refused', `WhatsApp did not say which group the invite code ${code} joined`);
      this.cache.invalidate(jid);
      return jid;
    });
  }

  leave(groupJid: string): Promise<void> {
    return this.change(groupJid, (sock) => sock.groupLeave(groupJid));
  }

  /** A change to a group: whatever we knew about it is stale, whether WhatsApp took it or not. */
  private change<T>(groupJid: string, work: (sock: WASocket) => Promise<T>): Promise<T> {
    return this.run(groupLabel(groupJid), work).finally(() => this.cache.invalidate(groupJid));
  }

  private async run<T>(target: string, work: (sock: WASocket) => Promise<T>): Promise<T> {
    const sock = this.requireSocket();
    try {
      return await work(sock);
    } catch (err) {
      throw toGroupError(err, target);
    }
  }

  private requireSocket(): WASocket {
    const sock = this.socket();
    if (!sock?.user) throw new EngineNotConnectedError();
    return sock;
  }
}

function groupLabel(jid: string): string {
  return `the group ${jid}`;
}
