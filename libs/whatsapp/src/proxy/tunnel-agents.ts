import type { ClientRequest } from 'node:http';
import { isIP } from 'node:net';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import type { AgentConnectOpts } from 'agent-base';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { SocksProxyAgent } from 'socks-proxy-agent';

/**
 * Both agents drop `host` before the TLS handshake with the target and only set a servername
 * for host names, so a target addressed by IP (WhatsApp hands out media hosts that way in
 * tests; some deployments do too) is checked against "localhost" and fails. The certificate
 * is checked against the IP instead, as a direct https request would.
 */
function ipIdentity(opts: AgentConnectOpts): AgentConnectOpts {
  if (!opts.secureEndpoint || !opts.host || !isIP(opts.host) || opts.checkServerIdentity) return opts;
  const host = opts.host;
  return { ...opts, checkServerIdentity: (_servername: string, cert: PeerCertificate) => checkServerIdentity(host, cert) };
}

export class HttpTunnelAgent extends HttpsProxyAgent<string> {
  override connect(req: ClientRequest, opts: AgentConnectOpts) {
    return super.connect(req, ipIdentity(opts));
  }
}

export class SocksTunnelAgent extends SocksProxyAgent {
  override connect(req: ClientRequest, opts: AgentConnectOpts) {
    return super.connect(req, ipIdentity(opts));
  }
}
