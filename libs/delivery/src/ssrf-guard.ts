import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent, buildConnector } from 'undici';

/**
 * SSRF guard for webhook delivery. The check runs inside the socket's DNS lookup (and, for
 * literal IPs, before the socket is even created), i.e. on the address we actually dial. Checking
 * the URL when the webhook is saved is not enough: DNS can answer differently later (rebinding).
 *
 * - `default`: refuse link-local and cloud metadata only. RFC1918 stays open because self-hosted
 *   receivers (n8n, Chatwoot) commonly sit on the same Docker network.
 * - `strict`: also refuse loopback, private, CGNAT, unspecified, multicast and broadcast.
 * - `off`: no checks.
 */
export type SsrfMode = 'default' | 'strict' | 'off';

export class SsrfBlockedError extends Error {
  readonly code = 'ERR_SSRF_BLOCKED';

  constructor(
    readonly host: string,
    readonly address: string,
    readonly reason: string,
  ) {
    super(`refused by SSRF guard: ${host} resolves to ${address} (${reason})`);
    this.name = 'SsrfBlockedError';
  }
}

/** True for the guard's refusal, also when a caller wrapped it as `cause`. */
export function isSsrfBlockedError(err: unknown): err is SsrfBlockedError {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof SsrfBlockedError) return true;
  }
  return false;
}

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];
interface Range {
  cidr: Cidr;
  reason: string;
}

function ranges(list: Array<[string, string]>): Range[] {
  return list.map(([cidr, reason]) => ({ cidr: ipaddr.parseCIDR(cidr), reason }));
}

/** Always refused (unless allow-listed): where instance credentials live. */
const METADATA_RANGES = ranges([
  ['169.254.0.0/16', 'link-local / cloud metadata'],
  ['100.100.100.200/32', 'Alibaba Cloud metadata'],
  ['fe80::/10', 'link-local'],
  ['fd00:ec2::254/128', 'AWS metadata (IPv6)'],
]);

/** Added in strict mode. fc00::/7 also covers fd00:ec2::254, which the default list already has. */
const PRIVATE_RANGES = ranges([
  ['0.0.0.0/8', 'unspecified'],
  ['127.0.0.0/8', 'loopback'],
  ['10.0.0.0/8', 'private'],
  ['172.16.0.0/12', 'private'],
  ['192.168.0.0/16', 'private'],
  ['100.64.0.0/10', 'carrier-grade NAT'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved / broadcast'],
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['fc00::/7', 'unique local'],
  ['ff00::/8', 'multicast'],
]);

const NAT64 = ipaddr.parseCIDR('64:ff9b::/96');
const SIX_TO_FOUR = ipaddr.parseCIDR('2002::/16');

/** IPv6 forms that carry an IPv4 address: mapped (::ffff:a.b.c.d), NAT64 and 6to4. */
function embeddedIPv4(ip: ipaddr.IPv6): ipaddr.IPv4 | null {
  if (ip.isIPv4MappedAddress()) return ip.toIPv4Address();
  const bytes = ip.toByteArray();
  if (ip.match(NAT64)) return new ipaddr.IPv4(bytes.slice(12, 16));
  if (ip.match(SIX_TO_FOUR)) return new ipaddr.IPv4(bytes.slice(2, 6));
  return null;
}

function matchRange(ip: ipaddr.IPv4 | ipaddr.IPv6, list: Range[]): string | null {
  for (const { cidr, reason } of list) {
    if (ip.kind() === cidr[0].kind() && ip.match(cidr)) return reason;
  }
  return null;
}

function parseIp(ip: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  const bare = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  // Zone ids (fe80::1%eth0) are not understood by every parser; the address part decides.
  const noZone = bare.split('%')[0];
  return ipaddr.isValid(noZone) ? ipaddr.parse(noZone) : null;
}

/** The reason an address is refused in `mode`, or null when it may be dialled. */
export function blockReason(ip: string, mode: SsrfMode): string | null {
  if (mode === 'off') return null;
  const parsed = parseIp(ip);
  if (!parsed) return 'not an IP address';
  const candidates: Array<ipaddr.IPv4 | ipaddr.IPv6> = [parsed];
  if (parsed.kind() === 'ipv6') {
    const v4 = embeddedIPv4(parsed as ipaddr.IPv6);
    if (v4) candidates.push(v4);
  }
  for (const candidate of candidates) {
    const reason = matchRange(candidate, METADATA_RANGES) ?? (mode === 'strict' ? matchRange(candidate, PRIVATE_RANGES) : null);
    if (reason) return reason;
  }
  return null;
}

export function isBlockedAddress(ip: string, mode: SsrfMode): boolean {
  return blockReason(ip, mode) !== null;
}

export interface AllowList {
  /** Lower-case host names; `*.example.com` entries are kept with their `*.` prefix. */
  hosts: string[];
  cidrs: Cidr[];
}

/** Comma/whitespace separated host names, IPs and CIDRs (e.g. an env var). */
export function parseAllowList(csv: string | string[] | undefined | null): AllowList {
  const items = (Array.isArray(csv) ? csv : (csv ?? '').split(/[,\s]+/)).map((s) => s.trim()).filter(Boolean);
  const list: AllowList = { hosts: [], cidrs: [] };
  for (const item of items) {
    const ip = parseIp(item);
    if (item.includes('/')) {
      try {
        list.cidrs.push(ipaddr.parseCIDR(item));
      } catch {
        throw new Error(`invalid CIDR in SSRF allow-list: ${item}`);
      }
    } else if (ip) {
      list.cidrs.push([ip, ip.kind() === 'ipv4' ? 32 : 128]);
    } else {
      list.hosts.push(item.toLowerCase().replace(/\.$/, ''));
    }
  }
  return list;
}

function hostAllowed(host: string, allow: AllowList): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return allow.hosts.some((h) => (h.startsWith('*.') ? name.endsWith(h.slice(1)) : name === h));
}

function addressAllowed(ip: string, allow: AllowList): boolean {
  const parsed = parseIp(ip);
  if (!parsed) return false;
  // Compare mapped IPv6 as IPv4 too, so allowing 127.0.0.1 also allows ::ffff:127.0.0.1.
  const forms = [parsed];
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    forms.push((parsed as ipaddr.IPv6).toIPv4Address());
  }
  return allow.cidrs.some(([base, bits]) => forms.some((f) => f.kind() === base.kind() && f.match(base, bits)));
}

/** Null when `address`, reached as `host`, may be dialled; otherwise the refusal. */
function checkTarget(host: string, address: string, mode: SsrfMode, allow: AllowList): SsrfBlockedError | null {
  if (hostAllowed(host, allow) || addressAllowed(address, allow)) return null;
  const reason = blockReason(address, mode);
  return reason ? new SsrfBlockedError(host, address, reason) : null;
}

/**
 * Wraps a resolver so every address it returns is checked before net/tls may dial any of them.
 * All addresses are checked, not just the first: with happy-eyeballs the socket may try any.
 */
export function guardedLookup(mode: SsrfMode, allow: AllowList, base: LookupFunction = dnsLookup as LookupFunction): LookupFunction {
  return (hostname: string, options: LookupOptions, callback) => {
    base(hostname, { ...options, all: true }, (err, result, family) => {
      if (err) return callback(err, '', undefined);
      const addresses: LookupAddress[] = Array.isArray(result)
        ? result
        : [{ address: result, family: family ?? (isIP(result) || 4) }];
      for (const { address } of addresses) {
        const refusal = checkTarget(hostname, address, mode, allow);
        if (refusal) return callback(refusal as NodeJS.ErrnoException, '', undefined);
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '', undefined);
      callback(null, first.address, first.family);
    });
  };
}

export interface GuardedAgentOptions {
  mode: SsrfMode;
  /** Host names (optionally `*.suffix`), IPs or CIDRs let through in any mode. */
  allowHosts?: string[];
  /**
   * Passed to the undici Agent. `connect` must be an options object (not a connector function);
   * a `connect.lookup` there becomes the resolver the guard wraps.
   */
  agentOptions?: Omit<Agent.Options, 'connect'> & { connect?: Partial<buildConnector.BuildOptions> };
}

/** An undici Agent whose every new connection goes through the SSRF check. */
export function createGuardedAgent(options: GuardedAgentOptions): Agent {
  const { mode, allowHosts = [], agentOptions = {} } = options;
  if (mode === 'off') return new Agent(agentOptions);

  const allow = parseAllowList(allowHosts);
  const { connect: connectOptions = {}, ...rest } = agentOptions;
  const baseLookup = (connectOptions as { lookup?: LookupFunction }).lookup;
  // We supply a connector function, so undici ignores its own connect-related top-level options:
  // carry them over here to keep their meaning.
  const dial = buildConnector({
    ...(rest.connectTimeout != null ? { timeout: rest.connectTimeout } : {}),
    ...(rest.maxCachedSessions != null ? { maxCachedSessions: rest.maxCachedSessions } : {}),
    ...(rest.allowH2 != null ? { allowH2: rest.allowH2 } : {}),
    ...(typeof rest.autoSelectFamily === 'boolean'
      ? { autoSelectFamily: rest.autoSelectFamily, autoSelectFamilyAttemptTimeout: rest.autoSelectFamilyAttemptTimeout ?? undefined }
      : {}),
    ...connectOptions,
    lookup: guardedLookup(mode, allow, baseLookup),
  } as buildConnector.BuildOptions);

  const connector: buildConnector.connector = (opts, callback) => {
    const host = opts.hostname.startsWith('[') ? opts.hostname.slice(1, -1) : opts.hostname;
    // net.connect skips the lookup for literal IPs, so check those here, before any socket exists.
    if (isIP(host.split('%')[0])) {
      const refusal = checkTarget(host, host, mode, allow);
      if (refusal) return callback(refusal, null);
    }
    dial(opts, callback);
  };
  return new Agent({ ...rest, connect: connector });
}
