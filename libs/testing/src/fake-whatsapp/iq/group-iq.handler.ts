import type { BinaryNode } from '@whiskeysockets/baileys';
import { child, children, childrenByTag, contentBuffer, iqError, iqResult } from '../protocol/binary-node.util';
import type { FakeAccount, FakeDevice } from '../registries/fake-account.registry';
import type { GroupAction } from '../fake-messaging.types';
import type { GroupAdminService } from '../services/group-admin.service';
import type { FakeGroup } from '../registries/group-state.registry';
import { resolvePeer, type MessagingHost } from '../services/messaging-host.types';

/**
 * `iq xmlns="w:g2"` from a client (Baileys Socket/groups.js): metadata queries
 * (groupMetadata, groupFetchAllParticipating, groupGetInviteInfo) from the fake's group
 * state, and the mutations (groupCreate, groupLeave, groupUpdateSubject,
 * groupParticipantsUpdate, groupUpdateDescription, groupSettingUpdate, groupToggleEphemeral,
 * groupInviteCode / groupRevokeInvite, groupAcceptInvite), which notify the members like the
 * test API does. Notifications go out after the IQ result. As on WhatsApp, participant
 * changes, settings and invite links need an admin, and so do subject, description and
 * timer while the group is locked (401 not-authorized otherwise).
 */
const SETTING_ACTIONS: Record<string, [GroupAction, boolean]> = {
  announcement: ['announce', true],
  not_announcement: ['announce', false],
  locked: ['restrict', true],
  unlocked: ['restrict', false],
};

export function handleGroupIq(host: MessagingHost, admin: GroupAdminService, device: FakeDevice, iq: BinaryNode): BinaryNode {
  const me = device.account;
  const first = children(iq)[0];
  const to = iq.attrs.to ?? '';
  try {
    if (to === '@g.us' || to === 'g.us') return handleGroupsIq(host, admin, me, iq, first);
    const group = host.groups.get(to);
    if (!group) return iqError(iq, 404, 'item-not-found');
    if (!group.isMember(me)) return iqError(iq, 403, 'forbidden');
    if (iq.attrs.type === 'get') {
      if (first?.tag === 'query') return iqResult(iq, [group.toNode()]);
      if (first?.tag === 'invite') {
        requireAdmin(group, me);
        return iqResult(iq, [{ tag: 'invite', attrs: { code: group.inviteCode } }]);
      }
      return iqResult(iq);
    }
    switch (first?.tag) {
      case 'subject':
        requireEditor(group, me);
        admin.apply(group, me, 'subject', [], contentBuffer(first)?.toString('utf-8') ?? '', true);
        return iqResult(iq);
      case 'description': {
        requireEditor(group, me);
        const text = first.attrs.delete === 'true' ? '' : (contentBuffer(child(first, 'body'))?.toString('utf-8') ?? '');
        admin.apply(group, me, 'description', [], text, true);
        return iqResult(iq);
      }
      case 'add':
      case 'remove':
      case 'promote':
      case 'demote':
        requireAdmin(group, me);
        return iqResult(iq, [updateParticipants(host, admin, group, me, first)]);
      case 'ephemeral':
      case 'not_ephemeral':
        requireEditor(group, me);
        admin.apply(group, me, 'ephemeral', [], first.tag === 'ephemeral' ? (first.attrs.expiration ?? '0') : '0', true);
        return iqResult(iq);
      case 'invite': {
        requireAdmin(group, me);
        admin.apply(group, me, 'revoke-invite', [], undefined, true);
        return iqResult(iq, [{ tag: 'invite', attrs: { code: group.inviteCode } }]);
      }
      default: {
        const setting = first ? SETTING_ACTIONS[first.tag] : undefined;
        if (setting) {
          requireAdmin(group, me);
          admin.apply(group, me, setting[0], [], setting[1], true);
        }
        return iqResult(iq);
      }
    }
  } catch (err) {
    if (err instanceof IqRefusal) return iqError(iq, err.code, err.text);
    return iqError(iq, 400, err instanceof Error ? err.message : String(err));
  }
}

/** IQs to `@g.us`: the group list, create, leave, and invite links (info, join). */
function handleGroupsIq(host: MessagingHost, admin: GroupAdminService, me: FakeAccount, iq: BinaryNode, first: BinaryNode | undefined): BinaryNode {
  switch (first?.tag) {
    case 'participating':
      return iqResult(iq, [{ tag: 'groups', attrs: {}, content: host.groups.of(me).map((g) => g.toNode()) }]);
    case 'create': {
      const members = childrenByTag(first, 'participant').map((p) => resolvePeer(host, p.attrs.jid ?? ''));
      const group = admin.createGroup(me, first.attrs.subject ?? '', members, {}, true);
      return iqResult(iq, [group.toNode()]);
    }
    case 'leave':
      for (const g of childrenByTag(first, 'group')) {
        const group = host.groups.get(g.attrs.id ?? '');
        if (group?.isMember(me)) admin.apply(group, me, 'leave', [], undefined, true);
      }
      return iqResult(iq, [first]);
    case 'invite': {
      const group = host.groups.byInviteCode(first.attrs.code ?? '');
      if (!group) return iqError(iq, 404, 'item-not-found');
      if (iq.attrs.type === 'get') return iqResult(iq, [group.toNode()]);
      // joining through the link: the members see an add by the joiner
      if (!group.isMember(me)) admin.apply(group, me, 'add', [me], undefined, true);
      return iqResult(iq, [{ tag: 'group', attrs: { jid: group.id } }]);
    }
    default:
      return iqResult(iq);
  }
}

/**
 * add/remove/promote/demote: each participant gets WhatsApp's per-participant code (409
 * already a member, 404 not a member); only the valid ones are applied and notified.
 */
function updateParticipants(host: MessagingHost, admin: GroupAdminService, group: FakeGroup, me: FakeAccount, node: BinaryNode): BinaryNode {
  const action = node.tag as 'add' | 'remove' | 'promote' | 'demote';
  const results: BinaryNode[] = [];
  const applied: FakeAccount[] = [];
  for (const p of childrenByTag(node, 'participant')) {
    const jid = p.attrs.jid ?? '';
    const account = resolvePeer(host, jid);
    const member = group.isMember(account);
    const error = action === 'add' ? (member ? '409' : undefined) : member ? undefined : '404';
    if (!error) applied.push(account);
    results.push({ tag: 'participant', attrs: { jid, ...(error ? { error } : {}) } });
  }
  if (applied.length) admin.apply(group, me, action, applied, undefined, true);
  return { tag: action, attrs: {}, content: results };
}

/** WhatsApp's answer when a non-admin tries an admin-only change. */
class IqRefusal extends Error {
  constructor(
    readonly code: number,
    readonly text: string,
  ) {
    super(text);
  }
}

function requireAdmin(group: FakeGroup, account: FakeAccount): void {
  if (!group.isAdmin(account)) throw new IqRefusal(401, 'not-authorized');
}

/** group info (subject, description, timer): anyone, unless the group is locked */
function requireEditor(group: FakeGroup, account: FakeAccount): void {
  if (group.restrict) requireAdmin(group, account);
}
