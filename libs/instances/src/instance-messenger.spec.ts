import type { Logger } from '@nestjs/common';
import {
  EngineGroupInfo,
  EngineMessage,
  EngineNotConnectedError,
  NumberCheck,
  OutgoingContent,
  SendOptions,
  WhatsAppMessaging,
} from '@gw/whatsapp';
import { InstanceMessenger, MessengerDeps } from './instance-messenger';
import type { InstanceState } from './instance-state';
import type { SendRequest } from './send-request';

const ALICE = '5511911110001@s.whatsapp.net';
const GROUP = '120363000000000001@g.us';

/** An engine that answers from tables and records what it was asked to do. */
class FakeEngine implements WhatsAppMessaging {
  readonly calls: string[] = [];
  readonly sent: { jid: string; content: OutgoingContent; options?: SendOptions }[] = [];
  onSend: () => Promise<void> = async () => undefined;
  presenceFails = false;

  async sendMessage(jid: string, content: OutgoingContent, options?: SendOptions): Promise<EngineMessage> {
    this.calls.push(`send ${jid}`);
    await this.onSend();
    this.sent.push({ jid, content, options });
    return {
      key: { remoteJid: jid, fromMe: true, id: `ID${this.sent.length}` },
      message: { extendedTextMessage: { text: 'hi' } },
      messageType: 'extendedTextMessage',
      messageTimestamp: 1_763_700_000,
      status: 'PENDING',
      source: 'web',
    };
  }

  async onWhatsApp(numbers: string[]): Promise<NumberCheck[]> {
    this.calls.push(`check ${numbers.join(',')}`);
    return numbers.map((number) => ({ number, jid: `${number}@s.whatsapp.net`, exists: `${number}@s.whatsapp.net` === ALICE }));
  }

  async sendPresence(jid: string, presence: string): Promise<void> {
    this.calls.push(`presence ${presence}`);
    if (this.presenceFails) throw new Error('presence refused');
  }

  async groupMetadata(jid: string): Promise<EngineGroupInfo | undefined> {
    return jid === GROUP ? { id: GROUP, subject: 'Team', participants: [{ id: ALICE }] } : undefined;
  }
}

describe('InstanceMessenger', () => {
  let engine: FakeEngine;
  let state: InstanceState;
  let deps: MessengerDeps;
  let published: { name: string; data: any }[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  let stored: EngineMessage[];
  let waits: number[];

  const messenger = (overrides: Partial<MessengerDeps> = {}) => new InstanceMessenger({ ...deps, ...overrides });
  const text = (over: Partial<SendRequest> = {}): SendRequest => ({
    to: { jid: ALICE, number: '5511911110001' },
    content: { kind: 'text', text: 'hi' },
    ...over,
  });

  beforeEach(() => {
    engine = new FakeEngine();
    state = 'open';
    published = [];
    stored = [];
    waits = [];
    deps = {
      instanceId: 'inst-1',
      instanceName: 'sales',
      engine,
      state: () => state,
      account: () => ({ jid: '5511900000001@s.whatsapp.net', pushName: 'Sales' }),
      messages: {
        insertNew: async (_id, messages) => {
          engine.calls.push('store');
          stored.push(...messages);
          return new Map(messages.map((m) => [m.key.id, `db-${m.key.id}`]));
        },
        findByKeyId: async (_id, keyId) =>
          keyId === 'STORED' ? { key: { remoteJid: ALICE, fromMe: false, id: 'STORED' }, message: { conversation: 'earlier' } } : null,
      },
      events: {
        publish: (name, data) => {
          engine.calls.push(`publish ${name}`);
          published.push({ name, data });
        },
      },
      wantsBase64: async () => false,
      base64MaxBytes: 1024,
      minIntervalMs: 0,
      timeoutMs: 1_000,
      logger: { warn: () => undefined, error: () => undefined, debug: () => undefined } as unknown as Logger,
      wait: async (ms) => {
        waits.push(ms);
      },
    };
  });

  it('checks the number, sends to the canonical JID, stores, then publishes SEND_MESSAGE with the returned record', async () => {
    const record = await messenger().send(text());
    expect(engine.calls).toEqual([`check 5511911110001`, `send ${ALICE}`, 'store', 'publish SEND_MESSAGE']);
    expect(record).toEqual({
      key: { remoteJid: ALICE, fromMe: true, id: 'ID1' },
      pushName: 'Sales',
      status: 'PENDING',
      message: { conversation: 'hi' },
      contextInfo: null,
      messageType: 'conversation',
      messageTimestamp: 1_763_700_000,
      instanceId: 'inst-1',
      source: 'web',
    });
    expect(published).toEqual([{ name: 'SEND_MESSAGE', data: record }]);
    expect(stored[0]).toMatchObject({ key: { id: 'ID1' }, pushName: 'Sales', status: 'PENDING' });
  });

  it('refuses when not open, naming the state, without touching WhatsApp', async () => {
    state = 'connecting';
    await expect(messenger().send(text())).rejects.toMatchObject({
      code: 'NOT_CONNECTED',
      message: 'The "sales" instance is not connected (state: connecting)',
    });
    expect(engine.calls).toEqual([]);
  });

  it('refuses a template to an engine that cannot send them, for that reason, even while connecting; sends it where it can', async () => {
    const template = text({ content: { kind: 'template', name: 'hello_world', language: 'en_US' } });
    state = 'connecting';
    await expect(messenger().send(template)).rejects.toMatchObject({
      code: 'FAILED',
      message: 'templates can only be sent by Cloud API instances (integration WHATSAPP-BUSINESS)',
    });
    expect(engine.calls).toEqual([]);
    state = 'open';
    Object.assign(engine, { sendsTemplates: true });
    await messenger().send(template);
    expect(engine.calls).toContain(`send ${ALICE}`);
  });

  it("numbers without WhatsApp and unknown groups give Evolution's {jid, exists:false, number}", async () => {
    await expect(messenger().send(text({ to: { jid: '5511900009999@s.whatsapp.net', number: '+55 11 90000-9999' } }))).rejects.toMatchObject({
      code: 'NOT_ON_WHATSAPP',
      detail: { jid: '5511900009999@s.whatsapp.net', exists: false, number: '+55 11 90000-9999' },
    });
    await expect(messenger().send(text({ to: { jid: '120363000000000009@g.us', number: '120363000000000009@g.us' } }))).rejects.toMatchObject({
      code: 'NOT_ON_WHATSAPP',
      detail: { jid: '120363000000000009@g.us', exists: false },
    });
    expect(engine.sent).toEqual([]);
  });

  it('groups are checked by metadata, LIDs and status@broadcast are sent as they are', async () => {
    await messenger().send(text({ to: { jid: GROUP, number: GROUP }, mentionsEveryOne: true }));
    await messenger().send(text({ to: { jid: '123456@lid', number: '123456@lid' } }));
    expect(engine.sent.map((s) => s.jid)).toEqual([GROUP, '123456@lid']);
    expect(engine.sent[0].options).toMatchObject({ mentionsEveryOne: true });
    expect(engine.calls.filter((c) => c.startsWith('check'))).toEqual([]);
  });

  it('shows typing for `delay`, renewed every 20 s, then paused, then sends', async () => {
    await messenger().send(text({ delay: 45_000, presence: 'recording' }));
    expect(engine.calls).toEqual([
      'check 5511911110001',
      'presence recording',
      'presence recording',
      'presence recording',
      'presence paused',
      `send ${ALICE}`,
      'store',
      'publish SEND_MESSAGE',
    ]);
    expect(waits).toEqual([20_000, 20_000, 5_000]);
  });

  it('a refused typing indicator does not fail the send', async () => {
    engine.presenceFails = true;
    await expect(messenger().send(text({ delay: 10 }))).resolves.toMatchObject({ status: 'PENDING' });
  });

  it('times out instead of hanging', async () => {
    engine.onSend = () => new Promise(() => undefined);
    await expect(messenger({ timeoutMs: 30 }).send(text())).rejects.toMatchObject({
      code: 'TIMEOUT',
      message: 'WhatsApp did not accept the message within 30 ms',
    });
    expect(published).toEqual([]);
  });

  it('classifies engine failures', async () => {
    engine.onSend = async () => {
      throw new EngineNotConnectedError();
    };
    state = 'open';
    const m = messenger();
    await expect(m.send(text())).rejects.toMatchObject({ code: 'NOT_CONNECTED' });
    engine.onSend = async () => {
      throw new Error('rate-overlimit');
    };
    await expect(m.send(text())).rejects.toMatchObject({ code: 'FAILED', message: 'rate-overlimit' });
  });

  it('quotes the stored message; content given by the client wins; unknown ids send without a quote', async () => {
    await messenger().send(text({ quoted: { key: { id: 'STORED' } } }));
    expect(engine.sent[0].options?.quoted).toEqual({ key: { remoteJid: ALICE, fromMe: false, id: 'STORED' }, message: { conversation: 'earlier' } });
    await messenger().send(text({ quoted: { key: { id: 'OTHER', fromMe: true }, message: { conversation: 'given' } } }));
    expect(engine.sent[1].options?.quoted).toEqual({ key: { remoteJid: ALICE, fromMe: true, id: 'OTHER' }, message: { conversation: 'given' } });
    await messenger().send(text({ quoted: { key: { id: 'UNKNOWN' } } }));
    expect(engine.sent[2].options?.quoted).toBeUndefined();
  });

  it('a store failure does not fail a message that is already out', async () => {
    const m = messenger({
      messages: {
        insertNew: async () => {
          throw new Error('db down');
        },
        findByKeyId: async () => null,
      },
    });
    await expect(m.send(text())).resolves.toMatchObject({ key: { id: 'ID1' } });
    expect(published.map((p) => p.name)).toEqual(['SEND_MESSAGE']);
  });

  it('with webhookBase64, SEND_MESSAGE (and the response) carry the media we sent, within the cap', async () => {
    const media = (size: number): OutgoingContent => ({
      kind: 'media',
      mediaType: 'document',
      media: { data: Buffer.alloc(size, 1), mimetype: 'application/pdf', fileName: 'a.pdf' },
    });
    const m = messenger({ wantsBase64: async () => true });
    const small = await m.send(text({ content: media(10) }));
    expect(small.message).toMatchObject({ base64: Buffer.alloc(10, 1).toString('base64') });
    const big = await m.send(text({ content: media(2048) }));
    expect(big.message).not.toHaveProperty('base64');
  });
});
