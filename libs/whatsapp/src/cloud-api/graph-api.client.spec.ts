import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphApiClient, GraphApiError } from './graph-api.client';

/** The client against a real local HTTP server answering like the Graph API does to a bad token. */
describe('GraphApiClient errors', () => {
  const TOKEN = 'EAAG-malformed-token-0123456789';
  let server: Server;
  let client: GraphApiClient;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `Malformed access token ${token}`, type: 'OAuthException', code: 190 } }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    client = new GraphApiClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, version: 'v21.0' });
  });

  afterAll(async () => {
    await client.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it("keeps Meta's reason and code but never the access token Meta echoes", async () => {
    const err = await client.phoneNumber('106540352242922', TOKEN).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphApiError);
    expect(err).toMatchObject({ status: 400, code: 190, isAuthError: true });
    expect((err as Error).message).toBe('Graph API 400: Malformed access token [token]');
    expect((err as Error).message).not.toContain(TOKEN);
  });
});
