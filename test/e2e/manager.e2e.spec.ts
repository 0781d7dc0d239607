import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { HttpConnectProxy, decodeQrScreenshot, launchChromium, type ClientMessageRecord, type GatewayProcess, type PairedAccount } from '@gw/testing';
import { API_KEY, E2eEnvironment } from '../support/e2e-env';

const BASE = '/wa';
const NAME = 'shop front';
const SHOTS = join(process.cwd(), 'docs/manager');
// The README's screenshots are refreshed on request (UPDATE_SCREENSHOTS=1) or when missing, so a test run leaves the tree clean.
const UPDATE_SHOTS = process.env.UPDATE_SCREENSHOTS === '1';
const shotPath = (name: string) => {
  const committed = join(SHOTS, `${name}.png`);
  return UPDATE_SHOTS || !existsSync(committed) ? committed : join(tmpdir(), `manager-${name}.png`);
};

/**
 * The manager in a real headless Chromium (playwright-core, Debian's chromium), against the real
 * gateway (served under SERVER_BASE_PATH), Baileys linked to the fake WhatsApp server, and a real
 * webhook receiver. One browser for the file; each test goes on from where the previous one left.
 */
describe('web manager in Chromium (e2e)', () => {
  const env = new E2eEnvironment();
  let gateway: GatewayProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let me: PairedAccount;
  const cspViolations: string[] = [];

  const managerUrl = () => `${gateway.url}${BASE}/manager/`;
  const shot = async (name: string, target: Page = page) => {
    mkdirSync(SHOTS, { recursive: true });
    await target.screenshot({ path: shotPath(name), fullPage: true });
  };
  const openPage = async (ctx: BrowserContext) => {
    const p = await ctx.newPage();
    p.on('console', (m) => m.type() === 'error' && /Content Security Policy/i.test(m.text()) && cspViolations.push(m.text()));
    return p;
  };
  const logIn = async (p: Page, key: string) => {
    await p.goto(managerUrl());
    await p.getByLabel('API key').fill(key);
    await p.getByLabel('API key').press('Enter');
  };
  const tab = (label: string) => page.getByRole('navigation', { name: 'Instance sections' }).getByRole('link', { name: label }).click();

  beforeAll(async () => {
    await env.start();
    [gateway, browser] = await Promise.all([
      env.startGateway({ SERVER_BASE_PATH: BASE, WEBHOOK_RETRY_SCHEDULE: '1,1', SEND_MIN_INTERVAL_MS: '0' }),
      launchChromium(),
    ]);
    context = await browser.newContext({ viewport: { width: 1280, height: 860 }, colorScheme: 'light' });
    page = await openPage(context);
  });

  afterAll(async () => {
    await browser?.close();
    await env.stop();
  });

  it('serves the page and its assets compressed, cacheable and under a strict CSP, at <base>/manager and /manager', async () => {
    const res = await fetch(managerUrl(), { headers: { 'accept-encoding': 'br, gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBe('br');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await res.text(); // fetch decodes brotli
    expect(html).toContain(`<base href="${BASE}/manager/" />`);
    expect(html).not.toMatch(/<script>|<style>|https?:\/\//);
    const asset = /src="(assets\/app-[A-Z0-9]+\.js)"/.exec(html)![1];
    const js = await fetch(`${managerUrl()}${asset}`, { headers: { 'accept-encoding': 'gzip' } });
    expect([js.status, js.headers.get('content-encoding'), js.headers.get('cache-control')]).toEqual([200, 'gzip', 'public, max-age=31536000, immutable']);
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    const missing = await gateway.api('GET', `${BASE}/manager/assets/nope.js`);
    expect(missing).toEqual({ status: 404, body: { status: 404, error: 'Not Found', response: { message: ['No manager file "assets/nope.js"'] } } });

    // without SERVER_BASE_PATH it is at /manager (and /manager/), the page's <base> following
    const plain = await env.startGateway();
    try {
      for (const path of ['/manager', '/manager/']) {
        const res = await fetch(`${plain.url}${path}`);
        expect([res.status, (await res.text()).includes('<base href="/manager/" />')]).toEqual([200, true]);
      }
    } finally {
      await plain.stop();
    }
  });

  it('refuses a wrong key and says so', async () => {
    await logIn(page, 'not-the-key');
    await page.getByRole('alert').getByText('Wrong API key').waitFor();
    expect(await page.evaluate<number>('sessionStorage.length')).toBe(0);
    await shot('login');
  });

  it('logs in with the global key (keyboard only), shows the empty list, then creates an instance on the page', async () => {
    await logIn(page, API_KEY);
    await page.getByText('No instances yet').waitFor();
    // the key is in this tab's session storage, not in the URL or a cookie
    expect(page.url()).not.toContain(API_KEY);
    expect(await context.cookies()).toEqual([]);
    await page.getByRole('button', { name: 'New instance' }).click();
    const form = page.getByRole('form', { name: 'New instance' });
    await form.getByLabel('Name').fill(NAME);
    await form.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: NAME }).waitFor();
    expect(page.url()).toContain('#/instance/shop%20front/connect');
  });

  it('shows the QR as it arrives; the fake phone scans what it reads from the page; the page turns open without a reload', async () => {
    const img = page.getByRole('img', { name: 'QR code to link WhatsApp' });
    await img.waitFor();
    await shot('instance-qr');
    const code = decodeQrScreenshot(await img.screenshot());
    expect(code).toMatch(/^[^,]+,[^,]+,[^,]+,[^,]+/); // ref,noiseKey,identityKey,advSecret
    me = await env.fake.scan(code!, { pushName: 'Shop Phone' });
    await page.locator('h1 [data-state="open"]').waitFor();
    await page.getByText('Linked to WhatsApp as').waitFor();
    expect(await page.locator('.sub').innerText()).toContain(me.phone);
  });

  it('creates an instance with a number and a webhook; the pairing code typed on the phone links it', async () => {
    await page.getByRole('link', { name: 'WhatsApp gateway' }).click();
    await page.getByRole('button', { name: 'New instance' }).click();
    const form = page.getByRole('form', { name: 'New instance' });
    await form.getByLabel('Name').fill('front desk');
    await form.getByLabel('Phone number').fill('5511977776666');
    await form.getByLabel('Webhook URL').fill(`${env.receiver.url}/desk`);
    await form.getByRole('button', { name: 'Create' }).click();
    const code = await page.locator('[data-pairing-code]').innerText();
    expect(code).toMatch(/^[A-Z0-9]{8}$/);
    const account = await env.fake.enterPairingCode('5511977776666', code);
    await page.locator('h1 [data-state="open"]').waitFor();
    expect(account.jid).toBe('5511977776666@s.whatsapp.net');
    // the webhook given on the form was set: it saw the instance open
    await env.receiver.waitFor((w) => w.path === '/desk' && w.body.event === 'connection.update' && w.body.data.state === 'open');
    await page.goto(`${managerUrl()}#/instance/${encodeURIComponent(NAME)}/connect`);
    await page.getByText('Linked to WhatsApp as').waitFor();
  });

  it('the live monitor shows messages.upsert when a contact writes', async () => {
    await tab('Live events');
    const alice = env.fake.createAccount({ pushName: 'Alice' });
    await env.fake.sendMessage(me.jid, alice.phone, { conversation: 'hello shop' });
    const item = page.locator('.events-log li[data-event="messages.upsert"]').first();
    await item.waitFor();
    await item.locator('summary').first().click();
    await item.getByText('"hello shop"').waitFor();
    await shot('live-events');
  });

  it('a test send from the page reaches the fake contact and shows up as send.message', async () => {
    const bob = env.fake.createAccount({ pushName: 'Bob' });
    await tab('Test send');
    await page.getByLabel('To (number)').fill(bob.phone);
    await page.getByRole('textbox', { name: 'Text' }).fill('sent from the manager');
    await page.getByRole('button', { name: 'Send' }).click();
    const sent = await page.getByText(/^Sent \(message id /).innerText();
    const id = /message id ([^)]+)\)/.exec(sent)![1];
    // what Bob's phone decrypted (already there, or the next message)
    const record = env.fake.messagesFromClient.find((m) => m.id === id) ?? (await env.fake.waitFor('client-message', (m: ClientMessageRecord) => m.id === id));
    const message = record.message as { conversation?: string; extendedTextMessage?: { text?: string } };
    expect(message.conversation ?? message.extendedTextMessage?.text).toBe('sent from the manager');
    expect(record.to).toBe(bob.jid);
    await tab('Live events');
    await page.locator('.events-log li[data-event="send.message"]').first().waitFor();
  });

  it('settings: the API validation message is shown', async () => {
    await tab('Settings');
    await page.getByLabel('Message sent when a call is rejected').fill('x'.repeat(5000));
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('alert').getByText(/msgCall must be shorter than or equal to 4096 characters/).waitFor();
    await page.getByLabel('Message sent when a call is rejected').fill('Busy, write instead');
    await page.getByLabel('Reject calls').check();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Settings saved.').waitFor();
    const saved = await gateway.api('GET', `${BASE}/settings/find/${encodeURIComponent(NAME)}`, { apikey: API_KEY });
    expect(saved.body).toMatchObject({ rejectCall: true, msgCall: 'Busy, write instead' });
  });

  it('webhook form, then a delivery the receiver refuses shows failed with its attempts; "Redeliver" turns it delivered', async () => {
    env.receiver.respondWith(() => 500);
    await tab('Webhook');
    await page.getByRole('textbox', { name: 'URL' }).fill(`${env.receiver.url}/manager-hook`);
    await page.getByRole('checkbox', { name: 'MESSAGES_UPSERT' }).check();
    await page.getByRole('button', { name: 'Save and generate a signing secret' }).click();
    await page.getByText('Webhook saved.').waitFor();
    expect(await page.locator('[data-secret]').innerText()).toMatch(/^whsec_/);
    await shot('webhook');

    const carol = env.fake.createAccount({ pushName: 'Carol' });
    await env.fake.sendMessage(me.jid, carol.phone, { conversation: 'will fail first' });
    await tab('Deliveries');
    const failed = page.locator('tr[data-status="failed"]').first();
    await failed.waitFor({ timeout: 30_000 });
    expect(await failed.locator('td').nth(3).innerText()).toBe('3'); // attempts
    expect(await failed.locator('td').nth(4).innerText()).toBe('500'); // last status code
    expect(await failed.locator('td').nth(5).innerText()).toMatch(/^\d+ ms$/); // its latency
    await failed.getByRole('button').click();
    const detail = page.locator('[data-delivery-detail]');
    await detail.locator('tr[data-attempt="3"]').waitFor();
    expect(await detail.locator('tbody tr td:nth-child(3)').allInnerTexts()).toEqual(['500', '500', '500']);
    expect(env.receiver.attempts.filter((a) => a.path === '/manager-hook')).toHaveLength(3);
    await shot('deliveries');

    env.receiver.respondWith(() => 200);
    const redelivered = env.receiver.waitFor((w) => w.path === '/manager-hook' && w.body.data?.message?.conversation === 'will fail first');
    await detail.getByRole('button', { name: 'Redeliver' }).click();
    await redelivered;
    await page.locator('tr[data-status="delivered"]').first().waitFor({ timeout: 20_000 });
    await page.locator('[data-delivery-detail] .badge.delivery-delivered').waitFor({ timeout: 20_000 });
  });

  it('"Redeliver all failed" resends the failures since the time given', async () => {
    env.receiver.respondWith(() => 500);
    const dave = env.fake.createAccount({ pushName: 'Dave' });
    await env.fake.sendMessage(me.jid, dave.phone, { conversation: 'fails, then goes in bulk' });
    await page.locator('tr[data-status="failed"]').first().waitFor({ timeout: 30_000 });
    env.receiver.respondWith(() => 200);
    const resent = env.receiver.waitFor((w) => w.path === '/manager-hook' && w.body.data?.message?.conversation === 'fails, then goes in bulk');
    await page.getByRole('button', { name: 'Redeliver all failed' }).click();
    await page.getByText('1 failed delivery queued again.').waitFor();
    await resent;
    await page.locator('tr[data-status="failed"]').first().waitFor({ state: 'detached', timeout: 20_000 });
  });

  it('an instance that cannot reach WhatsApp says why', async () => {
    // linked through a proxy that then goes away: every new attempt is refused
    const proxy = await new HttpConnectProxy('gw-manager', 'proxy-secret-1', '127.0.0.1').start();
    const created = await gateway.api('POST', `${BASE}/instance/create`, {
      apikey: API_KEY,
      body: { instanceName: 'no network', proxyHost: '127.0.0.1', proxyPort: proxy.port, proxyProtocol: 'http', proxyUsername: 'gw-manager', proxyPassword: 'proxy-secret-1' },
    });
    expect(created.status).toBe(201);
    await proxy.stop();
    await page.goto(`${managerUrl()}#/instance/no%20network/connect`);
    await page.getByRole('alert').getByText(/^WhatsApp cannot be reached: .*ECONNREFUSED/).waitFor({ timeout: 30_000 });
    await shot('instance-unreachable');
  });

  it('measures the instance list: time to interactive after a reload', async () => {
    await page.goto(managerUrl());
    await page.locator('table.instances[data-loaded]').waitFor();
    // page-side expressions (this file is compiled without the DOM types)
    const tti = await page.evaluate<number>('Math.round(performance.now())');
    const transferred = await page.evaluate<number>("performance.getEntriesByType('resource').reduce((n, e) => n + e.transferSize, 0)");
    writeFileSync(join(SHOTS, 'measured.json'), `${JSON.stringify({ instanceListInteractiveMs: tti, transferredBytes: transferred }, null, 2)}\n`);
    process.stdout.write(`manager: instance list interactive after ${tti} ms\n`);
    expect(tti).toBeLessThan(5000);
    await page.locator(`tr[data-instance="${NAME}"] [data-state="open"]`).waitFor();
    await shot('instances');
    // the list re-renders after the input event: wait for the filtered-out row to go, then count
    const row = (name: string) => page.locator(`tbody tr[data-instance="${name}"]`);
    await page.getByLabel('State').selectOption('open');
    await row('no network').waitFor({ state: 'detached' });
    expect(await page.locator('tbody tr').count()).toBe(2);
    await page.getByLabel('Filter by name').fill('desk');
    await row(NAME).waitFor({ state: 'detached' });
    expect(await page.locator('tbody tr').getAttribute('data-instance')).toBe('front desk');
    await page.getByLabel('Filter by name').fill('nothing like it');
    await page.getByText('No instance matches the filter.').waitFor();
    const dark = await browser.newContext({ viewport: { width: 390, height: 800 }, colorScheme: 'dark' });
    const phone = await openPage(dark);
    await logIn(phone, API_KEY);
    await phone.locator('table.instances[data-loaded]').waitFor();
    await shot('instances-phone-dark', phone);
    await dark.close();
  });

  it('an instance token sees only its own instance and cannot create one', async () => {
    const other = await gateway.api('POST', `${BASE}/instance/create`, { apikey: API_KEY, body: { instanceName: 'back office' } });
    expect(other.status).toBe(201);
    const rows = await gateway.api('GET', `${BASE}/instance/fetchInstances?instanceName=${encodeURIComponent(NAME)}`, { apikey: API_KEY });
    const tokenContext = await browser.newContext();
    const p = await openPage(tokenContext);
    await logIn(p, rows.body[0].token);
    await p.getByRole('heading', { name: NAME }).waitFor();
    await p.getByText(`Instance token: ${NAME}`).waitFor();
    // rotating the token from the page keeps this session working with the new one; the old one is refused
    const oldToken = rows.body[0].token as string;
    await p.getByRole('button', { name: 'Refresh token' }).click();
    const newToken = await p.locator('.secret code').innerText();
    expect(newToken).not.toBe(oldToken);
    expect((await gateway.api('GET', `${BASE}/instance/fetchInstances`, { apikey: oldToken })).status).toBe(401);
    await p.getByRole('link', { name: 'WhatsApp gateway' }).click();
    await p.locator('table.instances[data-loaded]').waitFor();
    expect(await p.locator('tbody tr').count()).toBe(1);
    expect(await p.locator('tbody tr').getAttribute('data-instance')).toBe(NAME);
    expect(await p.getByRole('button', { name: 'New instance' }).count()).toBe(0);
    await p.getByRole('button', { name: 'Log out' }).click();
    await p.getByLabel('API key').waitFor();
    expect(await p.evaluate<number>('sessionStorage.length')).toBe(0);
    await tokenContext.close();
  });

  it('deletes an instance after asking, and the list no longer has it', async () => {
    await page.goto(`${managerUrl()}#/instance/no%20network/connect`);
    await page.getByRole('button', { name: 'Delete' }).click();
    // asked first; focus is on "Cancel", so Enter would not delete
    await page.getByRole('group', { name: 'Delete "no network" and its stored data?' }).waitFor();
    await page.getByRole('button', { name: 'Yes, delete' }).click();
    await page.getByRole('heading', { name: 'Instances' }).waitFor();
    await page.locator('table.instances[data-loaded]').waitFor();
    expect(await page.locator('tbody tr[data-instance="no network"]').count()).toBe(0);
    const gone = await gateway.api('GET', `${BASE}/instance/connectionState/no%20network`, { apikey: API_KEY });
    expect(gone.status).toBe(404);
  });

  it('logs a linked instance out after asking: the phone sees the device removed, the page leaves open', async () => {
    await page.goto(`${managerUrl()}#/instance/front%20desk/connect`);
    await page.locator('h1 [data-state="open"]').waitFor();
    await page.getByRole('button', { name: 'Log out of WhatsApp' }).click();
    await page.getByRole('button', { name: 'Yes, log out' }).click();
    await page.getByText('Logged out.').waitFor();
    await page.locator('h1 [data-state="open"]').waitFor({ state: 'detached' });
    expect(env.fake.logouts.map((l) => l.jid)).toContain('5511977776666@s.whatsapp.net');
  });

  it('no Content-Security-Policy violation happened on any page', () => {
    expect(cspViolations).toEqual([]);
  });
});
