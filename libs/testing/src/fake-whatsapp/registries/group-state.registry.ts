import { randomBytes, randomInt } from 'node:crypto';
import type { BinaryNode } from '@whiskeysockets/baileys';
import type { FakeAccount } from './fake-account.registry';
import type { AddressingMode, GroupAdminRole, GroupInfo } from '../fake-messaging.types';

/**
 * The fake's group model (what WhatsApp's servers know about a group) and its wire form:
 * the `<group>` node Baileys' extractGroupMetadata reads, used in w:g2 IQ results and in
 * `<create>` notifications. 'pn' groups list participants by phone number (with `lid`),
 * 'lid' groups by LID (with `phone_number`), like current WhatsApp groups.
 */
export class FakeGroup {
  readonly participants = new Map<FakeAccount, GroupAdminRole | null>();
  description: string | undefined;
  descriptionId: string | undefined;
  announce = false;
  restrict = false;
  /** disappearing-messages timer, seconds (0 = off) */
  ephemeral = 0;
  inviteCode = newInviteCode();
  picture: { id: string; data: Buffer } | undefined;
  subjectOwner: FakeAccount;
  subjectTime: number;

  constructor(
    readonly id: string,
    public subject: string,
    readonly owner: FakeAccount,
    readonly creation: number,
    readonly addressingMode: AddressingMode,
  ) {
    this.subjectOwner = owner;
    this.subjectTime = creation;
  }

  get user(): string {
    return this.id.split('@')[0];
  }

  isMember(account: FakeAccount): boolean {
    return this.participants.has(account);
  }

  isAdmin(account: FakeAccount): boolean {
    return !!this.participants.get(account);
  }

  /** the old link stops working */
  revokeInvite(): string {
    this.inviteCode = newInviteCode();
    return this.inviteCode;
  }

  members(): FakeAccount[] {
    return [...this.participants.keys()];
  }

  /** the jid this group uses for an account (participant attrs, notifications) */
  jidOf(account: FakeAccount): string {
    return this.addressingMode === 'lid' ? account.lid : account.jid;
  }

  /** the other form, sent as participant_pn / participant_lid / phone_number / lid */
  altJidOf(account: FakeAccount): string {
    return this.addressingMode === 'lid' ? account.jid : account.lid;
  }

  participantNode(account: FakeAccount, withRole = true): BinaryNode {
    const role = this.participants.get(account);
    const alt: Record<string, string> = this.addressingMode === 'lid' ? { phone_number: account.jid } : { lid: account.lid };
    return { tag: 'participant', attrs: { jid: this.jidOf(account), ...alt, ...(withRole && role ? { type: role } : {}) } };
  }

  toNode(): BinaryNode {
    const content: BinaryNode[] = this.members().map((m) => this.participantNode(m));
    if (this.description !== undefined) {
      content.push({
        tag: 'description',
        attrs: { id: this.descriptionId ?? 'fake', participant: this.jidOf(this.owner), t: String(this.subjectTime) },
        content: [{ tag: 'body', attrs: {}, content: Buffer.from(this.description, 'utf-8') }],
      });
    }
    if (this.announce) content.push({ tag: 'announcement', attrs: {} });
    if (this.restrict) content.push({ tag: 'locked', attrs: {} });
    if (this.ephemeral) content.push({ tag: 'ephemeral', attrs: { expiration: String(this.ephemeral) } });
    return {
      tag: 'group',
      attrs: {
        id: this.user,
        subject: this.subject,
        s_o: this.jidOf(this.subjectOwner),
        s_t: String(this.subjectTime),
        creation: String(this.creation),
        creator: this.jidOf(this.owner),
        [this.addressingMode === 'lid' ? 'creator_pn' : 'creator_lid']: this.altJidOf(this.owner),
        addressing_mode: this.addressingMode,
        size: String(this.participants.size),
      },
      content,
    };
  }

  toInfo(): GroupInfo {
    return {
      id: this.id,
      subject: this.subject,
      owner: this.owner.jid,
      creation: this.creation,
      description: this.description,
      announce: this.announce,
      restrict: this.restrict,
      addressingMode: this.addressingMode,
      participants: this.members().map((m) => ({ jid: m.jid, lid: m.lid, admin: this.participants.get(m) ?? null })),
      inviteCode: this.inviteCode,
      ephemeral: this.ephemeral,
      ...(this.picture ? { pictureId: this.picture.id } : {}),
    };
  }
}

export class GroupStateRegistry {
  private readonly groups = new Map<string, FakeGroup>();

  create(
    owner: FakeAccount,
    subject: string,
    members: FakeAccount[],
    options: { id?: string; addressingMode?: AddressingMode; description?: string } = {},
  ): FakeGroup {
    const id = normalizeGroupJid(options.id ?? `120363${String(randomInt(100_000_000, 999_999_999))}${String(randomInt(100_000, 999_999))}`);
    if (this.groups.has(id)) throw new Error(`group ${id} already exists`);
    const group = new FakeGroup(id, subject, owner, Math.floor(Date.now() / 1000), options.addressingMode ?? 'pn');
    group.participants.set(owner, 'superadmin');
    for (const member of members) if (member !== owner) group.participants.set(member, null);
    if (options.description !== undefined) {
      group.description = options.description;
      group.descriptionId = `desc-${group.creation}`;
    }
    this.groups.set(id, group);
    return group;
  }

  get(jid: string): FakeGroup | undefined {
    return this.groups.get(normalizeGroupJid(jid));
  }

  require(jid: string): FakeGroup {
    const group = this.get(jid);
    if (!group) throw new Error(`unknown group ${jid}`);
    return group;
  }

  of(account: FakeAccount): FakeGroup[] {
    return [...this.groups.values()].filter((g) => g.isMember(account));
  }

  list(): FakeGroup[] {
    return [...this.groups.values()];
  }

  byInviteCode(code: string): FakeGroup | undefined {
    return [...this.groups.values()].find((g) => g.inviteCode === code);
  }
}

const INVITE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 22 letters and digits, the shape of WhatsApp's chat.whatsapp.com codes */
function newInviteCode(): string {
  return [...randomBytes(22)].map((b) => INVITE_ALPHABET[b % INVITE_ALPHABET.length]).join('');
}

export function isGroupJid(jid: string): boolean {
  return jid.endsWith('@g.us') || /^\d+-\d+$/.test(jid);
}

export function normalizeGroupJid(jid: string): string {
  return jid.includes('@') ? jid : `${jid}@g.us`;
}
