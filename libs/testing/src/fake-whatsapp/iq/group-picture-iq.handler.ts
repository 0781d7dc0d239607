import type { BinaryNode } from '@whiskeysockets/baileys';
import { child, contentBuffer, iqError, iqResult } from '../protocol/binary-node.util';
import type { FakeDevice } from '../registries/fake-account.registry';
import type { GroupAdminService } from '../services/group-admin.service';
import type { MessagingHost } from '../services/messaging-host.types';

/** Where the fake says a group picture lives; nothing downloads it. */
const PICTURE_HOST = 'https://pps.whatsapp.net/fake-group';

/**
 * `iq xmlns="w:profile:picture" target=<group>` (Baileys updateProfilePicture /
 * removeProfilePicture / profilePictureUrl on a group JID). Only members may look, only
 * editors may change (admins when the group is locked); a group without a picture answers
 * 404 item-not-found, which Baileys' profilePictureUrl throws and callers read as "none".
 */
export function handleGroupPictureIq(host: MessagingHost, admin: GroupAdminService, device: FakeDevice, iq: BinaryNode): BinaryNode {
  const me = device.account;
  const group = host.groups.get(iq.attrs.target ?? '');
  if (!group) return iqError(iq, 404, 'item-not-found');
  if (!group.isMember(me)) return iqError(iq, 403, 'forbidden');
  if (iq.attrs.type === 'get') {
    if (!group.picture) return iqError(iq, 404, 'item-not-found');
    const type = child(iq, 'picture')?.attrs.type ?? 'preview';
    const url = `${PICTURE_HOST}/${group.user}/${group.picture.id}-${type}.jpg`;
    return iqResult(iq, [{ tag: 'picture', attrs: { id: group.picture.id, type, url, direct_path: new URL(url).pathname } }]);
  }
  if (group.restrict && !group.isAdmin(me)) return iqError(iq, 401, 'not-authorized');
  const data = contentBuffer(child(iq, 'picture'));
  const id = admin.setPicture(group, me, data && data.length ? data : undefined, true);
  return iqResult(iq, id ? [{ tag: 'picture', attrs: { id } }] : undefined);
}
