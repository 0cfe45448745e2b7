import { isIPv4, isIPv6 } from 'node:net';

/** Why an address may not receive webhooks. The first five are opened by `WEBHOOK_ALLOW_PRIVATE_NETWORKS`. */
export type AddressKind =
  'loopback' | 'private' | 'link-local' | 'shared (CGNAT)' | 'unique-local' | 'unspecified' | 'multicast' | 'broadcast' | 'reserved';

/** The kinds a development server may reach when private networks are allowed. */
export const PRIVATE_KINDS: ReadonlySet<AddressKind> = new Set(['loopback', 'private', 'link-local', 'shared (CGNAT)', 'unique-local']);

interface Range {
  bytes: number[];
  prefix: number;
  kind: AddressKind;
}

const v4 = (cidr: string, kind: AddressKind): Range => {
  const [address, prefix] = cidr.split('/');
  return { bytes: address!.split('.').map(Number), prefix: Number(prefix), kind };
};
const v6 = (cidr: string, kind: AddressKind): Range => {
  const [address, prefix] = cidr.split('/');
  return { bytes: parseIPv6(address!)!, prefix: Number(prefix), kind };
};

/** IPv4 ranges that are not the public internet (IANA special-purpose registry). */
const IPV4_RANGES: readonly Range[] = [
  v4('0.0.0.0/8', 'unspecified'),
  v4('10.0.0.0/8', 'private'),
  v4('100.64.0.0/10', 'shared (CGNAT)'),
  v4('127.0.0.0/8', 'loopback'),
  v4('169.254.0.0/16', 'link-local'),
  v4('172.16.0.0/12', 'private'),
  v4('192.0.0.0/24', 'reserved'),
  v4('192.0.2.0/24', 'reserved'),
  v4('192.88.99.0/24', 'reserved'),
  v4('192.168.0.0/16', 'private'),
  v4('198.18.0.0/15', 'reserved'),
  v4('198.51.100.0/24', 'reserved'),
  v4('203.0.113.0/24', 'reserved'),
  v4('224.0.0.0/4', 'multicast'),
  v4('255.255.255.255/32', 'broadcast'),
  v4('240.0.0.0/4', 'reserved'),
];

/**
 * IPv6 ranges that are not the public internet. Some embed an IPv4 address but are refused
 * whole, whatever it is: IPv4-compatible and SIIT are deprecated and routed nowhere public,
 * local-use NAT64 translates into the operator's own networks, and Teredo hides its client's
 * IPv4 address (XORed), so what it reaches cannot be judged. The other forms that carry an
 * IPv4 address are judged by it (see {@link embeddedIPv4}).
 */
const IPV6_RANGES: readonly Range[] = [
  v6('::/128', 'unspecified'),
  v6('::1/128', 'loopback'),
  v6('::/96', 'reserved'), // IPv4-compatible ::a.b.c.d (deprecated)
  v6('::ffff:0:0:0/96', 'reserved'), // SIIT IPv4-translated ::ffff:0:a.b.c.d (RFC 2765, deprecated)
  v6('64:ff9b:1::/48', 'reserved'), // local-use NAT64
  v6('100::/64', 'reserved'), // discard-only
  v6('2001::/32', 'reserved'), // Teredo
  v6('2001:db8::/32', 'reserved'), // documentation
  v6('fc00::/7', 'unique-local'),
  v6('fe80::/10', 'link-local'),
  v6('fec0::/10', 'link-local'), // site-local (deprecated)
  v6('ff00::/8', 'multicast'),
];

function inRange(bytes: readonly number[], range: Range): boolean {
  let bits = range.prefix;
  for (let index = 0; bits > 0; index++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((bytes[index]! & mask) !== (range.bytes[index]! & mask)) return false;
  }
  return true;
}

/** Parses an IPv6 address (with `::`, a trailing dotted quad, a zone `%eth0`) into 16 bytes; null if it is none. */
export function parseIPv6(text: string): number[] | null {
  const address = text.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (!isIPv6(address)) return null;
  let head = address;
  const tail: number[] = [];
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (quad) {
    head = address.slice(0, -quad[1]!.length);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
    tail.push(...quad[1]!.split('.').map(Number));
  }
  const groupsOf = (part: string) => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  const [left, right] = head.includes('::') ? head.split('::') : [head, undefined];
  const leftGroups = groupsOf(left!);
  const rightGroups = right === undefined ? [] : groupsOf(right);
  const missing = 8 - tail.length / 2 - leftGroups.length - rightGroups.length;
  const groups = [...leftGroups, ...Array<number>(right === undefined ? 0 : missing).fill(0), ...rightGroups];
  const bytes = groups.flatMap((group) => [group >> 8, group & 0xff]).concat(tail);
  return bytes.length === 16 ? bytes : null;
}

/**
 * The IPv4 address inside an IPv6 one that carries it and is not refused whole: IPv4-mapped,
 * NAT64 well-known prefix, 6to4, ISATAP; or null.
 */
function embeddedIPv4(bytes: readonly number[]): number[] | null {
  const zeros = (from: number, to: number) => bytes.slice(from, to).every((byte) => byte === 0);
  if (zeros(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) return bytes.slice(12); // ::ffff:a.b.c.d
  if (bytes[0] === 0x00 && bytes[1] === 0x64 && bytes[2] === 0xff && bytes[3] === 0x9b && zeros(4, 12)) return bytes.slice(12); // 64:ff9b::/96
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return bytes.slice(2, 6); // 2002::/16 (6to4): 2002:AABB:CCDD::
  // ISATAP interface id under any /64: ::0:5efe:a.b.c.d, or ::200:5efe:a.b.c.d (the u bit set).
  if ((bytes[8]! & ~0x02) === 0 && bytes[9] === 0 && bytes[10] === 0x5e && bytes[11] === 0xfe) return bytes.slice(12);
  return null;
}

function classifyIPv4(bytes: readonly number[]): AddressKind | null {
  return IPV4_RANGES.find((range) => inRange(bytes, range))?.kind ?? null;
}

/**
 * What kind of non-public address `ip` is, or null for a public one. An IPv6 address that
 * carries an IPv4 address (`::ffff:127.0.0.1`, `2002:7f00:1::1`, `…:0:5efe:10.0.0.1`) is
 * refused when the IPv4 address it reaches would be, and also when its own range is.
 * Anything that is not an IP address at all is `reserved`: never connect to what we cannot judge.
 */
export function classifyAddress(ip: string): AddressKind | null {
  if (isIPv4(ip)) return classifyIPv4(ip.split('.').map(Number));
  const bytes = parseIPv6(ip);
  if (!bytes) return 'reserved';
  const inner = embeddedIPv4(bytes);
  const innerKind = inner && classifyIPv4(inner);
  return innerKind ?? IPV6_RANGES.find((range) => inRange(bytes, range))?.kind ?? null;
}
