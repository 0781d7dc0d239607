import type { BinaryNode } from '@whiskeysockets/baileys';
import { child, children, contentBuffer, iqResult } from '../protocol/binary-node.util';
import type { FakeAccountRegistry } from '../registries/fake-account.registry';

/**
 * Answers `iq xmlns=usync` for the protocols Baileys asks (lib/WAUSync): contact (is the
 * number on WhatsApp), devices (device list of an account), lid (v7 addresses by LID and
 * fails with "No sessions" without it), status and disappearing_mode. Unknown users get
 * the "not on WhatsApp" answers.
 */
export function answerUsync(iq: BinaryNode, accounts: FakeAccountRegistry): BinaryNode {
  const usync = child(iq, 'usync');
  const protocols = children(child(usync, 'query')).map((q) => q.tag);
  const users = children(child(usync, 'list')).filter((u) => u.tag === 'user');
  const list: BinaryNode[] = users.map((user) => {
    const phone = contentBuffer(child(user, 'contact'))?.toString('utf-8');
    const jid = user.attrs.jid ?? (phone ? `${phone.replace(/^\+/, '')}@s.whatsapp.net` : '');
    const found = accounts.resolve(jid);
    const account = found?.account;
    const content: BinaryNode[] = [];
    for (const protocol of protocols) {
      switch (protocol) {
        case 'contact':
          content.push({ tag: 'contact', attrs: { type: account ? 'in' : 'out' } });
          break;
        case 'devices':
          content.push({
            tag: 'devices',
            attrs: {},
            content: [
              {
                tag: 'device-list',
                attrs: {},
                content: account
                  ? [
                      { tag: 'device', attrs: { id: '0' } },
                      ...account.activeDevices().map((d) => ({
                        tag: 'device',
                        attrs: { id: String(d.id), 'key-index': String(d.keyIndex) },
                      })),
                    ]
                  : [],
              },
            ],
          });
          break;
        case 'lid':
          content.push({ tag: 'lid', attrs: account ? { val: account.lid } : {} });
          break;
        case 'status':
          content.push({ tag: 'status', attrs: { t: '0' } });
          break;
        case 'disappearing_mode':
          content.push({ tag: 'disappearing_mode', attrs: { duration: '0', t: '0' } });
          break;
        default:
          break;
      }
    }
    return { tag: 'user', attrs: { jid }, content };
  });
  return iqResult(iq, [
    {
      tag: 'usync',
      attrs: { ...(usync?.attrs ?? {}), last: 'true', index: '0' },
      content: [
        { tag: 'result', attrs: {} },
        { tag: 'list', attrs: {}, content: list },
      ],
    },
  ]);
}
