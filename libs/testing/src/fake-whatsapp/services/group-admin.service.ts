import type { BinaryNode } from '@whiskeysockets/baileys';
import type { FakeAccount } from '../registries/fake-account.registry';
import type { CreateGroupOptions, GroupAction, GroupInfo } from '../fake-messaging.types';
import type { FakeGroup } from '../registries/group-state.registry';
import { unixSeconds, type MessagingHost } from './messaging-host.types';

/**
 * Group changes, whoever makes them (the test API or a client's w:g2 IQ): updates the
 * fake's group state and sends every affected member's connected devices the
 * `<notification type="w:gp2">` WhatsApp would, which Baileys turns into
 * group-participants.update / groups.update / groups.upsert (+ stub messages).
 * Accounts that get added also receive a `<create>` with the full metadata (Baileys only
 * emits groups.upsert for that one).
 */
export class GroupAdminService {
  constructor(private readonly host: MessagingHost) {}

  createGroup(owner: FakeAccount, subject: string, members: FakeAccount[], options: CreateGroupOptions = {}, defer = false): FakeGroup {
    const group = this.host.groups.create(owner, subject, members, options);
    if (options.notify !== false) this.broadcast(group, owner, createNode(group), group.members(), defer);
    this.host.publish('group-update', { action: 'create', author: owner.jid, group: group.toInfo() });
    return group;
  }

  /**
   * Applies `action` by `author` and notifies. `value`: the subject / description text,
   * or on/off (true/false, 'on'/'off') for announce and restrict (default on).
   * `defer`: send notifications on the next tick (after an IQ result).
   */
  apply(
    group: FakeGroup,
    author: FakeAccount,
    action: GroupAction,
    participants: FakeAccount[] = [],
    value?: string | boolean,
    defer = false,
  ): GroupInfo {
    const before = group.members();
    const joined: FakeAccount[] = [];
    const now = Number(unixSeconds());
    let node: BinaryNode;
    const list = (tag: string, accounts: FakeAccount[]): BinaryNode => ({
      tag,
      attrs: {},
      content: accounts.map((a) => group.participantNode(a, false)),
    });
    const requireParticipants = (): void => {
      if (participants.length === 0) throw new Error(`group action '${action}' needs participants`);
    };
    switch (action) {
      case 'create':
        node = createNode(group);
        break;
      case 'add':
        requireParticipants();
        for (const p of participants) {
          if (group.isMember(p)) continue;
          group.participants.set(p, null);
          joined.push(p);
        }
        node = list('add', participants);
        break;
      case 'remove':
      case 'leave': {
        const leaving = action === 'leave' ? [author] : participants;
        if (leaving.length === 0) throw new Error("group action 'remove' needs participants");
        for (const p of leaving) group.participants.delete(p);
        // a remove whose only participant is its author is how WhatsApp reports leaving
        node = list('remove', leaving);
        break;
      }
      case 'promote':
      case 'demote':
        requireParticipants();
        for (const p of participants) {
          if (!group.isMember(p)) throw new Error(`${p.jid} is not a participant of ${group.id}`);
          if (group.participants.get(p) !== 'superadmin') group.participants.set(p, action === 'promote' ? 'admin' : null);
        }
        node = list(action, participants);
        break;
      case 'subject':
        group.subject = String(value ?? '');
        group.subjectOwner = author;
        group.subjectTime = now;
        node = { tag: 'subject', attrs: { subject: group.subject, s_o: group.jidOf(author), s_t: String(now) } };
        break;
      case 'description': {
        const text = value === undefined || value === false ? '' : String(value);
        group.description = text || undefined;
        group.descriptionId = text ? `desc-${now}-${this.host.nextStanzaId()}` : undefined;
        node = text
          ? { tag: 'description', attrs: { id: group.descriptionId ?? '' }, content: [{ tag: 'body', attrs: {}, content: Buffer.from(text, 'utf-8') }] }
          : { tag: 'description', attrs: { delete: 'true' } };
        break;
      }
      case 'announce':
        group.announce = isOn(value);
        node = { tag: group.announce ? 'announcement' : 'not_announcement', attrs: {} };
        break;
      case 'restrict':
        group.restrict = isOn(value);
        node = { tag: group.restrict ? 'locked' : 'unlocked', attrs: {} };
        break;
      case 'ephemeral':
        group.ephemeral = Math.max(0, Number(value ?? 0) || 0);
        node = group.ephemeral ? { tag: 'ephemeral', attrs: { expiration: String(group.ephemeral) } } : { tag: 'not_ephemeral', attrs: {} };
        break;
      case 'revoke-invite':
        node = { tag: 'invite', attrs: { code: group.revokeInvite() } };
        break;
      default:
        throw new Error(`unknown group action '${String(action)}'`);
    }
    // only admins may see the new link
    const recipients = action === 'revoke-invite' ? group.members().filter((m) => group.isAdmin(m)) : [...new Set([...before, ...group.members()])];
    this.broadcast(group, author, node, recipients, defer);
    if (joined.length) this.broadcast(group, author, createNode(group, 'add'), joined, defer);
    const info = group.toInfo();
    this.host.publish('group-update', { action, author: author.jid, group: info });
    return info;
  }

  /**
   * A new group picture (`data`) or its removal (undefined): WhatsApp tells the members with a
   * `<notification type="picture">`, which Baileys reports as contacts.update (imgUrl changed/removed).
   */
  setPicture(group: FakeGroup, author: FakeAccount, data: Buffer | undefined, defer = false): string | undefined {
    const previous = group.picture?.id;
    group.picture = data ? { id: String(Date.now()) + this.host.nextStanzaId().replace(/\D/g, ''), data } : undefined;
    const change: BinaryNode = group.picture
      ? { tag: 'set', attrs: { jid: group.id, id: group.picture.id, author: group.jidOf(author) } }
      : { tag: 'delete', attrs: { jid: group.id, ...(previous ? { id: previous } : {}), author: group.jidOf(author) } };
    const node: BinaryNode = {
      tag: 'notification',
      attrs: { from: group.id, type: 'picture', id: this.host.nextStanzaId(), t: unixSeconds(), participant: group.jidOf(author) },
      content: [change],
    };
    const send = (): void => {
      for (const account of group.members()) for (const { conn } of this.host.liveDevices(account)) conn.send(node);
    };
    if (defer) setImmediate(send);
    else send();
    this.host.publish('group-update', { action: 'picture', author: author.jid, group: group.toInfo() });
    return group.picture?.id;
  }

  private broadcast(group: FakeGroup, author: FakeAccount, child: BinaryNode, recipients: FakeAccount[], defer: boolean): void {
    const alt: Record<string, string> =
      group.addressingMode === 'lid' ? { participant_pn: author.jid } : { participant_lid: author.lid };
    const node: BinaryNode = {
      tag: 'notification',
      attrs: {
        from: group.id,
        type: 'w:gp2',
        id: this.host.nextStanzaId(),
        t: unixSeconds(),
        participant: group.jidOf(author),
        ...alt,
        addressing_mode: group.addressingMode,
      },
      content: [child],
    };
    const send = (): void => {
      for (const account of recipients) for (const { conn } of this.host.liveDevices(account)) conn.send(node);
    };
    if (defer) setImmediate(send);
    else send();
  }
}

function createNode(group: FakeGroup, reason?: string): BinaryNode {
  return { tag: 'create', attrs: reason ? { reason } : {}, content: [group.toNode()] };
}

function isOn(value: string | boolean | undefined): boolean {
  if (value === undefined || value === true) return true;
  if (value === false) return false;
  return ['on', 'true', '1', 'yes'].includes(value.toLowerCase());
}
