import type { ClientMessageRecord, GatewayProcess, ReceivedWebhook } from '@gw/testing';
import { E2eEnvironment, API_KEY } from '../support/e2e-env';

/**
 * Sending through the API, end to end: real gateway process with real Baileys inside, our fake
 * WhatsApp server decrypting what the client sends (as the recipients' phones), a real webhook
 * receiver for SEND_MESSAGE and the receipts that follow.
 */
describe('message sending (e2e)', () => {
  const env = new E2eEnvironment();
  const NAME = 'sender';
  const GAP_MS = 300;
  let gateway: GatewayProcess;
  let instanceId: string;
  let token: string;
  let me: { jid: string };
  let alice: { jid: string; phone: string };
  let bob: { jid: string; phone: string };
  let firstId: string;

  beforeAll(async () => {
    await env.start();
    gateway = await env.startGateway({ SEND_MIN_INTERVAL_MS: String(GAP_MS), SEND_TIMEOUT_MS: '10000' });
    ({ me, instanceId, token } = await env.linkInstance(gateway, NAME));
    alice = env.fake.createAccount({ pushName: 'Alice' });
    bob = env.fake.createAccount({ pushName: 'Bob' });
  });

  afterAll(() => env.stop());

  const send = (action: string, body: unknown, apikey = API_KEY, instance = NAME) =>
    gateway.api('POST', `/message/${action}/${instance}`, { apikey, body });

  /** What the fake's phones decrypted for message `id` (already arrived, or the next one). */
  const received = async (id: string): Promise<ClientMessageRecord> =>
    env.fake.messagesFromClient.find((m) => m.id === id) ?? env.fake.waitFor('client-message', (m) => m.id === id);

  const hook = (suffix: string, pred: (w: ReceivedWebhook) => boolean) =>
    env.receiver.waitFor((w) => w.path === `/hooks/${suffix}` && pred(w), 20_000, `/hooks/${suffix}`);

  const textOf = (m: ClientMessageRecord) => {
    const msg = m.message as { conversation?: string; extendedTextMessage?: { text?: string } };
    return msg.conversation ?? msg.extendedTextMessage?.text;
  };

  it('sendText: 201 with the record, the recipient decrypts it, SEND_MESSAGE carries the same record', async () => {
    const res = await send('sendText', { number: alice.phone, text: 'hello alice' }, token);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      key: { remoteJid: alice.jid, fromMe: true, id: expect.any(String) },
      // our own profile name once WhatsApp has synced it (the fake never does)
      pushName: null,
      status: 'PENDING',
      message: expect.objectContaining({ conversation: 'hello alice' }),
      contextInfo: null,
      messageType: 'conversation',
      messageTimestamp: expect.any(Number),
      instanceId,
      source: expect.any(String),
    });
    firstId = res.body.key.id;

    const record = await received(firstId);
    expect(textOf(record)).toBe('hello alice');
    expect(record).toMatchObject({ to: alice.jid, accountJid: me.jid });
    expect(record.recipients).toEqual(expect.arrayContaining([expect.objectContaining({ jid: alice.jid, decrypted: true })]));

    const webhook = await hook('send-message', (w) => w.body.data.key.id === firstId);
    expect(webhook.body).toMatchObject({ event: 'send.message', instance: NAME, sender: me.jid });
    expect(webhook.body.data).toEqual(res.body);
  });

  it('receipts of a sent message arrive as MESSAGES_UPDATE DELIVERY_ACK then READ, with its messageId', async () => {
    // after SEND_MESSAGE (previous test): Baileys would fold an earlier receipt into its own upsert
    const [row] = await env.db.query<{ id: string }>('SELECT id FROM "Message" WHERE "keyId" = $1', [firstId]);
    expect(row).toBeDefined();
    env.fake.sendReceipt({ remoteJid: alice.jid, id: firstId }, alice.phone, 'delivery');
    const delivered = await hook('messages-update', (w) => w.body.data.keyId === firstId && w.body.data.status === 'DELIVERY_ACK');
    expect(delivered.body.data).toMatchObject({ keyId: firstId, remoteJid: alice.jid, fromMe: true, instanceId, messageId: row.id });
    env.fake.sendReceipt({ remoteJid: alice.jid, id: firstId }, alice.phone, 'read');
    const read = await hook('messages-update', (w) => w.body.data.keyId === firstId && w.body.data.status === 'READ');
    expect(read.body.data.messageId).toBe(row.id);
    const [after] = await env.db.query<{ status: string }>('SELECT status FROM "Message" WHERE id = $1', [row.id]);
    expect(after.status).toBe('READ');
  });

  it('v1 body (textMessage + options) with a quoted reply to a stored message, and a JID number', async () => {
    const res = await send('sendText', {
      number: `${alice.phone}@s.whatsapp.net`,
      options: { quoted: { key: { id: firstId } } },
      textMessage: { text: 'replying' },
    });
    expect(res.status).toBe(201);
    const record = await received(res.body.key.id);
    const ext = (record.message as { extendedTextMessage: { text: string; contextInfo: Record<string, unknown> } }).extendedTextMessage;
    expect(ext.text).toBe('replying');
    expect(ext.contextInfo).toMatchObject({ stanzaId: firstId, participant: me.jid });
    const quoted = ext.contextInfo.quotedMessage as { conversation?: string; extendedTextMessage?: { text?: string } };
    expect(quoted.conversation ?? quoted.extendedTextMessage?.text).toBe('hello alice');
    expect(res.body.contextInfo).toMatchObject({ stanzaId: firstId });
  });

  it('location, contact, reaction, poll, list and buttons reach the recipient', async () => {
    const cases: [string, unknown, (m: Record<string, any>) => void][] = [ // eslint-disable-line @typescript-eslint/no-explicit-any
      [
        'sendLocation',
        { number: alice.phone, latitude: -23.55, longitude: -46.63, name: 'Office', address: 'Av. Paulista' },
        (m) => expect(m.locationMessage).toMatchObject({ degreesLatitude: -23.55, degreesLongitude: -46.63, name: 'Office', address: 'Av. Paulista' }),
      ],
      [
        'sendContact',
        { number: alice.phone, contact: [{ fullName: 'Carol Lima', wuid: '5511977776666', phoneNumber: '+55 11 97777-6666' }] },
        (m) => {
          expect(m.contactMessage.displayName).toBe('Carol Lima');
          expect(m.contactMessage.vcard).toContain('item1.TEL;waid=5511977776666:+55 11 97777-6666');
        },
      ],
      [
        'sendReaction',
        { key: { remoteJid: alice.jid, fromMe: true, id: firstId }, reaction: '👍' },
        (m) => expect(m.reactionMessage).toMatchObject({ key: { id: firstId, fromMe: true }, text: '👍' }),
      ],
      [
        'sendPoll',
        { number: alice.phone, name: 'Lunch?', selectableCount: 1, values: ['Pizza', 'Sushi'] },
        (m) => expect(m.pollCreationMessageV3).toMatchObject({ name: 'Lunch?', options: [{ optionName: 'Pizza' }, { optionName: 'Sushi' }] }),
      ],
      [
        'sendList',
        {
          number: alice.phone,
          title: 'Menu',
          description: 'Pick one',
          buttonText: 'Open',
          footerText: 'thanks',
          values: [{ title: 'Mains', rows: [{ title: 'Pizza', rowId: 'p1' }] }],
        },
        (m) => expect(m.listMessage).toMatchObject({ title: 'Menu', buttonText: 'Open', sections: [{ title: 'Mains', rows: [{ title: 'Pizza', rowId: 'p1' }] }] }),
      ],
      [
        'sendButtons',
        { number: alice.phone, title: 'Confirm?', description: 'Order 42', footer: 'shop', buttons: [{ type: 'reply', displayText: 'Yes', id: 'y' }] },
        (m) => {
          const flow = m.viewOnceMessage.message.interactiveMessage;
          expect(flow.body.text).toContain('*Confirm?*');
          expect(flow.nativeFlowMessage.buttons[0]).toMatchObject({ name: 'quick_reply' });
          expect(JSON.parse(flow.nativeFlowMessage.buttons[0].buttonParamsJson)).toEqual({ display_text: 'Yes', id: 'y' });
        },
      ],
    ];
    for (const [action, body, check] of cases) {
      const res = await send(action, body);
      expect({ action, status: res.status }).toEqual({ action, status: 201 });
      expect(res.body).toMatchObject({ key: { remoteJid: alice.jid, fromMe: true }, status: 'PENDING', instanceId });
      const record = await received(res.body.key.id);
      expect(record.to).toBe(alice.jid);
      check(record.message as Record<string, unknown>);
    }
  });

  it('group: checked against group metadata, mentionsEveryOne mentions every participant', async () => {
    const group = env.fake.createGroup(alice.phone, 'Team', [me.jid, bob.phone]);
    const res = await send('sendText', { number: group.id, text: 'hi team', mentionsEveryOne: true });
    expect(res.status).toBe(201);
    expect(res.body.key.remoteJid).toBe(group.id);
    const record = await received(res.body.key.id);
    expect(record.to).toBe(group.id);
    const ext = (record.message as { extendedTextMessage: { text: string; contextInfo: { mentionedJid: string[] } } }).extendedTextMessage;
    expect(ext.text).toBe('hi team');
    expect(ext.contextInfo.mentionedJid.sort()).toEqual(group.participants.map((p) => p.jid).sort());
  });

  it('sendStatus goes to status@broadcast for the listed contacts', async () => {
    const res = await send('sendStatus', { type: 'text', content: 'open until 8', backgroundColor: '#008000', font: 1, statusJidList: [alice.phone] });
    expect(res.status).toBe(201);
    expect(res.body.key.remoteJid).toBe('status@broadcast');
    expect(res.body.message).toMatchObject({ conversation: 'open until 8' }); // flattened, as Evolution records it
    const record = await received(res.body.key.id);
    expect(record.to).toBe('status@broadcast');
    // the listed contacts, and our own phone (so it shows under "My status"); the fake cannot read the
    // broadcast's sender-key copy itself, so the text is checked in the response only
    expect(record.recipients.map((r) => r.jid)).toEqual(expect.arrayContaining([alice.jid, me.jid]));
  });

  it('a number not on WhatsApp, or an unknown group, is Evolution\'s 400 {jid, exists:false, number}', async () => {
    const res = await send('sendText', { number: '5511900009999', text: 'anyone?' });
    expect(res).toEqual({
      status: 400,
      body: {
        status: 400,
        error: 'Bad Request',
        response: { message: [{ jid: '5511900009999@s.whatsapp.net', exists: false, number: '5511900009999' }] },
      },
    });
    const group = await send('sendText', { number: '120363000000000099@g.us', text: 'anyone?' });
    expect(group.status).toBe(400);
    expect(group.body.response.message).toEqual([{ jid: '120363000000000099@g.us', exists: false, number: '120363000000000099@g.us' }]);
  });

  it('invalid bodies are 400s naming the field', async () => {
    const cases: [string, unknown, RegExp][] = [
      ['sendText', { number: alice.phone }, /^text /],
      ['sendText', { number: 'not-a-number', text: 'x' }, /^number must be a phone number/],
      ['sendText', { number: alice.phone, text: 'x', delay: 'soon' }, /^delay must be an integer/],
      ['sendText', { number: alice.phone, textMessage: {} }, /^textMessage\.text: /],
      ['sendMedia', { number: alice.phone, mediatype: 'gif', media: 'x' }, /^mediatype must be one of/],
      ['sendMedia', { number: alice.phone, mediatype: 'image', media: 'not base64 !' }, /^media: Owned media must be a url or base64/],
      ['sendLocation', { number: alice.phone, latitude: 100, longitude: 0 }, /^latitude must not be greater than 90/],
      ['sendPoll', { number: alice.phone, name: 'q', selectableCount: 1, values: ['only'] }, /^values must contain at least 2 elements/],
      ['sendReaction', { key: { remoteJid: alice.jid, fromMe: true, id: 'X' }, reaction: 'nice' }, /^reaction: Reaction must be a single emoji or empty string/],
      [
        'sendButtons',
        { number: alice.phone, title: 't', buttons: [{ type: 'reply', displayText: 'a', id: 'a' }, { type: 'url', displayText: 'b', url: 'https://x.y' }] },
        /^buttons: Reply buttons cannot be mixed with other button types/,
      ],
      ['sendList', { number: alice.phone, title: 't', buttonText: 'b' }, /^sections \(or values\) must be a non-empty array/],
      ['sendStatus', { type: 'text', content: 'x' }, /^statusJidList is required/],
    ];
    for (const [action, body, pattern] of cases) {
      const res = await send(action, body);
      expect({ action, status: res.status, error: res.body.error }).toEqual({ action, status: 400, error: 'Bad Request' });
      expect(res.body.response.message).toEqual(expect.arrayContaining([expect.stringMatching(pattern)]));
    }
  });

  it('media: bad URLs are 400s; a base64 image is prepared and fails cleanly (the fake has no media host)', async () => {
    const closed = await send('sendMedia', { number: alice.phone, mediatype: 'document', media: 'http://127.0.0.1:9/file.pdf' });
    expect(closed.status).toBe(400);
    expect(closed.body.response.message[0]).toMatch(/^media: could not download from 127\.0\.0\.1:9/);

    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex').toString('base64');
    const started = Date.now();
    const res = await send('sendMedia', { number: alice.phone, mediatype: 'image', media: png, caption: 'pic' });
    expect(res.status).toBe(400);
    expect(res.body.response.message[0]).toMatch(/^Error: /);
    expect(Date.now() - started).toBeLessThan(10_000);
    // the queue is not stuck behind the failed upload
    expect((await send('sendText', { number: alice.phone, text: 'after media' })).status).toBe(201);
  });

  it('concurrent sends leave one at a time, SEND_MIN_INTERVAL_MS apart; a typing send is not overtaken', async () => {
    const texts = ['one', 'two', 'three', 'four'];
    const responses = await Promise.all(texts.map((text) => send('sendText', { number: bob.phone, text })));
    expect(responses.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    const records = await Promise.all(responses.map((r) => received(r.body.key.id)));
    const times = records.map((r) => Date.parse(r.at)).sort((a, b) => a - b);
    for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(GAP_MS - 50);

    // A types for 1 s; B, sent while A is typing, still goes out after A
    const typing = env.fake.waitFor(
      'stanza',
      (s) => s.node.tag === 'chatstate' && s.node.attrs.to === bob.jid && Array.isArray(s.node.content) && s.node.content[0]?.tag === 'composing',
    );
    const slow = send('sendText', { number: bob.phone, text: 'typed slowly', delay: 1000 });
    await typing;
    const fast = await send('sendText', { number: bob.phone, text: 'sent at once' });
    const slowRes = await slow;
    const [a, b] = await Promise.all([received(slowRes.body.key.id), received(fast.body.key.id)]);
    expect(Date.parse(b.at)).toBeGreaterThan(Date.parse(a.at));
    expect(textOf(a)).toBe('typed slowly');
  });

  it('a send through another gateway node is forwarded to the node that runs the instance', async () => {
    const other = await env.startGateway({ SEND_MIN_INTERVAL_MS: String(GAP_MS), NODE_ID: 'other-node' });
    const res = await other.api('POST', `/message/sendText/${NAME}`, { apikey: API_KEY, body: { number: alice.phone, text: 'via the other node' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ key: { remoteJid: alice.jid, fromMe: true }, instanceId });
    expect(textOf(await received(res.body.key.id))).toBe('via the other node');
    await other.stop();
  });

  it('an instance that is not connected answers 400 naming its state; unknown instances 404', async () => {
    const created = await gateway.api('POST', '/instance/create', { apikey: API_KEY, body: { instanceName: 'idle' } });
    expect(created.status).toBe(201);
    const res = await send('sendText', { number: alice.phone, text: 'x' }, API_KEY, 'idle');
    expect(res).toEqual({
      status: 400,
      body: { status: 400, error: 'Bad Request', response: { message: ['The "idle" instance is not connected (state: connecting)'] } },
    });
    expect((await send('sendText', { number: alice.phone, text: 'x' }, API_KEY, 'nobody')).status).toBe(404);
    expect((await send('sendText', { number: alice.phone, text: 'x' }, token, 'idle')).status).toBe(401);
  });

  it('the routes are in the OpenAPI document', async () => {
    const doc = await gateway.api('GET', '/docs-json');
    const actions = ['sendText', 'sendMedia', 'sendWhatsAppAudio', 'sendSticker', 'sendLocation', 'sendContact', 'sendReaction', 'sendPoll', 'sendList', 'sendButtons', 'sendStatus'];
    for (const action of actions) expect(doc.body.paths[`/message/${action}/{instanceName}`]?.post).toBeDefined();
    const sendText = doc.body.paths['/message/sendText/{instanceName}'].post;
    expect(sendText.requestBody.content['application/json'].schema.oneOf).toEqual([
      { $ref: '#/components/schemas/SendTextDto' },
      { $ref: '#/components/schemas/SendTextV1Dto' },
    ]);
    expect(Object.keys(doc.body.components.schemas.SendTextDto.properties)).toEqual(expect.arrayContaining(['number', 'text', 'delay', 'quoted']));
    expect(doc.body.components.schemas.SendListDto.properties).toHaveProperty('values');
  });
});
