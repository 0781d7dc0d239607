import type { BinaryNode } from '@whiskeysockets/baileys';
import { type ClientAppStatePatch, type AccountProfileRegistry } from '../registries/account-profile.registry';
import { child, children, childrenByTag, contentBuffer, iqError, iqResult } from '../protocol/binary-node.util';
import type { FakeDevice } from '../registries/fake-account.registry';
import type { MessagingHost } from '../services/messaging-host.types';
import { answerUsync } from './usync.handler';

/**
 * Profile, privacy and app-state IQs of a logged-in client (Baileys Socket/chats.js):
 * avatars (w:profile:picture get/set/remove), the "about" text (status set; usync status),
 * business profiles (w:biz), privacy settings (get/set, kept per account), and app-state
 * patches (w:sync:app:state with <patch>), which are decoded with the key the phone shared
 * and recorded. Returns undefined for IQs it does not model.
 */
export async function handleProfileIq(
  host: MessagingHost,
  profiles: AccountProfileRegistry,
  device: FakeDevice,
  iq: BinaryNode,
): Promise<BinaryNode | undefined> {
  const me = device.account;
  const first = children(iq)[0];
  switch (iq.attrs.xmlns) {
    case 'w:profile:picture': {
      const target = host.accounts.resolve(iq.attrs.target ?? me.jid)?.account;
      if (iq.attrs.type === 'get') {
        const profile = target ? profiles.of(target.jid) : undefined;
        if (!target || !profile?.picture) return iqError(iq, 404, 'item-not-found');
        const url = `https://pps.fake-whatsapp.invalid/v/${target.phone}/${profile.pictureId}.jpg`;
        return iqResult(iq, [{ tag: 'picture', attrs: { id: String(profile.pictureId), type: 'image', url } }]);
      }
      // set: only the own avatar is modelled (group pictures belong to the group handler)
      if (iq.attrs.target && target !== me) return undefined;
      const profile = profiles.of(me.jid);
      profile.picture = first?.tag === 'picture' ? contentBuffer(first) : undefined;
      profile.pictureId += 1;
      return iqResult(iq, profile.picture ? [{ tag: 'picture', attrs: { id: String(profile.pictureId) } }] : undefined);
    }
    case 'status': {
      if (iq.attrs.type !== 'set' || first?.tag !== 'status') return undefined;
      const profile = profiles.of(me.jid);
      profile.about = contentBuffer(first)?.toString('utf-8') ?? '';
      profile.aboutSetAt = Math.floor(Date.now() / 1000);
      return iqResult(iq);
    }
    case 'w:biz': {
      const jid = child(first, 'profile')?.attrs.jid ?? '';
      const account = host.accounts.resolve(jid)?.account;
      const business = account ? profiles.of(account.jid).business : undefined;
      if (!business) return iqResult(iq, [{ tag: 'business_profile', attrs: { v: '244' } }]);
      const text = (tag: string, value?: string) => (value ? [{ tag, attrs: {}, content: Buffer.from(value, 'utf-8') }] : []);
      const profile: BinaryNode = {
        tag: 'profile',
        attrs: { jid: account!.jid },
        content: [
          ...text('description', business.description),
          ...text('email', business.email),
          ...text('website', business.website),
          ...text('address', business.address),
          ...(business.category
            ? [{ tag: 'categories', attrs: {}, content: [{ tag: 'category', attrs: { id: '1' }, content: Buffer.from(business.category) }] }]
            : []),
        ],
      };
      return iqResult(iq, [{ tag: 'business_profile', attrs: { v: '244' }, content: [profile] }]);
    }
    case 'privacy': {
      const privacy = profiles.of(me.jid).privacy;
      if (iq.attrs.type === 'set') {
        for (const c of childrenByTag(first, 'category')) if (c.attrs.name && c.attrs.value) privacy[c.attrs.name] = c.attrs.value;
        return iqResult(iq);
      }
      const categories = Object.entries(privacy).map(([name, value]) => ({ tag: 'category', attrs: { name, value } }));
      return iqResult(iq, [{ tag: 'privacy', attrs: {}, content: categories }]);
    }
    case 'usync':
      return withStatusTexts(answerUsync(iq, host.accounts), host, profiles);
    case 'w:sync:app:state':
      await recordPatches(host, profiles, device, iq);
      return undefined; // the session handler answers (versions); only patches are recorded here
    default:
      return undefined;
  }
}

/** usync `status` answers carry each user's "about" text when they set one. */
function withStatusTexts(result: BinaryNode, host: MessagingHost, profiles: AccountProfileRegistry): BinaryNode {
  for (const user of children(child(child(result, 'usync'), 'list'))) {
    const status = child(user, 'status');
    const account = host.accounts.resolve(user.attrs.jid ?? '')?.account;
    const profile = account ? profiles.of(account.jid) : undefined;
    if (status && profile?.about !== undefined) {
      status.attrs = { t: String(profile.aboutSetAt ?? 0) };
      status.content = Buffer.from(profile.about, 'utf-8');
    }
  }
  return result;
}

/** Decodes each <patch> with the app-state key the account's phone shared (MACs are not checked). */
async function recordPatches(host: MessagingHost, profiles: AccountProfileRegistry, device: FakeDevice, iq: BinaryNode) {
  const { baileys } = host;
  const phone = await host.signal.phone(device.account);
  const { keyId, keyData } = phone.appStateKey;
  const getKey = async (id: string) => (id === keyId.toString('base64') ? { keyData } : undefined);
  for (const collection of childrenByTag(child(iq, 'sync'), 'collection')) {
    for (const patchNode of childrenByTag(collection, 'patch')) {
      const bytes = contentBuffer(patchNode);
      if (!bytes) continue;
      const patch = baileys.proto.SyncdPatch.decode(bytes);
      const name = collection.attrs.name ?? '';
      try {
        await baileys.decodeSyncdPatch(
          patch,
          name as never,
          baileys.newLTHashState(),
          getKey as never,
          ({ syncAction, index }: { syncAction: { value?: unknown }; index: string[] }) => {
            const value = syncAction.value as { toJSON?: () => Record<string, unknown> } | undefined;
            const record: ClientAppStatePatch = {
              accountJid: device.account.jid,
              collection: name,
              index,
              action: value?.toJSON ? value.toJSON() : ((value ?? {}) as Record<string, unknown>),
              at: new Date().toISOString(),
            };
            profiles.patches.push(record);
            const pushName = (record.action.pushNameSetting as { name?: string } | undefined)?.name;
            if (pushName) device.account.pushName = pushName;
            host.publish('client-app-state', record);
          },
          false,
        );
      } catch (err) {
        host.log(`could not decode app-state patch from ${device.jid}: ${String(err)}`);
      }
    }
  }
}
