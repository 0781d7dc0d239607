import { createHmac } from 'node:crypto';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import {
  applyJwtKeyHeader,
  evolutionJwt,
  generateWebhookSecret,
  hubSignature256,
  standardWebhookHeaders,
  webhookSecretKey,
} from './webhook-signature';

const body = JSON.stringify({ event: 'messages.upsert', instance: 'acme', data: { text: 'olá 👋' } });
const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('standardWebhookHeaders (checked with the standardwebhooks reference library)', () => {
  it('verifies with a single whsec_ secret', () => {
    const secret = generateWebhookSecret();
    const headers = standardWebhookHeaders({ id: 'msg_1', timestamp: nowSeconds(), body, secrets: [secret] });

    expect(headers['webhook-id']).toBe('msg_1');
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
  });

  it('signs with every secret during a rotation, and each verifies on its own', () => {
    const oldSecret = generateWebhookSecret();
    const newSecret = generateWebhookSecret();
    const headers = standardWebhookHeaders({ id: 'msg_2', timestamp: nowSeconds(), body, secrets: [oldSecret, newSecret] });

    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(oldSecret).verify(body, { ...headers })).not.toThrow();
    expect(() => new Webhook(newSecret).verify(body, { ...headers })).not.toThrow();
  });

  it('fails for a tampered body and for a wrong secret', () => {
    const secret = generateWebhookSecret();
    const headers = standardWebhookHeaders({ id: 'msg_3', timestamp: nowSeconds(), body, secrets: [secret] });

    expect(() => new Webhook(secret).verify(body.replace('acme', 'evil'), { ...headers })).toThrow(WebhookVerificationError);
    expect(() => new Webhook(generateWebhookSecret()).verify(body, { ...headers })).toThrow(WebhookVerificationError);
  });

  it('uses the UTF-8 bytes of a secret without the whsec_ prefix', () => {
    const raw = 'plain-shared-secret';
    const headers = standardWebhookHeaders({ id: 'msg_4', timestamp: nowSeconds(), body, secrets: [raw] });
    expect(() => new Webhook(raw, { format: 'raw' }).verify(body, { ...headers })).not.toThrow();
    expect(webhookSecretKey(raw).toString('utf8')).toBe(raw);
  });

  it('rejects ids or timestamps that would make the signed content ambiguous', () => {
    const secrets = [generateWebhookSecret()];
    expect(() => standardWebhookHeaders({ id: 'a.b', timestamp: 1, body, secrets })).toThrow();
    expect(() => standardWebhookHeaders({ id: 'a', timestamp: 1.5, body, secrets })).toThrow();
    expect(() => standardWebhookHeaders({ id: 'a', timestamp: 1, body, secrets: [] })).toThrow();
  });

  it('generates 24-byte whsec_ secrets', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(24);
    expect(generateWebhookSecret()).not.toBe(secret);
  });
});

describe('hubSignature256', () => {
  it('matches an HMAC-SHA256 hex digest computed independently', () => {
    const secret = 'app-secret';
    // Independent path: Buffer input, digest as bytes then hex-encoded by hand.
    const expected = Array.from(createHmac('sha256', Buffer.from(secret)).update(Buffer.from(body, 'utf8')).digest())
      .map((b) => b.toString(16).padStart(2, '0'))
      .join('');
    expect(hubSignature256(body, secret)).toBe(`sha256=${expected}`);
  });

  it('matches the RFC 4231 test case 2 vector', () => {
    expect(hubSignature256('what do ya want for nothing?', 'Jefe')).toBe(
      'sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });
});

describe('evolutionJwt', () => {
  const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

  it('is an HS256 JWT with Evolution claims and a valid signature', () => {
    const now = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
    const token = evolutionJwt('jwt-secret', now);
    const parts = token.split('.');
    expect(parts).toHaveLength(3);
    for (const p of parts) expect(p).toMatch(/^[A-Za-z0-9_-]+$/);

    expect(decode(parts[0])).toEqual({ alg: 'HS256', typ: 'JWT' });
    const iat = Math.floor(now / 1000);
    expect(decode(parts[1])).toEqual({ iat, exp: iat + 600, app: 'evolution', action: 'webhook' });

    const expectedSig = createHmac('sha256', 'jwt-secret').update(`${parts[0]}.${parts[1]}`).digest('base64url');
    expect(parts[2]).toBe(expectedSig);
    expect(evolutionJwt('other-secret', now).split('.')[2]).not.toBe(expectedSig);
  });

  it('accepts a Date for now', () => {
    const now = new Date(1_700_000_000_000);
    expect(evolutionJwt('s', now)).toBe(evolutionJwt('s', 1_700_000_000_000));
  });
});

describe('applyJwtKeyHeader', () => {
  it('replaces jwt_key by an Authorization bearer token', () => {
    const now = 1_700_000_000_000;
    const input = { 'x-custom': '1', jwt_key: 'k', Authorization: 'stale' };
    const out = applyJwtKeyHeader(input, now);
    expect(out).toEqual({ 'x-custom': '1', authorization: `Bearer ${evolutionJwt('k', now)}` });
    expect(input).toEqual({ 'x-custom': '1', jwt_key: 'k', Authorization: 'stale' });
  });

  it('leaves headers without jwt_key untouched', () => {
    const input = { 'x-custom': '1', authorization: 'Basic abc' };
    expect(applyJwtKeyHeader(input, Date.now())).toEqual(input);
  });
});
