import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ClientAddresses, addressRateKey, normalizeAddress, parseTrustProxy } from './client-address.ts';

/** A request as the server sees it: the TCP peer and the headers it sent. */
const request = (peer: string, forwardedFor?: string | string[]) =>
  ({
    socket: { remoteAddress: peer },
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  }) as unknown as IncomingMessage;

const addressOf = (trustProxy: string | undefined, peer: string, forwardedFor?: string) =>
  new ClientAddresses(parseTrustProxy(trustProxy)).of(request(peer, forwardedFor));

describe('addressRateKey', () => {
  it('keys IPv6 addresses by their /64: addresses of one subscriber share one key, other networks do not', () => {
    expect(addressRateKey('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(addressRateKey('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(addressRateKey('2001:0DB8:0001:0002:0:0:0:5')).toBe('2001:db8:1:2::/64');
    expect(addressRateKey('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(addressRateKey('::1')).toBe('0:0:0:0::/64');
    expect(addressRateKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressRateKey('2001:db8::1.2.3.4')).toBe('2001:db8:0:0::/64');
  });

  it('keys IPv4 and IPv4-mapped IPv6 addresses as the IPv4 address', () => {
    expect(addressRateKey('203.0.113.7')).toBe('203.0.113.7');
    expect(addressRateKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressRateKey('::FFFF:cb00:7107')).toBe('203.0.113.7');
    expect(addressRateKey('0:0:0:0:0:ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('leaves what is no address as it is', () => {
    expect(normalizeAddress('')).toBe('');
    expect(addressRateKey('')).toBe('');
  });
});

describe('parseTrustProxy', () => {
  it('trusts nobody by default', () => {
    for (const raw of [undefined, '', ' ', 'false', '0']) expect(parseTrustProxy(raw)).toBeNull();
  });

  it('takes a hop count or a list of addresses and networks', () => {
    expect(parseTrustProxy('2')).toEqual({ hops: 2 });
    expect(parseTrustProxy('10.0.0.5, 192.168.0.0/16,fd00::/8')).toMatchObject({ listed: ['10.0.0.5', '192.168.0.0/16', 'fd00::/8'] });
  });

  it('refuses true, names that are no address, bad prefixes and absurd hop counts, saying what to write', () => {
    expect(() => parseTrustProxy('true')).toThrow(/would believe any X-Forwarded-For/);
    expect(() => parseTrustProxy('proxy.internal')).toThrow(/"proxy.internal", which is neither an IP address nor a CIDR network/);
    expect(() => parseTrustProxy('10.0.0.0/33')).toThrow(/"10.0.0.0\/33"/);
    expect(() => parseTrustProxy('10.0.0.0/x')).toThrow(/"10.0.0.0\/x"/);
    expect(() => parseTrustProxy('11')).toThrow('TRUST_PROXY must be a hop count from 0 to 10, got "11".');
  });
});

describe('ClientAddresses', () => {
  it('without TRUST_PROXY is the TCP peer, whatever X-Forwarded-For says', () => {
    expect(addressOf(undefined, '198.51.100.1', '203.0.113.9')).toBe('198.51.100.1');
    expect(addressOf(undefined, '::ffff:198.51.100.1')).toBe('198.51.100.1');
  });

  it('with a hop count takes the entry that many proxies from the right, never the leftmost', () => {
    expect(addressOf('1', '10.0.0.1', '203.0.113.9')).toBe('203.0.113.9');
    // The client prepended a lie: the balancer's entry is the rightmost.
    expect(addressOf('1', '10.0.0.1', '1.1.1.1, 203.0.113.9')).toBe('203.0.113.9');
    expect(addressOf('2', '10.0.0.1', '1.1.1.1, 203.0.113.9, 10.0.0.2')).toBe('203.0.113.9');
    // Duplicate headers count as one list, in order.
    expect(new ClientAddresses(parseTrustProxy('1')).of(request('10.0.0.1', ['1.1.1.1', '203.0.113.9']))).toBe('203.0.113.9');
  });

  it('with a hop count and fewer entries stops at the leftmost one there is, or the peer', () => {
    expect(addressOf('2', '10.0.0.1', '203.0.113.9')).toBe('203.0.113.9');
    expect(addressOf('1', '10.0.0.1')).toBe('10.0.0.1');
    expect(addressOf('1', '10.0.0.1', ' , ')).toBe('10.0.0.1');
  });

  it('with a list walks back through trusted proxies only', () => {
    const proxies = '10.0.0.0/8, 2001:db8:ffff::/48';
    expect(addressOf(proxies, '10.0.0.1', '1.1.1.1, 203.0.113.9, 10.0.0.7')).toBe('203.0.113.9');
    expect(addressOf(proxies, '::ffff:10.0.0.1', '203.0.113.9')).toBe('203.0.113.9');
    expect(addressOf(proxies, '2001:db8:ffff::5', '2001:db8:1:2::9')).toBe('2001:db8:1:2::9');
    // A peer that is no listed proxy is the client, whatever it claims.
    expect(addressOf(proxies, '198.51.100.1', '203.0.113.9')).toBe('198.51.100.1');
  });

  it('reads ports, brackets and mapped addresses in entries; a malformed entry stops at the hop that passed it on', () => {
    expect(addressOf('1', '10.0.0.1', '203.0.113.9:5123')).toBe('203.0.113.9');
    expect(addressOf('1', '10.0.0.1', '[2001:db8::7]:443')).toBe('2001:db8::7');
    expect(addressOf('1', '10.0.0.1', '::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(addressOf('1', '10.0.0.1', 'unknown')).toBe('10.0.0.1');
    expect(addressOf('2', '10.0.0.1', 'made-up-key-42, 203.0.113.9')).toBe('203.0.113.9');
  });
});
