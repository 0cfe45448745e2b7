import type { IncomingMessage } from 'node:http';
import { BlockList, isIP, isIPv4, isIPv6 } from 'node:net';

/** The most proxies a hop count may name; more is surely a typo. */
const MAX_TRUSTED_HOPS = 10;

/**
 * Which peers may tell the server a client's address through `X-Forwarded-For`
 * (`TRUST_PROXY`): nobody (null, the default), the last `hops` proxies before the server
 * whoever they are, or the listed proxy addresses and networks.
 */
export type TrustProxy = { hops: number } | { proxies: BlockList; listed: string[] } | null;

/**
 * Parses `TRUST_PROXY`: unset, empty, `false` or `0` trust nobody; a whole number is how
 * many proxies stand in front of the server; otherwise a comma-separated list of proxy
 * addresses and CIDR networks. `true` is refused: it would trust whatever the client wrote
 * at the left of the header. Throws an Error with a clear message.
 */
export function parseTrustProxy(raw: string | undefined): TrustProxy {
  const value = raw?.trim().toLowerCase() ?? '';
  if (value === '' || value === 'false' || value === '0') return null;
  if (value === 'true') {
    throw new Error(
      'TRUST_PROXY=true would believe any X-Forwarded-For a client writes; give the number of proxies in front of the server (e.g. 1) or their addresses (e.g. 10.0.0.0/8).',
    );
  }
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > MAX_TRUSTED_HOPS) throw new Error(`TRUST_PROXY must be a hop count from 0 to ${MAX_TRUSTED_HOPS}, got "${raw}".`);
    return { hops };
  }
  const proxies = new BlockList();
  const listed = value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  for (const item of listed) {
    const [address = '', prefix, extra] = item.split('/');
    const family = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : null;
    const bits = prefix === undefined ? null : Number(prefix);
    const maxBits = family === 'ipv4' ? 32 : 128;
    if (!family || extra !== undefined || (bits !== null && !(/^\d+$/.test(prefix!) && bits <= maxBits))) {
      throw new Error(
        `TRUST_PROXY has "${item}", which is neither an IP address nor a CIDR network; list the proxies' addresses (e.g. "10.0.0.5,192.168.0.0/16,fd00::/8") or give their number (e.g. 1).`,
      );
    }
    if (bits === null) proxies.addAddress(address, family);
    else proxies.addSubnet(address, bits, family);
  }
  return { proxies, listed };
}

/** The eight 16-bit groups of a valid IPv6 address (an IPv4 tail becomes the last two). */
function ipv6Groups(address: string): number[] {
  const [head = '', tail] = address.split('::') as [string, string | undefined];
  const parse = (part: string): number[] =>
    part === ''
      ? []
      : part.split(':').flatMap((group) => {
          if (!group.includes('.')) return [parseInt(group, 16)];
          const [a, b, c, d] = group.split('.').map(Number) as [number, number, number, number];
          return [(a << 8) | b, (c << 8) | d];
        });
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/**
 * An address as the server counts it: an IPv4-mapped IPv6 address (`::ffff:1.2.3.4`, how a
 * dual-stack socket reports IPv4 peers) becomes the IPv4 address; a zone (`%eth0`) goes.
 * Anything that is no IP address is returned as it is.
 */
export function normalizeAddress(address: string): string {
  const bare = address.split('%')[0]!;
  if (!isIPv6(bare)) return bare;
  const groups = ipv6Groups(bare);
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join('.');
  }
  return bare.toLowerCase();
}

/**
 * The key a client address is rate-limited by: an IPv4 address as it is, an IPv6 address by
 * its /64 network (`2001:db8:0:1::/64`). One IPv6 subscriber usually gets a whole /64 and can
 * pick any address in it, so counting single addresses would let one client multiply its limit.
 */
export function addressRateKey(address: string): string {
  const normalized = normalizeAddress(address);
  if (!isIPv6(normalized)) return normalized;
  const prefix = ipv6Groups(normalized)
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(':');
  return `${prefix}::/64`;
}

/** One `X-Forwarded-For` entry as an address (`1.2.3.4`, `1.2.3.4:5678`, `[2001:db8::1]:443`), or null. */
function forwardedAddress(entry: string): string | null {
  let value = entry.trim().replace(/^"(.*)"$/, '$1');
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed) value = bracketed[1]!;
  else if (/^[\d.]+:\d+$/.test(value)) value = value.slice(0, value.indexOf(':'));
  return isIP(value.split('%')[0]!) ? normalizeAddress(value) : null;
}

/**
 * Finds each request's client address: the TCP peer, or behind trusted proxies the address
 * the nearest trusted proxy saw. `X-Forwarded-For` is read from the right (each proxy
 * appends the address it received the request from), one entry per trusted hop, and never
 * further: entries to the left of the first untrusted address are whatever the client wrote.
 * A malformed entry stops the walk at the hop that passed it on, so a client cannot make
 * up a fresh rate-limit key per request.
 */
export class ClientAddresses {
  constructor(private readonly trust: TrustProxy) {}

  /** The client address of a request or WebSocket upgrade. */
  of(request: IncomingMessage): string {
    const peer = normalizeAddress(request.socket.remoteAddress ?? '');
    if (this.trust === null) return peer;
    const header = request.headers['x-forwarded-for'];
    const entries = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').filter((entry) => entry.trim() !== '');
    let client = peer;
    for (let hop = 0; this.trusts(client, hop); hop++) {
      const entry = entries.pop();
      if (entry === undefined) return client;
      const address = forwardedAddress(entry);
      if (address === null) return client;
      client = address;
    }
    return client;
  }

  /** The rate-limit key of a request's client (see {@link addressRateKey}). */
  keyOf(request: IncomingMessage): string {
    return addressRateKey(this.of(request));
  }

  private trusts(address: string, hop: number): boolean {
    const trust = this.trust!;
    if ('hops' in trust) return hop < trust.hops;
    const family = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : null;
    return family !== null && trust.proxies.check(address, family);
  }
}
