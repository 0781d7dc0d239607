import type { BinaryNode } from '@whiskeysockets/baileys';
import { child, children, childrenByTag, contentBuffer, iqError, iqResult } from './binary-node.util';
import type { FakeDevice } from './fake-account.registry';
import type { GroupAction } from './fake-messaging.types';
import type { GroupAdminService } from './group-admin.service';
import { resolvePeer, type MessagingHost } from './messaging-host.types';

/**
 * `iq xmlns="w:g2"` from a client (Baileys Socket/groups.js): metadata queries
 * (groupMetadata, groupFetchAllParticipating) from the fake's group state, and the
 * mutations (groupCreate, groupLeave, groupUpdateSubject, groupParticipantsUpdate,
 * groupUpdateDescription, groupSettingUpdate), which notify the other members like the
 * test API does. Notifications go out after the IQ result.
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
    if (to === '@g.us' || to === 'g.us') {
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
        default:
          return iqResult(iq);
      }
    }
    const group = host.groups.get(to);
    if (!group) return iqError(iq, 404, 'item-not-found');
    if (!group.isMember(me)) return iqError(iq, 403, 'forbidden');
    if (iq.attrs.type === 'get') {
      if (first?.tag === 'query') return iqResult(iq, [group.toNode()]);
      if (first?.tag === 'invite') return iqResult(iq, [{ tag: 'invite', attrs: { code: `FAKE${group.user.slice(-12)}` } }]);
      return iqResult(iq);
    }
    switch (first?.tag) {
      case 'subject':
        admin.apply(group, me, 'subject', [], contentBuffer(first)?.toString('utf-8') ?? '', true);
        return iqResult(iq);
      case 'description': {
        const text = first.attrs.delete === 'true' ? '' : (contentBuffer(child(first, 'body'))?.toString('utf-8') ?? '');
        admin.apply(group, me, 'description', [], text, true);
        return iqResult(iq);
      }
      case 'add':
      case 'remove':
      case 'promote':
      case 'demote': {
        const jids = childrenByTag(first, 'participant').map((p) => p.attrs.jid ?? '');
        admin.apply(group, me, first.tag, jids.map((jid) => resolvePeer(host, jid)), undefined, true);
        return iqResult(iq, [{ tag: first.tag, attrs: {}, content: jids.map((jid) => ({ tag: 'participant', attrs: { jid } })) }]);
      }
      default: {
        const setting = first ? SETTING_ACTIONS[first.tag] : undefined;
        if (setting) admin.apply(group, me, setting[0], [], setting[1], true);
        return iqResult(iq);
      }
    }
  } catch (err) {
    return iqError(iq, 400, err instanceof Error ? err.message : String(err));
  }
}
