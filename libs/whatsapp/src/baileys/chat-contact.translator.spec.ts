import { toEngineChat } from './chat-contact.translator';

describe('toEngineChat', () => {
  const live = (fromMe: boolean, message: Record<string, unknown> = { conversation: 'hi' }) => ({
    id: '5511900000001@s.whatsapp.net',
    conversationTimestamp: 1_700_000_010,
    unreadCount: 1,
    // what Baileys' processMessage puts in the chat update of a live message
    messages: [{ message: { key: { remoteJid: '5511900000001@s.whatsapp.net', fromMe, id: 'M1' }, message, messageTimestamp: 1_700_000_010 } }],
  });

  it("gives the time of the newest message from the other side the update carries, so the store moves the chat's activity once", () => {
    expect(toEngineChat(live(false) as never)).toEqual({
      id: '5511900000001@s.whatsapp.net',
      conversationTimestamp: 1_700_000_010,
      lastInboundAt: 1_700_000_010,
      unreadCount: 1,
    });
  });

  it('none for our own messages, protocol bookkeeping or an update without messages', () => {
    expect(toEngineChat(live(true) as never).lastInboundAt).toBeUndefined();
    expect(toEngineChat(live(false, { protocolMessage: { type: 0 } }) as never).lastInboundAt).toBeUndefined();
    expect(toEngineChat({ id: 'x@s.whatsapp.net', unreadCount: 0 })).toEqual({ id: 'x@s.whatsapp.net', unreadCount: 0 });
  });
});
